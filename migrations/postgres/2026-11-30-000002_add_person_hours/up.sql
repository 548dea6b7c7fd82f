-- When a person can be reached: weekly ranges and exceptions, as JSON
-- (see src/reach.rs), read in their office's time zone. NULL: not given.
ALTER TABLE people ADD COLUMN hours TEXT;
