package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// This file gives the prosecutor's side of the lifecycle table its payloads
// and effects: what each action requires (validate tags, checks that need the
// database) and what it records besides the state change.

// ReasonPayload is the payload of actions that must say why (不立案, 撤回, 终结).
type ReasonPayload struct {
	Reason string `json:"reason" validate:"required,max=2000"`
}

// AgencyPayload optionally fixes the recipient agency while drafting.
type AgencyPayload struct {
	AgencyID *int64 `json:"agency_id" validate:"omitempty,gt=0"`
}

// ConsultPayload records 征求被建议单位意见: the recipient's opinion on the
// intended recommendation, when and with whom it was heard.
type ConsultPayload struct {
	AgencyID     *int64        `json:"agency_id" validate:"omitempty,gt=0"`
	Date         calendar.Date `json:"date"`
	Place        string        `json:"place" validate:"max=200"`
	Participants string        `json:"participants" validate:"required,max=1000"`
	Opinion      string        `json:"opinion" validate:"required,max=20000"`
}

// ReturnPayload sends a submitted draft back with the reviewer's comments.
type ReturnPayload struct {
	Comments string `json:"comments" validate:"required,max=5000"`
}

// ApprovePayload is the chief's decision: a plain approval with an opinion,
// or a referral to the 检察委员会 with its meeting date and decision.
type ApprovePayload struct {
	Opinion           string        `json:"opinion" validate:"required,max=5000"`
	Committee         bool          `json:"committee"`
	MeetingDate       calendar.Date `json:"meeting_date"`
	CommitteeDecision string        `json:"committee_decision" validate:"max=2000"`
}

// IssuePayload may replace the 抄送 list of the approved letter.
type IssuePayload struct {
	CopyTo []string `json:"copy_to" validate:"omitempty,max=20,dive,required,max=200"`
}

// Delivery methods (送达方式).
const (
	DeliveryWritten   = "written"   // 书面送达
	DeliveryAnnounced = "announced" // 宣告送达
)

// DeliveryMethodLabels are the Chinese names of the delivery methods.
var DeliveryMethodLabels = map[string]string{DeliveryWritten: "书面送达", DeliveryAnnounced: "宣告送达"}

// AttendeeKindLabels name the third parties who may attend a 宣告送达.
var AttendeeKindLabels = map[string]string{
	"deputy": "人大代表", "cppcc_member": "政协委员", "people_supervisor": "人民监督员",
	"special_prosecutor": "特约检察员", "other": "其他",
}

// DeliverPayload records how and when the letter reached the recipient.
type DeliverPayload struct {
	Method string `json:"method" validate:"required,oneof=written announced"`
	// Channel of a written delivery: by hand (the default; received the same
	// day) or by post (the received date must be given).
	Channel         string             `json:"channel" validate:"omitempty,oneof=in_person post"`
	DeliveredOn     calendar.Date      `json:"delivered_on"`
	ReceivedOn      calendar.Date      `json:"received_on"`
	Place           string             `json:"place" validate:"max=200"`
	RecipientPerson string             `json:"recipient_person" validate:"max=50"`
	Attendees       []DeliveryAttendee `json:"attendees" validate:"max=50,dive"`
}

// DeliveryAttendee is a third party attending a 宣告送达.
type DeliveryAttendee struct {
	Name string `json:"name" validate:"required,max=50"`
	Kind string `json:"kind" validate:"required,oneof=deputy cppcc_member people_supervisor special_prosecutor other"`
}

// CaseDelivery is the record of a 送达 (for the 送达回证).
type CaseDelivery struct {
	ID              int64         `gorm:"primaryKey" json:"id"`
	CaseID          int64         `json:"case_id"`
	AgencyID        *int64        `json:"agency_id"` // the agency served
	Method          string        `json:"method"`
	Channel         string        `json:"channel"`
	DeliveredOn     calendar.Date `json:"delivered_on"`
	ReceivedOn      calendar.Date `json:"received_on"`
	Place           string        `json:"place"`
	RecipientPerson string        `json:"recipient_person"`
	Attendees       string        `json:"-"` // JSON of []DeliveryAttendee
	CreatedBy       int64         `json:"created_by"`
	CreatedAt       time.Time     `json:"created_at"`
}

