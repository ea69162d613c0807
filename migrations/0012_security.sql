-- Privacy and security (issue 16).
-- The strings the person publishing confirmed are not personal names, kept
-- with the names and terms of the last decision so a refresh asks again
-- only about new ones (internal/disclosure).
ALTER TABLE disclosures ADD COLUMN not_names TEXT NULL;

-- Agency isolation by delivery (internal/cases policy.go): an agency reads a
-- case while the current letter was delivered to it, and afterwards only the
-- records it submitted or was served. delivered_agency_id is the agency the
-- current delivered_on was served on; re-addressing a delivered case keeps it
-- (the new recipient waits for its own delivery).
ALTER TABLE cases ADD COLUMN delivered_agency_id BIGINT NULL;
UPDATE cases SET delivered_agency_id = agency_id WHERE delivered_on IS NOT NULL;
ALTER TABLE case_deliveries ADD COLUMN agency_id BIGINT NULL;
UPDATE case_deliveries SET agency_id = (SELECT c.agency_id FROM cases c WHERE c.id = case_deliveries.case_id);
CREATE INDEX ix_case_deliveries_agency ON case_deliveries (case_id, agency_id);
-- Each agency record belongs to the agency that submitted it or was served
-- with it; rows written before are given the submitter's agency, else the
-- case's.
ALTER TABLE objections ADD COLUMN agency_id BIGINT NULL;
UPDATE objections SET agency_id = COALESCE((SELECT u.agency_id FROM users u WHERE u.id = objections.raised_by),
	(SELECT c.agency_id FROM cases c WHERE c.id = objections.case_id));
ALTER TABLE extension_requests ADD COLUMN agency_id BIGINT NULL;
UPDATE extension_requests SET agency_id = COALESCE((SELECT u.agency_id FROM users u WHERE u.id = extension_requests.requested_by),
	(SELECT c.agency_id FROM cases c WHERE c.id = extension_requests.case_id));
ALTER TABLE replies ADD COLUMN agency_id BIGINT NULL;
UPDATE replies SET agency_id = COALESCE((SELECT u.agency_id FROM users u WHERE u.id = replies.submitted_by),
	(SELECT c.agency_id FROM cases c WHERE c.id = replies.case_id));
ALTER TABLE follow_ups ADD COLUMN agency_id BIGINT NULL;
UPDATE follow_ups SET agency_id = (SELECT c.agency_id FROM cases c WHERE c.id = follow_ups.case_id);
ALTER TABLE progress_reports ADD COLUMN agency_id BIGINT NULL;
UPDATE progress_reports SET agency_id = (SELECT c.agency_id FROM cases c WHERE c.id = progress_reports.case_id);
ALTER TABLE escalations ADD COLUMN agency_id BIGINT NULL;
UPDATE escalations SET agency_id = (SELECT c.agency_id FROM cases c WHERE c.id = escalations.case_id);

-- Throttling without lock-out (internal/org LoginPolicy): the one row per
-- burst of throttled tries, and usernames compared in lower case on every
-- database (MariaDB's collation ignores case and trailing spaces, SQLite's
-- does not).
ALTER TABLE login_attempts ADD COLUMN throttled BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX ix_login_attempts_user_ip ON login_attempts (username, ip, created_at);
UPDATE users SET username = LOWER(username);
UPDATE login_attempts SET username = LOWER(username);
