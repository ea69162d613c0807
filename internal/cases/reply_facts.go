package cases

import "jianyi/internal/calendar"

// ReplyFacts are the facts a recommendation's reply is judged on, with the
// reply definitions of the statistics (统计口径) written once over them: the
// statistics (internal/stats CaseFacts), the ledger, the case views and the
// agency inbox all classify a reply through these methods, so a case never
// shows one class on its page and is counted under another. Dates are legal
// dates in the configured zone; a zero Date means "not (yet)".
type ReplyFacts struct {
	State      CaseState
	ReceivedOn calendar.Date // 收到: the reply clock starts the next day
	// ReplyDue is the deadline of the written reply: the period from
	// receipt with any extension granted before it ended — the deadline in
	// force when the first final reply came, or the current one when none
	// came. A supplement deadline set on returning a reply (退回补充) is
	// never the reply due date.
	ReplyDue calendar.Date
	// RepliedOn is the day of the first final reply (正式回复); interim
	// replies keep the duty to reply open and do not count.
	RepliedOn calendar.Date
	// EndedOn is the day the case was closed, withdrawn or terminated.
	EndedOn calendar.Date
	// Returned: a reply was returned as perfunctory (粗回复).
	Returned bool
}

// Delivered reports whether the recommendation reached its recipient.
func (f *ReplyFacts) Delivered() bool { return !f.ReceivedOn.IsZero() && !f.ReplyDue.IsZero() }

// FellDue (应回复) is the denominator of every reply figure: the
// recommendation was delivered and its reply due date has passed by asOf
// (the due day itself still belongs to the agency). A recommendation
// withdrawn or terminated on or before its due date never fell due; ended
// later it did, and what happened by then stays counted.
func (f *ReplyFacts) FellDue(asOf calendar.Date) bool {
	if !f.Delivered() || !f.ReplyDue.Before(asOf) {
		return false
	}
	if (f.State == StateWithdrawn || f.State == StateTerminated) && !f.EndedOn.After(f.ReplyDue) {
		return false
	}
	return true
}

// Awaiting (未到期): received by asOf, due date not yet passed, no final
// reply yet and the case still open.
func (f *ReplyFacts) Awaiting(asOf calendar.Date) bool {
	return f.Delivered() && !f.ReceivedOn.After(asOf) && !f.ReplyDue.Before(asOf) && !f.RepliedBy(asOf) && !f.State.IsFinal()
}

// RepliedBy reports a final reply had come by asOf.
func (f *ReplyFacts) RepliedBy(asOf calendar.Date) bool {
	return !f.RepliedOn.IsZero() && !f.RepliedOn.After(asOf)
}

// Timeliness is the timeliness class (按期/慢回复/不回复) of a
// recommendation whose reply fell due by asOf, ReplyClassPending otherwise:
//
//   - on time (按期回复): the first final reply came on or before the due date;
//   - late (慢回复): it came after the due date;
//   - no reply (不回复): none has come. This is a fact of the agency's
//     conduct: escalating, terminating or closing the case afterwards does
//     not change it; only the agency's own (late) final reply turns it
//     into 慢回复.
//
// Timeliness says nothing of quality: a reply on time and later returned
// as perfunctory is on time and also perfunctory (Perfunctory).
func (f *ReplyFacts) Timeliness(asOf calendar.Date) string {
	if !f.FellDue(asOf) {
		return ReplyClassPending
	}
	switch {
	case !f.RepliedBy(asOf):
		return ReplyClassNoReply
	case f.RepliedOn.After(f.ReplyDue):
		return ReplyClassLate
	default:
		return ReplyClassOnTime
	}
}

// Perfunctory is the quality measure (粗回复): the reply fell due and a
// reply was returned as perfunctory, whether or not a supplement followed.
func (f *ReplyFacts) Perfunctory(asOf calendar.Date) bool {
	return f.Returned && f.FellDue(asOf)
}

// Class is the single reply class a case shows (reply_class), kept for the
// views that show one: 粗回复 once a reply was returned; otherwise 按期 or
// 慢回复 as soon as the first final reply came (its timeliness cannot change
// afterwards); otherwise 不回复 once the reply fell due; "" before. From
// the day the reply falls due it is always Perfunctory's 粗回复 or
// Timeliness's class, the ones the figures count.
func (f *ReplyFacts) Class(asOf calendar.Date) string {
	switch {
	case f.Returned:
		return ReplyClassPerfunctory
	case f.RepliedBy(asOf) && !f.ReplyDue.IsZero() && f.RepliedOn.After(f.ReplyDue):
		return ReplyClassLate
	case f.RepliedBy(asOf):
		return ReplyClassOnTime
	case f.FellDue(asOf):
		return ReplyClassNoReply
	}
	return ReplyClassPending
}
