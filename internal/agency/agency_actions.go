package agency

import (
	"fmt"
	"strings"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// The recipient agency's actions (签收, 异议, 延期, 回复) and the prosecutor's
// answers to them (复核, 延期决定). Follow-up and closure are in
// agency_followup.go. The lifecycle table says who may act in which state;
// these behaviours add what each action requires and records.

// SignPayload is 签收: the day the agency received the letter (default today)
// and the name of the person who signed.
type SignPayload struct {
	ReceivedOn *calendar.Date `json:"received_on"`
	SignerName string         `json:"signer_name" validate:"required,max=64"`
}

func applySign(ac *cases.ActionContext) error {
	p := ac.Payload.(*SignPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	if c.SignedAt != nil {
		return apperr.Conflict("already_signed", fmt.Sprintf("该检察建议已于%s由%s签收", calendar.DateOf(*c.SignedAt, ac.Service.Clock.Location()).Chinese(), c.SignerName))
	}
	received := ac.Today
	if p.ReceivedOn != nil {
		received = *p.ReceivedOn
	}
	if received.After(ac.Today) {
		return apperr.InvalidField("received_on", "签收日期不能晚于今天")
	}
	if c.DeliveredOn != nil && received.Before(*c.DeliveredOn) {
		return apperr.InvalidField("received_on", "签收日期不能早于送达日期"+c.DeliveredOn.String())
	}
	// The clock starts at receipt; when the delivery already recorded the
	// receipt day (e.g. 宣告送达), signing does not move it.
	if c.ReceivedOn == nil {
		ac.Service.SetReplyDeadline(ac.Tx, c, received)
	}
	uid, now := ac.Actor.UserID, ac.Now
	c.SignedBy, c.SignerName, c.SignedAt = &uid, strings.TrimSpace(p.SignerName), &now
	ac.SetData("received_on", c.ReceivedOn)
	ac.SetData("signer_name", c.SignerName)
	ac.SetData("reply_due", c.ReplyDue)
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "agency_signed", Title: "被建议单位已签收检察建议",
		Body: fmt.Sprintf("%s已签收%s，回复期限至%s。", c.SignerName, docLabel(c), dateText(c.ReplyDue))})
	return nil
}

// ObjectPayload is 异议: the agency's reasons; supporting files come with the
// action as multipart uploads.
type ObjectPayload struct {
	Reason string `json:"reason" validate:"required,max=5000"`
}

func applyObject(ac *cases.ActionContext) error {
	p := ac.Payload.(*ObjectPayload)
	c := ac.Case
	if c.ObjectionDue != nil && ac.Today.After(*c.ObjectionDue) {
		return apperr.Conflict("objection_period_over", "异议期已于"+c.ObjectionDue.Chinese()+"届满，不能再提出异议")
	}
	var open int64
	if err := ac.Tx.Model(&Objection{}).Where("case_id = ? AND status = ?", c.ID, ObjectionPending).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return apperr.Conflict("objection_pending", "已有尚未复核的异议，请等待检察机关复核")
	}
	o := &Objection{CaseID: c.ID, AgencyID: c.AgencyID, RaisedBy: ac.Actor.UserID, RaisedOn: ac.Today, Reason: strings.TrimSpace(p.Reason),
		Status: ObjectionPending, CreatedAt: ac.Now}
	if err := ac.Tx.Create(o).Error; err != nil {
		return err
	}
	ids, err := ac.StoreFiles(cases.OwnerObjection, o.ID, false)
	if err != nil {
		return err
	}
	ac.SetData("objection_id", o.ID)
	ac.SetData("file_ids", ids)
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "agency_objection", Title: "被建议单位提出异议",
		Body: fmt.Sprintf("被建议单位对%s提出异议，请及时复核。", docLabel(c))})
	return nil
}

// ReviewObjectionPayload is 异议复核: amend (the letter is revised, approved
// and issued again under a new 文号), withdraw, or keep (the letter stands
// and the reasons go to the agency).
type ReviewObjectionPayload struct {
	Outcome string `json:"outcome" validate:"required,oneof=amend withdraw keep" label:"复核结果"`
	Reason  string `json:"reason" validate:"required,max=5000" label:"理由"`
	cases.DecisionFields
}

