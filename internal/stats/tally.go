package stats

import (
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

// ReplyTally counts the reply figures of a set of recommendations. Add one
// case at a time (or Merge tallies of parts); Figures turns the counts into
// rates. All counts are over the recommendations whose reply fell due in the
// period (FellDue with ReplyDue inside the period) — except Awaiting.
type ReplyTally struct {
	Due         int64 // 应回复
	Awaiting    int64 // 未到期: delivered, due date in the period not yet passed, no reply yet
	OnTime      int64 // 按期回复
	Late        int64 // 慢回复
	NoReply     int64 // 不回复
	Perfunctory int64 // 粗回复

	Positions      map[string]int64 // last reply not returned: 采纳 / 部分采纳 / 不采纳
	Rectifications map[string]int64 // 整改情况评估

	daysToReplySum int64 // RepliedOn − ReceivedOn over the replied
}

// Add counts one recommendation as of asOf, by its reply due date in p.
func (t *ReplyTally) Add(f *CaseFacts, p Period, asOf calendar.Date) {
	if !p.Contains(f.ReplyDue) {
		return
	}
	if f.Awaiting(asOf) {
		t.Awaiting++
	}
	if !f.FellDue(asOf) {
		return
	}
	t.Due++
	switch f.Timeliness(asOf) {
	case cases.ReplyClassOnTime:
		t.OnTime++
	case cases.ReplyClassLate:
		t.Late++
	case cases.ReplyClassNoReply:
		t.NoReply++
	}
	if f.RepliedBy(asOf) {
		t.daysToReplySum += int64(f.ReceivedOn.DaysUntil(f.RepliedOn))
	}
	if f.Perfunctory(asOf) {
		t.Perfunctory++
	}
	if f.Position != "" {
		addCount(&t.Positions, f.Position, 1)
	}
	if f.Rectification != "" {
		addCount(&t.Rectifications, f.Rectification, 1)
	}
}

// addCount adds n to m[k], making the map on first use.
func addCount(m *map[string]int64, k string, n int64) {
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[k] += n
}

// mergeCounts adds every count of src to *dst.
func mergeCounts(dst *map[string]int64, src map[string]int64) {
	for k, v := range src {
		addCount(dst, k, v)
	}
}

// Merge adds another tally's counts, e.g. of a procuratorate to its city's.
func (t *ReplyTally) Merge(o ReplyTally) {
	t.Due += o.Due
	t.Awaiting += o.Awaiting
	t.OnTime += o.OnTime
	t.Late += o.Late
	t.NoReply += o.NoReply
	t.Perfunctory += o.Perfunctory
	t.daysToReplySum += o.daysToReplySum
	mergeCounts(&t.Positions, o.Positions)
	mergeCounts(&t.Rectifications, o.Rectifications)
}

// Replied is the number that replied (on time or late).
func (t *ReplyTally) Replied() int64 { return t.OnTime + t.Late }

// ReplyFigures are the reply figures with their rates; every rate carries
// its numerator and denominator. The JSON names are the keys of Definitions.
type ReplyFigures struct {
	ReplyDue         int64    `json:"reply_due"`      // 应回复
	AwaitingReply    int64    `json:"awaiting_reply"` // 未到期
	Replied          int64    `json:"replied"`        // 已回复
	OnTime           int64    `json:"on_time"`        // 按期回复
	LateReply        int64    `json:"late_reply"`     // 慢回复
	NoReply          int64    `json:"no_reply"`       // 不回复
	Perfunctory      int64    `json:"perfunctory"`    // 粗回复
	ReplyRate        Rate     `json:"reply_rate"`
	OnTimeRate       Rate     `json:"on_time_rate"`
	PerfunctoryRate  Rate     `json:"perfunctory_rate"`
	AdoptionRate     Rate     `json:"adoption_rate"`
	FullAdoptionRate Rate     `json:"full_adoption_rate"`
	RectifiedRate    Rate     `json:"rectified_rate"`
	AvgDaysToReply   *float64 `json:"avg_days_to_reply"`
}

// Figures computes the rates of the tally.
func (t *ReplyTally) Figures() ReplyFigures {
	replied := t.Replied()
	adopted := t.Positions[agency.PositionAdopted]
	f := ReplyFigures{ReplyDue: t.Due, AwaitingReply: t.Awaiting, Replied: replied, OnTime: t.OnTime, LateReply: t.Late,
		NoReply: t.NoReply, Perfunctory: t.Perfunctory,
		ReplyRate:        rateOf(replied, t.Due),
		OnTimeRate:       rateOf(t.OnTime, t.Due),
		PerfunctoryRate:  rateOf(t.Perfunctory, replied),
		AdoptionRate:     rateOf(adopted+t.Positions[agency.PositionPartlyAdopted], t.Due),
		FullAdoptionRate: rateOf(adopted, t.Due),
		RectifiedRate:    rateOf(t.Rectifications[agency.RectificationRectified], t.Due),
	}
	if replied > 0 {
		v := round1(float64(t.daysToReplySum) / float64(replied))
		f.AvgDaysToReply = &v
	}
	return f
}

// ActivityTally counts what the procuratorate did, each by its own date in
// the period: deliveries (送达日期), 备案 (备案期限), escalations (决定日期)
// and closures (结案日期).
type ActivityTally struct {
	Delivered       int64            // 送达
	Announced       int64            // 宣告送达
	FilingsDue      int64            // 备案期限已届满
	FilingsOnTime   int64            // 其中按期备案
	Escalations     map[string]int64 // measures decided in the period, by kind
	Results         map[string]int64 // of those, the ones that produced a result by asOf, by kind
	EscalatedCases  int64            // cases with at least one escalation in the period
	PublicInterest  int64            // cases converted to 公益诉讼 (PublicInterestConversion)
	Closed          int64            // 结案 with a 办理周期
	handlingDaysSum int64
}

// Add counts one recommendation as of asOf.
func (t *ActivityTally) Add(f *CaseFacts, p Period, asOf calendar.Date) {
	if f.Delivered() && p.Contains(f.DeliveredOn) {
		t.Delivered++
		if f.Announced() {
			t.Announced++
		}
	}
	if f.FilingFellDue(asOf) && p.Contains(f.Filing.Due) {
		t.FilingsDue++
		if f.FiledOnTime() {
			t.FilingsOnTime++
		}
	}
	escalated, converted := false, false
	for _, e := range f.Escalations {
		if !p.Contains(e.DecidedOn) {
			continue
		}
		addCount(&t.Escalations, e.Kind, 1)
		if e.ProducedResult(asOf) {
			addCount(&t.Results, e.Kind, 1)
		}
		escalated = true
		converted = converted || PublicInterestConversion(e, asOf)
	}
	if escalated {
		t.EscalatedCases++
	}
	if converted {
		t.PublicInterest++
	}
	if days := f.HandlingDays(); days >= 0 && p.Contains(f.EndedOn) {
		t.Closed++
		t.handlingDaysSum += int64(days)
	}
}

// Merge adds another tally's counts.
func (t *ActivityTally) Merge(o ActivityTally) {
	t.Delivered += o.Delivered
	t.Announced += o.Announced
	t.FilingsDue += o.FilingsDue
	t.FilingsOnTime += o.FilingsOnTime
	t.EscalatedCases += o.EscalatedCases
	t.PublicInterest += o.PublicInterest
	t.Closed += o.Closed
	t.handlingDaysSum += o.handlingDaysSum
	mergeCounts(&t.Escalations, o.Escalations)
	mergeCounts(&t.Results, o.Results)
}

// ActivityFigures are the activity figures with their rates.
type ActivityFigures struct {
	Delivered           int64             `json:"delivered"`
	AnnouncedDeliveries int64             `json:"announced_deliveries"` // 宣告送达
	AnnouncedRate       Rate              `json:"announced_rate"`
	FilingOnTimeRate    Rate              `json:"filing_on_time_rate"` // 按期备案率
	EscalatedCases      int64             `json:"escalated_cases"`
	Escalations         []EscalationCount `json:"escalations"`             // by kind
	EscalationResults   int64             `json:"escalations_with_result"` // measures that produced a result
	PublicInterestCases int64             `json:"public_interest_cases"`   // 转公益诉讼
	Closed              int64             `json:"closed"`
	AvgHandlingDays     *float64          `json:"avg_handling_days"` // 平均办理周期
}

// EscalationCount is the number of measures of one kind decided in the
// period and, of them, how many had produced a result (a 公益诉讼 case
// number, a report's reference).
type EscalationCount struct {
	Key        string `json:"key"`
	Label      string `json:"label"`
	Count      int64  `json:"count"`
	WithResult int64  `json:"with_result"`
}

// Figures computes the rates of the tally.
func (t *ActivityTally) Figures() ActivityFigures {
	f := ActivityFigures{Delivered: t.Delivered, AnnouncedDeliveries: t.Announced,
		AnnouncedRate:    rateOf(t.Announced, t.Delivered),
		FilingOnTimeRate: rateOf(t.FilingsOnTime, t.FilingsDue), EscalatedCases: t.EscalatedCases,
		PublicInterestCases: t.PublicInterest, Closed: t.Closed, Escalations: []EscalationCount{}}
	for _, k := range escalationKinds {
		f.Escalations = append(f.Escalations, EscalationCount{k, agency.EscalationKindLabels[k], t.Escalations[k], t.Results[k]})
		f.EscalationResults += t.Results[k]
	}
	if t.Closed > 0 {
		v := round1(float64(t.handlingDaysSum) / float64(t.Closed))
		f.AvgHandlingDays = &v
	}
	return f
}

var escalationKinds = []string{agency.EscalateHigherProcuratorate, agency.EscalateSuperiorRegulator, agency.EscalatePartyCongress,
	agency.EscalateGovernmentDiscipline, agency.EscalateLitigation}

// LeadGroup is a number of cases registered in the period in one state,
// filed (立案, a case number given) or not.
type LeadGroup struct {
	State cases.CaseState
	Filed bool
	N     int64
}

// LeadConversionRate is 线索成案率: of the leads registered in the period
// whose check is decided (no longer 线索 or 初核), the share filed as cases.
func LeadConversionRate(groups []LeadGroup) Rate {
	var decided, filed int64
	for _, g := range groups {
		if g.Filed {
			filed += g.N
			decided += g.N
			continue
		}
		if g.State != cases.StateLead && g.State != cases.StateChecking {
			decided += g.N
		}
	}
	return rateOf(filed, decided)
}

// ApplicationFacts is what one citizen application (公民申请) contributes.
type ApplicationFacts struct {
	Status      string
	SubmittedOn calendar.Date
	AnswerDue   calendar.Date // procedural answer (受理/补正/移送) within 7 working days
	AnsweredOn  calendar.Date
	CaseID      int64 // the lead it became, when accepted
	CaseFiled   bool  // that lead was filed as a case (立案)
}

// ApplicationTally counts citizen applications submitted in the period.
type ApplicationTally struct {
	Received, AnswersDue, AnsweredOnTime     int64
	Accepted, Declined, Transferred, Pending int64
	BecameLead, BecameCase                   int64
}

// Add counts one application as of asOf, by its submission day in p.
func (t *ApplicationTally) Add(a *ApplicationFacts, p Period, asOf calendar.Date) {
	if !p.Contains(a.SubmittedOn) {
		return
	}
	t.Received++
	if a.AnswerDue.Before(asOf) {
		t.AnswersDue++
		if !a.AnsweredOn.IsZero() && !a.AnsweredOn.After(a.AnswerDue) {
			t.AnsweredOnTime++
		}
	}
	switch a.Status {
	case "accepted":
		t.Accepted++
	case "declined":
		t.Declined++
	case "transferred":
		t.Transferred++
	default:
		t.Pending++
	}
	if a.CaseID != 0 {
		t.BecameLead++
	}
	if a.CaseFiled {
		t.BecameCase++
	}
}

// ApplicationFigures are the citizen-application figures.
type ApplicationFigures struct {
	Received           int64 `json:"received"`
	AnswerOnTimeRate   Rate  `json:"answer_on_time_rate"` // 按期答复率
	Accepted           int64 `json:"accepted"`            // 决定启动
	Declined           int64 `json:"declined"`            // 不予启动
	Transferred        int64 `json:"transferred"`         // 移送
	Pending            int64 `json:"pending"`             // 办理中
	BecameLead         int64 `json:"became_lead"`         // 立为线索
	BecameCase         int64 `json:"became_case"`         // 立案
	CaseConversionRate Rate  `json:"case_conversion_rate"`
}

// Figures computes the rates of the tally.
func (t *ApplicationTally) Figures() ApplicationFigures {
	return ApplicationFigures{Received: t.Received, AnswerOnTimeRate: rateOf(t.AnsweredOnTime, t.AnswersDue),
		Accepted: t.Accepted, Declined: t.Declined, Transferred: t.Transferred, Pending: t.Pending,
		BecameLead: t.BecameLead, BecameCase: t.BecameCase,
		CaseConversionRate: rateOf(t.BecameCase, t.Accepted+t.Declined+t.Transferred)}
}
