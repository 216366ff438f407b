-- Notices (docs/NOTIFICATIONS.md): one row per user and source, whose id is derived from both, so
-- a notifier that runs twice stores each notice once and its e-mail keeps one Message-ID.
CREATE TABLE notifications (
    id             TEXT    PRIMARY KEY NOT NULL,
    user_id        TEXT    NOT NULL,
    case_id        TEXT    NOT NULL,
    case_reference TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    topic_json     TEXT    NOT NULL,
    your_turn      BIGINT NOT NULL,
    required       BIGINT NOT NULL,
    created_ms     BIGINT NOT NULL,
    read_ms        BIGINT,
    mail_state     TEXT    NOT NULL,
    mail_attempts  BIGINT NOT NULL,
    mail_next_ms   BIGINT,
    mail_error     TEXT,
    mail_done_ms   BIGINT
);
CREATE INDEX notifications_inbox ON notifications (user_id, created_ms, id);
CREATE INDEX notifications_mail ON notifications (mail_state, mail_next_ms);

-- Where the notifier has got to (the transparency log's index for events).
CREATE TABLE notifier_cursors (
    name     TEXT    PRIMARY KEY NOT NULL,
    position BIGINT NOT NULL
);

-- Each user's e-mail address and mode, and its calendar feed's secret (hashed).
CREATE TABLE notification_preferences (
    user_id              TEXT    PRIMARY KEY NOT NULL,
    email                TEXT,
    mode                 TEXT    NOT NULL,
    calendar_secret_hash TEXT,
    last_digest_day      TEXT,
    updated_ms           BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_preferences_calendar ON notification_preferences (calendar_secret_hash);

-- Messages are not case events: each carries its own mark, set in the transaction that stores
-- its notices. Messages posted before notices existed count as told.
ALTER TABLE messages ADD COLUMN notified BIGINT NOT NULL DEFAULT 0;
UPDATE messages SET notified = 1;
CREATE INDEX messages_to_notify ON messages (posted_at_ms) WHERE notified = 0;
