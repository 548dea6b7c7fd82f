-- The folded name, for ranking exact and prefix matches first.
ALTER TABLE offices ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

-- Trigram full-text indexes over search_text, so any substring of three
-- characters or more is found without a scan. The application writes them
-- (src/search) with a rowid derived from the row's id: an external-content
-- table keyed on the implicit rowid would break when VACUUM renumbers it.
CREATE VIRTUAL TABLE offices_fts USING fts5(id UNINDEXED, search_text, tokenize = 'trigram');
CREATE VIRTUAL TABLE people_fts USING fts5(id UNINDEXED, search_text, tokenize = 'trigram');
CREATE VIRTUAL TABLE releases_fts USING fts5(id UNINDEXED, search_text, tokenize = 'trigram');
