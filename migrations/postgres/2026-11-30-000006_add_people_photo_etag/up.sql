-- The digest of a person's photo beside the person, so that reading people
-- (every list, search hit and page) needs no second query for photo urls.
-- Written only by the photo's own write functions (src/people/photo.rs).
ALTER TABLE people ADD COLUMN photo_etag TEXT;
UPDATE people SET photo_etag = (
    SELECT etag FROM person_photos WHERE person_photos.person_id = people.id
);