func applyReviewObjection(ac *cases.ActionContext) error {
	p := ac.Payload.(*ReviewObjectionPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	var o Objection
	err := database.LockRow(ac.Tx).Where("case_id = ? AND status = ?", c.ID, ObjectionPending).Order("id").First(&o).Error
	if database.IsNotFound(err) {
		return apperr.Conflict("no_pending_objection", "没有待复核的异议")
	} else if err != nil {
		return err
	}
	reason := strings.TrimSpace(p.Reason)
	decision := map[string]any{"objection_id": o.ID, "outcome": p.Outcome, "reason": reason}
	if _, err := cases.RecordDecision(ac, cases.DecisionObjectionReview, p.DecisionFields, decision); err != nil {
		return err
	}
	uid, now := ac.Actor.UserID, ac.Now
	o.Status, o.DecidedBy, o.DecidedAt, o.DecisionReason = p.Outcome, &uid, &now, &reason
	var body string
	switch p.Outcome {
	case ObjectionAmend:
		ac.To = cases.StateDrafting
		if c.DocumentNumber != nil {
			o.SupersededDocumentNumber = *c.DocumentNumber
		}
		body = fmt.Sprintf("经复核，检察机关决定修改%s，修改后将重新制发并送达（原文号作废，新检察建议书使用新文号），回复期限自重新签收之日起重新计算。理由：%s", docLabel(c), reason)
		if err := restartForAmendment(ac); err != nil {
			return err
		}
	case ObjectionWithdraw:
		ac.To = cases.StateWithdrawn
		c.EndReason, c.Outcome, c.ClosedAt = reason, "withdrawn", &now
		body = fmt.Sprintf("经复核，检察机关决定撤回%s，你单位无需再回复。理由：%s", docLabel(c), reason)
	case ObjectionKeep:
		ac.To = cases.StateDelivered
		body = fmt.Sprintf("经复核，检察机关决定维持%s，请按期书面回复（回复期限%s）。理由：%s", docLabel(c), dateText(c.ReplyDue), reason)
	}
	if err := ac.Tx.Save(&o).Error; err != nil {
		return err
	}
	ac.SetData("objection_id", o.ID)
	ac.SetData("outcome", p.Outcome)
	ac.SetData("reason", reason)
	if o.SupersededDocumentNumber != "" {
		ac.SetData("superseded_document_number", o.SupersededDocumentNumber)
	}
	return notifyAgency(ac, "objection_reviewed", "异议复核结果", body)
}

// restartForAmendment sends an amended recommendation back to drafting: the
// old 文号 is recorded on the objection as superseded and cleared so issuance
// assigns a new one; the reply clock, the objection period and the receipt
// are cleared because the agency must receive and sign the amended letter
// again; open extension requests lapse. The delivery date is kept so the
// agency can still read the letter it objected to and the review's outcome;
// the new letter reaches it only when delivered again (AgencySeesLetter).
func restartForAmendment(ac *cases.ActionContext) error {
	c := ac.Case
	c.DocumentNumber, c.DocYear, c.DocSeq, c.IssuedAt = nil, nil, nil, nil
	c.ReceivedOn, c.ReplyDue, c.ObjectionDue = nil, nil, nil
	c.ReplyDueRule, c.ReplyDueExplanation = "", ""
	c.SignedBy, c.SignerName, c.SignedAt = nil, "", nil
	return lapseExtensionRequests(ac, "检察建议经复核修改，将重新制发，本延期申请随之终止")
}

// lapseExtensionRequests closes an open extension request that no longer
// needs a decision, saying why.
func lapseExtensionRequests(ac *cases.ActionContext, why string) error {
	return ac.Tx.Model(&ExtensionRequest{}).Where("case_id = ? AND status = ?", ac.Case.ID, ExtensionPending).
		Updates(map[string]any{"status": ExtensionLapsed, "decided_at": ac.Now, "decision_reason": why}).Error
}

// RequestExtensionPayload is 申请延期回复: the reason and either the new date
// asked for or the number of extra days.
type RequestExtensionPayload struct {
	Reason        string         `json:"reason" validate:"required,max=5000"`
	RequestedDue  *calendar.Date `json:"requested_due"`
	RequestedDays int            `json:"requested_days" validate:"omitempty,min=1,max=366"`
}

func applyRequestExtension(ac *cases.ActionContext) error {
	p := ac.Payload.(*RequestExtensionPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	if (p.RequestedDue == nil) == (p.RequestedDays == 0) {
		return apperr.Invalid("请填写申请延长至的日期或延长天数（二选一）", map[string]string{
			"requested_due": "与 requested_days 二选一", "requested_days": "与 requested_due 二选一"})
	}
	if c.ReplyDue == nil {
		return apperr.Conflict("reply_clock_not_started", "回复期限尚未起算，请先签收")
	}
	if p.RequestedDue != nil && !p.RequestedDue.After(*c.ReplyDue) {
		return apperr.InvalidField("requested_due", "申请延长至的日期应晚于当前回复期限"+c.ReplyDue.String())
	}
	var open int64
	if err := ac.Tx.Model(&ExtensionRequest{}).Where("case_id = ? AND status = ?", c.ID, ExtensionPending).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return apperr.Conflict("extension_pending", "已有尚未决定的延期申请，请等待检察机关决定")
	}
	r := &ExtensionRequest{CaseID: c.ID, AgencyID: c.AgencyID, RequestedBy: ac.Actor.UserID, RequestedOn: ac.Today, Reason: strings.TrimSpace(p.Reason),
		OldDue: *c.ReplyDue, RequestedDue: p.RequestedDue, RequestedDays: p.RequestedDays, Status: ExtensionPending, CreatedAt: ac.Now}
	if err := ac.Tx.Create(r).Error; err != nil {
		return err
	}
	ac.SetData("extension_request_id", r.ID)
	ac.SetData("requested_due", p.RequestedDue)
	ac.SetData("requested_days", p.RequestedDays)
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "extension_requested", Title: "被建议单位申请延期回复",
		Body: fmt.Sprintf("被建议单位申请延期回复%s，请及时决定。", docLabel(c))})
	return nil
}