// applyEnding records why a case ends without a recommendation (or with one
// withdrawn); the reason is what the applicant or agency is told.
func applyEnding(outcome string) func(ac *ActionContext) error {
	return func(ac *ActionContext) error {
		return endCase(ac, outcome, ac.Payload.(*ReasonPayload).Reason)
	}
}

// endCase ends the case with an outcome and the reason, telling the applicant
// and, if it had received the letter, the agency.
func endCase(ac *ActionContext, outcome, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.InvalidField("reason", "请说明理由")
	}
	ac.Case.EndReason = reason
	ac.Case.Outcome = outcome
	now := ac.Now
	ac.Case.ClosedAt = &now
	ac.Case.ApprovalStage = ""
	ac.SetData("reason", reason)
	if err := ac.TellApplicant(fmt.Sprintf(applicantEndingTexts[outcome], reason)); err != nil {
		return err
	}
	if ac.Case.AgencyID != nil && ac.Case.DeliveredOn != nil {
		users, err := org.UsersOfAgency(ac.Tx, *ac.Case.AgencyID)
		if err != nil {
			return err
		}
		ac.Notify(notify.Spec{UserIDs: users, Kind: "case_" + outcome, Title: "检察建议已" + StateLabels[ac.To],
			Body: fmt.Sprintf("%s：%s。理由：%s", docNumberOr(ac.Case), StateLabels[ac.To], reason)})
	}
	return nil
}

func docNumberOr(c *Case) string {
	if c.DocumentNumber != nil {
		return *c.DocumentNumber
	}
	return c.Title
}

// applyCheck starts the 初核; the case now waits for the department head's
// decision to file it (立案), so the heads of its department are told.
func applyCheck(ac *ActionContext) error {
	heads, err := org.DepartmentUsersWithRole(ac.Tx, ac.Case.DepartmentID, org.RoleDeptHead)
	if err != nil {
		return err
	}
	heads = slices.DeleteFunc(heads, func(id int64) bool { return id == ac.Actor.UserID })
	ac.Notify(notify.Spec{UserIDs: heads, Kind: "filing_awaited", Title: "线索待立案",
		Body: fmt.Sprintf("“%s”已进入初核，待部门负责人决定是否立案。", ac.Case.Title)})
	return nil
}

// applyFile assigns the 案号 when the department head files the case.
func applyFile(ac *ActionContext) error {
	short, code, err := numberingNames(ac.Tx, ac.Case)
	if err != nil {
		return err
	}
	year := ac.Today.Year()
	n, err := nextNumber(ac.Tx, CounterCase, ac.Case.ProcuratorateID, 0, year)
	if err != nil {
		return err
	}
	num := CaseNumber(short, code, year, n)
	ac.Case.CaseNumber = &num
	ac.SetData("case_number", num)
	ac.Notify(notify.Spec{UserIDs: []int64{ac.Case.ProsecutorID}, Kind: "case_filed", Title: "案件已立案",
		Body: fmt.Sprintf("“%s”已立案，案号 %s。", ac.Case.Title, num)})
	return nil
}

// setAgency fixes the recipient agency from an optional payload field.
func setAgency(ac *ActionContext, id *int64) error {
	if id == nil {
		return nil
	}
	if _, err := org.AgencyByID(ac.Tx, *id); err != nil {
		return apperr.InvalidField("agency_id", "被建议单位不存在")
	}
	if c := ac.Case; c.DeliveredOn != nil && c.DeliveredAgencyID == nil && c.AgencyID != nil {
		// The delivery on record was served on the agency named until now.
		served := *c.AgencyID
		c.DeliveredAgencyID = &served
	}
	ac.Case.AgencyID = id
	ac.SetData("agency_id", *id)
	return nil
}

func applyDraft(ac *ActionContext) error {
	return setAgency(ac, ac.Payload.(*AgencyPayload).AgencyID)
}

