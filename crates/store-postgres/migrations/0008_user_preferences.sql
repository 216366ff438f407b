-- Each user's interface preferences: the language of pages and the time zone in which dates and
-- times are shown (IANA name). NULL means "not chosen": the browser's language, and UTC.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;
