package agency

import (
	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// Register adds the agency side's behaviours to the case lifecycle: the
// agency's own actions (签收, 提出异议, 申请延期回复, 书面回复, 报告整改进展)
// and the prosecutor's answers and follow-up (异议复核, 变更, 决定是否延期, 退回
// 补充回复, 评估整改情况, 督促落实, 报告/通报/移送 and its result, 结案, 回头看,
// 重新启动) with the proposals (提请) the chief decides. The composition root
// calls it once.
func Register(actions *cases.Actions) {
	actions.Register("sign", locked(func() any { return &SignPayload{} }, applySign))
	actions.Register("object", locked(func() any { return &ObjectPayload{} }, applyObject))
	actions.Register("propose_objection_review", locked(func() any { return &ProposeObjectionReviewPayload{} }, applyProposeObjectionReview))
	actions.Register("review_objection", locked(func() any { return &ReviewObjectionPayload{} }, applyReviewObjection))
	actions.Register("propose_amend", locked(func() any { return &cases.ProposalPayload{} }, applyProposeAmend))
	actions.Register("amend", locked(func() any { return &AmendPayload{} }, applyAmend))
	actions.Register("request_extension", locked(func() any { return &RequestExtensionPayload{} }, applyRequestExtension))
	actions.Register("decide_extension", locked(func() any { return &DecideExtensionPayload{} }, applyDecideExtension))
	actions.Register("reply", locked(func() any { return &ReplyPayload{} }, applyReply))
	actions.Register("return_reply", locked(func() any { return &ReturnReplyPayload{} }, applyReturnReply))
	actions.Register("assess", locked(func() any { return &AssessPayload{} }, applyAssess))
	actions.Register("follow_up", locked(func() any { return &FollowUpPayload{} }, applyFollowUp))
	actions.Register("report_progress", locked(func() any { return &ProgressPayload{} }, applyReportProgress))
	actions.Register("propose_escalation", locked(func() any { return &ProposeEscalationPayload{} }, applyProposeEscalation))
	actions.Register("escalate", locked(func() any { return &EscalatePayload{} }, applyEscalate))
	actions.Register("record_escalation_result", locked(func() any { return &EscalationResultPayload{} }, applyRecordEscalationResult))
	actions.Register("close", locked(func() any { return &ClosePayload{} }, applyClose))
	actions.Register("look_back", locked(func() any { return &LookBackPayload{} }, applyLookBack))
	actions.Register("reopen", locked(func() any { return &ReopenPayload{} }, applyReopen))
}

// locked makes a behaviour whose effect first takes the case row's write
// lock. Every effect here inserts rows that reference the case; on InnoDB
// such an insert takes a shared lock on the case row, and two concurrent
// actions would then deadlock upgrading it for the version update. Locking
// first makes the second wait and then lose cleanly with 409.
func locked(newPayload func() any, apply func(ac *cases.ActionContext) error) cases.ActionBehaviour {
	return cases.ActionBehaviour{NewPayload: newPayload, Apply: func(ac *cases.ActionContext) error {
		var cur cases.Case
		if err := database.LockRow(ac.Tx).Select("id", "version").First(&cur, ac.Case.ID).Error; err != nil {
			return err
		}
		if cur.Version != ac.Case.Version {
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "stale_version", Message: "案件已被他人同时更新，请刷新后重试",
				Details: map[string]any{"current_version": cur.Version}}
		}
		return apply(ac)
	}}
}
