-- Sessions end at an absolute time as well as after idleness (session_absolute_hours); the
-- sessions open at the upgrade end at their present idle expiry at the latest.
ALTER TABLE sessions ADD COLUMN absolute_expires_at_ms BIGINT;
UPDATE sessions SET absolute_expires_at_ms = expires_at_ms;

-- One-time, expiring links with which a user chooses a new password (issued by the
-- Secretariat). Only the SHA-256 of a link's token is stored.
CREATE TABLE password_resets (
    token_hash    TEXT    PRIMARY KEY NOT NULL,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);
