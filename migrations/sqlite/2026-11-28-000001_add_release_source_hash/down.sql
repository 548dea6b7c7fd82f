DROP INDEX releases_source_hash;
ALTER TABLE releases DROP COLUMN source_hash;
