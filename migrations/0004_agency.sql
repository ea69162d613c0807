-- The recipient agency's side: receipt (签收), objections (异议), extension
-- requests (延期), per-item reply positions, returned replies (粗回复),
-- follow-up records (督促落实), rectification progress and escalations.

-- 签收: who signed for the letter and when, so the prosecutor sees it.
ALTER TABLE cases ADD COLUMN signed_by BIGINT NULL;
ALTER TABLE cases ADD COLUMN signer_name VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN signed_at DATETIME(6) NULL;
-- The agency inbox: newest delivery first within one agency.
CREATE INDEX ix_cases_agency_delivered ON cases (agency_id, delivered_on, id);

CREATE TABLE objections (
	id {{ID}},
	case_id BIGINT NOT NULL,
	raised_by BIGINT NOT NULL,
	raised_on VARCHAR(10) NOT NULL,
	reason TEXT NOT NULL,
	status VARCHAR(20) NOT NULL,
	decided_by BIGINT NULL,
	decided_at DATETIME(6) NULL,
	decision_reason TEXT NULL,
	superseded_document_number VARCHAR(64) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_objections_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_objections_case ON objections (case_id, status);

CREATE TABLE extension_requests (
	id {{ID}},
	case_id BIGINT NOT NULL,
	requested_by BIGINT NOT NULL,
	requested_on VARCHAR(10) NOT NULL,
	reason TEXT NOT NULL,
	old_due VARCHAR(10) NOT NULL,
	requested_due VARCHAR(10) NULL,
	requested_days INTEGER NOT NULL DEFAULT 0,
	status VARCHAR(20) NOT NULL,
	decided_by BIGINT NULL,
	decided_at DATETIME(6) NULL,
	decision_reason TEXT NULL,
	granted_due VARCHAR(10) NULL,
	granted_rule VARCHAR(20) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_extension_requests_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_extension_requests_case ON extension_requests (case_id, status);

-- The agency's position on each numbered recommendation of a reply.
CREATE TABLE reply_items (
	id {{ID}},
	reply_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	item_no INTEGER NOT NULL,
	position VARCHAR(20) NOT NULL,
	reason TEXT NULL,
	CONSTRAINT fk_reply_items_reply FOREIGN KEY (reply_id) REFERENCES replies (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_reply_items_no ON reply_items (reply_id, item_no);
CREATE INDEX ix_reply_items_case ON reply_items (case_id);

-- A reply returned as perfunctory (粗回复) with the deadline for the supplement.
CREATE TABLE reply_returns (
	id {{ID}},
	reply_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	returned_by BIGINT NOT NULL,
	reason TEXT NOT NULL,
	supplement_due VARCHAR(10) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_reply_returns_reply FOREIGN KEY (reply_id) REFERENCES replies (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_reply_returns_case ON reply_returns (case_id);

-- 督促落实 records: 询问, 走访, 会商, 联席会议, 回访.
CREATE TABLE follow_ups (
	id {{ID}},
	case_id BIGINT NOT NULL,
	kind VARCHAR(20) NOT NULL,
	held_on VARCHAR(10) NOT NULL,
	participants TEXT NOT NULL,
	findings TEXT NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_follow_ups_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_follow_ups_case ON follow_ups (case_id, id);

-- The agency's rectification progress reports.
CREATE TABLE progress_reports (
	id {{ID}},
	case_id BIGINT NOT NULL,
	percent INTEGER NOT NULL,
	description TEXT NOT NULL,
	reported_by BIGINT NOT NULL,
	reported_on VARCHAR(10) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_progress_reports_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_progress_reports_case ON progress_reports (case_id, id);

-- Escalations decided by the chief (报告/通报/公益诉讼), each with its document.
CREATE TABLE escalations (
	id {{ID}},
	case_id BIGINT NOT NULL,
	kind VARCHAR(30) NOT NULL,
	decided_on VARCHAR(10) NOT NULL,
	target VARCHAR(200) NOT NULL,
	summary TEXT NOT NULL,
	decided_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_escalations_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_escalations_case ON escalations (case_id, id);
