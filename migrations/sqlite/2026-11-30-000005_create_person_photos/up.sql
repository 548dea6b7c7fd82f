-- A person's photo: the 400 px square JPEG made from the upload (never the
-- upload itself: its metadata is gone), and its digest for the ETag.
CREATE TABLE person_photos (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (id),
    jpeg BLOB NOT NULL,
    etag TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
