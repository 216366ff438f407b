-- The transparency log: event hashes in the order the sequencer admitted them (dense indices
-- from 0), and the institution's signing keys (secret sealed under the master key).

CREATE TABLE log_entries (
    idx        BIGINT  PRIMARY KEY NOT NULL,
    case_id    TEXT    NOT NULL,
    seq        BIGINT  NOT NULL,
    event_hash TEXT    NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE institution_keys (
    name          TEXT    PRIMARY KEY NOT NULL,
    public_key    BYTEA   NOT NULL,
    sealed_secret BYTEA   NOT NULL,
    created_at_ms BIGINT  NOT NULL
);
