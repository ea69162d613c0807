package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// Decisions (决定事项): what the 人民检察院检察建议工作规定 gives to the chief or
// the 检察委员会 — withdrawing (撤回) or amending (变更) a recommendation, the
// outcome of an objection's review (异议复核), escalation (报告/通报/移送) and
// waiving the 调查终结报告 — is proposed (提请) by the handling prosecutor and
// decided by the chief, each a case_decisions row besides the timeline event
// and the audit entry of the action. A decision the chief takes without a
// proposal is recorded the same way, with no proposer.

// Decision kinds.
const (
	DecisionWithdraw            = "withdraw"             // 撤回检察建议
	DecisionAmend               = "amend"                // 变更检察建议
	DecisionObjectionReview     = "objection_review"     // 异议复核
	DecisionEscalation          = "escalation"           // 报告/通报/移送
	DecisionInvestigationWaiver = "investigation_waiver" // 免予调查终结报告
)

// DecisionKindLabels are the Chinese names of the decision kinds.
var DecisionKindLabels = map[string]string{
	DecisionWithdraw: "撤回检察建议", DecisionAmend: "变更检察建议", DecisionObjectionReview: "异议复核",
	DecisionEscalation: "报告、通报或移送", DecisionInvestigationWaiver: "免予调查终结报告",
}

// Decision statuses.
const (
	DecisionProposed = "proposed" // 已提请，待决定
	DecisionDecided  = "decided"  // 已决定
	DecisionRejected = "rejected" // 不同意提请事项
)

// CaseDecision is one matter proposed to and decided by the chief.
type CaseDecision struct {
	ID                int64          `gorm:"primaryKey" json:"id"`
	CaseID            int64          `json:"case_id"`
	Kind              string         `json:"kind"`
	Status            string         `json:"status"`
	ProposalJSON      string         `gorm:"column:proposal" json:"-"`
	ProposalReason    string         `json:"proposal_reason"`
	ProposedBy        *int64         `json:"proposed_by"`
	ProposedAt        *time.Time     `json:"proposed_at"`
	DecisionJSON      string         `gorm:"column:decision" json:"-"`
	Opinion           string         `json:"opinion"`
	DecidedBy         *int64         `json:"decided_by"`
	DecidedAt         *time.Time     `json:"decided_at"`
	ByCommittee       bool           `json:"by_committee"`
	MeetingDate       *calendar.Date `json:"meeting_date"`
	CommitteeDecision string         `json:"committee_decision"`
	CreatedAt         time.Time      `json:"created_at"`
}

// DecisionView is a decision with its proposal and decision decoded.
type DecisionView struct {
	CaseDecision
	KindLabel string         `json:"kind_label"`
	Proposal  map[string]any `json:"proposal"`
	Decision  map[string]any `json:"decision"`
}

// DecisionFields are what every decision of the chief states: his opinion
// and, when the 检察委员会 decided, its meeting date and decision. Decision
// payloads embed them (their JSON fields are the payload's own).
type DecisionFields struct {
	Opinion           string        `json:"opinion" validate:"max=5000" label:"决定意见"`
	Committee         bool          `json:"committee" label:"经检察委员会决定"`
	MeetingDate       calendar.Date `json:"meeting_date" label:"检察委员会会议日期"`
	CommitteeDecision string        `json:"committee_decision" validate:"max=2000" label:"检察委员会决定"`
}

// check requires the committee's meeting date and decision when it decided,
// and neither otherwise.
func (f DecisionFields) check(today calendar.Date) error {
	if !f.Committee {
		if !f.MeetingDate.IsZero() || strings.TrimSpace(f.CommitteeDecision) != "" {
			return apperr.InvalidField("committee", "填写了检察委员会会议信息时 committee 应为 true")
		}
		return nil
	}
	fields := map[string]string{}
	checkPastDate(fields, "meeting_date", f.MeetingDate, today, "检察委员会会议日期")
	if strings.TrimSpace(f.CommitteeDecision) == "" {
		fields["committee_decision"] = "请填写检察委员会决定"
	}
	if len(fields) > 0 {
		return apperr.Invalid("经检察委员会决定的，须填写会议日期和决定", fields)
	}
	return nil
}

