-- Accord schema, SQLite dialect. Integers are 64-bit; times are epoch milliseconds (UTC);
-- ids are text (UUIDv7); JSON is text.

CREATE TABLE events (
    case_id        TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    event_id       TEXT    NOT NULL UNIQUE,
    recorded_at_ms INTEGER NOT NULL,
    actor          TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    rule_basis     TEXT    NOT NULL,
    visibility     TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE cases (
    case_id          TEXT    PRIMARY KEY NOT NULL,
    reference        TEXT    NOT NULL UNIQUE,
    title            TEXT    NOT NULL,
    dispute_type     TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    head_hash        TEXT    NOT NULL,
    next_action_ms   INTEGER,
    next_deadline_ms INTEGER,
    updated_at_ms    INTEGER NOT NULL,
    case_json        TEXT    NOT NULL
);
CREATE INDEX cases_next_action ON cases (next_action_ms) WHERE next_action_ms IS NOT NULL;
CREATE INDEX cases_queue ON cases (next_deadline_ms, updated_at_ms);

CREATE TABLE case_members (
    user_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (user_id, case_id)
) WITHOUT ROWID;

CREATE TABLE users (
    id            TEXT    PRIMARY KEY NOT NULL,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY NOT NULL,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE idempotency_keys (
    user_id       TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    status        INTEGER,
    body          TEXT,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE exclusion_declarations (
    id                TEXT    PRIMARY KEY NOT NULL,
    state             TEXT    NOT NULL,
    categories        TEXT    NOT NULL,
    text              TEXT    NOT NULL,
    effective_from_ms INTEGER NOT NULL
);
