-- Channels and messages (bodies sealed under the case's data key), relays, the access audit,
-- wrapped case keys, and sign-in failures for throttling.

CREATE TABLE messages (
    id                TEXT    PRIMARY KEY NOT NULL,
    case_id           TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    author            TEXT    NOT NULL,
    posted_at_ms      INTEGER NOT NULL,
    without_prejudice INTEGER NOT NULL,
    confidential      INTEGER NOT NULL,
    relay_json        TEXT,
    body              BLOB    NOT NULL,
    size              INTEGER NOT NULL,
    UNIQUE (case_id, channel, seq)
);

CREATE TABLE relays (
    id                TEXT    PRIMARY KEY NOT NULL,
    case_id           TEXT    NOT NULL,
    source_channel    TEXT    NOT NULL,
    source_message_id TEXT    NOT NULL,
    target_channel    TEXT    NOT NULL,
    excerpt           BLOB    NOT NULL,
    proposed_by       TEXT    NOT NULL,
    proposed_at_ms    INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    decided_by        TEXT,
    decided_at_ms     INTEGER,
    message_id        TEXT
);
CREATE INDEX relays_case ON relays (case_id);

CREATE TABLE access_log (
    id      TEXT    PRIMARY KEY NOT NULL,
    at_ms   INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    case_id TEXT    NOT NULL,
    object  TEXT    NOT NULL,
    kind    TEXT    NOT NULL
);
CREATE INDEX access_log_case ON access_log (case_id, at_ms);

CREATE TABLE case_keys (
    case_id TEXT PRIMARY KEY NOT NULL,
    wrapped BLOB NOT NULL
);

CREATE TABLE login_failures (
    key   TEXT    NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at_ms);

-- Second factor and session hardening.
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN second_factor_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN reauth_at_ms INTEGER;
ALTER TABLE sessions ADD COLUMN csrf_token TEXT NOT NULL DEFAULT '';
