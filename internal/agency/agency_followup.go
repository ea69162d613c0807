package agency

import (
	"fmt"
	"strings"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
)

// After the reply: 督促落实 records, the agency's progress reports, the chief's
// escalations, closure and reopening.

// FollowUpPayload is one 督促落实 record. Internal records (e.g. an internal
// consultation) and their files are hidden from the agency.
type FollowUpPayload struct {
	Kind         string        `json:"kind" validate:"required,oneof=inquiry visit consultation joint_meeting return_visit"`
	HeldOn       calendar.Date `json:"held_on" validate:"required"`
	Participants string        `json:"participants" validate:"required,max=2000"`
	Findings     string        `json:"findings" validate:"required,max=20000"`
	Internal     bool          `json:"internal"`
}

func applyFollowUp(ac *cases.ActionContext) error {
	p := ac.Payload.(*FollowUpPayload)
	if p.HeldOn.After(ac.Today) {
		return apperr.InvalidField("held_on", "日期不能晚于今天")
	}
	f := &FollowUp{CaseID: ac.Case.ID, AgencyID: ac.Case.AgencyID, Kind: p.Kind, HeldOn: p.HeldOn, Participants: strings.TrimSpace(p.Participants),
		Findings: strings.TrimSpace(p.Findings), Internal: p.Internal, CreatedBy: ac.Actor.UserID, CreatedAt: ac.Now}
	if err := ac.Tx.Create(f).Error; err != nil {
		return err
	}
	ids, err := ac.StoreFiles(cases.OwnerFollowUp, f.ID, p.Internal)
	if err != nil {
		return err
	}
	ac.Internal = ac.Internal || p.Internal
	ac.SetData("follow_up_id", f.ID)
	ac.SetData("kind", f.Kind)
	ac.SetData("held_on", f.HeldOn)
	ac.SetData("file_ids", ids)
	return nil
}

// ProgressPayload is the agency's rectification progress: how far along (0–100)
// and what was done; evidence comes as files.
type ProgressPayload struct {
	Percent     *int   `json:"percent" validate:"required,min=0,max=100"`
	Description string `json:"description" validate:"required,max=10000"`
}

func applyReportProgress(ac *cases.ActionContext) error {
	p := ac.Payload.(*ProgressPayload)
	c := ac.Case
	r := &ProgressReport{CaseID: c.ID, AgencyID: c.AgencyID, Percent: *p.Percent, Description: strings.TrimSpace(p.Description),
		ReportedBy: ac.Actor.UserID, ReportedOn: ac.Today, CreatedAt: ac.Now}
	if err := ac.Tx.Create(r).Error; err != nil {
		return err
	}
	ids, err := ac.StoreFiles(cases.OwnerProgressReport, r.ID, false)
	if err != nil {
		return err
	}
	ac.SetData("progress_report_id", r.ID)
	ac.SetData("percent", r.Percent)
	ac.SetData("file_ids", ids)
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "agency_progress", Title: "被建议单位报告整改进展",
		Body: fmt.Sprintf("被建议单位报告%s的整改进展：%d%%。", docLabel(c), r.Percent)})
	return nil
}

// EscalatePayload lists the escalation measures the chief decided; the
// request carries one document (file) per measure, in the same order.
type EscalatePayload struct {
	Measures []EscalationInput `json:"measures" validate:"required,min=1,max=5,dive" label:"措施"`
	cases.DecisionFields
}

// EscalationInput is one measure: what, when, to whom and why.
type EscalationInput struct {
	Kind      string        `json:"kind" validate:"required,oneof=report_higher_procuratorate notify_superior_regulator report_party_congress notify_government_discipline public_interest_litigation"`
	DecidedOn calendar.Date `json:"decided_on" validate:"required"`
	Target    string        `json:"target" validate:"required,max=200"`
	Summary   string        `json:"summary" validate:"required,max=5000"`
}

