-- List filters that read a whole procuratorate (or the whole province) at
-- scale, found with EXPLAIN on both databases over a seed-bench province
-- (docs/scale.md, "Query plans"). Each index below is what both planners
-- choose for its filter without gathered statistics.

-- 案件列表 state=delivered&overdue=true: SQLite walked every overdue letter of
-- the province through ix_cases_state_due and sorted them.
CREATE INDEX ix_cases_proc_state_due ON cases (procuratorate_id, state, reply_due);
-- 案件列表 agency_id=: SQLite read the whole procuratorate through ix_cases_proc_id.
CREATE INDEX ix_cases_proc_agency ON cases (procuratorate_id, agency_id, id);
-- 案件列表 prosecutor_id=: the same on SQLite; MariaDB sorted the prosecutor's
-- cases of every state.
CREATE INDEX ix_cases_proc_prosecutor ON cases (procuratorate_id, prosecutor_id, id);
-- The agency inbox's overdue filter: SQLite walked every overdue letter of
-- the province through ix_cases_state_due.
CREATE INDEX ix_cases_agency_state_due ON cases (agency_id, state, reply_due);
-- Applications newest first: both databases sorted all of a procuratorate's
-- applications for every page (ix_applications_proc leads with status).
CREATE INDEX ix_applications_proc_id ON applications (procuratorate_id, id);
