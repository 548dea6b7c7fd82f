-- An office's hours (src/reach.rs), in its own time zone; people without
-- hours of their own are read with their office's.
ALTER TABLE offices ADD COLUMN hours TEXT;
