-- Citizens and the public: citizen applications (公民申请) with their answers
-- and materials, database-held rate limits, and the published disclosures
-- (公开) stored redacted at decision time.

CREATE TABLE applications (
	id {{ID}},
	tracking_no VARCHAR(24) NOT NULL,
	secret_hash VARCHAR(64) NOT NULL,
	procuratorate_id BIGINT NOT NULL,
	applicant_name VARCHAR(50) NOT NULL,
	id_type VARCHAR(20) NOT NULL,
	id_number VARCHAR(32) NOT NULL,
	id_number_hash VARCHAR(64) NOT NULL,
	phone VARCHAR(30) NOT NULL,
	problem TEXT NOT NULL,
	place VARCHAR(200) NOT NULL,
	agency_name VARCHAR(200) NOT NULL DEFAULT '',
	agency_id BIGINT NULL,
	status VARCHAR(30) NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	submitted_on VARCHAR(10) NOT NULL,
	answer_due VARCHAR(10) NOT NULL,
	answer_due_explanation TEXT NOT NULL,
	answered_on VARCHAR(10) NULL,
	answer_kind VARCHAR(30) NOT NULL DEFAULT '',
	transferred_to VARCHAR(200) NOT NULL DEFAULT '',
	result_due VARCHAR(10) NULL,
	next_update_due VARCHAR(10) NULL,
	decided_on VARCHAR(10) NULL,
	decision VARCHAR(20) NOT NULL DEFAULT '',
	decision_reasons TEXT NOT NULL,
	case_id BIGINT NULL,
	duplicate_of BIGINT NULL,
	duplicate_score INTEGER NOT NULL DEFAULT 0,
	client_ip VARCHAR(64) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_applications_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id),
	CONSTRAINT fk_applications_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_applications_tracking ON applications (tracking_no);
CREATE INDEX ix_applications_proc ON applications (procuratorate_id, status, id);
CREATE INDEX ix_applications_idhash ON applications (id_number_hash, created_at);
CREATE INDEX ix_applications_answer_due ON applications (status, answer_due);
CREATE INDEX ix_applications_update_due ON applications (status, next_update_due);

-- What the applicant is told, with the date: procedural answers, decisions,
-- progress updates and receipts of supplementary material.
CREATE TABLE application_answers (
	id {{ID}},
	application_id BIGINT NOT NULL,
	kind VARCHAR(30) NOT NULL,
	text TEXT NOT NULL,
	given_on VARCHAR(10) NOT NULL,
	actor_id BIGINT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_application_answers_app FOREIGN KEY (application_id) REFERENCES applications (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_application_answers_app ON application_answers (application_id, id);

-- Fixed-window counters shared by every replica: one row per key and window.
CREATE TABLE rate_limits (
	bucket VARCHAR(120) NOT NULL,
	window_start BIGINT NOT NULL,
	hits INTEGER NOT NULL,
	PRIMARY KEY (bucket, window_start)
){{TABLE_OPTIONS}};
CREATE INDEX ix_rate_limits_window ON rate_limits (window_start);

-- One published item per case, redacted when the decision was taken.
CREATE TABLE disclosures (
	id {{ID}},
	case_id BIGINT NOT NULL,
	status VARCHAR(20) NOT NULL,
	revision INTEGER NOT NULL DEFAULT 1,
	procuratorate_id BIGINT NOT NULL,
	procuratorate_name VARCHAR(100) NOT NULL,
	field VARCHAR(50) NOT NULL,
	agency_id BIGINT NULL,
	agency_name VARCHAR(200) NOT NULL,
	document_number VARCHAR(64) NOT NULL,
	title VARCHAR(255) NOT NULL,
	pub_year INTEGER NOT NULL,
	issued_on VARCHAR(10) NOT NULL,
	delivered_on VARCHAR(10) NULL,
	reply_due VARCHAR(10) NULL,
	replied_on VARCHAR(10) NULL,
	reply_class VARCHAR(20) NOT NULL DEFAULT '',
	rectification VARCHAR(20) NOT NULL DEFAULT '',
	summary VARCHAR(500) NOT NULL,
	recommendation_text {{LONGTEXT}} NOT NULL,
	replies_json {{LONGTEXT}} NOT NULL,
	pdf_file_id BIGINT NULL,
	pdf_sha256 VARCHAR(64) NOT NULL DEFAULT '',
	person_names TEXT NOT NULL,
	extra_terms TEXT NOT NULL,
	withdraw_reason VARCHAR(500) NOT NULL DEFAULT '',
	published_by BIGINT NOT NULL,
	published_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	withdrawn_at DATETIME(6) NULL,
	CONSTRAINT fk_disclosures_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_disclosures_case ON disclosures (case_id);
CREATE INDEX ix_disclosures_feed ON disclosures (status, id);
CREATE INDEX ix_disclosures_proc ON disclosures (status, procuratorate_id, id);
CREATE INDEX ix_disclosures_agency ON disclosures (status, agency_id, id);
CREATE INDEX ix_disclosures_field ON disclosures (status, field, id);
CREATE INDEX ix_disclosures_year ON disclosures (status, pub_year, id);
-- Unreplied items in feed order: the "overdue" and "awaiting" filters walk
-- only these instead of the whole feed, checking the due date in the index.
CREATE INDEX ix_disclosures_reply ON disclosures (status, replied_on, id, reply_due);

-- A single row whose revision moves on every publish, refresh or withdrawal:
-- the feed's ETag and Last-Modified come from it without scanning the feed.
CREATE TABLE disclosure_feed (
	id BIGINT NOT NULL PRIMARY KEY,
	revision BIGINT NOT NULL,
	updated_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
INSERT INTO disclosure_feed (id, revision, updated_at) VALUES (1, 0, '2026-01-01 00:00:00');
