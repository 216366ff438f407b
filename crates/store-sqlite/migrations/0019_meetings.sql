-- Meetings of a case (docs/NOTIFICATIONS.md, "Sessions"): a joint session (plenary) or a caucus
-- (caucus:<party>); candidate times, the confirmed time and the sequence number its calendar
-- invitations carry. The agenda, place and interpreters are sealed under the case's key.
CREATE TABLE meetings (
    id            TEXT    PRIMARY KEY NOT NULL,
    case_id       TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    candidates    TEXT    NOT NULL,
    duration_min  INTEGER NOT NULL,
    start_ms      INTEGER,
    sequence      INTEGER NOT NULL,
    details       BLOB    NOT NULL,
    video_link    TEXT,
    created_by    TEXT    NOT NULL,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX meetings_of_case ON meetings (case_id, created_ms);

-- Each invitee's answers to a session's candidate times (JSON, one per candidate) and the zone
-- it answered from (shown beside the times to the others).
CREATE TABLE meeting_answers (
    meeting_id  TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    answers     TEXT    NOT NULL,
    time_zone   TEXT    NOT NULL,
    answered_ms INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
