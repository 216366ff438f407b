-- The case list is read along `cases_by_deadline` and `cases_without_deadline` (0015). The older
-- `cases_queue` index served the list's first ordering; left in place, it led SQLite to read
-- every case without a deadline and sort them for each page deep in that part of the list.
DROP INDEX cases_queue;
