ALTER TABLE people DROP COLUMN photo_etag;
