-- Issue 18, every list index-backed: a project's progress (projects.
-- ProjectProgressOf, on the projects list and the statistics) counts its
-- cases by state and rectification. On ix_cases_project (project_id) alone
-- every one of those cases was read from the table — at 10^6 cases the
-- province's projects list took 139 ms at 8 clients. The counting reads
-- only this index; it serves every lookup by project the old one served.
CREATE INDEX ix_cases_project_progress ON cases (project_id, state, rectification);
{{SQLITE}} DROP INDEX ix_cases_project;
{{MYSQL}} DROP INDEX ix_cases_project ON cases;