// applyConsult records the recipient's opinion, also as an investigation
// record of kind 征求被建议单位意见 (with any files sent along).
func applyConsult(ac *ActionContext) error {
	p := ac.Payload.(*ConsultPayload)
	if err := setAgency(ac, p.AgencyID); err != nil {
		return err
	}
	fields := map[string]string{}
	if ac.Case.AgencyID == nil {
		fields["agency_id"] = "请先确定被建议单位"
	}
	checkPastDate(fields, "date", p.Date, ac.Today, "征求意见日期")
	if len(fields) > 0 {
		return apperr.Invalid("征求意见信息有误，请按字段提示修改", fields)
	}
	rec := &InvestigationRecord{CaseID: ac.Case.ID, Kind: InvestigationRecipientOpinion, RecordDate: p.Date, Place: strings.TrimSpace(p.Place),
		Participants: strings.TrimSpace(p.Participants), Summary: strings.TrimSpace(p.Opinion), Internal: true, ExpertIDsJSON: "[]",
		CreatedBy: ac.Actor.UserID, CreatedAt: ac.Now}
	if err := ac.Tx.Create(rec).Error; err != nil {
		return err
	}
	ids, err := ac.StoreFiles("investigation_record", rec.ID, true)
	if err != nil {
		return err
	}
	ac.SetData("investigation_record_id", rec.ID)
	ac.SetData("date", p.Date)
	ac.SetData("file_ids", ids)
	return nil
}

// checkPastDate requires a date that is not in the future.
func checkPastDate(fields map[string]string, name string, d, today calendar.Date, label string) {
	switch {
	case d.IsZero():
		fields[name] = label + "不能为空"
	case d.After(today):
		fields[name] = label + "不能晚于今天"
	}
}

// applySubmit asks for approval: the recipient must be known and the latest
// draft complete; that version is frozen as submitted.
func applySubmit(ac *ActionContext) error {
	if err := setAgency(ac, ac.Payload.(*AgencyPayload).AgencyID); err != nil {
		return err
	}
	if ac.Case.AgencyID == nil {
		return apperr.InvalidField("agency_id", "提请审批前须确定被建议单位")
	}
	d, err := latestDraft(ac.Tx, ac.Case.ID, true)
	if err != nil {
		return err
	}
	if d == nil || d.Status != DraftWorking {
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "draft_missing", Message: "请先保存（修改）检察建议书草稿再提请审批",
			Fields: map[string]string{"draft": "没有待提请的草稿"}}
	}
	rc, err := ParseRecommendationContent(d.Content)
	if err != nil {
		return err
	}
	tooLong, missing := draftProblems(rc)
	for k, v := range tooLong {
		missing[k] = v
	}
	validateUrgent(d.UrgentDays, d.UrgentReason, missing)
	if len(missing) > 0 {
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "draft_incomplete", Message: "检察建议书草稿不完整，请补全后再提请审批", Fields: missing}
	}
	if err := checkInvestigationDone(ac); err != nil {
		return err
	}
	d.Status = DraftSubmitted
	d.UpdatedAt = ac.Now
	if err := ac.Tx.Select("status", "updated_at").Save(d).Error; err != nil {
		return err
	}
	if err := addApprovalStep(ac, d, StageSubmit, ac.Note, "提请审批", nil); err != nil {
		return err
	}
	chain, err := chainOf(ac)
	if err != nil {
		return err
	}
	ac.Case.ApprovalStage = chain[0]
	ac.SetData("draft_id", d.ID)
	ac.SetData("version_no", d.VersionNo)
	ac.SetData("next_stage", chain[0])
	return notifyApprovers(ac, chain[0], d)
}

// submittedDraft is the version under review.
func submittedDraft(ac *ActionContext) (*RecommendationDraft, error) {
	d, err := latestDraft(ac.Tx, ac.Case.ID, true)
	if err != nil {
		return nil, err
	}
	if d == nil || d.Status != DraftSubmitted {
		return nil, apperr.Conflict("draft_missing", "没有待审批的检察建议书草稿")
	}
	return d, nil
}

// applyReturn stores the reviewer's comments on the version they read, so
// the prosecutor sees them next to that text.
func applyReturn(ac *ActionContext) error {
	p := ac.Payload.(*ReturnPayload)
	d, err := submittedDraft(ac)
	if err != nil {
		return err
	}
	d.Status = DraftReturned
	d.ReviewComments = strings.TrimSpace(p.Comments)
	d.UpdatedAt = ac.Now
	if err := ac.Tx.Select("status", "review_comments", "updated_at").Save(d).Error; err != nil {
		return err
	}
	if err := addApprovalStep(ac, d, StageReturn, d.ReviewComments, "退回修改", nil); err != nil {
		return err
	}
	ac.Case.ApprovalStage = ""
	ac.SetData("draft_id", d.ID)
	ac.SetData("comments", d.ReviewComments)
	ac.Notify(notify.Spec{UserIDs: []int64{ac.Case.ProsecutorID}, Kind: "draft_returned", Title: "检察建议书被退回修改",
		Body: fmt.Sprintf("“%s”的检察建议书（第%d稿）被退回：%s", ac.Case.Title, d.VersionNo, d.ReviewComments)})
	return nil
}

