-- The folded name, for ranking exact and prefix matches first.
ALTER TABLE offices ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

-- Trigram full-text indexes over search_text, so any substring of three
-- characters or more is found without a scan. Contentless (the text is in
-- the row already); each index row's rowid is the row's search_rowid, which
-- the application derives from the id (src/search). SQLite's implicit rowid
-- would not do: VACUUM may renumber it.
ALTER TABLE offices ADD COLUMN search_rowid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN search_rowid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE releases ADD COLUMN search_rowid BIGINT NOT NULL DEFAULT 0;
-- Covering: ranking the matches (by name_key, then id) reads only the index,
-- and full rows are fetched for the page alone.
CREATE INDEX offices_search_rowid ON offices (search_rowid, archived_at, name_key, id);
CREATE INDEX people_search_rowid ON people (search_rowid, archived_at, name_key, id);
CREATE INDEX releases_search_rowid ON releases (search_rowid, archived_at, name_key, id);
CREATE VIRTUAL TABLE offices_fts USING fts5(search_text, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE people_fts USING fts5(search_text, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE releases_fts USING fts5(search_text, content = '', contentless_delete = 1, tokenize = 'trigram');
