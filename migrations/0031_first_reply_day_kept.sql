-- Issue 18, lists within 20× of /healthz: the case list pages read the
-- replies only of cases that have had a final reply (正式回复), the only
-- replies that can change a case's reply facts (cases.HadFinalReplySQL).
-- first_replied_on tells them which: the service sets it with the first
-- final reply and nothing clears it. This makes sure of it for rows written
-- otherwise (an import, a repair by hand): a case with a final reply and no
-- first_replied_on gets the day of its first final reply, the day the reply
-- definitions already took when the column was empty, so no figure, class
-- or aggregate changes. On data the service wrote it changes no row.
UPDATE cases SET first_replied_on = (SELECT MIN(replies.submitted_on) FROM replies WHERE replies.case_id = cases.id AND replies.kind = 'final')
WHERE first_replied_on IS NULL AND id IN (SELECT replies.case_id FROM replies WHERE replies.kind = 'final');
