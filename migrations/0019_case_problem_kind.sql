-- The recurrence analysis (issue 15) groups letters by agency × field ×
-- kind of problem. The kind is recognised from the case's title, which does
-- not change after registration (cases.ClassifyProblem), so it is stored on
-- the case when the case is created instead of being derived from every
-- title on every request. Rows from before this migration keep NULL until
-- the start-up step classifies them (cases.ClassifyMissingProblems: the
-- classifier is Go code); the analysis classifies any still NULL itself.
ALTER TABLE cases ADD COLUMN problem_kind VARCHAR(30) NULL;

-- What the recurrence reads of a letter, in the order it asks: the scope's
-- procuratorates and the period by issue date, then the columns it groups
-- and counts by, so the request is answered from the index alone (one
-- narrow entry per letter) without visiting the wide case rows.
CREATE INDEX ix_cases_analysis ON cases (procuratorate_id, issued_at, agency_id, field, problem_kind, state,
	received_on, reply_due, first_replied_on, rectification, closed_at, department_id, prosecutor_id);

-- What the reply facts read of a reply (agency.ReplyFactColumns), after the
-- case: the recurrence folds the replies of tens of thousands of letters,
-- and the reply row holds the reply's whole content before these columns.
CREATE INDEX ix_replies_facts ON replies (case_id, id, kind, position, submitted_on, due_on, returned);
