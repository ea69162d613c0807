-- Projects (项目化管理), quality review (质量评查) and the indexes statistics
-- and the ledger (台账) group by.

CREATE TABLE projects (
	id {{ID}},
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	title VARCHAR(200) NOT NULL,
	field VARCHAR(50) NOT NULL,
	problem TEXT NOT NULL,
	goals TEXT NOT NULL,
	lead_id BIGINT NOT NULL,
	stage VARCHAR(20) NOT NULL,
	status VARCHAR(20) NOT NULL,
	start_on VARCHAR(10) NOT NULL,
	planned_end_on VARCHAR(10) NOT NULL,
	actual_end_on VARCHAR(10) NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_projects_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id),
	CONSTRAINT fk_projects_department FOREIGN KEY (department_id) REFERENCES departments (id),
	CONSTRAINT fk_projects_lead FOREIGN KEY (lead_id) REFERENCES users (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_projects_proc_status ON projects (procuratorate_id, status, id);

-- 立项 → 策划 → 调查核实 → 制发 → 督促落实 → 总结评估, one row per stage.
CREATE TABLE project_stages (
	id {{ID}},
	project_id BIGINT NOT NULL,
	stage VARCHAR(20) NOT NULL,
	seq INTEGER NOT NULL,
	planned_end_on VARCHAR(10) NULL,
	actual_end_on VARCHAR(10) NULL,
	CONSTRAINT fk_project_stages_project FOREIGN KEY (project_id) REFERENCES projects (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_project_stages ON project_stages (project_id, stage);

CREATE TABLE project_members (
	id {{ID}},
	project_id BIGINT NOT NULL,
	user_id BIGINT NOT NULL,
	project_role VARCHAR(20) NOT NULL,
	duty VARCHAR(200) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_project_members_project FOREIGN KEY (project_id) REFERENCES projects (id),
	CONSTRAINT fk_project_members_user FOREIGN KEY (user_id) REFERENCES users (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_project_members ON project_members (project_id, user_id);
CREATE INDEX ix_project_members_user ON project_members (user_id);

-- 责任分解: tasks with an owner and a due date.
CREATE TABLE project_tasks (
	id {{ID}},
	project_id BIGINT NOT NULL,
	title VARCHAR(200) NOT NULL,
	description TEXT NOT NULL,
	owner_id BIGINT NOT NULL,
	due_on VARCHAR(10) NOT NULL,
	status VARCHAR(10) NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	done_on VARCHAR(10) NULL,
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_project_tasks_project FOREIGN KEY (project_id) REFERENCES projects (id),
	CONSTRAINT fk_project_tasks_owner FOREIGN KEY (owner_id) REFERENCES users (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_project_tasks_project ON project_tasks (project_id, status);
CREATE INDEX ix_project_tasks_due ON project_tasks (status, due_on);

CREATE TABLE project_task_comments (
	id {{ID}},
	project_id BIGINT NOT NULL,
	task_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	author_name VARCHAR(64) NOT NULL,
	body TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_project_task_comments_task FOREIGN KEY (task_id) REFERENCES project_tasks (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_project_task_comments_task ON project_task_comments (task_id, id);

-- Milestone notes (阶段性成果); their files are stored_files owned by "project_note".
CREATE TABLE project_notes (
	id {{ID}},
	project_id BIGINT NOT NULL,
	stage VARCHAR(20) NOT NULL,
	title VARCHAR(200) NOT NULL,
	body TEXT NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	author_id BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_project_notes_project FOREIGN KEY (project_id) REFERENCES projects (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_project_notes_project ON project_notes (project_id, id);

-- The project's own timeline (tasks, stages, notes, members, links); linked
-- cases' events are merged in when it is read.
CREATE TABLE project_events (
	id {{ID}},
	project_id BIGINT NOT NULL,
	action VARCHAR(40) NOT NULL,
	task_id BIGINT NULL,
	case_id BIGINT NULL,
	actor_id BIGINT NULL,
	actor_name VARCHAR(64) NOT NULL DEFAULT '',
	note TEXT NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_project_events_project FOREIGN KEY (project_id) REFERENCES projects (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_project_events_project ON project_events (project_id, id);

-- 质量评查: a batch of cases and one review item per case.
CREATE TABLE review_batches (
	id {{ID}},
	procuratorate_id BIGINT NOT NULL,
	kind VARCHAR(20) NOT NULL,
	title VARCHAR(200) NOT NULL,
	criteria {{LONGTEXT}} NOT NULL,
	sheet {{LONGTEXT}} NOT NULL,
	max_score INTEGER NOT NULL,
	created_by BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_review_batches_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_review_batches_proc ON review_batches (procuratorate_id, id);

CREATE TABLE review_items (
	id {{ID}},
	batch_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	prosecutor_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	reviewer_id BIGINT NULL,
	status VARCHAR(20) NOT NULL,
	scores {{LONGTEXT}} NOT NULL,
	total_score INTEGER NOT NULL DEFAULT 0,
	max_score INTEGER NOT NULL,
	findings TEXT NOT NULL,
	answer TEXT NOT NULL,
	scored_at DATETIME(6) NULL,
	answered_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_review_items_batch FOREIGN KEY (batch_id) REFERENCES review_batches (id),
	CONSTRAINT fk_review_items_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_review_items_case ON review_items (batch_id, case_id);
CREATE INDEX ix_review_items_reviewer ON review_items (reviewer_id, id);
CREATE INDEX ix_review_items_prosecutor ON review_items (prosecutor_id, id);
CREATE INDEX ix_review_items_case ON review_items (case_id);

-- Statistics: the main GROUP BY reads only this covering index (no table
-- rows, no sort), the period filter uses the issued date, the non-responder
-- list reads only no_reply rows, and projects find their cases.
CREATE INDEX ix_cases_stats ON cases (procuratorate_id, state, source, field, reply_class, rectification, issued_at);
CREATE INDEX ix_cases_proc_issued ON cases (procuratorate_id, issued_at);
CREATE INDEX ix_cases_reply_class ON cases (reply_class, procuratorate_id, agency_id);
CREATE INDEX ix_cases_project ON cases (project_id);
