DROP INDEX releases_publish_due;
ALTER TABLE releases DROP COLUMN published_event_at;
ALTER TABLE releases DROP COLUMN embargo_note;
ALTER TABLE releases DROP COLUMN publish_at;
