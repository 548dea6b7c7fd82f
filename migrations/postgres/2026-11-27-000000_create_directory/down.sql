DROP TABLE appearances;
DROP TABLE releases;
DROP TABLE contact_points;
DROP TABLE people;
DROP TABLE offices;
