-- Provenance and freshness, which only ingestion can know: the release a
-- contact point or appearance was read from, and when a release last
-- confirmed a person or a number. No foreign key to releases: an import
-- may bring contact points before their releases, and an archived release
-- is still where the number came from.
ALTER TABLE contact_points ADD COLUMN source_release_id TEXT;
ALTER TABLE contact_points ADD COLUMN last_seen_in_release_at TIMESTAMP;
ALTER TABLE appearances ADD COLUMN source_release_id TEXT;
ALTER TABLE people ADD COLUMN last_seen_in_release_at TIMESTAMP;
CREATE INDEX people_last_seen_in_release_at ON people (last_seen_in_release_at, id);
CREATE INDEX contact_points_source_release_id ON contact_points (source_release_id);
