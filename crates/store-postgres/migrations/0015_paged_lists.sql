-- Every list is read in pages keyed by the last item shown (docs/ARCHITECTURE.md, "Pages of a list"): these indexes
-- serve each page straight from its position, so a page costs the same deep in a long list as
-- at its start.
CREATE INDEX documents_by_channel ON documents (case_id, channel, uploaded_at_ms, id);
CREATE INDEX access_log_by_time ON access_log (at_ms, id);
CREATE INDEX access_log_by_case ON access_log (case_id, at_ms, id);
DROP INDEX access_log_case;
CREATE INDEX cases_by_deadline ON cases (next_deadline_ms, case_id DESC) WHERE next_deadline_ms IS NOT NULL;
CREATE INDEX cases_without_deadline ON cases (case_id) WHERE next_deadline_ms IS NULL;
