-- Private negotiation inputs: each party's preferences and its answers to proposals, sealed under
-- the case's data key. Kept out of the case log so that nothing about them reaches other parties.

CREATE TABLE negotiation_inputs (
    case_id        TEXT    NOT NULL,
    negotiation_id TEXT    NOT NULL,
    party_id       TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    author         TEXT    NOT NULL,
    updated_at_ms  BIGINT  NOT NULL,
    body           BYTEA   NOT NULL,
    PRIMARY KEY (case_id, negotiation_id, party_id, kind)
);
