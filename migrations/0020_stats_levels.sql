-- Issue 18, statistics at province scale (docs/scale.md §8).
--
-- The tables are stored in key order (the CLUSTERED placeholder: WITHOUT ROWID on
-- SQLite, as InnoDB stores every table), so a request reads each
-- procuratorate's rows of its level from a few adjacent pages.
--
-- stats_case_counts kept a row per (procuratorate, department, field, state,
-- source, 制发 month, 立案) — about one per case — so a province request read
-- them all. Its replacement keeps each count as the statistics read it:
-- one dimension per row (dim: state, source, field or month; dkey its value)
-- at four levels of the filters the statistics have — department_id 0 =
-- every department, field '' = every field — so a request reads the rows of
-- its own level only: the province's counts by state are one row per
-- procuratorate and state. Months are kept at three levels (not per
-- department and field at once: a request with both filters counts its few
-- cases' months from the rows). n = cases, issued = of them issued (制发),
-- filed = of them filed (立案, a case number).
DROP TABLE stats_case_counts;
CREATE TABLE stats_counts (
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	dim VARCHAR(10) NOT NULL,
	dkey VARCHAR(50) NOT NULL,
	n BIGINT NOT NULL,
	issued BIGINT NOT NULL,
	filed BIGINT NOT NULL,
	PRIMARY KEY (procuratorate_id, department_id, field, dim, dkey)
){{CLUSTERED}};

-- The sums of stats_rollup at the same levels, agency_id -1 = every agency;
-- and per agency over every department and field (department_id 0, field
-- ''), for the non-responders, the public agency table and an agency filter.
CREATE TABLE stats_rollup_sums (
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
	pub_received BIGINT NOT NULL DEFAULT 0,
	pub_reply_due BIGINT NOT NULL DEFAULT 0,
	pub_on_time BIGINT NOT NULL DEFAULT 0,
	pub_late BIGINT NOT NULL DEFAULT 0,
	pub_no_reply BIGINT NOT NULL DEFAULT 0,
	pub_perfunctory BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (procuratorate_id, department_id, field, agency_id)
){{CLUSTERED}};
CREATE INDEX ix_stats_rollup_sums_agency ON stats_rollup_sums (department_id, field, agency_id);

-- The citizen-application figures of each procuratorate as of
-- stats_rollup_state.as_of (ApplicationTally), and the first day they may
-- change without an action (an answer falling due).
CREATE TABLE stats_application_counts (
	procuratorate_id BIGINT NOT NULL PRIMARY KEY,
	received BIGINT NOT NULL,
	answers_due BIGINT NOT NULL,
	answered_on_time BIGINT NOT NULL,
	accepted BIGINT NOT NULL,
	declined BIGINT NOT NULL,
	transferred BIGINT NOT NULL,
	pending BIGINT NOT NULL,
	became_lead BIGINT NOT NULL,
	became_case BIGINT NOT NULL,
	next_change_on VARCHAR(10) NULL
){{CLUSTERED}};
CREATE INDEX ix_stats_application_counts_next ON stats_application_counts (next_change_on);
-- A case's filing changes its application's figures: find it by case.
CREATE INDEX ix_applications_case ON applications (case_id);

-- Rebuild everything at the next catch-up (at start).
UPDATE stats_rollup_state SET as_of = '', audit_id = 0 WHERE id = 1;
