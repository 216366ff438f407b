-- Versions of the procedural profiles made by the governing bodies' decisions (version 1 of
-- each is the preset shipped with Accord). Append-only: a version is never changed or removed;
-- each row names who recorded it and when, and its profile carries every decision that led to
-- it, so the rows are the audit trail of the rules. The key admits one writer per version.
CREATE TABLE profile_versions (
    profile_id        TEXT    NOT NULL,
    version           BIGINT NOT NULL,
    in_force_from_ms  BIGINT NOT NULL,
    profile           TEXT    NOT NULL,
    recorded_by       TEXT    NOT NULL,
    recorded_at_ms    BIGINT NOT NULL,
    PRIMARY KEY (profile_id, version)
);
