package agency

import (
	"fmt"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

// ClassifyReply derives a case's reply quality class (统计口径) from stored
// facts only, so statistics and jobs can recompute it at any time and nobody
// types it in:
//
//   - 粗回复 (perfunctory): a reply was returned as perfunctory — this outranks
//     lateness, because the procuratorate judged the substance;
//   - 慢回复 (late): the first final reply came after the deadline in force
//     when it was submitted (an extension granted before counts);
//   - on time: the first final reply came by that deadline;
//   - 不回复 (no reply): no final reply and the reply deadline has passed;
//   - "" (pending): no final reply yet and the deadline has not passed, or
//     the clock has not started.
//
// Interim replies never count as the reply: they keep the duty to reply open.
func ClassifyReply(c *cases.Case, replies []Reply, today calendar.Date) string {
	var first *Reply
	for i := range replies {
		r := &replies[i]
		if r.Returned {
			return cases.ReplyClassPerfunctory
		}
		if r.Kind != ReplyKindFinal {
			continue
		}
		if first == nil || r.SubmittedOn.Before(first.SubmittedOn) || (r.SubmittedOn.Equal(first.SubmittedOn) && r.ID < first.ID) {
			first = r
		}
	}
	if first != nil {
		if first.Late || (first.DueOn != nil && first.SubmittedOn.After(*first.DueOn)) {
			return cases.ReplyClassLate
		}
		return cases.ReplyClassOnTime
	}
	if c.ReplyDue != nil && today.After(*c.ReplyDue) {
		return cases.ReplyClassNoReply
	}
	return cases.ReplyClassPending
}

// ReplyClassSQL is CurrentReplyClass as an SQL expression over cases: the
// stored reply_class, except that a delivered case with no final reply whose
// deadline passed before today counts as 不回复. Nothing stores 不回复 — a
// deadline passes without any action — so statistics, the ledger and the
// public agency table classify with this expression instead of the bare
// column. today is a formatted Date, never user text.
func ReplyClassSQL(today calendar.Date) string {
	return fmt.Sprintf("(CASE WHEN %s THEN '%s' ELSE cases.reply_class END)", UnansweredOverdueSQL(today), cases.ReplyClassNoReply)
}

// UnansweredOverdueSQL is the condition under which ReplyClassSQL turns a
// stored pending class into 不回复. A query that must stay on an index
// (ComputeStats' GROUP BY over ix_cases_stats) counts these cases apart.
func UnansweredOverdueSQL(today calendar.Date) string {
	return fmt.Sprintf("(cases.state = '%s' AND cases.reply_class = '%s' AND cases.first_replied_on IS NULL AND cases.reply_due < '%s')",
		cases.StateDelivered, cases.ReplyClassPending, today.String())
}
