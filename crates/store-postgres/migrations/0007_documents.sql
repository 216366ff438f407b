-- Documents filed in channels: metadata only (title and file name sealed under the case key);
-- the encrypted content is in the vault under object_key.

CREATE TABLE documents (
    id                TEXT    PRIMARY KEY,
    case_id           TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    series            TEXT    NOT NULL,
    version           BIGINT  NOT NULL,
    title             BYTEA   NOT NULL,
    file_name         BYTEA   NOT NULL,
    language          TEXT,
    without_prejudice BIGINT  NOT NULL,
    translation_of    TEXT,
    media_type        TEXT    NOT NULL,
    size              BIGINT  NOT NULL,
    sha256            TEXT    NOT NULL,
    object_key        TEXT    NOT NULL UNIQUE,
    uploaded_by       TEXT    NOT NULL,
    uploaded_at_ms    BIGINT  NOT NULL,
    UNIQUE (series, version)
);
CREATE INDEX documents_by_case ON documents (case_id, uploaded_at_ms);
