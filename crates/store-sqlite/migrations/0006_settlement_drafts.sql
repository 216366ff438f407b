-- Versions of the settlement draft (without prejudice until approved), sealed under the case key.

CREATE TABLE settlement_drafts (
    case_id       TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    author        TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    text_hash     TEXT    NOT NULL,
    body          BLOB    NOT NULL,
    PRIMARY KEY (case_id, version)
);
