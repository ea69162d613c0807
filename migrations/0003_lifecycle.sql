-- The prosecutor's side of the case lifecycle: the admin-edited list of
-- fields (领域), gap-free number counters for 案号 and 文号, approval steps for
-- the 审批表, investigation records and the experts registry, deliveries, and
-- the admin-edited holiday calendar the deadline arithmetic reads.

ALTER TABLE cases ADD COLUMN end_reason VARCHAR(2000) NOT NULL DEFAULT '';

CREATE TABLE case_fields (
	id {{ID}},
	name VARCHAR(50) NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_case_fields_name ON case_fields (name);
INSERT INTO case_fields (name, active, sort_order, created_at, updated_at) VALUES
('食品药品安全', TRUE, 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('生态环境', TRUE, 20, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('安全生产', TRUE, 30, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('校园安全', TRUE, 40, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('金融', TRUE, 50, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('网络治理', TRUE, 60, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('其他', TRUE, 70, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- One row per numbering sequence (kind "case" per procuratorate and year,
-- kind "document" per procuratorate, department and year). The issuing
-- transaction locks its row, so numbers are gap-free and never repeat; the
-- natural key is the primary key so creating the row races on one index only.
CREATE TABLE number_counters (
	kind VARCHAR(20) NOT NULL,
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	year INTEGER NOT NULL,
	last_value INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, procuratorate_id, department_id, year)
){{TABLE_OPTIONS}};

-- 审批: every submission, return and approval, in order, for the 审批表.
CREATE TABLE approval_steps (
	id {{ID}},
	case_id BIGINT NOT NULL,
	draft_id BIGINT NULL,
	stage VARCHAR(20) NOT NULL,
	person_id BIGINT NOT NULL,
	person_name VARCHAR(64) NOT NULL,
	role VARCHAR(20) NOT NULL,
	opinion TEXT NOT NULL,
	decision VARCHAR(200) NOT NULL,
	decided_on VARCHAR(10) NOT NULL,
	meeting_date VARCHAR(10) NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_approval_steps_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_approval_steps_case ON approval_steps (case_id, id);

CREATE TABLE experts (
	id {{ID}},
	name VARCHAR(50) NOT NULL,
	field VARCHAR(50) NOT NULL,
	organisation VARCHAR(200) NOT NULL,
	title VARCHAR(100) NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_experts_field ON experts (field, id);

-- 调查核实 records.
CREATE TABLE investigation_records (
	id {{ID}},
	case_id BIGINT NOT NULL,
	kind VARCHAR(30) NOT NULL,
	record_date VARCHAR(10) NOT NULL,
	place VARCHAR(200) NOT NULL DEFAULT '',
	participants VARCHAR(1000) NOT NULL DEFAULT '',
	summary TEXT NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT TRUE,
	expert_ids VARCHAR(500) NOT NULL DEFAULT '[]',
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_investigation_records_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_investigation_records_case ON investigation_records (case_id, id);

-- 送达: how and when the recommendation reached the recipient.
CREATE TABLE case_deliveries (
	id {{ID}},
	case_id BIGINT NOT NULL,
	method VARCHAR(20) NOT NULL,
	channel VARCHAR(20) NOT NULL DEFAULT '',
	delivered_on VARCHAR(10) NOT NULL,
	received_on VARCHAR(10) NOT NULL,
	place VARCHAR(200) NOT NULL DEFAULT '',
	recipient_person VARCHAR(50) NOT NULL DEFAULT '',
	attendees TEXT NOT NULL,
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_case_deliveries_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_case_deliveries_case ON case_deliveries (case_id, id);

-- The holiday calendar (法定节假日 and 调休上班日) admins edit; seeded with the
-- shipped 2025–2026 State Council arrangements. calendar_revision changes with
-- every edit so each replica's cached calendar knows when to reload.
CREATE TABLE holidays (
	day VARCHAR(10) NOT NULL PRIMARY KEY,
	kind VARCHAR(10) NOT NULL,
	name VARCHAR(50) NOT NULL DEFAULT '',
	year INTEGER NOT NULL,
	updated_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_holidays_year ON holidays (year, day);
CREATE TABLE calendar_revision (
	id INTEGER NOT NULL PRIMARY KEY,
	revision BIGINT NOT NULL
){{TABLE_OPTIONS}};
INSERT INTO calendar_revision (id, revision) VALUES (1, 1);
INSERT INTO holidays (day, kind, name, year, updated_at) VALUES
('2025-01-01', 'holiday', '元旦', 2025, CURRENT_TIMESTAMP),
('2025-01-26', 'workday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-01-28', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-01-29', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-01-30', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-01-31', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-02-01', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-02-02', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-02-03', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-02-04', 'holiday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-02-08', 'workday', '春节', 2025, CURRENT_TIMESTAMP),
('2025-04-04', 'holiday', '清明节', 2025, CURRENT_TIMESTAMP),
('2025-04-05', 'holiday', '清明节', 2025, CURRENT_TIMESTAMP),
('2025-04-06', 'holiday', '清明节', 2025, CURRENT_TIMESTAMP),
('2025-04-27', 'workday', '劳动节', 2025, CURRENT_TIMESTAMP),
('2025-05-01', 'holiday', '劳动节', 2025, CURRENT_TIMESTAMP),
('2025-05-02', 'holiday', '劳动节', 2025, CURRENT_TIMESTAMP),
('2025-05-03', 'holiday', '劳动节', 2025, CURRENT_TIMESTAMP),
('2025-05-04', 'holiday', '劳动节', 2025, CURRENT_TIMESTAMP),
('2025-05-05', 'holiday', '劳动节', 2025, CURRENT_TIMESTAMP),
('2025-05-31', 'holiday', '端午节', 2025, CURRENT_TIMESTAMP),
('2025-06-01', 'holiday', '端午节', 2025, CURRENT_TIMESTAMP),
('2025-06-02', 'holiday', '端午节', 2025, CURRENT_TIMESTAMP),
('2025-09-28', 'workday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-01', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-02', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-03', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-04', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-05', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-06', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-07', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-08', 'holiday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2025-10-11', 'workday', '国庆节、中秋节', 2025, CURRENT_TIMESTAMP),
('2026-01-01', 'holiday', '元旦', 2026, CURRENT_TIMESTAMP),
('2026-01-02', 'holiday', '元旦', 2026, CURRENT_TIMESTAMP),
('2026-01-03', 'holiday', '元旦', 2026, CURRENT_TIMESTAMP),
('2026-01-04', 'workday', '元旦', 2026, CURRENT_TIMESTAMP),
('2026-02-14', 'workday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-15', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-16', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-17', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-18', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-19', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-20', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-21', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-22', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-23', 'holiday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-02-28', 'workday', '春节', 2026, CURRENT_TIMESTAMP),
('2026-04-04', 'holiday', '清明节', 2026, CURRENT_TIMESTAMP),
('2026-04-05', 'holiday', '清明节', 2026, CURRENT_TIMESTAMP),
('2026-04-06', 'holiday', '清明节', 2026, CURRENT_TIMESTAMP),
('2026-05-01', 'holiday', '劳动节', 2026, CURRENT_TIMESTAMP),
('2026-05-02', 'holiday', '劳动节', 2026, CURRENT_TIMESTAMP),
('2026-05-03', 'holiday', '劳动节', 2026, CURRENT_TIMESTAMP),
('2026-05-04', 'holiday', '劳动节', 2026, CURRENT_TIMESTAMP),
('2026-05-05', 'holiday', '劳动节', 2026, CURRENT_TIMESTAMP),
('2026-05-09', 'workday', '劳动节', 2026, CURRENT_TIMESTAMP),
('2026-06-19', 'holiday', '端午节', 2026, CURRENT_TIMESTAMP),
('2026-06-20', 'holiday', '端午节', 2026, CURRENT_TIMESTAMP),
('2026-06-21', 'holiday', '端午节', 2026, CURRENT_TIMESTAMP),
('2026-09-20', 'workday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-09-25', 'holiday', '中秋节', 2026, CURRENT_TIMESTAMP),
('2026-09-26', 'holiday', '中秋节', 2026, CURRENT_TIMESTAMP),
('2026-09-27', 'holiday', '中秋节', 2026, CURRENT_TIMESTAMP),
('2026-10-01', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-02', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-03', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-04', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-05', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-06', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-07', 'holiday', '国庆节', 2026, CURRENT_TIMESTAMP),
('2026-10-10', 'workday', '国庆节', 2026, CURRENT_TIMESTAMP);

-- The urgent reply period travels with the draft until approval and issue.
ALTER TABLE recommendation_drafts ADD COLUMN urgent_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recommendation_drafts ADD COLUMN urgent_reason VARCHAR(500) NOT NULL DEFAULT '';

-- Case list pages: a reply-due range inside one procuratorate. Without it an
-- old range skip-scans ix_cases_state_due across every procuratorate (83 ms
-- at 1,000,000 cases, 6.7 ms with it; see docs/lifecycle.md).
CREATE INDEX ix_cases_proc_due ON cases (procuratorate_id, reply_due);
