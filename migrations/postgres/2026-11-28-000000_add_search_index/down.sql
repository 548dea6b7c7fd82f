DROP INDEX releases_search_trgm;
DROP INDEX people_search_trgm;
DROP INDEX offices_search_trgm;
ALTER TABLE releases DROP COLUMN search_rowid;
ALTER TABLE people DROP COLUMN search_rowid;
ALTER TABLE offices DROP COLUMN search_rowid;
ALTER TABLE releases DROP COLUMN name_key;
ALTER TABLE people DROP COLUMN name_key;
ALTER TABLE offices DROP COLUMN name_key;