// applyEscalate records the measures. Escalations are the procuratorate's own
// business (reports to Party committees, referrals for litigation), so the
// records, their documents and the timeline entry are internal.
func applyEscalate(ac *cases.ActionContext) error {
	p := ac.Payload.(*EscalatePayload)
	c := ac.Case
	if len(ac.Files) != len(p.Measures) {
		return apperr.InvalidField("files", fmt.Sprintf("每项措施须附一份文书：%d项措施，收到%d份文件", len(p.Measures), len(ac.Files)))
	}
	fields := map[string]string{}
	seen := map[string]bool{}
	for i, m := range p.Measures {
		if seen[m.Kind] {
			fields[fmt.Sprintf("measures[%d].kind", i)] = "同一措施重复"
		}
		seen[m.Kind] = true
		if m.DecidedOn.After(ac.Today) {
			fields[fmt.Sprintf("measures[%d].decided_on", i)] = "日期不能晚于今天"
		}
	}
	if len(fields) > 0 {
		return apperr.Invalid("报告、通报或移送措施有误", fields)
	}
	d, err := cases.RecordDecision(ac, cases.DecisionEscalation, p.DecisionFields, map[string]any{"measures": p.Measures})
	if err != nil {
		return err
	}
	var ids []int64
	for i, m := range p.Measures {
		e := &Escalation{CaseID: c.ID, AgencyID: c.AgencyID, Kind: m.Kind, DecidedOn: m.DecidedOn, Target: strings.TrimSpace(m.Target),
			Summary: strings.TrimSpace(m.Summary), DecidedBy: ac.Actor.UserID, DecisionID: &d.ID, CreatedAt: ac.Now}
		if err := ac.Tx.Create(e).Error; err != nil {
			return err
		}
		if _, err := files.StoreUploads(ac.Tx, ac.Actor.UserID, c.ID, cases.OwnerEscalation, e.ID, true, ac.Files[i:i+1]); err != nil {
			return err
		}
		ids = append(ids, e.ID)
	}
	ac.Internal = true
	ac.SetData("escalation_ids", ids)
	kinds := make([]string, len(p.Measures))
	for i, m := range p.Measures {
		kinds[i] = m.Kind
	}
	ac.SetData("kinds", kinds)
	labels := make([]string, len(kinds))
	for i, k := range kinds {
		labels[i] = EscalationKindLabels[k]
	}
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "case_escalated", Title: "检察长决定报告、通报或移送",
		Body: fmt.Sprintf("%s：%s。", docLabel(c), strings.Join(labels, "；"))})
	return nil
}

// ClosePayload is 结案: the outcome and a summary are required.
type ClosePayload struct {
	Outcome string `json:"outcome" validate:"required,oneof=rectified partly_rectified not_rectified escalated other" label:"结案结果"`
	Summary string `json:"summary" validate:"required,max=10000" label:"结案说明"`
}