// applyIssue assigns the 文号 from the department's gap-free counter, files
// the recommendation upward (备案) and freezes the 检察建议书 PDF.
func applyIssue(ac *ActionContext) error {
	p := ac.Payload.(*IssuePayload)
	d, err := latestDraft(ac.Tx, ac.Case.ID, true)
	if err != nil {
		return err
	}
	if d == nil || d.Status != DraftApproved {
		return apperr.Conflict("draft_missing", "没有已批准的检察建议书，不能制发")
	}
	rc, err := ParseRecommendationContent(d.Content)
	if err != nil {
		return err
	}
	if p.CopyTo != nil {
		rc.CopyTo = p.CopyTo
		d.Content = rc.Encode()
	}
	d.Status = DraftIssued
	d.UpdatedAt = ac.Now
	if err := ac.Tx.Select("content", "status", "updated_at").Save(d).Error; err != nil {
		return err
	}
	short, code, err := numberingNames(ac.Tx, ac.Case)
	if err != nil {
		return err
	}
	year := ac.Today.Year()
	n, err := nextNumber(ac.Tx, CounterDocument, ac.Case.ProcuratorateID, ac.Case.DepartmentID, year)
	if err != nil {
		return err
	}
	num := DocumentNumber(short, code, year, n)
	c := ac.Case
	c.DocumentNumber, c.DocYear, c.DocSeq = &num, &year, &n
	now := ac.Now
	c.IssuedAt = &now
	c.UrgentDays, c.UrgentReason = d.UrgentDays, d.UrgentReason
	proc, err := org.ProcuratorateByID(ac.Tx, c.ProcuratorateID)
	if err != nil {
		return err
	}
	if proc.ParentID != nil {
		f, err := fileUpward(ac, *proc.ParentID)
		if err != nil {
			return err
		}
		ac.SetData("filing_id", f.ID)
		ac.SetData("filing_due_on", f.DueOn)
	}
	ac.SetData("document_number", num)
	ac.SetData("copy_to", rc.CopyTo)
	ac.SetData("draft_id", d.ID)
	if err := IndexCase(ac.Tx, c, &rc); err != nil {
		return err
	}
	// The 检察建议书 is made and stored in the issuing transaction, so an
	// issued case always has its PDF.
	_, err = ac.Service.FreezeRecommendation(ac.Tx, ac.Actor, ac.Case, ac.Now)
	return err
}

// fileUpward creates the case's 备案 with the parent procuratorate, due
// deadlines.filing_days after issue (moved off rest days). A case re-issued after an amendment
// (异议复核 → 修改) files the new letter again: its one filing row is reset.
func fileUpward(ac *ActionContext, parentID int64) (*Filing, error) {
	// Counted like every statutory period: a last day on a rest day moves to
	// the next working day.
	due := calendar.DaysDeadline(ac.Today, ac.Service.Settings.FilingDays, ac.Calendar()).Due
	var f Filing
	err := database.LockRow(ac.Tx).Where("case_id = ?", ac.Case.ID).Take(&f).Error
	switch {
	case database.IsNotFound(err):
		f = Filing{CaseID: ac.Case.ID, ProcuratorateID: ac.Case.ProcuratorateID, ParentProcuratorateID: parentID,
			DueOn: due, Status: FilingPending, CreatedAt: ac.Now}
		return &f, ac.Tx.Create(&f).Error
	case err != nil:
		return nil, err
	}
	f.ParentProcuratorateID, f.DueOn, f.Status, f.FiledAt, f.FiledOn, f.ReportFileID = parentID, due, FilingPending, nil, nil, nil
	return &f, ac.Tx.Model(&Filing{}).Where("id = ?", f.ID).Updates(map[string]any{
		"parent_procuratorate_id": parentID, "due_on": due, "status": FilingPending, "filed_at": nil, "filed_on": nil, "report_file_id": nil}).Error
}

