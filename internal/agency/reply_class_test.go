package agency

import (
	"testing"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

func TestClassifyReply(t *testing.T) {
	t.Parallel()
	d := func(s string) calendar.Date {
		t.Helper()
		v, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	dp := func(s string) *calendar.Date { v := d(s); return &v }
	due := dp("2026-05-04")
	reply := func(id int64, kind, on string, dueOn *calendar.Date, returned bool) Reply {
		r := Reply{ID: id, Kind: kind, SubmittedOn: d(on), DueOn: dueOn, Returned: returned}
		r.Late = dueOn != nil && r.SubmittedOn.After(*dueOn)
		return r
	}
	tests := []struct {
		name    string
		due     *calendar.Date
		replies []Reply
		today   string
		want    string
	}{
		{"on time", due, []Reply{reply(1, ReplyKindFinal, "2026-04-20", due, false)}, "2026-06-01", cases.ReplyClassOnTime},
		{"on the due day", due, []Reply{reply(1, ReplyKindFinal, "2026-05-04", due, false)}, "2026-06-01", cases.ReplyClassOnTime},
		{"late", due, []Reply{reply(1, ReplyKindFinal, "2026-05-05", due, false)}, "2026-06-01", cases.ReplyClassLate},
		{"late judged on the deadline in force then, not a later one", dp("2026-07-01"),
			[]Reply{reply(1, ReplyKindFinal, "2026-05-10", due, false)}, "2026-07-02", cases.ReplyClassLate},
		{"extension granted before the reply keeps it on time", dp("2026-06-01"),
			[]Reply{reply(1, ReplyKindFinal, "2026-05-20", dp("2026-06-01"), false)}, "2026-07-01", cases.ReplyClassOnTime},
		{"perfunctory", due, []Reply{reply(1, ReplyKindFinal, "2026-04-20", due, true)}, "2026-04-21", cases.ReplyClassPerfunctory},
		{"perfunctory outranks late", due, []Reply{reply(1, ReplyKindFinal, "2026-05-10", due, true),
			reply(2, ReplyKindSupplement, "2026-05-20", dp("2026-05-25"), false)}, "2026-06-01", cases.ReplyClassPerfunctory},
		{"no reply after the due date", due, nil, "2026-05-05", cases.ReplyClassNoReply},
		{"an interim reply is not a reply", due, []Reply{reply(1, ReplyKindInterim, "2026-04-01", due, false)}, "2026-05-05", cases.ReplyClassNoReply},
		{"not yet due", due, nil, "2026-05-04", cases.ReplyClassPending},
		{"clock not started", nil, nil, "2027-01-01", cases.ReplyClassPending},
		{"first final reply decides, in submission order", due, []Reply{reply(2, ReplyKindSupplement, "2026-05-20", due, false),
			reply(1, ReplyKindFinal, "2026-05-01", due, false)}, "2026-06-01", cases.ReplyClassOnTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &cases.Case{ReplyDue: tt.due}
			if got := ClassifyReply(c, tt.replies, d(tt.today)); got != tt.want {
				t.Fatalf("ClassifyReply = %q, want %q", got, tt.want)
			}
		})
	}
}
