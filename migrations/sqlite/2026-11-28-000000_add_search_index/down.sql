DROP TABLE releases_fts;
DROP TABLE people_fts;
DROP TABLE offices_fts;
ALTER TABLE releases DROP COLUMN name_key;
ALTER TABLE people DROP COLUMN name_key;
ALTER TABLE offices DROP COLUMN name_key;
