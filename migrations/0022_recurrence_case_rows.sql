-- Issue 15, the recurrence analysis at province scale (docs/search.md).
--
-- stats_case_groups kept, per issued recommendation, the rollup group it was
-- counted in and the first day its contribution may change. It now keeps
-- what the recurrence analysis needs of the letter, written by the same
-- recount (the Add functions of tally.go, as of stats_rollup_state.as_of):
-- the 制发 day (issued_day: days since 1970-01-01 in the legal zone; issued_us:
-- the instant in microseconds, the issue order), the kind of problem, the
-- letter's own contribution to the reply figures (the columns of stats_rollup
-- of the same names, 0 or 1 each, the days to reply), and the letter before it
-- to the same agency on the same field and kind of problem, all procuratorates
-- together (prev_*: the 回头看 chain; NULL: none). The recurrence then sums a
-- period's rows by group instead of rebuilding every letter's facts.
--
-- The table is stored in (procuratorate, 制发 day) order, so a period of a
-- scope is a few ranges of adjacent rows; the chain index finds a letter's
-- group in issue order.
DROP TABLE stats_case_groups;
CREATE TABLE stats_case_groups (
	case_id BIGINT NOT NULL,
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	agency_id BIGINT NOT NULL,
	next_change_on VARCHAR(10) NULL,
	issued_day INTEGER NOT NULL,
	issued_us BIGINT NOT NULL,
	problem_kind VARCHAR(30) NOT NULL,
	reply_due SMALLINT NOT NULL,
	awaiting SMALLINT NOT NULL,
	on_time SMALLINT NOT NULL,
	late SMALLINT NOT NULL,
	no_reply SMALLINT NOT NULL,
	perfunctory SMALLINT NOT NULL,
	days_to_reply_sum INTEGER NOT NULL,
	pos_adopted SMALLINT NOT NULL,
	pos_partly_adopted SMALLINT NOT NULL,
	pos_not_adopted SMALLINT NOT NULL,
	rect_rectified SMALLINT NOT NULL,
	rect_partly_rectified SMALLINT NOT NULL,
	rect_not_rectified SMALLINT NOT NULL,
	prev_case_id BIGINT NULL,
	prev_day INTEGER NULL,
	prev_procuratorate_id BIGINT NULL,
	prev_department_id BIGINT NULL,
	PRIMARY KEY (procuratorate_id, issued_day, case_id)
){{CLUSTERED}};
CREATE UNIQUE INDEX ix_stats_case_groups_case ON stats_case_groups (case_id);
CREATE INDEX ix_stats_case_groups_next ON stats_case_groups (next_change_on);
-- The letters of a scope's periods by field, counted in index order.
CREATE INDEX ix_stats_case_groups_field ON stats_case_groups (procuratorate_id, field, issued_day, agency_id, department_id);
CREATE INDEX ix_stats_case_groups_chain ON stats_case_groups (agency_id, field, problem_kind, issued_day, issued_us, case_id,
	procuratorate_id, department_id);

-- Rebuild everything at the next catch-up (at start).
UPDATE stats_rollup_state SET as_of = '', audit_id = 0 WHERE id = 1;
