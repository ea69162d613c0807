-- Scheduled jobs: run records (one row per scheduled slot claims it across
-- replicas), draft urging letters, daily statistics snapshots, and the index
-- process monitoring scans by.

-- One row per run. A scheduled run claims (job_name, slot) with a plain
-- INSERT: the unique index lets exactly one replica have each slot. Manual
-- runs have no slot (NULL never collides).
CREATE TABLE job_runs (
	id {{ID}},
	job_name VARCHAR(64) NOT NULL,
	slot DATETIME(6) NULL,
	trigger_kind VARCHAR(20) NOT NULL,
	requested_by BIGINT NULL,
	replica VARCHAR(100) NOT NULL DEFAULT '',
	status VARCHAR(20) NOT NULL,
	handled INTEGER NOT NULL DEFAULT 0,
	error TEXT NOT NULL,
	started_at DATETIME(6) NOT NULL,
	finished_at DATETIME(6) NULL
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_job_runs_slot ON job_runs (job_name, slot);
CREATE INDEX ix_job_runs_name ON job_runs (job_name, id);
CREATE INDEX ix_job_runs_started ON job_runs (job_name, started_at);

-- 催办函: a draft urging letter made when a reply is overdue; the documents
-- feature renders the PDF from it. One per case and deadline.
CREATE TABLE urging_letters (
	id {{ID}},
	case_id BIGINT NOT NULL,
	deadline VARCHAR(10) NOT NULL,
	status VARCHAR(20) NOT NULL,
	prosecutor_id BIGINT NOT NULL,
	file_id BIGINT NULL,
	created_at DATETIME(6) NOT NULL,
	sent_at DATETIME(6) NULL,
	CONSTRAINT fk_urging_letters_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_urging_letters_key ON urging_letters (case_id, deadline);
CREATE INDEX ix_urging_letters_status ON urging_letters (status, id);

-- Daily statistics snapshot, one row per (date, procuratorate); a re-run of
-- the same day updates its row.
CREATE TABLE daily_stats (
	id {{ID}},
	stat_date VARCHAR(10) NOT NULL,
	procuratorate_id BIGINT NOT NULL,
	total INTEGER NOT NULL DEFAULT 0,
	state_counts TEXT NOT NULL,
	issued INTEGER NOT NULL DEFAULT 0,
	delivered INTEGER NOT NULL DEFAULT 0,
	replied_on_time INTEGER NOT NULL DEFAULT 0,
	replied_late INTEGER NOT NULL DEFAULT 0,
	replied_perfunctory INTEGER NOT NULL DEFAULT 0,
	no_reply INTEGER NOT NULL DEFAULT 0,
	overdue_open INTEGER NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_daily_stats_key ON daily_stats (stat_date, procuratorate_id);

-- Process monitoring finds cases too long in a stage by (state, entry time).
CREATE INDEX ix_cases_state_entered ON cases (state, state_entered_at);

-- The unread badge counts a user's unread notifications.
CREATE INDEX ix_notifications_unread ON notifications (user_id, read_at);
