-- Full-text search and the data-analysis model (issues 15 and 18): the
-- tokens of cases and published letters (internal/platform/search explains
-- the tokens and why Jianyi makes them itself), and the imports of
-- big-data model hits (大数据模型) as leads.

-- One row per case / disclosure, keyed by its id. grams: character bigrams
-- for `?q=`; words: segmented words of the letter for 类案参考.
{{SQLITE}} CREATE VIRTUAL TABLE case_search USING fts5(grams, words, tokenize = 'unicode61');
{{SQLITE}} CREATE VIRTUAL TABLE disclosure_search USING fts5(grams, words, tokenize = 'unicode61');
{{MYSQL}} CREATE TABLE case_search (
	case_id BIGINT NOT NULL PRIMARY KEY,
	grams LONGTEXT NOT NULL,
	words LONGTEXT NOT NULL,
	FULLTEXT KEY ft_case_search_grams (grams),
	FULLTEXT KEY ft_case_search_words (words)
){{TABLE_OPTIONS}};
{{MYSQL}} CREATE TABLE disclosure_search (
	disclosure_id BIGINT NOT NULL PRIMARY KEY,
	grams LONGTEXT NOT NULL,
	words LONGTEXT NOT NULL,
	FULLTEXT KEY ft_disclosure_search_grams (grams),
	FULLTEXT KEY ft_disclosure_search_words (words)
){{TABLE_OPTIONS}};

-- 模型线索导入: who imported which file (its SHA-256) when, how many rows
-- became leads and which were refused and why.
CREATE TABLE model_imports (
	id {{ID}},
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	user_id BIGINT NOT NULL,
	file_name VARCHAR(255) NOT NULL,
	file_sha256 VARCHAR(64) NOT NULL,
	rows_total INTEGER NOT NULL,
	rows_imported INTEGER NOT NULL,
	rows_refused INTEGER NOT NULL,
	refused_json {{LONGTEXT}} NOT NULL,
	created_at DATETIME(6) NOT NULL,
	CONSTRAINT fk_model_imports_procuratorate FOREIGN KEY (procuratorate_id) REFERENCES procuratorates (id),
	CONSTRAINT fk_model_imports_user FOREIGN KEY (user_id) REFERENCES users (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_model_imports_proc ON model_imports (procuratorate_id, id);

-- One row per imported hit: the model and the hit's own reference identify
-- it, so the same hit is never imported twice into one procuratorate.
CREATE TABLE model_hits (
	id {{ID}},
	import_id BIGINT NOT NULL,
	procuratorate_id BIGINT NOT NULL,
	model_name VARCHAR(100) NOT NULL,
	hit_ref VARCHAR(100) NOT NULL,
	row_no INTEGER NOT NULL,
	case_id BIGINT NOT NULL,
	CONSTRAINT fk_model_hits_import FOREIGN KEY (import_id) REFERENCES model_imports (id),
	CONSTRAINT fk_model_hits_case FOREIGN KEY (case_id) REFERENCES cases (id)
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX ux_model_hits_ref ON model_hits (procuratorate_id, model_name, hit_ref);
CREATE INDEX ix_model_hits_import ON model_hits (import_id);

-- The recurrence analysis reads a scope's letters by agency and issue date.
CREATE INDEX ix_cases_agency_issued ON cases (agency_id, issued_at);
