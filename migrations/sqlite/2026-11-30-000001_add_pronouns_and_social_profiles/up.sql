-- How to address a person, and where else they speak: plain fields.
-- social_profiles is a JSON array of {"service", "url"}, like languages.
ALTER TABLE people ADD COLUMN pronouns TEXT;
ALTER TABLE people ADD COLUMN social_profiles TEXT NOT NULL DEFAULT '[]';
