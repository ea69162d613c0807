package stats

import (
	"maps"
	"testing"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

func day(t *testing.T, s string) calendar.Date {
	t.Helper()
	if s == "" {
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// definitionCases are issue 14's table: five recommendations received on
// 2026-01-05 (reply due 2026-03-05) — replied on time, late, on time but
// returned as perfunctory, no reply then escalated and terminated, no reply
// then closed with an escalation — plus one withdrawn before its due date
// and one not yet due. before is how they stood on 2026-03-30, after is
// once every case had ended.
func definitionCases(t *testing.T) (before, after []CaseFacts) {
	type row struct {
		name                       string
		replied, position, rect    string
		returned                   bool
		escalation, escalatedOn    string
		outcome, outcomeOn         string
		stateBefore, stateAfter    cases.CaseState
		endedBefore, endedAfter    string
		receivedOn, due, deliverer string
	}
	rows := []row{
		{name: "on time", replied: "2026-02-20", position: agency.PositionAdopted, rect: agency.RectificationRectified,
			stateBefore: cases.StateFollowingUp, stateAfter: cases.StateClosed, endedAfter: "2026-04-15"},
		{name: "late", replied: "2026-03-20", position: agency.PositionPartlyAdopted, rect: agency.RectificationPartlyRectified,
			stateBefore: cases.StateFollowingUp, stateAfter: cases.StateClosed, endedAfter: "2026-04-20"},
		{name: "perfunctory", replied: "2026-02-25", position: agency.PositionAdopted, returned: true, rect: agency.RectificationNotRectified,
			stateBefore: cases.StateReplied, stateAfter: cases.StateClosed, endedAfter: "2026-04-20"},
		{name: "no reply, escalated, terminated", escalation: agency.EscalateLitigation, escalatedOn: "2026-03-20",
			outcome: "清河检公益立〔2026〕2号", outcomeOn: "2026-03-28",
			stateBefore: cases.StateDelivered, stateAfter: cases.StateTerminated, endedAfter: "2026-04-01"},
		{name: "no reply, closed with escalation", escalation: agency.EscalatePartyCongress, escalatedOn: "2026-03-25",
			stateBefore: cases.StateDelivered, stateAfter: cases.StateClosed, endedAfter: "2026-04-10"},
		{name: "withdrawn before due", stateBefore: cases.StateWithdrawn, stateAfter: cases.StateWithdrawn,
			endedBefore: "2026-02-01", endedAfter: "2026-02-01"},
		{name: "not yet due", receivedOn: "2026-03-20", due: "2026-05-20", stateBefore: cases.StateDelivered, stateAfter: cases.StateDelivered},
	}
	for i, r := range rows {
		received, due := "2026-01-05", "2026-03-05"
		if r.receivedOn != "" {
			received, due = r.receivedOn, r.due
		}
		f := CaseFacts{CaseID: int64(i + 1), ProcuratorateID: 1, AgencyID: 1, RegisteredOn: day(t, "2025-11-01"), FiledOn: day(t, "2025-11-10"),
			IssuedOn: day(t, "2025-12-30"), DeliveryMethod: cases.DeliveryWritten, DeliveredOn: day(t, received), Position: r.position,
			Rectification: r.rect, ReplyFacts: cases.ReplyFacts{ReceivedOn: day(t, received), ReplyDue: day(t, due), RepliedOn: day(t, r.replied),
				Returned: r.returned}}
		if r.escalation != "" {
			f.Escalations = []EscalationFact{{Kind: r.escalation, DecidedOn: day(t, r.escalatedOn), Outcome: r.outcome, OutcomeOn: day(t, r.outcomeOn)}}
		}
		b, a := f, f
		b.State, b.EndedOn = r.stateBefore, day(t, r.endedBefore)
		a.State, a.EndedOn = r.stateAfter, day(t, r.endedAfter)
		before, after = append(before, b), append(after, a)
	}
	return before, after
}

func TestStatisticsDefinitions(t *testing.T) {
	t.Parallel()
	before, after := definitionCases(t)
	type want struct {
		due, awaiting, replied, onTime, late, noReply, perfunctory int64
		replyRate, onTimeRate, adoptionRate, rectifiedRate         float64
	}
	// Five fell due: three replied (60 %), two on time (40 % — the
	// perfunctory one counts as on time), one late, two never; adoption
	// (adopted, partly, adopted) 3 / 5; rectified 1 / 5.
	settled := want{due: 5, awaiting: 1, replied: 3, onTime: 2, late: 1, noReply: 2, perfunctory: 1,
		replyRate: 60, onTimeRate: 40, adoptionRate: 60, rectifiedRate: 20}
	tests := []struct {
		name  string
		facts []CaseFacts
		asOf  string
		want  want
	}{
		// On the due day itself nothing has fallen due yet.
		{"on the due date", before, "2026-03-05", want{awaiting: 3}},
		{"before the cases end", before, "2026-03-30", settled},
		{"after every case ended", after, "2026-05-01", settled},
		{"a year later", after, "2027-05-01", want{due: 6, replied: 3, onTime: 2, late: 1, noReply: 3, perfunctory: 1,
			replyRate: 50, onTimeRate: 33.3, adoptionRate: 50, rectifiedRate: 16.7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tally ReplyTally
			for i := range tt.facts {
				tally.Add(&tt.facts[i], Period{}, day(t, tt.asOf))
			}
			f := tally.Figures()
			got := want{f.ReplyDue, f.AwaitingReply, f.Replied, f.OnTime, f.LateReply, f.NoReply, f.Perfunctory,
				f.ReplyRate.Percent, f.OnTimeRate.Percent, f.AdoptionRate.Percent, f.RectifiedRate.Percent}
			if got != tt.want {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			if f.ReplyRate.Denominator != f.ReplyDue || f.OnTimeRate.Denominator != f.ReplyDue || f.RectifiedRate.Denominator != f.ReplyDue {
				t.Fatalf("rates not divided by the recommendations due: %+v", f)
			}
		})
	}
}

// TestPerfunctoryReplyStaysOnTime is issue 14's "agency shows 0 % 按期回复率":
// an on-time reply later returned as perfunctory.
func TestPerfunctoryReplyStaysOnTime(t *testing.T) {
	t.Parallel()
	_, after := definitionCases(t)
	f := after[2]
	if got := f.Timeliness(day(t, "2026-05-01")); got != cases.ReplyClassOnTime || !f.Perfunctory(day(t, "2026-05-01")) {
		t.Fatalf("timeliness %q, perfunctory %v", got, f.Perfunctory(day(t, "2026-05-01")))
	}
	var tally ReplyTally
	tally.Add(&f, Period{}, day(t, "2026-05-01"))
	if r := tally.Figures(); r.OnTimeRate.Percent != 100 || r.PerfunctoryRate.Percent != 100 {
		t.Fatalf("%+v", r)
	}
}

func TestReplyPeriodIsTheDueDate(t *testing.T) {
	t.Parallel()
	_, after := definitionCases(t)
	asOf := day(t, "2027-01-01")
	for _, tt := range []struct {
		from, to string
		due      int64
	}{
		{"2026-03-01", "2026-03-31", 5}, // the five due on 2026-03-05; the withdrawn one never fell due
		{"2026-03-06", "2026-12-31", 1}, // the one due on 2026-05-20
		{"2025-01-01", "2026-03-04", 0},
	} {
		var tally ReplyTally
		p := Period{From: day(t, tt.from), To: day(t, tt.to)}
		for i := range after {
			tally.Add(&after[i], p, asOf)
		}
		if tally.Due != tt.due {
			t.Errorf("%s..%s: %d due, want %d", tt.from, tt.to, tally.Due, tt.due)
		}
	}
}

// TestTalliesAddUp: the tally of the whole is the merged tallies of its
// parts, so per-procuratorate figures sum to the city's.
func TestTalliesAddUp(t *testing.T) {
	t.Parallel()
	_, after := definitionCases(t)
	asOf := day(t, "2026-05-01")
	var whole, odd, even ReplyTally
	var wholeA, oddA, evenA ActivityTally
	for i := range after {
		whole.Add(&after[i], Period{}, asOf)
		wholeA.Add(&after[i], Period{}, asOf)
		if i%2 == 0 {
			even.Add(&after[i], Period{}, asOf)
			evenA.Add(&after[i], Period{}, asOf)
		} else {
			odd.Add(&after[i], Period{}, asOf)
			oddA.Add(&after[i], Period{}, asOf)
		}
	}
	odd.Merge(even)
	oddA.Merge(evenA)
	if got, want := odd.Figures(), whole.Figures(); *got.AvgDaysToReply != *want.AvgDaysToReply || got.OnTimeRate != want.OnTimeRate ||
		got.AdoptionRate != want.AdoptionRate || got.NoReply != want.NoReply {
		t.Fatalf("merged %+v\nwhole %+v", got, want)
	}
	if got, want := oddA.Figures(), wholeA.Figures(); got.PublicInterestCases != want.PublicInterestCases || *got.AvgHandlingDays != *want.AvgHandlingDays {
		t.Fatalf("merged %+v\nwhole %+v", got, want)
	}
}

func TestActivityDefinitions(t *testing.T) {
	t.Parallel()
	_, after := definitionCases(t)
	after[0].DeliveryMethod = cases.DeliveryAnnounced
	after[0].Filing = &FilingFact{Due: day(t, "2026-01-06"), FiledOn: day(t, "2026-01-05")}
	after[1].Filing = &FilingFact{Due: day(t, "2026-01-06"), FiledOn: day(t, "2026-01-09")}
	after[2].Filing = &FilingFact{Due: day(t, "2026-01-06")}
	after[3].Filing = &FilingFact{Due: day(t, "2026-06-06")} // not yet due
	var tally ActivityTally
	for i := range after {
		tally.Add(&after[i], Period{}, day(t, "2026-05-01"))
	}
	f := tally.Figures()
	// Closed: on time 04-15, late 04-20, perfunctory 04-20, no reply 04-10,
	// each from 立案 on 2025-11-10: 156, 161, 161, 151 days.
	if f.Delivered != 7 || f.AnnouncedDeliveries != 1 || f.FilingOnTimeRate.Numerator != 1 || f.FilingOnTimeRate.Denominator != 3 ||
		f.EscalatedCases != 2 || f.PublicInterestCases != 1 || f.Closed != 4 || f.AvgHandlingDays == nil || *f.AvgHandlingDays != 157.3 {
		t.Fatalf("%+v", f)
	}
	groups := []LeadGroup{{cases.StateLead, false, 3}, {cases.StateNotFiled, false, 1}, {cases.StateClosed, true, 2}, {cases.StateDrafting, true, 1}}
	if r := LeadConversionRate(groups); r.Numerator != 3 || r.Denominator != 4 {
		t.Fatalf("lead conversion %+v", r)
	}
}

// TestEscalationOutcomes: escalations count by kind and by whether they
// produced a result by the as-of day; a 公益诉讼 conversion is a referral
// (移送公益诉讼) whose 公益诉讼 case number is recorded, not the referral alone.
func TestEscalationOutcomes(t *testing.T) {
	t.Parallel()
	esc := func(kind, decided, outcome, on string) EscalationFact {
		return EscalationFact{Kind: kind, DecidedOn: day(t, decided), Outcome: outcome, OutcomeOn: day(t, on)}
	}
	litigation, congress := agency.EscalateLitigation, agency.EscalatePartyCongress
	facts := []CaseFacts{
		{CaseID: 1, Escalations: []EscalationFact{esc(litigation, "2026-03-01", "清河检公益立〔2026〕1号", "2026-03-10")}},
		{CaseID: 2, Escalations: []EscalationFact{esc(litigation, "2026-03-02", "", "")}}, // referred, no case yet
		{CaseID: 3, Escalations: []EscalationFact{esc(congress, "2026-03-03", "清河人大函〔2026〕5号", "2026-04-20"),
			esc(litigation, "2026-03-03", "清河检公益立〔2026〕2号", "2026-04-02")}},
		{CaseID: 4, Escalations: []EscalationFact{esc(congress, "2026-03-04", "", "")}},
		{CaseID: 5, Escalations: []EscalationFact{esc(litigation, "2025-12-20", "清河检公益立〔2025〕9号", "2026-03-05")}}, // decided before the period
		{CaseID: 6},
	}
	type want struct {
		cases, withResult, publicInterest int64
		byKind, resultsByKind             map[string]int64
	}
	for _, tt := range []struct {
		name string
		p    Period
		asOf string
		want want
	}{
		{"all time, every result in", Period{}, "2026-05-01", want{5, 4, 3,
			map[string]int64{litigation: 4, congress: 2}, map[string]int64{litigation: 3, congress: 1}}},
		{"all time, before the later results came", Period{}, "2026-03-31", want{5, 2, 2,
			map[string]int64{litigation: 4, congress: 2}, map[string]int64{litigation: 2}}},
		{"March decisions only", Period{From: day(t, "2026-03-01"), To: day(t, "2026-03-31")}, "2026-05-01", want{4, 3, 2,
			map[string]int64{litigation: 3, congress: 2}, map[string]int64{litigation: 2, congress: 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var tally ActivityTally
			for i := range facts {
				tally.Add(&facts[i], tt.p, day(t, tt.asOf))
			}
			f := tally.Figures()
			byKind, results := map[string]int64{}, map[string]int64{}
			for _, c := range f.Escalations {
				if c.Count > 0 {
					byKind[c.Key] = c.Count
				}
				if c.WithResult > 0 {
					results[c.Key] = c.WithResult
				}
			}
			if len(f.Escalations) != len(escalationKinds) {
				t.Fatalf("escalation rows %+v: every kind is listed", f.Escalations)
			}
			got := want{f.EscalatedCases, f.EscalationResults, f.PublicInterestCases, byKind, results}
			if got.cases != tt.want.cases || got.withResult != tt.want.withResult || got.publicInterest != tt.want.publicInterest ||
				!maps.Equal(got.byKind, tt.want.byKind) || !maps.Equal(got.resultsByKind, tt.want.resultsByKind) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestEveryFigureHasADefinition(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"reply_due", "replied", "reply_rate", "on_time_rate", "late_reply", "no_reply", "perfunctory",
		"perfunctory_rate", "adoption_rate", "full_adoption_rate", "rectified_rate", "avg_days_to_reply", "announced_deliveries",
		"filing_on_time_rate", "escalations", "public_interest_cases", "avg_handling_days", "lead_conversion_rate", "applications", "period"} {
		if Definitions[key] == "" {
			t.Errorf("no definition for %s", key)
		}
	}
}
