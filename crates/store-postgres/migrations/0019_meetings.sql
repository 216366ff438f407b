-- Meetings of a case (docs/NOTIFICATIONS.md, "Sessions"): a joint session (plenary) or a caucus
-- (caucus:<party>); candidate times, the confirmed time and the sequence number its calendar
-- invitations carry. The agenda, place and interpreters are sealed under the case's key.
CREATE TABLE meetings (
    id            TEXT    PRIMARY KEY NOT NULL,
    case_id       TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    candidates    TEXT    NOT NULL,
    duration_min  BIGINT NOT NULL,
    start_ms      BIGINT,
    sequence      BIGINT NOT NULL,
    details       BYTEA    NOT NULL,
    video_link    TEXT,
    created_by    TEXT    NOT NULL,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL,
    version       BIGINT NOT NULL
);
CREATE INDEX meetings_of_case ON meetings (case_id, created_ms);

-- Each invitee's answers to a session's candidate times (JSON, one per candidate) and the zone
-- it answered from (shown beside the times to the others).
CREATE TABLE meeting_answers (
    meeting_id  TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    answers     TEXT    NOT NULL,
    time_zone   TEXT    NOT NULL,
    answered_ms BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
