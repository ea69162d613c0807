-- Who decides what, and follow-through (issue 14): the approval chain's step
-- a case waits for, the chief's decisions on what the handling prosecutor
-- proposes, the 调查终结报告, 备案 timeliness and the higher procuratorate's
-- review of filings, escalation results, planned measures and 回头看, and
-- 评查 等次 with batches over a subtree.

-- The step of the approval chain (审批链) a case under review waits for:
-- dept_review (部门负责人审核), approve (检察长审批) or committee (检察委员会).
-- Cases already under review were submitted to the chief.
ALTER TABLE cases ADD COLUMN approval_stage VARCHAR(20) NOT NULL DEFAULT '';
UPDATE cases SET approval_stage = 'approve' WHERE state = 'reviewing';
-- 回头看 after closure: when it falls due and when it was done.
ALTER TABLE cases ADD COLUMN lookback_due VARCHAR(10) NULL;
ALTER TABLE cases ADD COLUMN lookback_done_on VARCHAR(10) NULL;
CREATE INDEX ix_cases_lookback ON cases (state, lookback_due);

-- The 调查终结报告's own fields (investigation_records.kind = investigation_report).
ALTER TABLE investigation_records ADD COLUMN report TEXT NULL;

-- Matters proposed (提请) by the handling prosecutor and decided by the chief
-- or the 检察委员会: withdraw, amend, objection_review, escalation,
-- investigation_waiver. A decision taken without a proposal has no proposer.
CREATE TABLE case_decisions (
	id {{ID}},
	case_id BIGINT NOT NULL,
	kind VARCHAR(30) NOT NULL,
	status VARCHAR(20) NOT NULL,
	proposal TEXT NOT NULL,
	proposal_reason TEXT NOT NULL,
	proposed_by BIGINT NULL,
	proposed_at DATETIME(6) NULL,
	decision TEXT NOT NULL,
	opinion TEXT NOT NULL,
	decided_by BIGINT NULL,
	decided_at DATETIME(6) NULL,
	by_committee BOOLEAN NOT NULL DEFAULT FALSE,
	meeting_date VARCHAR(10) NULL,
	committee_decision TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_case_decisions_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_case_decisions_case ON case_decisions (case_id, kind, status);

-- 备案 timeliness: the legal date the filing was made (on time when
-- filed_on <= due_on). Filings made before this migration keep filed_on NULL
-- (their filed_at is the instant).
ALTER TABLE filings ADD COLUMN filed_on VARCHAR(10) NULL;

-- The higher procuratorate's comments on a filing and its orders to amend
-- or withdraw (open until the filer's chief decides the matching 变更/撤回).
CREATE TABLE filing_reviews (
	id {{ID}},
	filing_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	kind VARCHAR(20) NOT NULL,
	content TEXT NOT NULL,
	status VARCHAR(20) NOT NULL DEFAULT '',
	procuratorate_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	author_name VARCHAR(64) NOT NULL,
	decision_id BIGINT NULL,
	complied_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_filing_reviews_filing FOREIGN KEY (filing_id) REFERENCES filings (id),
	CONSTRAINT fk_filing_reviews_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_filing_reviews_filing ON filing_reviews (filing_id, id);
CREATE INDEX ix_filing_reviews_case ON filing_reviews (case_id, kind, status);

-- What an escalation produced: the 公益诉讼 case number or the report's
-- reference, and the chief's decision it came from.
ALTER TABLE escalations ADD COLUMN decision_id BIGINT NULL;
ALTER TABLE escalations ADD COLUMN result_reference VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE escalations ADD COLUMN result_on VARCHAR(10) NULL;
ALTER TABLE escalations ADD COLUMN result_note VARCHAR(2000) NOT NULL DEFAULT '';
ALTER TABLE escalations ADD COLUMN result_by BIGINT NULL;
CREATE INDEX ix_escalations_kind ON escalations (kind, case_id);

-- 回头看 records are follow-ups of kind look_back with a verdict.
ALTER TABLE follow_ups ADD COLUMN verdict VARCHAR(20) NOT NULL DEFAULT '';

-- The measures an agency's reply plans, with their target dates, for the
-- follow-through reminders (replies.content keeps them as written).
CREATE TABLE planned_measures (
	id {{ID}},
	case_id BIGINT NOT NULL,
	reply_id BIGINT NOT NULL,
	seq INTEGER NOT NULL,
	measure TEXT NOT NULL,
	due_on VARCHAR(10) NOT NULL,
	status VARCHAR(20) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_planned_measures_case FOREIGN KEY (case_id) REFERENCES cases (id),
	CONSTRAINT fk_planned_measures_reply FOREIGN KEY (reply_id) REFERENCES replies (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_planned_measures_due ON planned_measures (status, due_on);
CREATE INDEX ix_planned_measures_case ON planned_measures (case_id, status);

-- 评查: batches over the organiser's subtree, the item's procuratorate (for
-- per-procuratorate access and figures) and its 等次.
ALTER TABLE review_batches ADD COLUMN scope VARCHAR(20) NOT NULL DEFAULT 'own';
ALTER TABLE review_items ADD COLUMN procuratorate_id BIGINT NOT NULL DEFAULT 0;
UPDATE review_items SET procuratorate_id = (SELECT cases.procuratorate_id FROM cases WHERE cases.id = review_items.case_id);
ALTER TABLE review_items ADD COLUMN grade VARCHAR(20) NOT NULL DEFAULT '';
CREATE INDEX ix_review_items_proc ON review_items (procuratorate_id, id);
