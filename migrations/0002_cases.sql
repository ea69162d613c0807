-- The case core: cases, their timeline, draft versions, stored files and the
-- notification inbox + outbox written in the same transaction as each action.

CREATE TABLE cases (
	id {{ID}},
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	case_number VARCHAR(64) NULL,
	title VARCHAR(200) NOT NULL,
	field VARCHAR(50) NOT NULL,
	source VARCHAR(30) NOT NULL,
	origin_case_number VARCHAR(64) NOT NULL DEFAULT '',
	summary TEXT NOT NULL,
	agency_id BIGINT NULL,
	prosecutor_id BIGINT NOT NULL,
	state VARCHAR(20) NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	document_number VARCHAR(64) NULL,
	doc_year INTEGER NULL,
	doc_seq INTEGER NULL,
	issued_at DATETIME(6) NULL,
	delivered_on VARCHAR(10) NULL,
	received_on VARCHAR(10) NULL,
	reply_due VARCHAR(10) NULL,
	reply_due_rule VARCHAR(20) NOT NULL DEFAULT '',
	reply_due_explanation TEXT NOT NULL,
	urgent_days INTEGER NOT NULL DEFAULT 0,
	urgent_reason VARCHAR(500) NOT NULL DEFAULT '',
	objection_due VARCHAR(10) NULL,
	first_replied_on VARCHAR(10) NULL,
	reply_class VARCHAR(20) NOT NULL DEFAULT '',
	rectification VARCHAR(20) NOT NULL DEFAULT '',
	outcome VARCHAR(50) NOT NULL DEFAULT '',
	involves_state_secret BOOLEAN NOT NULL DEFAULT FALSE,
	involves_trade_secret BOOLEAN NOT NULL DEFAULT FALSE,
	involves_privacy BOOLEAN NOT NULL DEFAULT FALSE,
	involves_minors BOOLEAN NOT NULL DEFAULT FALSE,
	project_id BIGINT NULL,
	state_entered_at DATETIME(6) NOT NULL,
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	closed_at DATETIME(6) NULL,
	CONSTRAINT fk_cases_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id),
	CONSTRAINT fk_cases_department FOREIGN KEY (department_id) REFERENCES departments (id),
	CONSTRAINT fk_cases_agency FOREIGN KEY (agency_id) REFERENCES agencies (id),
	CONSTRAINT fk_cases_prosecutor FOREIGN KEY (prosecutor_id) REFERENCES users (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_cases_case_number ON cases (procuratorate_id, case_number);
CREATE UNIQUE INDEX ux_cases_document_number ON cases (document_number);
CREATE INDEX ix_cases_proc_state ON cases (procuratorate_id, state, id);
CREATE INDEX ix_cases_proc_id ON cases (procuratorate_id, id);
CREATE INDEX ix_cases_agency ON cases (agency_id, state, id);
CREATE INDEX ix_cases_prosecutor ON cases (prosecutor_id, state, id);
CREATE INDEX ix_cases_state_due ON cases (state, reply_due);
CREATE INDEX ix_cases_proc_field ON cases (procuratorate_id, field, id);

-- The timeline shown to users; the audit trail is the tamper-evident twin.
CREATE TABLE case_events (
	id {{ID}},
	case_id BIGINT NOT NULL,
	action VARCHAR(40) NOT NULL,
	from_state VARCHAR(20) NOT NULL,
	to_state VARCHAR(20) NOT NULL,
	actor_id BIGINT NULL,
	actor_name VARCHAR(64) NOT NULL DEFAULT '',
	role VARCHAR(20) NOT NULL DEFAULT '',
	note TEXT NOT NULL,
	data {{LONGTEXT}} NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_case_events_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_case_events_case ON case_events (case_id, id);

-- 检察建议书 drafts: every version is kept.
CREATE TABLE recommendation_drafts (
	id {{ID}},
	case_id BIGINT NOT NULL,
	version_no INTEGER NOT NULL,
	content {{LONGTEXT}} NOT NULL,
	status VARCHAR(20) NOT NULL,
	author_id BIGINT NOT NULL,
	review_comments TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_drafts_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_drafts_version ON recommendation_drafts (case_id, version_no);

-- Uploaded and generated files live in the database so every replica sees them.
CREATE TABLE stored_files (
	id {{ID}},
	case_id BIGINT NULL,
	owner_type VARCHAR(40) NOT NULL,
	owner_id BIGINT NOT NULL,
	filename VARCHAR(255) NOT NULL,
	content_type VARCHAR(100) NOT NULL,
	size BIGINT NOT NULL,
	sha256 VARCHAR(64) NOT NULL,
	content {{BLOB}} NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	uploaded_by BIGINT NULL,
	created_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_stored_files_owner ON stored_files (owner_type, owner_id);
CREATE INDEX ix_stored_files_case ON stored_files (case_id);

-- In-app inbox.
CREATE TABLE notifications (
	id {{ID}},
	user_id BIGINT NOT NULL,
	case_id BIGINT NULL,
	kind VARCHAR(40) NOT NULL,
	title VARCHAR(200) NOT NULL,
	body TEXT NOT NULL,
	read_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_notifications_user ON notifications (user_id, id);

-- Outbox: e-mail and webhook deliveries, written with the event, sent later.
CREATE TABLE outbox (
	id {{ID}},
	notification_id BIGINT NULL,
	channel VARCHAR(20) NOT NULL,
	recipient VARCHAR(255) NOT NULL,
	subject VARCHAR(255) NOT NULL,
	payload {{LONGTEXT}} NOT NULL,
	status VARCHAR(20) NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at DATETIME(6) NOT NULL,
	last_error TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	sent_at DATETIME(6) NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);

-- 备案: an issued recommendation filed with the higher procuratorate.
CREATE TABLE filings (
	id {{ID}},
	case_id BIGINT NOT NULL,
	procuratorate_id BIGINT NOT NULL,
	parent_procuratorate_id BIGINT NOT NULL,
	due_on VARCHAR(10) NOT NULL,
	status VARCHAR(20) NOT NULL,
	filed_at DATETIME(6) NULL,
	report_file_id BIGINT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_filings_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_filings_case ON filings (case_id);
CREATE INDEX ix_filings_parent ON filings (parent_procuratorate_id, id);
CREATE INDEX ix_filings_due ON filings (status, due_on);

-- 书面回复: the recipient's written replies (several per case).
CREATE TABLE replies (
	id {{ID}},
	case_id BIGINT NOT NULL,
	kind VARCHAR(20) NOT NULL,
	position VARCHAR(20) NOT NULL,
	content {{LONGTEXT}} NOT NULL,
	contact_person VARCHAR(50) NOT NULL DEFAULT '',
	contact_phone VARCHAR(30) NOT NULL DEFAULT '',
	submitted_by BIGINT NOT NULL,
	submitted_on VARCHAR(10) NOT NULL,
	due_on VARCHAR(10) NULL,
	late BOOLEAN NOT NULL DEFAULT FALSE,
	returned BOOLEAN NOT NULL DEFAULT FALSE,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_replies_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_replies_case ON replies (case_id, id);

-- Reminders already sent: one row per (subject, kind, deadline) makes every
-- reminder idempotent across re-runs, restarts and replicas.
CREATE TABLE reminders (
	id {{ID}},
	subject_type VARCHAR(30) NOT NULL,
	subject_id BIGINT NOT NULL,
	case_id BIGINT NULL,
	kind VARCHAR(40) NOT NULL,
	deadline VARCHAR(10) NOT NULL,
	created_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_reminders_key ON reminders (subject_type, subject_id, kind, deadline);
CREATE INDEX ix_reminders_case ON reminders (case_id);

-- 被建议单位代表/公民评价 of a closed case.
CREATE TABLE case_ratings (
	id {{ID}},
	case_id BIGINT NOT NULL,
	rater_type VARCHAR(20) NOT NULL,
	rater_ref VARCHAR(64) NOT NULL,
	accuracy INTEGER NOT NULL,
	workability INTEGER NOT NULL,
	effect INTEGER NOT NULL,
	comment TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_case_ratings_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_case_ratings_rater ON case_ratings (case_id, rater_type, rater_ref);
