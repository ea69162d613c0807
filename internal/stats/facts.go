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
	State           cases.CaseState

	RegisteredOn calendar.Date // 线索登记
	FiledOn      calendar.Date // 立案 (the "file" action); zero when unknown
	IssuedOn     calendar.Date // 制发

	DeliveryMethod string        // cases.DeliveryWritten | cases.DeliveryAnnounced (the last delivery)
	DeliveredOn    calendar.Date // 送达
	ReceivedOn     calendar.Date // 收到: the reply clock starts the next day

	// ReplyDue is the deadline of the written reply: the period from receipt
	// with any extension granted before it ended — the deadline in force when
	// the first final reply came, or now when none came. A supplement
	// deadline set on returning a reply (退回补充) is never the reply due date.
	ReplyDue calendar.Date
	// RepliedOn is the day of the first final reply (正式回复); interim
	// replies (阶段性回复) keep the duty to reply open and do not count.
	RepliedOn calendar.Date
	// Returned: a reply was returned as perfunctory (粗回复).
	Returned bool
	// Position is the agency's position in its last reply not returned:
	// agency.PositionAdopted, PositionPartlyAdopted, PositionNotAdopted or "".
	Position string
	// Rectification is the procuratorate's verdict (整改情况评估) or "".
	Rectification string

	// EndedOn is the day the case was closed, withdrawn or terminated.
	EndedOn calendar.Date

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

// Delivered reports whether the recommendation reached its recipient.
func (f *CaseFacts) Delivered() bool { return !f.ReceivedOn.IsZero() && !f.ReplyDue.IsZero() }

// ReplyFellDue is the denominator of every reply figure (应回复): the
// recommendation was delivered and its reply due date has passed by asOf
// (the due day itself still belongs to the agency). A recommendation
// withdrawn or terminated on or before its due date never fell due; ended
// later it did, and what happened by then stays counted.
func (f *CaseFacts) ReplyFellDue(asOf calendar.Date) bool {
	if !f.Delivered() || !f.ReplyDue.Before(asOf) {
		return false
	}
	if (f.State == cases.StateWithdrawn || f.State == cases.StateTerminated) && !f.EndedOn.After(f.ReplyDue) {
		return false
	}
	return true
}

// AwaitingReply: received by asOf, due date not yet passed and no final
// reply yet.
func (f *CaseFacts) AwaitingReply(asOf calendar.Date) bool {
	return f.Delivered() && !f.ReceivedOn.After(asOf) && !f.ReplyDue.Before(asOf) && !f.repliedBy(asOf) && !f.State.IsFinal()
}

func (f *CaseFacts) repliedBy(asOf calendar.Date) bool {
	return !f.RepliedOn.IsZero() && !f.RepliedOn.After(asOf)
}

// ReplyTimeliness is the timeliness class (按期/慢回复/不回复) of a
// recommendation whose reply fell due by asOf, "" otherwise:
//
//   - on time (按期回复): the first final reply came on or before the due date;
//   - late (慢回复): it came after the due date;
//   - no reply (不回复): none has come. This is a fact of the agency's
//     conduct: escalating, terminating or closing the case afterwards does
//     not change it; only the agency's own (late) final reply turns it
//     into 慢回复.
//
// Timeliness says nothing of quality: a reply on time and later returned
// as perfunctory is on time and also perfunctory (ReplyPerfunctory).
func (f *CaseFacts) ReplyTimeliness(asOf calendar.Date) string {
	if !f.ReplyFellDue(asOf) {
		return cases.ReplyClassPending
	}
	switch {
	case !f.repliedBy(asOf):
		return cases.ReplyClassNoReply
	case f.RepliedOn.After(f.ReplyDue):
		return cases.ReplyClassLate
	default:
		return cases.ReplyClassOnTime
	}
}

// ReplyPerfunctory is the quality measure (粗回复): the reply fell due and a
// reply was returned as perfunctory, whether or not a supplement followed.
func (f *CaseFacts) ReplyPerfunctory(asOf calendar.Date) bool {
	return f.Returned && f.ReplyFellDue(asOf)
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
