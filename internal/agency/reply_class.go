package agency

import (
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
