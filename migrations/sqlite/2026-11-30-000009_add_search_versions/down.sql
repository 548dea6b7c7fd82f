DROP INDEX releases_search_seq;
DROP INDEX people_search_seq;
DROP INDEX offices_search_seq;
ALTER TABLE releases DROP COLUMN search_seq;
ALTER TABLE people DROP COLUMN search_seq;
ALTER TABLE offices DROP COLUMN search_seq;
DROP TABLE search_versions;
