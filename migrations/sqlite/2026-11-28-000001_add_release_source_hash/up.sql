-- Digest of a release's folded text, so that ingesting the same text again
-- finds the release instead of writing it twice.
ALTER TABLE releases ADD COLUMN source_hash TEXT;
CREATE INDEX releases_source_hash ON releases (source_hash);
