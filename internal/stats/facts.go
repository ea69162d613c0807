package stats

import (
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

// The statistics definitions (统计口径), written once. Every figure of the
// API, the ledger, the public agency table and the daily snapshot is derived
// from per-case facts by the functions of this file and tally.go, so they
// count the same way, and tallies of parts add up to the tally of the whole
// (a province is the sum of its procuratorates). docs/projects.md
// ("Statistics definitions") restates them; Definitions holds the sentences
// shown next to the figures.

// CaseFacts is what one issued recommendation contributes to the figures:
// facts the actions recorded, nothing derived. Dates are legal dates in the
// configured zone; a zero Date means "not (yet)".
type CaseFacts struct {
	CaseID          int64
	ProcuratorateID int64
	DepartmentID    int64
	AgencyID        int64

	RegisteredOn calendar.Date // 线索登记
	FiledOn      calendar.Date // 立案 (the "file" action); zero when unknown
	IssuedOn     calendar.Date // 制发

	DeliveryMethod string        // cases.DeliveryWritten | cases.DeliveryAnnounced (the last delivery)
	DeliveredOn    calendar.Date // 送达

	// ReplyFacts hold the state, the receipt, the reply due date (the
	// deadline in force when the first final reply came), the first final
	// reply, the end and whether a reply was returned as perfunctory, with
	// the reply definitions over them — 应回复 (FellDue), 未到期 (Awaiting),
	// the timeliness class (Timeliness: 按期/慢回复/不回复, a no-reply a fact
	// that nothing later changes) and 粗回复 (Perfunctory), kept separate —
	// written once in internal/cases (reply_facts.go) because the case views
	// and the agency inbox show the same classes.
	cases.ReplyFacts

	// Position is the agency's position in its last reply not returned:
	// agency.PositionAdopted, PositionPartlyAdopted, PositionNotAdopted or "".
	Position string
	// Rectification is the procuratorate's verdict (整改情况评估) or "".
	Rectification string

	Escalations []EscalationFact
	Filing      *FilingFact // 备案, when the recommendation has one
}

// EscalationFact is one escalation measure (报告/通报/移送) decided on a case.
type EscalationFact struct {
	Kind      string // agency.Escalate…
	DecidedOn calendar.Date
	// Outcome is what the measure produced (record_escalation_result): the
	// number of the 公益诉讼 case a referral became, or the reference of the
	// report or notice; "" until recorded. OutcomeOn is the day it came.
	Outcome   string
	OutcomeOn calendar.Date
}

// ProducedResult reports the measure had produced its result by asOf: an
// outcome is recorded, dated on or before asOf.
func (e EscalationFact) ProducedResult(asOf calendar.Date) bool {
	return e.Outcome != "" && (e.OutcomeOn.IsZero() || !e.OutcomeOn.After(asOf))
}

// FilingFact is the 备案 of a recommendation with the higher procuratorate.
type FilingFact struct {
	Due     calendar.Date // 备案期限
	FiledOn calendar.Date // zero while pending
}

// Period bounds a figure by one of its dates, both ends inclusive; a zero
// end is open. Which date a figure is counted by is part of its definition.
type Period struct{ From, To calendar.Date }

// Contains reports whether d is set and inside the period.
func (p Period) Contains(d calendar.Date) bool {
	return !d.IsZero() && (p.From.IsZero() || !d.Before(p.From)) && (p.To.IsZero() || !d.After(p.To))
}

// Adopted reports the agency adopted the recommendation fully or in part in
// its last reply not returned.
func (f *CaseFacts) Adopted() bool {
	return f.Position == agency.PositionAdopted || f.Position == agency.PositionPartlyAdopted
}

// Announced reports a 宣告送达.
func (f *CaseFacts) Announced() bool { return f.DeliveryMethod == cases.DeliveryAnnounced }

// FilingFellDue is the denominator of 按期备案率: the filing's due date has
// passed by asOf.
func (f *CaseFacts) FilingFellDue(asOf calendar.Date) bool {
	return f.Filing != nil && !f.Filing.Due.IsZero() && f.Filing.Due.Before(asOf)
}

// FiledOnTime: submitted on or before the filing's due date.
func (f *CaseFacts) FiledOnTime() bool {
	return f.Filing != nil && !f.Filing.FiledOn.IsZero() && !f.Filing.FiledOn.After(f.Filing.Due)
}

// HandlingDays is the 办理周期 of a closed case: days from 立案 (or, when the
// filing day is unknown, the lead's registration) to 结案; -1 when the case
// is not closed.
func (f *CaseFacts) HandlingDays() int {
	if f.State != cases.StateClosed || f.EndedOn.IsZero() {
		return -1
	}
	start := f.FiledOn
	if start.IsZero() {
		start = f.RegisteredOn
	}
	if start.IsZero() {
		return -1
	}
	return start.DaysUntil(f.EndedOn)
}

// PublicInterestConversion reports an escalation that turned the case into
// public-interest litigation (公益诉讼) by asOf: a referral (移送公益诉讼) whose
// outcome — the 公益诉讼 case number — is recorded. A referral still without
// one is counted as an escalation, not as a conversion.
func PublicInterestConversion(e EscalationFact, asOf calendar.Date) bool {
	return e.Kind == agency.EscalateLitigation && e.ProducedResult(asOf)
}
