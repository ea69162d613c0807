-- Each notification links to the page where the thing it tells of is done
-- (/cases/{id} for staff, /agency/letters/{id} for the recipient agency),
-- computed per recipient when the notification is made (internal/notify).
-- Rows made before have none; the inbox computes theirs when it lists them.
ALTER TABLE notifications ADD COLUMN link VARCHAR(300) NULL;
