-- Measures planned in replies made before 0010 (issue 14's follow-through):
-- 0010 created planned_measures, which each reply fills as it is made, but
-- the replies already stored kept their measures only in replies.content
-- ({"measures_planned":[{"measure":…,"due_on":"YYYY-MM-DD"},…]}), so the
-- follow_through job never reminded them. Copy them as the reply action
-- would have: one row per measure in the order written (seq from 1), the
-- case's latest reply listing measures planned, earlier lists superseded.
-- Replies that already have rows (made after 0010) are left alone, so the
-- step changes nothing when run again. Content that is not JSON (stored by
-- other means) has no measures. A reply lists at most 50 (ReplyPayload);
-- only replies whose content lists one (as the reply action writes it,
-- compact JSON) are read.
INSERT INTO planned_measures (case_id, reply_id, seq, measure, due_on, status, created_at)
WITH RECURSIVE seq (i) AS (
	SELECT 0
	UNION ALL
	SELECT i + 1 FROM seq WHERE i < 49
),
docs AS (
	SELECT replies.id, replies.case_id, replies.created_at,
		CASE WHEN JSON_VALID(replies.content) THEN replies.content ELSE '{}' END AS doc
	FROM replies
	WHERE replies.content LIKE '%"measures_planned":[{%'
),
measures AS (
	SELECT docs.id AS reply_id, docs.case_id, docs.created_at, seq.i,
		{{JSON_VALUE}}(docs.doc, CONCAT('$.measures_planned[', seq.i, '].measure')) AS measure,
		{{JSON_VALUE}}(docs.doc, CONCAT('$.measures_planned[', seq.i, '].due_on')) AS due_on
	FROM docs CROSS JOIN seq
),
listed AS (
	SELECT * FROM measures WHERE measure IS NOT NULL AND due_on IS NOT NULL AND due_on <> ''
)
SELECT listed.case_id, listed.reply_id, listed.i + 1, TRIM(listed.measure), listed.due_on,
	CASE WHEN listed.reply_id = (SELECT MAX(l2.reply_id) FROM listed l2 WHERE l2.case_id = listed.case_id)
		THEN 'planned' ELSE 'superseded' END,
	listed.created_at
FROM listed
WHERE NOT EXISTS (SELECT 1 FROM planned_measures pm WHERE pm.reply_id = listed.reply_id);
