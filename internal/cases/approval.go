package cases

import (
	"fmt"
	"slices"
	"strings"

	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// The approval chain (审批链): a submitted 检察建议书 goes through the steps
// configured for its procuratorate (approval.chain, approval.by_procuratorate),
// by default 部门负责人审核 (dept_review) then 检察长审批 (approve), optionally
// followed by 检察委员会决定 (committee). Each step is one "approve" action by
// the step's approver and one row of the 审批表 (approval_steps); the case
// waits in "reviewing" with ApprovalStage naming the step due, and becomes
// "approved" after the last one. Either approver may instead return the draft.

// StageDeptReview is the department head's review (部门负责人审核).
const StageDeptReview = "dept_review"

// DefaultApprovalChain is the chain when none is configured.
var DefaultApprovalChain = []string{StageDeptReview, StageApprove}

// ApprovalChains are the configured chains: one default and per
// procuratorate (by its full name) exceptions.
type ApprovalChains struct {
	Default         []string
	ByProcuratorate map[string][]string
}

// For returns the chain of the named procuratorate.
func (ch ApprovalChains) For(procuratorate string) []string {
	if c, ok := ch.ByProcuratorate[procuratorate]; ok && len(c) > 0 {
		return c
	}
	if len(ch.Default) > 0 {
		return ch.Default
	}
	return DefaultApprovalChain
}

// ApprovalStageRoles are who takes each step: the 检察委员会's decision is
// recorded by the chief, who presides over it.
var ApprovalStageRoles = map[string]org.Role{
	StageDeptReview: org.RoleDeptHead, StageApprove: org.RoleChief, StageCommittee: org.RoleChief,
}

// ApprovalStep is one configured step as the lifecycle table publishes it.
type ApprovalChainStep struct {
	Stage string   `json:"stage"`
	Label string   `json:"label"`
	Role  org.Role `json:"role"`
}

// DescribeChain names the steps of a chain for the lifecycle table.
func DescribeChain(chain []string) []ApprovalChainStep {
	out := make([]ApprovalChainStep, len(chain))
	for i, st := range chain {
		out[i] = ApprovalChainStep{Stage: st, Label: ApprovalStageLabels[st], Role: ApprovalStageRoles[st]}
	}
	return out
}

// pendingApprovalStage is the step a case under review waits for. A case
// submitted before chains existed (stage "") waits for the chief.
func pendingApprovalStage(c *Case) string {
	if c.State != StateReviewing {
		return ""
	}
	if c.ApprovalStage == "" {
		return StageApprove
	}
	return c.ApprovalStage
}

// approvalTurnError refuses an approver whose step it is not: the chief
// cannot approve before the department head has reviewed, nor the department
// head after. It applies to approve and return.
func approvalTurnError(a *org.Actor, c *Case, spec *ActionSpec) error {
	if spec.Name != "approve" && spec.Name != "return" {
		return nil
	}
	stage := pendingApprovalStage(c)
	if stage == "" {
		return nil
	}
	if role := ApprovalStageRoles[stage]; a.Role != role {
		return &apperr.Error{Kind: apperr.ErrForbidden, Code: "not_your_approval_step",
			Message: fmt.Sprintf("当前审批环节为“%s”，应由%s办理", ApprovalStageLabels[stage], org.RoleLabels[role]),
			Details: map[string]any{"approval_stage": stage}}
	}
	return nil
}

// chainOf is the approval chain of the case's procuratorate.
func chainOf(ac *ActionContext) ([]string, error) {
	p, err := org.ProcuratorateByID(ac.Tx, ac.Case.ProcuratorateID)
	if err != nil {
		return nil, err
	}
	return ac.Service.Settings.Approval.For(p.Name), nil
}

// nextStage is the step after stage in the chain, "" after the last.
func nextStage(chain []string, stage string) string {
	i := slices.Index(chain, stage)
	if i < 0 || i+1 >= len(chain) {
		return ""
	}
	return chain[i+1]
}

// notifyApprovers tells whoever takes the step now due.
func notifyApprovers(ac *ActionContext, stage string, d *RecommendationDraft) error {
	var ids []int64
	var err error
	if stage == StageDeptReview {
		ids, err = org.DepartmentUsersWithRole(ac.Tx, ac.Case.DepartmentID, org.RoleDeptHead)
	} else {
		ids, err = org.UsersWithRole(ac.Tx, ac.Case.ProcuratorateID, org.RoleChief)
	}
	if err != nil {
		return err
	}
	ac.Notify(notify.Spec{UserIDs: ids, Kind: "approval_requested", Title: "检察建议书待" + ApprovalStageLabels[stage],
		Body: fmt.Sprintf("“%s”的检察建议书（第%d稿）已提请审批，待%s。", ac.Case.Title, d.VersionNo, ApprovalStageLabels[stage])})
	return nil
}

// applyApprove takes the step now due: the department head's review passes
// the draft on to the chief; the chief's approval (or the 检察委员会's decision
// he records) approves it, unless the chain still has the committee to come.
func applyApprove(ac *ActionContext) error {
	p := ac.Payload.(*ApprovePayload)
	stage := pendingApprovalStage(ac.Case)
	chain, err := chainOf(ac)
	if err != nil {
		return err
	}
	// The step's position decides what follows; a case submitted under an
	// earlier chain that lacks this step ends here.
	next := nextStage(chain, stage)
	if !slices.Contains(chain, stage) {
		next = ""
	}
	var meeting *calendar.Date
	recorded, decision := stage, ""
	switch {
	case p.Committee:
		if stage == StageDeptReview {
			return apperr.InvalidField("committee", "部门负责人审核环节不能记录检察委员会决定")
		}
		fields := map[string]string{}
		checkPastDate(fields, "meeting_date", p.MeetingDate, ac.Today, "检察委员会会议日期")
		if strings.TrimSpace(p.CommitteeDecision) == "" {
			fields["committee_decision"] = "请填写检察委员会决定"
		}
		if len(fields) > 0 {
			return apperr.Invalid("提交检察委员会讨论的，须填写会议日期和决定", fields)
		}
		// The chief took the draft to the committee, whose decision ends the
		// chain whatever step was configured after his own.
		recorded, decision, next = StageCommittee, strings.TrimSpace(p.CommitteeDecision), ""
		md := p.MeetingDate
		meeting = &md
	case !p.MeetingDate.IsZero() || p.CommitteeDecision != "":
		return apperr.InvalidField("committee", "填写了检察委员会会议信息时 committee 应为 true")
	case stage == StageCommittee:
		return apperr.Invalid("本院审批链须经检察委员会决定，请填写会议日期和检察委员会决定（committee=true）",
			map[string]string{"committee": "应为 true", "meeting_date": "请填写会议日期", "committee_decision": "请填写检察委员会决定"})
	case next == "":
		decision = "同意制发"
	default:
		decision = "同意，报" + ApprovalStageLabels[next]
	}
	d, err := submittedDraft(ac)
	if err != nil {
		return err
	}
	if err := addApprovalStep(ac, d, recorded, strings.TrimSpace(p.Opinion), decision, meeting); err != nil {
		return err
	}
	ac.SetData("draft_id", d.ID)
	ac.SetData("stage", recorded)
	ac.SetData("decision", decision)
	if meeting != nil {
		ac.SetData("meeting_date", *meeting)
	}
	if next != "" {
		ac.To = StateReviewing
		ac.Case.ApprovalStage = next
		ac.SetData("next_stage", next)
		return notifyApprovers(ac, next, d)
	}
	d.Status = DraftApproved
	d.UpdatedAt = ac.Now
	if err := ac.Tx.Select("status", "updated_at").Save(d).Error; err != nil {
		return err
	}
	ac.To = StateApproved
	ac.Case.ApprovalStage = ""
	ac.Case.UrgentDays, ac.Case.UrgentReason = d.UrgentDays, d.UrgentReason
	ac.Notify(notify.Spec{UserIDs: []int64{ac.Case.ProsecutorID}, Kind: "draft_approved", Title: "检察建议书已批准",
		Body: fmt.Sprintf("“%s”的检察建议书已批准（%s），可以制发。", ac.Case.Title, decision)})
	return nil
}
