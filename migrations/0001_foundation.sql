-- Organisation, accounts, audit trail and login throttling.

CREATE TABLE procuratorates (
	id {{ID}},
	parent_id BIGINT NULL,
	name VARCHAR(100) NOT NULL,
	short_name VARCHAR(20) NOT NULL,
	level VARCHAR(20) NOT NULL,
	path VARCHAR(255) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_procuratorates_parent FOREIGN KEY (parent_id) REFERENCES procuratorates (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_procuratorates_name ON procuratorates (name);
CREATE INDEX ix_procuratorates_path ON procuratorates (path);

CREATE TABLE departments (
	id {{ID}},
	procuratorate_id BIGINT NOT NULL,
	name VARCHAR(100) NOT NULL,
	number_code VARCHAR(10) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_departments_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_departments_name ON departments (procuratorate_id, name);

CREATE TABLE agencies (
	id {{ID}},
	name VARCHAR(200) NOT NULL,
	kind VARCHAR(50) NOT NULL DEFAULT '',
	superior_body VARCHAR(200) NOT NULL DEFAULT '',
	contact_person VARCHAR(50) NOT NULL DEFAULT '',
	contact_phone VARCHAR(30) NOT NULL DEFAULT '',
	address VARCHAR(255) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_agencies_name ON agencies (name);

CREATE TABLE users (
	id {{ID}},
	username VARCHAR(64) NOT NULL,
	display_name VARCHAR(64) NOT NULL,
	password_hash VARCHAR(255) NOT NULL,
	role VARCHAR(20) NOT NULL,
	procuratorate_id BIGINT NULL,
	department_id BIGINT NULL,
	agency_id BIGINT NULL,
	email VARCHAR(200) NOT NULL DEFAULT '',
	phone VARCHAR(30) NOT NULL DEFAULT '',
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	token_version INTEGER NOT NULL DEFAULT 1,
	password_changed_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_users_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id),
	CONSTRAINT fk_users_department FOREIGN KEY (department_id) REFERENCES departments (id),
	CONSTRAINT fk_users_agency FOREIGN KEY (agency_id) REFERENCES agencies (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_users_username ON users (username);
CREATE INDEX ix_users_procuratorate ON users (procuratorate_id, role);
CREATE INDEX ix_users_agency ON users (agency_id);

-- Append-only audit trail; each entry carries the hash of the previous one.
CREATE TABLE audit_entries (
	id {{ID}},
	actor_id BIGINT NULL,
	actor_name VARCHAR(64) NOT NULL DEFAULT '',
	role VARCHAR(20) NOT NULL DEFAULT '',
	procuratorate_id BIGINT NULL,
	action VARCHAR(64) NOT NULL,
	object_type VARCHAR(40) NOT NULL DEFAULT '',
	object_id BIGINT NULL,
	summary TEXT NOT NULL,
	ip VARCHAR(64) NOT NULL DEFAULT '',
	request_id VARCHAR(64) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	prev_hash VARCHAR(64) NOT NULL,
	hash VARCHAR(64) NOT NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_audit_object ON audit_entries (object_type, object_id);
CREATE INDEX ix_audit_actor ON audit_entries (actor_id, id);

-- One row, locked by every audit append so the chain never forks.
CREATE TABLE audit_head (
	id INTEGER NOT NULL PRIMARY KEY,
	last_id BIGINT NOT NULL DEFAULT 0,
	last_hash VARCHAR(64) NOT NULL DEFAULT ''
){{TABLE_OPTIONS}};
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

CREATE TABLE login_attempts (
	id {{ID}},
	username VARCHAR(64) NOT NULL,
	ip VARCHAR(64) NOT NULL,
	success BOOLEAN NOT NULL,
	created_at DATETIME(6) NOT NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_login_attempts_user ON login_attempts (username, created_at);
CREATE INDEX ix_login_attempts_ip ON login_attempts (ip, created_at);
