-- Search documents in memory (src/search/memory.rs) follow the database
-- through these numbers: every write of a table's documents bumps the
-- table's `seq` and stamps the rows it wrote with it, in the writing
-- transaction. SQLite has one writer at a time, so a reader that sees `seq`
-- sees every row stamped up to it. SQLite only: PostgreSQL searches with
-- pg_trgm and keeps no copy.
CREATE TABLE search_versions (
    name TEXT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL
);
INSERT INTO search_versions (name, seq) VALUES ('offices', 0), ('people', 0), ('releases', 0);
ALTER TABLE offices ADD COLUMN search_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN search_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE releases ADD COLUMN search_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX offices_search_seq ON offices (search_seq);
CREATE INDEX people_search_seq ON people (search_seq);
CREATE INDEX releases_search_seq ON releases (search_seq);
DROP TABLE offices_fts;
DROP TABLE people_fts;
DROP TABLE releases_fts;
DROP INDEX offices_search_rowid;
DROP INDEX people_search_rowid;
DROP INDEX releases_search_rowid;
