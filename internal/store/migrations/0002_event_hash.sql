-- events.hash: the SHA-256 (hex) of the body, so that Ingest can write a
-- batch's events in one statement and map the returned ids back.
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