// DecideExtensionPayload grants or refuses the open extension request. A
// grant counts Days extra calendar days from the old due date (default: what
// the agency asked for) with the usual calendar rules; a refusal needs a
// reason.
type DecideExtensionPayload struct {
	Decision string `json:"decision" validate:"required,oneof=grant refuse"`
	Days     int    `json:"days" validate:"omitempty,min=1,max=366"`
	Reason   string `json:"reason" validate:"max=5000"`
}

func applyDecideExtension(ac *cases.ActionContext) error {
	p := ac.Payload.(*DecideExtensionPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	var r ExtensionRequest
	err := database.LockRow(ac.Tx).Where("case_id = ? AND status = ?", c.ID, ExtensionPending).Order("id").First(&r).Error
	if database.IsNotFound(err) {
		return apperr.Conflict("no_pending_extension", "没有待决定的延期申请")
	} else if err != nil {
		return err
	}
	reason := strings.TrimSpace(p.Reason)
	uid, now := ac.Actor.UserID, ac.Now
	r.DecidedBy, r.DecidedAt, r.DecisionReason = &uid, &now, &reason
	var body string
	switch p.Decision {
	case "refuse":
		if reason == "" {
			return apperr.InvalidField("reason", "不同意延期须说明理由")
		}
		r.Status = ExtensionRefused
		body = fmt.Sprintf("检察机关不同意延期回复%s，请于%s前书面回复。理由：%s", docLabel(c), dateText(c.ReplyDue), reason)
	case "grant":
		if c.ReplyDue == nil {
			return apperr.Conflict("reply_clock_not_started", "回复期限尚未起算")
		}
		days := p.Days
		if days == 0 {
			days = r.RequestedDays
		}
		if days == 0 && r.RequestedDue != nil {
			days = c.ReplyDue.DaysUntil(*r.RequestedDue)
		}
		if days < 1 {
			return apperr.InvalidField("days", "请填写批准延长的天数")
		}
		rule := fmt.Sprintf("days:%d", days)
		d, err := calendar.ComputeDeadline(*c.ReplyDue, rule, ac.Calendar())
		if err != nil {
			return apperr.InvalidField("days", err.Error())
		}
		old := *c.ReplyDue
		due := d.Due
		r.Status, r.GrantedDue, r.GrantedRule = ExtensionGranted, &due, rule
		c.ReplyDue = &due
		// "extension" is deliberately not a computable rule: recomputing the
		// due date from the receipt day would drop the granted extra days.
		c.ReplyDueRule = "extension"
		c.ReplyDueExplanation = fmt.Sprintf("原回复期限%s；经批准延期%d日，自原期限届满次日起算。%s", old.Chinese(), days, d.Explanation)
		ac.SetData("old_due", old)
		ac.SetData("new_due", due)
		body = fmt.Sprintf("检察机关同意延期回复%s，回复期限延长至%s。", docLabel(c), due.Chinese())
	}
	if err := ac.Tx.Save(&r).Error; err != nil {
		return err
	}
	ac.SetData("extension_request_id", r.ID)
	ac.SetData("decision", p.Decision)
	if reason != "" {
		ac.SetData("reason", reason)
	}
	return notifyAgency(ac, "extension_decided", "延期申请决定", body)
}

// notifyAgency tells the recipient agency's users.
func notifyAgency(ac *cases.ActionContext, kind, title, body string) error {
	if ac.Case.AgencyID == nil {
		return nil
	}
	ids, err := org.UsersOfAgency(ac.Tx, *ac.Case.AgencyID)
	if err != nil {
		return err
	}
	ac.Notify(notify.Spec{UserIDs: ids, Kind: kind, Title: title, Body: body})
	return nil
}

// noFiles refuses uploads on actions that take none, so nothing is silently
// dropped.
func noFiles(ac *cases.ActionContext) error {
	if len(ac.Files) > 0 {
		return apperr.InvalidField("files", "该操作不接受附件")
	}
	return nil
}

// docLabel names the letter for messages: its 文号 when it has one.
func docLabel(c *cases.Case) string {
	if c.DocumentNumber != nil && *c.DocumentNumber != "" {
		return "检察建议书（" + *c.DocumentNumber + "）"
	}
	return "检察建议书《" + c.Title + "》"
}

func dateText(d *calendar.Date) string {
	if d == nil {
		return "（尚未确定）"
	}
	return d.Chinese()
}
