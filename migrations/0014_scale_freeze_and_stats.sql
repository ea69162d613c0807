-- Issue 18 phase 2 (docs/scale.md).
--
-- Generated documents are stored with an insert-if-absent on this unique
-- key, so concurrent first downloads of a letter never freeze it twice and —
-- with no locking read before the insert — downloads of different letters
-- never wait for each other's gap locks. Uploads leave generated_sha256 NULL
-- (NULLs never collide), and copies stored before this migration keep NULL:
-- the service reads them before it inserts, so they are never duplicated.
ALTER TABLE stored_files ADD COLUMN generated_sha256 VARCHAR(64) NULL;
CREATE UNIQUE INDEX ux_stored_files_generated ON stored_files (owner_type, owner_id, generated_sha256);

-- Statistics from maintained aggregates (internal/stats rollup.go). Each row
-- is the tally, by the definitions of facts.go and tally.go as of
-- stats_rollup_state.as_of, of the issued recommendations of one
-- (procuratorate, department, field, agency); agency_id 0 = none.
CREATE TABLE stats_rollup (
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	agency_id BIGINT NOT NULL,
	issued BIGINT NOT NULL DEFAULT 0,
	reply_due BIGINT NOT NULL DEFAULT 0,
	awaiting BIGINT NOT NULL DEFAULT 0,
	on_time BIGINT NOT NULL DEFAULT 0,
	late BIGINT NOT NULL DEFAULT 0,
	no_reply BIGINT NOT NULL DEFAULT 0,
	perfunctory BIGINT NOT NULL DEFAULT 0,
	days_to_reply_sum BIGINT NOT NULL DEFAULT 0,
	pos_adopted BIGINT NOT NULL DEFAULT 0,
	pos_partly_adopted BIGINT NOT NULL DEFAULT 0,
	pos_not_adopted BIGINT NOT NULL DEFAULT 0,
	rect_rectified BIGINT NOT NULL DEFAULT 0,
	rect_partly_rectified BIGINT NOT NULL DEFAULT 0,
	rect_not_rectified BIGINT NOT NULL DEFAULT 0,
	delivered BIGINT NOT NULL DEFAULT 0,
	announced BIGINT NOT NULL DEFAULT 0,
	filings_due BIGINT NOT NULL DEFAULT 0,
	filings_on_time BIGINT NOT NULL DEFAULT 0,
	esc_higher BIGINT NOT NULL DEFAULT 0,
	esc_regulator BIGINT NOT NULL DEFAULT 0,
	esc_congress BIGINT NOT NULL DEFAULT 0,
	esc_discipline BIGINT NOT NULL DEFAULT 0,
	esc_litigation BIGINT NOT NULL DEFAULT 0,
	res_higher BIGINT NOT NULL DEFAULT 0,
	res_regulator BIGINT NOT NULL DEFAULT 0,
	res_congress BIGINT NOT NULL DEFAULT 0,
	res_discipline BIGINT NOT NULL DEFAULT 0,
	res_litigation BIGINT NOT NULL DEFAULT 0,
	escalated_cases BIGINT NOT NULL DEFAULT 0,
	public_interest BIGINT NOT NULL DEFAULT 0,
	closed BIGINT NOT NULL DEFAULT 0,
	handling_days_sum BIGINT NOT NULL DEFAULT 0,
	-- The public agency table's figures: recommendations not involving state
	-- secrets, received = issued and not withdrawn.
	pub_received BIGINT NOT NULL DEFAULT 0,
	pub_reply_due BIGINT NOT NULL DEFAULT 0,
	pub_on_time BIGINT NOT NULL DEFAULT 0,
	pub_late BIGINT NOT NULL DEFAULT 0,
	pub_no_reply BIGINT NOT NULL DEFAULT 0,
	pub_perfunctory BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (procuratorate_id, department_id, field, agency_id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_stats_rollup_agency ON stats_rollup (agency_id, no_reply);

-- Counts of every case (issued or not) by state, source, 制发 month
-- ('' = not issued) and whether it was filed (立案, a case number given).
CREATE TABLE stats_case_counts (
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	state VARCHAR(20) NOT NULL,
	source VARCHAR(30) NOT NULL,
	issued_month VARCHAR(7) NOT NULL,
	filed BOOLEAN NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (procuratorate_id, department_id, field, state, source, issued_month, filed)
){{TABLE_OPTIONS}};

-- Which rollup group each case was last counted in, and the first day its
-- contribution may change without any action (a reply falling due, …).
CREATE TABLE stats_case_groups (
	case_id BIGINT NOT NULL PRIMARY KEY,
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	agency_id BIGINT NOT NULL,
	next_change_on VARCHAR(10) NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_stats_case_groups_next ON stats_case_groups (next_change_on);

-- The watermark: the rollup counts every audit entry up to audit_id, as of
-- the day as_of ('' = never built).
CREATE TABLE stats_rollup_state (
	id INTEGER NOT NULL PRIMARY KEY,
	audit_id BIGINT NOT NULL,
	as_of VARCHAR(10) NOT NULL,
	built_at DATETIME(6) NULL
){{TABLE_OPTIONS}};
INSERT INTO stats_rollup_state (id, audit_id, as_of) VALUES (1, 0, '');
