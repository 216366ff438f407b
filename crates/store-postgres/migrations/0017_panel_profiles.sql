-- A mediator's entry on the panel the parties choose from: nationality (ISO 3166-1 alpha-2) and
-- working languages, as JSON ({"nationality": "SN", "languages": ["fr", "en"]}), kept by the
-- Secretariat. NULL: nothing recorded beyond the name.
ALTER TABLE users ADD COLUMN panel_profile TEXT;
