-- The folded name, for ranking exact and prefix matches first.
ALTER TABLE offices ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

-- The key of a row's SQLite full-text entry; unused here, kept so both
-- backends have one schema.
ALTER TABLE offices ADD COLUMN search_rowid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN search_rowid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE releases ADD COLUMN search_rowid BIGINT NOT NULL DEFAULT 0;

-- Trigram indexes: LIKE '%fragment%' on search_text uses them for fragments
-- of three characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX offices_search_trgm ON offices USING gin (search_text gin_trgm_ops);
CREATE INDEX people_search_trgm ON people USING gin (search_text gin_trgm_ops);
CREATE INDEX releases_search_trgm ON releases USING gin (search_text gin_trgm_ops);
