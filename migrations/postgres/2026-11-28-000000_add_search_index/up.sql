-- The folded name, for ranking exact and prefix matches first.
ALTER TABLE offices ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

-- Trigram indexes: LIKE '%fragment%' on search_text uses them for fragments
-- of three characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX offices_search_trgm ON offices USING gin (search_text gin_trgm_ops);
CREATE INDEX people_search_trgm ON people USING gin (search_text gin_trgm_ops);
CREATE INDEX releases_search_trgm ON releases USING gin (search_text gin_trgm_ops);
