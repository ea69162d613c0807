-- Issue 18, lists within 20× of /healthz: the projects list counts each
-- project's tasks in one correlated subquery (projects.projectListColumns:
-- total, done, and open and due before today) on ix_project_tasks_project
-- (project_id, status), reading every task's row from the table for its
-- due_on — five reads a project, 255 for a page of 51. With due_on in the
-- index the counts are read from the index alone. It serves every lookup the
-- old index served (same leading columns, and the foreign key's).
CREATE INDEX ix_project_tasks_progress ON project_tasks (project_id, status, due_on);
{{SQLITE}} DROP INDEX ix_project_tasks_project;
{{MYSQL}} DROP INDEX ix_project_tasks_project ON project_tasks;
