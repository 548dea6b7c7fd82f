DROP INDEX contact_points_source_release_id;
DROP INDEX people_last_seen_in_release_at;
ALTER TABLE people DROP COLUMN last_seen_in_release_at;
ALTER TABLE appearances DROP COLUMN source_release_id;
ALTER TABLE contact_points DROP COLUMN last_seen_in_release_at;
ALTER TABLE contact_points DROP COLUMN source_release_id;