// ProposeDecision records the handling prosecutor's proposal (提请) of a
// matter for the chief and tells the chiefs. One proposal of a kind is open
// at a time.
func ProposeDecision(ac *ActionContext, kind, reason string, proposal any) (*CaseDecision, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, apperr.InvalidField("reason", "请说明提请理由")
	}
	open, err := pendingProposal(ac, kind)
	if err != nil {
		return nil, err
	}
	if open != nil {
		return nil, &apperr.Error{Kind: apperr.ErrConflict, Code: "proposal_pending",
			Message: "已提请“" + DecisionKindLabels[kind] + "”，尚待检察长决定", Details: map[string]any{"decision_id": open.ID}}
	}
	raw, err := json.Marshal(proposal)
	if err != nil {
		return nil, err
	}
	uid, now := ac.Actor.UserID, ac.Now
	d := &CaseDecision{CaseID: ac.Case.ID, Kind: kind, Status: DecisionProposed, ProposalJSON: string(raw), ProposalReason: reason,
		ProposedBy: &uid, ProposedAt: &now, DecisionJSON: "{}", CreatedAt: now}
	if err := ac.Tx.Create(d).Error; err != nil {
		return nil, err
	}
	ac.SetData("decision_id", d.ID)
	ac.SetData("kind", kind)
	ac.SetData("reason", reason)
	chiefs, err := org.UsersWithRole(ac.Tx, ac.Case.ProcuratorateID, org.RoleChief)
	if err != nil {
		return nil, err
	}
	ac.Notify(notify.Spec{UserIDs: chiefs, Kind: "decision_proposed", Title: "提请决定：" + DecisionKindLabels[kind],
		Body: fmt.Sprintf("承办检察官%s提请对“%s”%s，请决定。理由：%s", ac.Actor.DisplayName, ac.Case.Title, DecisionKindLabels[kind], reason)})
	return d, nil
}

// pendingProposal is the open proposal of a kind, locked, nil when none.
func pendingProposal(ac *ActionContext, kind string) (*CaseDecision, error) {
	var d CaseDecision
	err := database.LockRow(ac.Tx).Where("case_id = ? AND kind = ? AND status = ?", ac.Case.ID, kind, DecisionProposed).
		Order("id").Take(&d).Error
	if database.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// RecordDecision records the chief's decision of a matter: it answers the
// open proposal of that kind if there is one (the chief may decide otherwise
// than proposed; the decision says what he decided), or stands alone. The
// prosecutor who proposed is told.
func RecordDecision(ac *ActionContext, kind string, f DecisionFields, decision any) (*CaseDecision, error) {
	if err := f.check(ac.Today); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(decision)
	if err != nil {
		return nil, err
	}
	d, err := pendingProposal(ac, kind)
	if err != nil {
		return nil, err
	}
	if d == nil {
		d = &CaseDecision{CaseID: ac.Case.ID, Kind: kind, ProposalJSON: "{}", CreatedAt: ac.Now}
	}
	uid, now := ac.Actor.UserID, ac.Now
	d.Status, d.DecisionJSON, d.Opinion, d.DecidedBy, d.DecidedAt = DecisionDecided, string(raw), strings.TrimSpace(f.Opinion), &uid, &now
	d.ByCommittee, d.CommitteeDecision, d.MeetingDate = f.Committee, strings.TrimSpace(f.CommitteeDecision), nil
	if f.Committee {
		md := f.MeetingDate
		d.MeetingDate = &md
	}
	if err := ac.Tx.Save(d).Error; err != nil {
		return nil, err
	}
	ac.SetData("decision_id", d.ID)
	if f.Committee {
		ac.SetData("by_committee", true)
		ac.SetData("meeting_date", f.MeetingDate)
		ac.SetData("committee_decision", d.CommitteeDecision)
	}
	if d.Opinion != "" {
		ac.SetData("opinion", d.Opinion)
	}
	if d.ProposedBy != nil {
		ac.SetData("proposal_id", d.ID)
		ac.Notify(notify.Spec{UserIDs: []int64{*d.ProposedBy}, Kind: "decision_made", Title: "提请事项已决定：" + DecisionKindLabels[kind],
			Body: fmt.Sprintf("对“%s”提请的%s，%s已作出决定。%s", ac.Case.Title, DecisionKindLabels[kind], decider(f), d.Opinion)})
	}
	return d, complyFilingOrders(ac, kind)
}

func decider(f DecisionFields) string {
	if f.Committee {
		return "检察委员会"
	}
	return "检察长"
}

// RejectProposalPayload is the chief's refusal of a proposal.
type RejectProposalPayload struct {
	Kind string `json:"kind" validate:"required,oneof=withdraw amend objection_review escalation" label:"提请事项"`
	DecisionFields
}

// applyRejectProposal refuses the open proposal of a kind; the opinion is
// required, and the prosecutor who proposed is told why.
func applyRejectProposal(ac *ActionContext) error {
	p := ac.Payload.(*RejectProposalPayload)
	if strings.TrimSpace(p.Opinion) == "" {
		return apperr.InvalidField("opinion", "不同意提请事项须说明意见")
	}
	if err := p.check(ac.Today); err != nil {
		return err
	}
	d, err := pendingProposal(ac, p.Kind)
	if err != nil {
		return err
	}
	if d == nil {
		return apperr.Conflict("no_pending_proposal", "没有待决定的“"+DecisionKindLabels[p.Kind]+"”提请")
	}
	uid, now := ac.Actor.UserID, ac.Now
	d.Status, d.Opinion, d.DecidedBy, d.DecidedAt, d.ByCommittee = DecisionRejected, strings.TrimSpace(p.Opinion), &uid, &now, p.Committee
	d.DecisionJSON = `{"rejected":true}`
	if p.Committee {
		md := p.MeetingDate
		d.MeetingDate, d.CommitteeDecision = &md, strings.TrimSpace(p.CommitteeDecision)
	}
	if err := ac.Tx.Save(d).Error; err != nil {
		return err
	}
	ac.SetData("decision_id", d.ID)
	ac.SetData("kind", p.Kind)
	ac.SetData("opinion", d.Opinion)
	ac.Notify(notify.Spec{UserIDs: []int64{*d.ProposedBy}, Kind: "decision_rejected", Title: "提请事项未获同意：" + DecisionKindLabels[p.Kind],
		Body: fmt.Sprintf("对“%s”提请的%s，%s不同意。意见：%s", ac.Case.Title, DecisionKindLabels[p.Kind], decider(p.DecisionFields), d.Opinion)})
	return nil
}

// ListDecisions lists a case's proposals and decisions in order (staff of
// the case's procuratorate; agencies never see them).
func (s *Service) ListDecisions(ctx context.Context, a *org.Actor, caseID int64) ([]DecisionView, error) {
	if !SeesInternal(a) {
		return nil, apperr.NotFound("案件")
	}
	if _, err := s.LoadCase(ctx, a, caseID); err != nil {
		return nil, err
	}
	var rows []CaseDecision
	if err := s.DB.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]DecisionView, len(rows))
	for i, r := range rows {
		v := DecisionView{CaseDecision: r, KindLabel: DecisionKindLabels[r.Kind], Proposal: map[string]any{}, Decision: map[string]any{}}
		_ = json.Unmarshal([]byte(r.ProposalJSON), &v.Proposal)
		_ = json.Unmarshal([]byte(r.DecisionJSON), &v.Decision)
		out[i] = v
	}
	return out, nil
}

