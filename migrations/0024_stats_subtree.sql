-- Issue 18, statistics of a province or city at scale (docs/scale.md §8).
--
-- A request of a subtree scope (a province, a city with its districts)
-- summed the rows of every procuratorate below it: about 90 stats_counts rows
-- and one stats_rollup_sums row per agency for each of them. These tables keep
-- those sums already made, per procuratorate for itself and every
-- procuratorate below it (its path's subtree), at the levels of department 0
-- (every department; a department belongs to one procuratorate): the same
-- columns and keys as stats_counts and stats_rollup_sums (department_id is
-- always 0), procuratorate_id the subtree's root. The catch-up that rewrites
-- a procuratorate's rows adds the difference to the rows of its path's
-- procuratorates in the same transaction; `server stats verify` recomputes
-- them.
CREATE TABLE stats_subtree_counts (
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	dim VARCHAR(10) NOT NULL,
	dkey VARCHAR(50) NOT NULL,
	n BIGINT NOT NULL,
	issued BIGINT NOT NULL,
	filed BIGINT NOT NULL,
	PRIMARY KEY (procuratorate_id, department_id, field, dim, dkey)
){{CLUSTERED}};

CREATE TABLE stats_subtree_sums (
	procuratorate_id BIGINT NOT NULL,
	department_id BIGINT NOT NULL,
	field VARCHAR(50) NOT NULL,
	agency_id BIGINT NOT NULL,
	issued BIGINT NOT NULL DEFAULT 0,
	reply_due BIGINT NOT NULL DEFAULT 0,
	awaiting BIGINT NOT NULL DEFAULT 0,
	on_time BIGINT NOT NULL DEFAULT 0,
	late BIGINT NOT NULL DEFAULT 0,
	no_reply BIGINT NOT NULL DEFAULT 0,
	perfunctory BIGINT NOT NULL DEFAULT 0,
	days_to_reply_sum BIGINT NOT NULL DEFAULT 0,
	pos_adopted BIGINT NOT NULL DEFAULT 0,
	pos_partly_adopted BIGINT NOT NULL DEFAULT 0,
	pos_not_adopted BIGINT NOT NULL DEFAULT 0,
	rect_rectified BIGINT NOT NULL DEFAULT 0,
	rect_partly_rectified BIGINT NOT NULL DEFAULT 0,
	rect_not_rectified BIGINT NOT NULL DEFAULT 0,
	delivered BIGINT NOT NULL DEFAULT 0,
	announced BIGINT NOT NULL DEFAULT 0,
	filings_due BIGINT NOT NULL DEFAULT 0,
	filings_on_time BIGINT NOT NULL DEFAULT 0,
	esc_higher BIGINT NOT NULL DEFAULT 0,
	esc_regulator BIGINT NOT NULL DEFAULT 0,
	esc_congress BIGINT NOT NULL DEFAULT 0,
	esc_discipline BIGINT NOT NULL DEFAULT 0,
	esc_litigation BIGINT NOT NULL DEFAULT 0,
	res_higher BIGINT NOT NULL DEFAULT 0,
	res_regulator BIGINT NOT NULL DEFAULT 0,
	res_congress BIGINT NOT NULL DEFAULT 0,
	res_discipline BIGINT NOT NULL DEFAULT 0,
	res_litigation BIGINT NOT NULL DEFAULT 0,
	escalated_cases BIGINT NOT NULL DEFAULT 0,
	public_interest BIGINT NOT NULL DEFAULT 0,
	closed BIGINT NOT NULL DEFAULT 0,
	handling_days_sum BIGINT NOT NULL DEFAULT 0,
	pub_received BIGINT NOT NULL DEFAULT 0,
	pub_reply_due BIGINT NOT NULL DEFAULT 0,
	pub_on_time BIGINT NOT NULL DEFAULT 0,
	pub_late BIGINT NOT NULL DEFAULT 0,
	pub_no_reply BIGINT NOT NULL DEFAULT 0,
	pub_perfunctory BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (procuratorate_id, department_id, field, agency_id)
){{CLUSTERED}};

-- Built from the rows there are (not a recount of the cases): each
-- procuratorate's department-0 rows summed into those of its path's
-- procuratorates (itself and its ancestors).
{{SQLITE}}INSERT INTO stats_subtree_counts (procuratorate_id, department_id, field, dim, dkey, n, issued, filed)
	SELECT r.id, 0, c.field, c.dim, c.dkey, SUM(c.n), SUM(c.issued), SUM(c.filed)
	FROM stats_counts c JOIN procuratorates p ON p.id = c.procuratorate_id JOIN procuratorates r ON p.path LIKE r.path || '%'
	WHERE c.department_id = 0 GROUP BY r.id, c.field, c.dim, c.dkey;
{{MYSQL}}INSERT INTO stats_subtree_counts (procuratorate_id, department_id, field, dim, dkey, n, issued, filed)
	SELECT r.id, 0, c.field, c.dim, c.dkey, SUM(c.n), SUM(c.issued), SUM(c.filed)
	FROM stats_counts c JOIN procuratorates p ON p.id = c.procuratorate_id JOIN procuratorates r ON p.path LIKE CONCAT(r.path, '%')
	WHERE c.department_id = 0 GROUP BY r.id, c.field, c.dim, c.dkey;
{{SQLITE}}INSERT INTO stats_subtree_sums SELECT r.id, 0, s.field, s.agency_id,
	SUM(issued), SUM(reply_due), SUM(awaiting), SUM(on_time), SUM(late), SUM(no_reply), SUM(perfunctory), SUM(days_to_reply_sum),
	SUM(pos_adopted), SUM(pos_partly_adopted), SUM(pos_not_adopted), SUM(rect_rectified), SUM(rect_partly_rectified), SUM(rect_not_rectified),
	SUM(delivered), SUM(announced), SUM(filings_due), SUM(filings_on_time),
	SUM(esc_higher), SUM(esc_regulator), SUM(esc_congress), SUM(esc_discipline), SUM(esc_litigation),
	SUM(res_higher), SUM(res_regulator), SUM(res_congress), SUM(res_discipline), SUM(res_litigation),
	SUM(escalated_cases), SUM(public_interest), SUM(closed), SUM(handling_days_sum),
	SUM(pub_received), SUM(pub_reply_due), SUM(pub_on_time), SUM(pub_late), SUM(pub_no_reply), SUM(pub_perfunctory)
	FROM stats_rollup_sums s JOIN procuratorates p ON p.id = s.procuratorate_id JOIN procuratorates r ON p.path LIKE r.path || '%'
	WHERE s.department_id = 0 GROUP BY r.id, s.field, s.agency_id;
{{MYSQL}}INSERT INTO stats_subtree_sums SELECT r.id, 0, s.field, s.agency_id,
	SUM(issued), SUM(reply_due), SUM(awaiting), SUM(on_time), SUM(late), SUM(no_reply), SUM(perfunctory), SUM(days_to_reply_sum),
	SUM(pos_adopted), SUM(pos_partly_adopted), SUM(pos_not_adopted), SUM(rect_rectified), SUM(rect_partly_rectified), SUM(rect_not_rectified),
	SUM(delivered), SUM(announced), SUM(filings_due), SUM(filings_on_time),
	SUM(esc_higher), SUM(esc_regulator), SUM(esc_congress), SUM(esc_discipline), SUM(esc_litigation),
	SUM(res_higher), SUM(res_regulator), SUM(res_congress), SUM(res_discipline), SUM(res_litigation),
	SUM(escalated_cases), SUM(public_interest), SUM(closed), SUM(handling_days_sum),
	SUM(pub_received), SUM(pub_reply_due), SUM(pub_on_time), SUM(pub_late), SUM(pub_no_reply), SUM(pub_perfunctory)
	FROM stats_rollup_sums s JOIN procuratorates p ON p.id = s.procuratorate_id JOIN procuratorates r ON p.path LIKE CONCAT(r.path, '%')
	WHERE s.department_id = 0 GROUP BY r.id, s.field, s.agency_id;

-- A subtree's non-responders: its agencies with the most 不回复, in that
-- order (the 50 first read, none sorted).
CREATE INDEX ix_stats_subtree_sums_no_reply ON stats_subtree_sums (procuratorate_id, department_id, field, no_reply DESC, agency_id);

-- The ratings' figures of a province (every case) by rater type, from an
-- index without the comments; of a narrower scope, with the case to look up.
CREATE INDEX ix_case_ratings_figures ON case_ratings (rater_type, case_id, accuracy, workability, effect);
