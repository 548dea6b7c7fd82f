ALTER TABLE people DROP COLUMN social_profiles;
ALTER TABLE people DROP COLUMN pronouns;
