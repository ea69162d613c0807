-- Privacy and security (issue 16).
-- The strings the person publishing confirmed are not personal names, kept
-- with the names and terms of the last decision so a refresh asks again
-- only about new ones (internal/disclosure).
ALTER TABLE disclosures ADD COLUMN not_names TEXT NULL;
