DROP TABLE person_photos;
