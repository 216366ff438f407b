# Pages of the web interface (crates/web).

## Common
web-skip = Skip to the content
web-rehearsal-clock = Rehearsal server: the clock is set by the operator and reads { $now }. Nothing done here is a real procedure.
web-language = Language
web-institution = Administered mediation

## Public verification page
verify-title = Verify a document
verify-intro = Check whether a document is a settlement agreement or an attestation issued by the institution. Nothing else about the case is shown.
verify-id = Verification ID
verify-id-hint = Printed on the attestation, for example 0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9.
verify-hash = SHA-256 value of the document
verify-hash-hint = 64 hexadecimal digits. The value of the agreement is printed at the foot of each page of the agreement; for a file from the enforcement package, compute it with a tool such as sha256sum.
verify-submit = Verify
verify-match = Match: this is the { $document ->
    [attestation] attestation
   *[settlement-agreement] settlement agreement
} attested under this verification ID on { $date }.
verify-no-match = No match: the value given is not that of a document attested under this verification ID. Check both, character by character.
verify-error-id = Enter the verification ID.
verify-error-hash = Enter the SHA-256 value as 64 hexadecimal digits (0–9, a–f).
verify-result = Result
