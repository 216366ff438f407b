-- Institution attestations (Singapore Convention Art. 4(1)(b)(iii)), indexed by their public
-- verification id. The attestation itself is a case event; this table lets the public
-- verification endpoint find it without knowing the case.

CREATE TABLE attestations (
    verification_id TEXT    PRIMARY KEY NOT NULL,
    case_id         TEXT    NOT NULL,
    text_hash       TEXT    NOT NULL,
    document_sha256 TEXT    NOT NULL,
    issued_at_ms    INTEGER NOT NULL
);
