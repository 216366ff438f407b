-- Documents filed in channels: metadata only (title and file name sealed under the case key);
-- the encrypted content is in the vault under object_key.

CREATE TABLE documents (
    id                TEXT    PRIMARY KEY,
    case_id           TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    series            TEXT    NOT NULL,
    version           INTEGER NOT NULL,
    title             BLOB    NOT NULL,
    file_name         BLOB    NOT NULL,
    language          TEXT,
    without_prejudice INTEGER NOT NULL,
    translation_of    TEXT,
    media_type        TEXT    NOT NULL,
    size              INTEGER NOT NULL,
    sha256            TEXT    NOT NULL,
    object_key        TEXT    NOT NULL UNIQUE,
    uploaded_by       TEXT    NOT NULL,
    uploaded_at_ms    INTEGER NOT NULL,
    UNIQUE (series, version)
);
CREATE INDEX documents_by_case ON documents (case_id, uploaded_at_ms);
