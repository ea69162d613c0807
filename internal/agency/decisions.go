package agency

import (
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// What the handling prosecutor proposes (提请) and the chief decides on the
// agency side: the outcome of an objection's review, amending (变更) an issued
// recommendation, escalation — and what an escalation produced. The chief's
// decisions themselves are review_objection (agency_actions.go), amend
// (below) and escalate (agency_followup.go); cases.RecordDecision records
// each.

// ProposeObjectionReviewPayload is the prosecutor's proposal of how to answer
// the open objection.
type ProposeObjectionReviewPayload struct {
	Outcome string `json:"outcome" validate:"required,oneof=amend withdraw keep" label:"拟复核结果"`
	Reason  string `json:"reason" validate:"required,max=5000" label:"提请理由"`
}

func applyProposeObjectionReview(ac *cases.ActionContext) error {
	p := ac.Payload.(*ProposeObjectionReviewPayload)
	if err := noFiles(ac); err != nil {
		return err
	}
	var o Objection
	err := ac.Tx.Where("case_id = ? AND status = ?", ac.Case.ID, ObjectionPending).Order("id").First(&o).Error
	if database.IsNotFound(err) {
		return apperr.Conflict("no_pending_objection", "没有待复核的异议")
	} else if err != nil {
		return err
	}
	_, err = cases.ProposeDecision(ac, cases.DecisionObjectionReview, p.Reason,
		map[string]any{"objection_id": o.ID, "outcome": p.Outcome, "reason": strings.TrimSpace(p.Reason)})
	return err
}

func applyProposeAmend(ac *cases.ActionContext) error {
	p := ac.Payload.(*cases.ProposalPayload)
	if err := noFiles(ac); err != nil {
		return err
	}
	_, err := cases.ProposeDecision(ac, cases.DecisionAmend, p.Reason, map[string]any{"reason": strings.TrimSpace(p.Reason)})
	return err
}

// AmendPayload is the chief's decision to amend (变更) an issued
// recommendation: it is redrafted, approved and issued again under a new 文号.
type AmendPayload struct {
	Reason string `json:"reason" validate:"required,max=5000" label:"变更理由"`
	cases.DecisionFields
}

// applyAmend sends the recommendation back to drafting like an amendment
// after an objection: the old 文号 is void, the reply clock restarts when the
// amended letter is received. While an objection is open, its review decides.
func applyAmend(ac *cases.ActionContext) error {
	p := ac.Payload.(*AmendPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	var open int64
	if err := ac.Tx.Model(&Objection{}).Where("case_id = ? AND status = ?", c.ID, ObjectionPending).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return apperr.Conflict("objection_pending", "有尚未复核的异议，请以异议复核决定变更")
	}
	reason := strings.TrimSpace(p.Reason)
	decision := map[string]any{"reason": reason}
	if c.DocumentNumber != nil {
		decision["superseded_document_number"] = *c.DocumentNumber
		ac.SetData("superseded_document_number", *c.DocumentNumber)
	}
	if _, err := cases.RecordDecision(ac, cases.DecisionAmend, p.DecisionFields, decision); err != nil {
		return err
	}
	ac.SetData("reason", reason)
	delivered := c.DeliveredOn != nil
	label := docLabel(c)
	if err := restartForAmendment(ac); err != nil {
		return err
	}
	if !delivered {
		return nil
	}
	return notifyAgency(ac, "recommendation_amended", "检察建议变更",
		fmt.Sprintf("检察机关决定变更%s，变更后将重新制发并送达（原文号作废），回复期限自重新签收之日起重新计算。理由：%s", label, reason))
}

// ProposeEscalationPayload is the prosecutor's proposal of escalation
// measures (提请报告/通报/移送); the chief decides them with escalate, which
// carries the documents.
type ProposeEscalationPayload struct {
	Measures []EscalationProposal `json:"measures" validate:"required,min=1,max=5,dive" label:"拟采取的措施"`
	Reason   string               `json:"reason" validate:"required,max=5000" label:"提请理由"`
}

// EscalationProposal is one proposed measure: what and to whom.
type EscalationProposal struct {
	Kind    string `json:"kind" validate:"required,oneof=report_higher_procuratorate notify_superior_regulator report_party_congress notify_government_discipline public_interest_litigation" label:"措施"`
	Target  string `json:"target" validate:"required,max=200" label:"对象"`
	Summary string `json:"summary" validate:"max=5000" label:"说明"`
}

func applyProposeEscalation(ac *cases.ActionContext) error {
	p := ac.Payload.(*ProposeEscalationPayload)
	if err := noFiles(ac); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, m := range p.Measures {
		if seen[m.Kind] {
			return apperr.InvalidField(fmt.Sprintf("measures[%d].kind", i), "同一措施重复")
		}
		seen[m.Kind] = true
	}
	_, err := cases.ProposeDecision(ac, cases.DecisionEscalation, p.Reason, map[string]any{"measures": p.Measures, "reason": strings.TrimSpace(p.Reason)})
	return err
}

// EscalationResultPayload records what an escalation produced: the 公益诉讼
// case number the referral became, or the reference of the report or notice
// (and its answer), with the day.
type EscalationResultPayload struct {
	EscalationID int64         `json:"escalation_id" validate:"required,gt=0" label:"报告/移送措施"`
	Reference    string        `json:"reference" validate:"required,max=100" label:"案号或文号"`
	ResultOn     calendar.Date `json:"result_on" label:"日期"`
	Note         string        `json:"result_note" validate:"max=2000" label:"结果说明"`
}

func applyRecordEscalationResult(ac *cases.ActionContext) error {
	p := ac.Payload.(*EscalationResultPayload)
	if err := noFiles(ac); err != nil {
		return err
	}
	fields := map[string]string{}
	switch {
	case p.ResultOn.IsZero():
		fields["result_on"] = "请填写日期"
	case p.ResultOn.After(ac.Today):
		fields["result_on"] = "日期不能晚于今天"
	}
	if len(fields) > 0 {
		return apperr.Invalid("报告、移送结果有误", fields)
	}
	var e Escalation
	err := database.LockRow(ac.Tx).Where("id = ? AND case_id = ?", p.EscalationID, ac.Case.ID).Take(&e).Error
	if database.IsNotFound(err) {
		return apperr.InvalidField("escalation_id", "该案件没有这项报告、通报或移送措施")
	} else if err != nil {
		return err
	}
	if e.ResultReference != "" {
		return apperr.Conflict("result_recorded", "该措施的结果已登记（"+e.ResultReference+"）")
	}
	if p.ResultOn.Before(e.DecidedOn) {
		return apperr.InvalidField("result_on", "日期不能早于决定日期"+e.DecidedOn.String())
	}
	ref, day, uid := strings.TrimSpace(p.Reference), p.ResultOn, ac.Actor.UserID
	if err := ac.Tx.Model(&Escalation{}).Where("id = ?", e.ID).Updates(map[string]any{
		"result_reference": ref, "result_on": day, "result_note": strings.TrimSpace(p.Note), "result_by": uid}).Error; err != nil {
		return err
	}
	ac.SetData("escalation_id", e.ID)
	ac.SetData("kind", e.Kind)
	ac.SetData("reference", ref)
	ac.SetData("result_on", day)
	return nil
}

// amendedNumbers lists the 文号 voided by the chief's 变更 decisions.
func amendedNumbers(tx *gorm.DB, caseID int64) ([]string, error) {
	var raws []string
	if err := tx.Model(&cases.CaseDecision{}).Where("case_id = ? AND kind = ? AND status = ?", caseID, cases.DecisionAmend, cases.DecisionDecided).
		Order("id").Pluck("decision", &raws).Error; err != nil {
		return nil, err
	}
	var out []string
	for _, raw := range raws {
		var d struct {
			Number string `json:"superseded_document_number"`
		}
		if json.Unmarshal([]byte(raw), &d) == nil && d.Number != "" {
			out = append(out, d.Number)
		}
	}
	return out, nil
}
