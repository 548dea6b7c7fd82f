ALTER TABLE offices DROP COLUMN duty_contact_point_id;
DROP TABLE duty_assignments;