// applyDeliver records the 送达, starts the reply clock from the day the
// recipient received the letter and tells the agency's users.
func applyDeliver(ac *ActionContext) error {
	p := ac.Payload.(*DeliverPayload)
	c := ac.Case
	fields := map[string]string{}
	checkPastDate(fields, "delivered_on", p.DeliveredOn, ac.Today, "送达日期")
	if c.IssuedAt != nil && !p.DeliveredOn.IsZero() {
		// Name the issue day: it is counted in the configured zone, which may
		// already be tomorrow for a client that thinks in UTC.
		if issued := calendar.DateOf(*c.IssuedAt, ac.Service.Clock.Location()); p.DeliveredOn.Before(issued) {
			fields["delivered_on"] = "送达日期不能早于制发日期（" + issued.Chinese() + "）"
		}
	}
	received := p.ReceivedOn
	switch p.Method {
	case DeliveryWritten:
		if p.Channel == "post" && received.IsZero() {
			fields["received_on"] = "邮寄送达须填写对方收到日期"
		}
		if len(p.Attendees) > 0 {
			fields["attendees"] = "只有宣告送达才登记到场人员"
		}
	case DeliveryAnnounced:
		if p.Channel != "" {
			fields["channel"] = "宣告送达不填写送达途径"
		}
		if strings.TrimSpace(p.Place) == "" {
			fields["place"] = "宣告送达须填写宣告地点"
		}
		if len(p.Attendees) == 0 {
			fields["attendees"] = "宣告送达须登记到场的人大代表、政协委员、人民监督员等"
		}
	}
	if received.IsZero() {
		received = p.DeliveredOn
	}
	if !received.IsZero() && !p.DeliveredOn.IsZero() {
		if received.Before(p.DeliveredOn) {
			fields["received_on"] = "收到日期不能早于送达日期"
		} else if received.After(ac.Today) {
			fields["received_on"] = "收到日期不能晚于今天"
		}
	}
	if c.AgencyID == nil {
		fields["agency_id"] = "案件没有被建议单位"
	}
	if len(fields) > 0 {
		return apperr.Invalid("送达信息有误，请按字段提示修改", fields)
	}
	attendees := p.Attendees
	if attendees == nil {
		attendees = []DeliveryAttendee{}
	}
	dv := &CaseDelivery{CaseID: c.ID, AgencyID: c.AgencyID, Method: p.Method, Channel: p.Channel, DeliveredOn: p.DeliveredOn, ReceivedOn: received,
		Place: strings.TrimSpace(p.Place), RecipientPerson: strings.TrimSpace(p.RecipientPerson), Attendees: mustJSON(attendees),
		CreatedBy: ac.Actor.UserID, CreatedAt: ac.Now}
	if err := ac.Tx.Create(dv).Error; err != nil {
		return err
	}
	if _, err := ac.StoreFiles("delivery", dv.ID, false); err != nil {
		return err
	}
	delivered := p.DeliveredOn
	c.DeliveredOn = &delivered
	served := *c.AgencyID
	c.DeliveredAgencyID = &served
	ac.Service.SetReplyDeadline(ac.Tx, c, received)
	ac.SetData("method", p.Method)
	ac.SetData("delivered_on", delivered)
	ac.SetData("received_on", received)
	ac.SetData("reply_due", *c.ReplyDue)
	ac.SetData("reply_due_explanation", c.ReplyDueExplanation)
	if len(attendees) > 0 {
		ac.SetData("attendees", attendees)
	}
	users, err := org.UsersOfAgency(ac.Tx, *c.AgencyID)
	if err != nil {
		return err
	}
	ac.Notify(notify.Spec{UserIDs: users, Kind: "recommendation_delivered", Title: "收到检察建议书",
		Body: fmt.Sprintf("%s已于%s送达，请于%s前书面回复。", docNumberOr(c), delivered.Chinese(), c.ReplyDue.Chinese())})
	return nil
}

// applicantEndingTexts are what an applicant reads when the case started
// from the application ends without running its course; %s is the reason.
var applicantEndingTexts = map[string]string{
	"not_filed":  "本院经初核，决定对您反映的问题不予立案。理由：%s",
	"withdrawn":  "本院决定撤回就您反映的问题办理的检察建议。理由：%s",
	"terminated": "本院决定终结对您反映的问题的办理。理由：%s",
}
