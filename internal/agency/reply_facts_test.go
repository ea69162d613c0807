package agency

import (
	"testing"
	"time"

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
			c := &cases.Case{State: cases.StateDelivered, ReplyDue: tt.due}
			if tt.due != nil {
				c.ReceivedOn = dp("2026-03-03")
			}
			if got := ClassifyReply(c, tt.replies, d(tt.today), time.UTC); got != tt.want {
				t.Fatalf("ClassifyReply = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReplyClassesOf: the classes a case view shows are the statistics'
// (cases.ReplyFacts): 不回复 stays after the case is escalated and ended,
// timeliness and 粗回复 are separate, and a case withdrawn or terminated
// before its due date never fell due.
func TestReplyClassesOf(t *testing.T) {
	t.Parallel()
	d := func(s string) calendar.Date {
		t.Helper()
		if s == "" {
			return calendar.Date{}
		}
		v, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Received 2026-03-03, reply due 2026-05-06.
	facts := func(state cases.CaseState, replied, ended string, returned bool) cases.ReplyFacts {
		return cases.ReplyFacts{State: state, ReceivedOn: d("2026-03-03"), ReplyDue: d("2026-05-06"), RepliedOn: d(replied),
			EndedOn: d(ended), Returned: returned}
	}
	none := cases.ReplyClassPending
	tests := []struct {
		name              string
		f                 cases.ReplyFacts
		today             string
		class, timeliness string
		perfunctory       bool
	}{
		{"awaiting", facts(cases.StateDelivered, "", "", false), "2026-05-06", none, none, false},
		{"no reply once due", facts(cases.StateDelivered, "", "", false), "2026-05-07", cases.ReplyClassNoReply, cases.ReplyClassNoReply, false},
		{"no reply stays after termination", facts(cases.StateTerminated, "", "2026-05-20", false), "2026-06-01",
			cases.ReplyClassNoReply, cases.ReplyClassNoReply, false},
		{"no reply stays after closing with the escalation", facts(cases.StateClosed, "", "2026-05-20", false), "2027-01-01",
			cases.ReplyClassNoReply, cases.ReplyClassNoReply, false},
		{"withdrawn before the due date never fell due", facts(cases.StateWithdrawn, "", "2026-04-01", false), "2026-06-01", none, none, false},
		{"on time, counted once due", facts(cases.StateReplied, "2026-04-20", "", false), "2026-04-21", cases.ReplyClassOnTime, none, false},
		{"on time", facts(cases.StateFollowingUp, "2026-04-20", "", false), "2026-05-07", cases.ReplyClassOnTime, cases.ReplyClassOnTime, false},
		{"late", facts(cases.StateReplied, "2026-05-10", "", false), "2026-05-10", cases.ReplyClassLate, cases.ReplyClassLate, false},
		{"returned: perfunctory and still on time", facts(cases.StateClosed, "2026-04-20", "2026-06-01", true), "2026-06-02",
			cases.ReplyClassPerfunctory, cases.ReplyClassOnTime, true},
		{"returned before the due date: counted once due", facts(cases.StateReplied, "2026-04-20", "", true), "2026-04-25",
			cases.ReplyClassPerfunctory, none, false},
		{"late after no reply", facts(cases.StateReplied, "2026-06-01", "", false), "2026-06-01", cases.ReplyClassLate, cases.ReplyClassLate, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReplyClassesOf(tt.f, d(tt.today))
			if got.ReplyClass != tt.class || got.ReplyTimeliness != tt.timeliness || got.ReplyPerfunctory != tt.perfunctory {
				t.Fatalf("got %+v, want class %q timeliness %q perfunctory %v", got, tt.class, tt.timeliness, tt.perfunctory)
			}
			if got.ReplyClassLabel != StatsReplyClassLabels[tt.class] || got.ReplyTimelinessLabel != StatsReplyClassLabels[tt.timeliness] {
				t.Fatalf("labels %+v", got)
			}
			// Once the reply fell due, the single class is the one the
			// figures count: 粗回复 when perfunctory, the timeliness otherwise.
			if tt.f.FellDue(d(tt.today)) && !got.ReplyPerfunctory && got.ReplyClass != got.ReplyTimeliness {
				t.Fatalf("class %q but counted as %q", got.ReplyClass, got.ReplyTimeliness)
			}
		})
	}
}
