-- Stored idempotent responses are sealed under the master key (the request's fingerprint and
-- the response body, each bound to its row), and expire (idempotency_retention_hours). The
-- responses stored in clear before this migration are dropped: a retry with one of their keys
-- runs again as a new request.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    user_id       TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    -- Sealed; NULL while a streamed request is still running.
    fingerprint   BLOB,
    status        INTEGER,
    -- Sealed.
    body          BLOB,
    created_at_ms INTEGER  NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at_ms);
