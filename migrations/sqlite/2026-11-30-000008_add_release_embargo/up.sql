-- Embargoes (src/releases): a release with a publish_at in the future is
-- seen only by keys with read:embargoed until then. published_event_at
-- records when its release.published event was written (once); releases
-- already here count as published.
ALTER TABLE releases ADD COLUMN publish_at TIMESTAMP;
ALTER TABLE releases ADD COLUMN embargo_note TEXT;
ALTER TABLE releases ADD COLUMN published_event_at TIMESTAMP;
UPDATE releases SET published_event_at = created_at;
CREATE INDEX releases_publish_due ON releases (published_event_at, publish_at);