// applyClose ends the case. A case whose reply is still due stays open, as
// does one whose 备案 is not made. A case the agency never answered (不回复:
// the reply deadline passed with no final reply) closes from delivered with
// its escalation outcome, so it keeps its 不回复 class in every figure instead
// of leaving only through 终结. With deadlines.lookback_months set, closure
// schedules the 回头看.
func applyClose(ac *cases.ActionContext) error {
	p := ac.Payload.(*ClosePayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	pending, err := cases.HasPendingFiling(ac.Tx, c.ID)
	if err != nil {
		return err
	}
	if pending {
		return apperr.Conflict("filing_pending", "该检察建议尚未报上级院备案，备案后才能结案")
	}
	replies, err := LoadReplies(ac.Tx, c.ID)
	if err != nil {
		return err
	}
	if c.State == cases.StateDelivered {
		if hasFinalReply(replies) || c.ReplyDue == nil || !ac.Today.After(*c.ReplyDue) {
			return apperr.Conflict("reply_pending", "被建议单位的书面回复期限尚未届满或回复尚待评估，不能结案；逾期未回复的，报告、通报或移送后以“已报告、通报或移送”结案")
		}
		if p.Outcome != "escalated" {
			return apperr.InvalidField("outcome", "被建议单位逾期未回复的，应在报告、通报或移送后以“已报告、通报或移送”（escalated）结案")
		}
	}
	if p.Outcome == "escalated" {
		var n int64
		if err := ac.Tx.Model(&Escalation{}).Where("case_id = ?", c.ID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return apperr.Conflict("no_escalation", "尚无检察长决定的报告、通报或移送措施，不能以“已报告、通报或移送”结案")
		}
		ac.SetData("escalations", n)
	}
	now := ac.Now
	c.Outcome, c.ClosedAt = p.Outcome, &now
	c.ReplyClass = ClassifyReply(c, replies, ac.Today, ac.Service.Clock.Location())
	ac.SetData("outcome", p.Outcome)
	ac.SetData("summary", strings.TrimSpace(p.Summary))
	ac.SetData("reply_class", c.ReplyClass)
	c.LookbackDue, c.LookbackDoneOn = nil, nil
	if months := ac.Service.Settings.LookbackMonths; months > 0 {
		d := calendar.DeadlineRule{Unit: calendar.UnitMonths, Count: months}.Apply(ac.Today, ac.Calendar())
		due := d.Due
		c.LookbackDue = &due
		ac.SetData("lookback_due", due)
	}
	if err := ac.TellApplicant(fmt.Sprintf("本院就您反映的问题制发的检察建议已督促落实完毕，现已结案（%s）。", CloseOutcomeLabels[p.Outcome])); err != nil {
		return err
	}
	return notifyAgency(ac, "case_closed", "检察建议已结案", fmt.Sprintf("%s已结案：%s。", docLabel(c), CloseOutcomeLabels[p.Outcome]))
}

// hasFinalReply reports whether the agency gave its final reply.
func hasFinalReply(replies []Reply) bool {
	for _, r := range replies {
		if r.Kind == ReplyKindFinal {
			return true
		}
	}
	return false
}

// Look-back verdicts (回头看: do the rectifications hold?).
const (
	LookBackSustained = "sustained" // 整改成效巩固
	LookBackPartly    = "partly"    // 部分反弹
	LookBackRelapsed  = "relapsed"  // 问题反弹
)

// LookBackVerdictLabels are the Chinese names of the verdicts.
var LookBackVerdictLabels = map[string]string{
	LookBackSustained: "整改成效巩固", LookBackPartly: "部分反弹", LookBackRelapsed: "问题反弹",
}

// LookBackPayload is the 回头看 after closure: when, with whom, what was
// found and whether the rectification holds.
type LookBackPayload struct {
	HeldOn       calendar.Date `json:"held_on" validate:"required" label:"回头看日期"`
	Participants string        `json:"participants" validate:"required,max=2000" label:"参加人员"`
	Findings     string        `json:"findings" validate:"required,max=20000" label:"回头看情况"`
	Verdict      string        `json:"verdict" validate:"required,oneof=sustained partly relapsed" label:"整改成效"`
	Internal     bool          `json:"internal" label:"内部记录"`
}

// applyLookBack records the 回头看 as a follow-up record of kind look_back
// and marks the scheduled look back done; a relapse is reported to the chief,
// who may reopen the case.
func applyLookBack(ac *cases.ActionContext) error {
	p := ac.Payload.(*LookBackPayload)
	c := ac.Case
	if p.HeldOn.After(ac.Today) {
		return apperr.InvalidField("held_on", "日期不能晚于今天")
	}
	if c.ClosedAt != nil && p.HeldOn.Before(ac.Service.Clock.DateOf(*c.ClosedAt)) {
		return apperr.InvalidField("held_on", "回头看日期不能早于结案日期")
	}
	f := &FollowUp{CaseID: c.ID, AgencyID: c.AgencyID, Kind: FollowUpLookBack, HeldOn: p.HeldOn, Participants: strings.TrimSpace(p.Participants),
		Findings: strings.TrimSpace(p.Findings), Verdict: p.Verdict, Internal: p.Internal, CreatedBy: ac.Actor.UserID, CreatedAt: ac.Now}
	if err := ac.Tx.Create(f).Error; err != nil {
		return err
	}
	ids, err := ac.StoreFiles(cases.OwnerFollowUp, f.ID, p.Internal)
	if err != nil {
		return err
	}
	held := p.HeldOn
	c.LookbackDoneOn = &held
	ac.Internal = ac.Internal && p.Internal
	ac.SetData("follow_up_id", f.ID)
	ac.SetData("held_on", held)
	ac.SetData("verdict", p.Verdict)
	ac.SetData("file_ids", ids)
	if p.Verdict == LookBackSustained {
		return nil
	}
	chiefs, err := org.UsersWithRole(ac.Tx, c.ProcuratorateID, org.RoleChief)
	if err != nil {
		return err
	}
	ac.Notify(notify.Spec{UserIDs: chiefs, Kind: "lookback_relapse", Title: "回头看发现整改反弹",
		Body: fmt.Sprintf("%s回头看：%s。可决定重新启动督促落实。", docLabel(c), LookBackVerdictLabels[p.Verdict])})
	return nil
}

// ReopenPayload is 重新启动 by the chief, with the reason.
type ReopenPayload struct {
	Reason string `json:"reason" validate:"required,max=5000"`
}

func applyReopen(ac *cases.ActionContext) error {
	p := ac.Payload.(*ReopenPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	ac.SetData("previous_outcome", c.Outcome)
	ac.SetData("reason", strings.TrimSpace(p.Reason))
	c.Outcome, c.ClosedAt = "", nil
	c.LookbackDue, c.LookbackDoneOn = nil, nil
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "case_reopened", Title: "案件重新启动督促落实",
		Body: fmt.Sprintf("检察长决定重新启动%s的督促落实。理由：%s", docLabel(c), strings.TrimSpace(p.Reason))})
	return nil
}
