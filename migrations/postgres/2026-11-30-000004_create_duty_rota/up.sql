-- Who is on duty for an office, instant to instant, and the office's duty
-- line (a press line that is always answered).
CREATE TABLE duty_assignments (
    id TEXT PRIMARY KEY NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    archived_at TIMESTAMPTZ
);
CREATE INDEX duty_assignments_office ON duty_assignments (office_id, ends_at, starts_at);
CREATE INDEX duty_assignments_now ON duty_assignments (ends_at, starts_at);
ALTER TABLE offices ADD COLUMN duty_contact_point_id TEXT;
