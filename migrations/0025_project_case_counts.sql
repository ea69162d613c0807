-- Issue 18, the projects list flat at any number of cases (docs/scale.md
-- §16): a project's progress counted its linked cases by state and
-- rectification from ix_cases_project_progress, every entry of every project
-- on the page (12,071 at 10^6 cases). These counts, one row per project, are
-- kept by every write that changes a case's project, state or rectification,
-- in the same transaction (cases.MoveProjectTally); a project gets its row
-- when it is created. The definitions are projects.ProjectProgress's:
-- withdrawn, terminated and not-filed cases left out; assessed = following_up
-- or closed with a verdict; replied = replied, or following_up/closed
-- without one. `server stats verify` recounts them from the cases.
CREATE TABLE project_case_counts (
	project_id BIGINT NOT NULL PRIMARY KEY,
	cases_total BIGINT NOT NULL DEFAULT 0,
	cases_assessed BIGINT NOT NULL DEFAULT 0,
	cases_replied BIGINT NOT NULL DEFAULT 0,
	CONSTRAINT fk_project_case_counts_project FOREIGN KEY (project_id) REFERENCES projects (id)
){{TABLE_OPTIONS}};

-- The counts of the projects there are, in one pass over the index.
INSERT INTO project_case_counts (project_id, cases_total, cases_assessed, cases_replied)
SELECT projects.id, COUNT(cases.id),
	COALESCE(SUM(CASE WHEN cases.state IN ('following_up','closed') AND cases.rectification <> '' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN cases.state = 'replied' OR (cases.state IN ('following_up','closed') AND cases.rectification = '') THEN 1 ELSE 0 END), 0)
FROM projects LEFT JOIN cases ON cases.project_id = projects.id AND cases.state NOT IN ('withdrawn','terminated','not_filed')
GROUP BY projects.id;