// WithdrawPayload is the chief's decision to withdraw (撤回) the case or its
// recommendation, with the reason the agency or applicant is told.
type WithdrawPayload struct {
	Reason string `json:"reason" validate:"required,max=2000" label:"撤回理由"`
	DecisionFields
}

// ProposalPayload is a proposal that needs only its reason (提请撤回, 提请变更).
type ProposalPayload struct {
	Reason string `json:"reason" validate:"required,max=5000" label:"提请理由"`
}

func applyProposeWithdraw(ac *ActionContext) error {
	p := ac.Payload.(*ProposalPayload)
	_, err := ProposeDecision(ac, DecisionWithdraw, p.Reason, map[string]any{"reason": strings.TrimSpace(p.Reason)})
	return err
}

func applyWithdraw(ac *ActionContext) error {
	p := ac.Payload.(*WithdrawPayload)
	reason := strings.TrimSpace(p.Reason)
	if _, err := RecordDecision(ac, DecisionWithdraw, p.DecisionFields, map[string]any{"reason": reason}); err != nil {
		return err
	}
	return endCase(ac, "withdrawn", reason)
}

// WaiverPayload is the chief's decision that a case may be submitted without
// the 调查终结报告 (and investigation records): the reason is required.
type WaiverPayload struct {
	Reason string `json:"reason" validate:"required,max=5000" label:"免予理由"`
	DecisionFields
}

func applyWaiveInvestigation(ac *ActionContext) error {
	p := ac.Payload.(*WaiverPayload)
	reason := strings.TrimSpace(p.Reason)
	if reason == "" {
		return apperr.InvalidField("reason", "请说明理由")
	}
	if _, err := RecordDecision(ac, DecisionInvestigationWaiver, p.DecisionFields, map[string]any{"reason": reason}); err != nil {
		return err
	}
	ac.SetData("reason", reason)
	ac.Notify(notify.Spec{UserIDs: []int64{ac.Case.ProsecutorID}, Kind: "investigation_waived", Title: "检察长决定免予调查终结报告",
		Body: fmt.Sprintf("“%s”可不经调查终结报告提请审批。理由：%s", ac.Case.Title, reason)})
	return nil
}
