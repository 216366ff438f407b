# Documents Accord renders to PDF (crates/documents). Arguments arrive pre-formatted:
# dates as YYYY-MM-DD, lists joined, hashes in hexadecimal.

## Titles
doc-title-settlement-agreement = Settlement Agreement
doc-title-acknowledgement = Acknowledgement of the Request for Mediation
doc-title-invitation = Invitation to Mediate
doc-title-notice-of-registration = Notice of Registration
doc-title-declaration-of-independence = Mediator's Declaration of Independence and Impartiality
doc-title-certificate-of-mediation = Mediator's Certificate of Mediation
doc-title-attestation = Attestation of the Administering Institution
doc-title-case-file-index = Index of the Case File
doc-title-termination-record = Record of Termination of the Mediation

## Labels
doc-reference = Case reference
doc-date = Date
doc-parties = Parties
doc-signatures = Signatures
doc-signed = Signed electronically on
doc-page = Page
doc-hash = SHA-256 of the content
doc-steps = Procedural steps

## Acknowledgement of the request (D2)
doc-acknowledgement-p1 = The Secretariat acknowledges receipt, on { $received }, of the request for mediation filed by { $requesting } concerning a dispute with { $respondents }.
doc-acknowledgement-p2 = The request bears the case reference { $reference }. It will now be examined for scope and completeness; this acknowledgement does not mean that the mediation has commenced.

## Invitation to mediate (D3)
doc-invitation-p1 = { $requesting } has requested mediation of the dispute “{ $title }” under the rules administered by the institution.
doc-invitation-p2 = This invitation is addressed to: { $invited }. Each party invited is asked to state, by { $due }, whether it agrees to take part in the mediation. If no answer is received by that date, the invitation may be treated as rejected.

## Notice of registration (D7)
doc-notice-of-registration-p1 = The request for mediation between { $parties } has been registered as case { $reference }.
doc-notice-of-registration-p2 = The mediation commenced on { $commenced }. The parties will next agree on the number of mediators and their appointment under the applicable rules.

## Mediator's declaration (D10)
doc-declaration-of-independence-p1 = { $mediator } accepted appointment as mediator in case { $reference } on { $accepted }, and declares that they are independent of and impartial towards the parties, available to conduct the mediation with due diligence, and bound to keep it confidential.
doc-declaration-of-independence-p2 = { $disclosed ->
    [none] No circumstances likely to give rise to doubts about the mediator's independence or impartiality were disclosed.
   *[some] The mediator disclosed the following circumstances:
}

## Mediator's certificate of mediation (D21)
doc-certificate-of-mediation-p1 = { $mediator } certifies, as mediator, that the mediation in case { $reference } between { $parties } was carried out under the administration of the institution, from its commencement on { $commenced } to its termination on { $terminated }.
doc-certificate-of-mediation-p2 = The settlement agreement whose final text has the SHA-256 value { $text_hash } resulted from this mediation and was signed by the parties.
doc-certificate-of-mediation-p3 = The mediator made this statement with an electronic signature on { $signed_at }, using the key { $public_key }; the signed statement is part of the enforcement package.

## Attestation of the institution (D22)
doc-attestation-p1 = The administering institution attests that the settlement agreement whose final text has the SHA-256 value { $text_hash } resulted from the mediation it administered in case { $reference } between { $parties }, conducted by { $mediators }, and that it was signed by the parties and countersigned by the mediator.
doc-attestation-p2 = Verification ID: { $verification_id }. Anyone holding the agreement or this attestation can check it against this ID at { $verify_url }.
doc-attestation-p3 = This attestation was issued on { $issued } and sealed with the institution's Ed25519 key { $institution_key }.

## Record of termination (D23)
doc-termination-record-p1 = The mediation in case { $reference } between { $parties } terminated on { $effective }.
doc-termination-record-p2 = Ground of termination: { $ground ->
    [settled] the parties signed a settlement agreement.
    [partially-settled] the parties signed a settlement agreement on part of the dispute. The following issues remain unsettled: { $unsettled_issues }.
    [mediator-declaration] the mediator declared that further efforts at mediation were no longer justified.
    [joint-declaration] the parties jointly declared the mediation terminated.
    [party-withdrawal] a party withdrew from the mediation.
    [nonpayment] a deposit remained unpaid.
    [no-appointment] no step towards the appointment of a mediator was taken within the period allowed.
   *[time-limit-expired] the agreed time limit of the mediation expired.
}
doc-termination-record-p3 = The information exchanged in the mediation remains confidential under the applicable rules and any agreement of the parties; this record states procedural facts only.
doc-step = { $step ->
    [filed] Request for mediation received
    [registered] Mediation commenced (registration)
    [appointed] Mediator appointed
    [first-session] First session held
    [settlement-signed] Settlement agreement signed by the parties
    [countersigned] Settlement agreement countersigned by the mediator
   *[terminated] Mediation terminated
}

## Settlement agreement (D20): recital, structured terms, language versions
doc-agreement-recital = This settlement agreement resulted from the mediation administered by the institution in case { $reference }.
doc-agreement-terms = Terms
doc-agreement-obligation = { $party }: { $description }
doc-agreement-amount = Amount: { $amount } { $currency }
doc-agreement-due = Due by { $due }
doc-agreement-governing-law = Governing law: { $governing_law }
doc-agreement-disputes = Disputes about this agreement: { $dispute_clause }
doc-agreement-confidentiality = Confidentiality: { $confidentiality }
doc-agreement-permitted = Permitted disclosure: { $permitted_disclosure }
doc-agreement-clauses = Further clauses
doc-agreement-settled-issues = The issues this agreement settles: { $issues }.
doc-agreement-unsettled-issues = The following issues are not settled by this agreement and remain in dispute: { $issues }.
doc-agreement-singapore = The parties agree that the United Nations Convention on International Settlement Agreements Resulting from Mediation (Singapore Convention on Mediation) applies to this settlement agreement.
doc-agreement-outside-convention = The Singapore Convention on Mediation does not apply to this settlement agreement: { $outside_convention }.
doc-agreement-languages = This agreement is made in the following language versions: { $languages }. In case of divergence between them, the version in the following language prevails: { $authoritative }.
doc-agreement-languages-equal = This agreement is made in the following language versions: { $languages }, each text being equally authentic.

## Language names
language-en = English
language-zh-Hans = Chinese (Simplified)
language-zh-Hant = Chinese (Traditional)
language-fr = French
language-ar = Arabic
language-ru = Russian
language-es = Spanish

## Index of a case-file export
doc-case-file-index-p1 = Case file of case { $reference }, generated on { $generated } for user { $user }.
doc-case-file-index-p2 = { $purpose ->
    [other-proceedings] For other proceedings: without-prejudice material, caucus items, the mediator's notes and internal workspaces are omitted.
   *[case-file] Everything the requesting user may see in this case.
}
doc-contents = Contents
