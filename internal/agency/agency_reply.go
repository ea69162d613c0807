package agency

import (
	"encoding/json"
	"fmt"
	"strings"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/platform/apperr"
)

// The written reply (书面回复) and what the prosecutor does with it: return it
// as perfunctory (退回补充) or assess the rectification (评估整改).

// ReplyPayload is one written reply. A final or supplement reply states a
// position on every numbered recommendation; an interim reply (阶段性回复)
// reports what is under way and keeps the duty to reply open.
type ReplyPayload struct {
	Kind string `json:"kind" validate:"required,oneof=interim final supplement"`
	// Position is the overall position; derived from the items when empty.
	Position        string           `json:"position" validate:"omitempty,oneof=adopted partly_adopted not_adopted"`
	Items           []ReplyItemInput `json:"items" validate:"max=30,dive"`
	Text            string           `json:"text" validate:"max=20000"`
	MeasuresTaken   string           `json:"measures_taken" validate:"max=20000"`
	MeasuresPlanned []PlannedMeasure `json:"measures_planned" validate:"max=50,dive"`
	ContactPerson   string           `json:"contact_person" validate:"required,max=50"`
	ContactPhone    string           `json:"contact_phone" validate:"required,max=30"`
}

// ReplyItemInput is the position on one numbered recommendation (1-based).
type ReplyItemInput struct {
	ItemNo   int    `json:"item_no" validate:"required,min=1,max=30"`
	Position string `json:"position" validate:"required,oneof=adopted partly_adopted not_adopted"`
	Reason   string `json:"reason" validate:"max=5000"`
}

// PlannedMeasure is a rectification step still to come, with its target date.
type PlannedMeasure struct {
	Measure string        `json:"measure" validate:"required,max=2000"`
	DueOn   calendar.Date `json:"due_on" validate:"required"`
}

// ReplyContent is what Reply.Content holds for replies made through the
// agency portal.
type ReplyContent struct {
	Text            string           `json:"text"`
	MeasuresTaken   string           `json:"measures_taken"`
	MeasuresPlanned []PlannedMeasure `json:"measures_planned"`
}

// ParseReplyContent decodes Reply.Content; text stored by other means is
// returned as the reply's text. MeasuresPlanned is never nil (the API lists
// none as []).
func ParseReplyContent(raw string) ReplyContent {
	var rc ReplyContent
	if err := json.Unmarshal([]byte(raw), &rc); err != nil {
		rc = ReplyContent{Text: raw}
	}
	if rc.MeasuresPlanned == nil {
		rc.MeasuresPlanned = []PlannedMeasure{}
	}
	return rc
}

func applyReply(ac *cases.ActionContext) error {
	p := ac.Payload.(*ReplyPayload)
	c := ac.Case
	replies, err := LoadReplies(ac.Tx, c.ID)
	if err != nil {
		return err
	}
	hasFinal := false
	for _, r := range replies {
		if r.Kind == ReplyKindFinal {
			hasFinal = true
		}
	}
	switch {
	case p.Kind == ReplyKindFinal && hasFinal:
		return apperr.Conflict("final_reply_exists", "已提交正式回复；如需补充，请提交补充回复（supplement）")
	case p.Kind == ReplyKindSupplement && !hasFinal: // cases.HadFinalReplySQL relies on it
		return apperr.Conflict("no_final_reply", "尚未提交正式回复，不能提交补充回复")
	}
	if p.Kind != ReplyKindInterim {
		// The review decides whether the letter stands, so the answer waits
		// for it; the clock keeps running (an extension may be requested).
		var open int64
		if err := ac.Tx.Model(&Objection{}).Where("case_id = ? AND status = ?", c.ID, ObjectionPending).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return apperr.Conflict("objection_pending", "异议尚在复核中，复核决定作出前只能提交阶段性回复")
		}
	}
	content, _, err := IssuedContent(ac.Tx, c.ID)
	if err != nil {
		return err
	}
	overall, err := checkReplyPositions(p, len(content.Items))
	if err != nil {
		return err
	}
	due := c.ReplyDue
	r := &Reply{CaseID: c.ID, AgencyID: c.AgencyID, Kind: p.Kind, Position: overall, ContactPerson: strings.TrimSpace(p.ContactPerson),
		ContactPhone: strings.TrimSpace(p.ContactPhone), SubmittedBy: ac.Actor.UserID, SubmittedOn: ac.Today,
		DueOn: due, Late: due != nil && ac.Today.After(*due), CreatedAt: ac.Now}
	raw, _ := json.Marshal(ReplyContent{Text: p.Text, MeasuresTaken: p.MeasuresTaken, MeasuresPlanned: p.MeasuresPlanned})
	r.Content = string(raw)
	if err := ac.Tx.Create(r).Error; err != nil {
		return err
	}
	for _, it := range p.Items {
		row := &ReplyItem{ReplyID: r.ID, CaseID: c.ID, ItemNo: it.ItemNo, Position: it.Position}
		if reason := strings.TrimSpace(it.Reason); reason != "" {
			row.Reason = &reason
		}
		if err := ac.Tx.Create(row).Error; err != nil {
			return err
		}
	}
	ids, err := ac.StoreFiles(cases.OwnerReply, r.ID, false)
	if err != nil {
		return err
	}
	if err := storePlannedMeasures(ac.Tx, c.ID, r.ID, p.MeasuresPlanned, ac.Now); err != nil {
		return err
	}
	// An interim reply keeps the case where it is; a final or supplement
	// reply answers the recommendation (a returned reply's supplement brings
	// the case back to 已回复).
	if p.Kind != ReplyKindInterim && c.State == cases.StateDelivered {
		ac.To = cases.StateReplied
	}
	if p.Kind != ReplyKindInterim {
		if err := lapseExtensionRequests(ac, "被建议单位已提交书面回复，延期申请随之终止"); err != nil {
			return err
		}
	}
	if p.Kind == ReplyKindFinal && c.FirstRepliedOn == nil {
		d := ac.Today
		c.FirstRepliedOn = &d
	}
	c.ReplyClass = ClassifyReply(c, append(replies, *r), ac.Today, ac.Service.Clock.Location())
	ac.SetData("reply_id", r.ID)
	ac.SetData("kind", r.Kind)
	ac.SetData("position", r.Position)
	ac.SetData("late", r.Late)
	ac.SetData("file_ids", ids)
	title := "被建议单位提交书面回复"
	if r.Late {
		title = "被建议单位逾期提交书面回复"
	}
	ac.Notify(notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: "agency_replied", Title: title,
		Body: fmt.Sprintf("被建议单位就%s提交了%s。", docLabel(c), replyKindLabels[r.Kind])})
	return nil
}

var replyKindLabels = map[string]string{ReplyKindInterim: "阶段性回复", ReplyKindFinal: "正式回复", ReplyKindSupplement: "补充回复"}

// checkReplyPositions checks the per-item positions against the letter's n
// recommendations and returns the overall position. A final or supplement
// reply must state a position on every item exactly once; not adopting an
// item needs reasons.
func checkReplyPositions(p *ReplyPayload, n int) (string, error) {
	fields := map[string]string{}
	seen := map[int]bool{}
	counts := map[string]int{}
	for i, it := range p.Items {
		key := fmt.Sprintf("items[%d]", i)
		if n > 0 && it.ItemNo > n {
			fields[key+".item_no"] = fmt.Sprintf("检察建议书共%d项建议，没有第%d项", n, it.ItemNo)
		}
		if seen[it.ItemNo] {
			fields[key+".item_no"] = fmt.Sprintf("第%d项建议重复", it.ItemNo)
		}
		seen[it.ItemNo] = true
		if it.Position == PositionNotAdopted && strings.TrimSpace(it.Reason) == "" {
			fields[key+".reason"] = "不采纳须说明理由"
		}
		counts[it.Position]++
	}
	if p.Kind != ReplyKindInterim {
		if len(p.Items) == 0 {
			fields["items"] = "正式回复和补充回复须逐项说明是否采纳"
		}
		for i := 1; i <= n; i++ {
			if !seen[i] {
				fields["items"] = fmt.Sprintf("缺少对第%d项建议的回复意见", i)
				break
			}
		}
	}
	if len(fields) > 0 {
		return "", apperr.Invalid("回复内容有误，请按字段提示修改", fields)
	}
	derived := ""
	switch {
	case len(p.Items) == 0:
	case counts[PositionAdopted] == len(p.Items):
		derived = PositionAdopted
	case counts[PositionNotAdopted] == len(p.Items):
		derived = PositionNotAdopted
	default:
		derived = PositionPartlyAdopted
	}
	if p.Position != "" && derived != "" && p.Position != derived {
		return "", apperr.InvalidField("position", "总体意见与逐项意见不一致（逐项意见合计为“"+PositionLabels[derived]+"”）")
	}
	if p.Position != "" {
		return p.Position, nil
	}
	return derived, nil
}

// PositionLabels are the Chinese names of the agency's positions.
var PositionLabels = map[string]string{PositionAdopted: "采纳", PositionPartlyAdopted: "部分采纳", PositionNotAdopted: "不采纳"}

// ReturnReplyPayload returns the latest final or supplement reply as
// perfunctory (粗回复): the reasons, and the supplement's deadline as a date
// or a number of calendar days from today.
type ReturnReplyPayload struct {
	Reason        string         `json:"reason" validate:"required,max=5000"`
	SupplementDue *calendar.Date `json:"supplement_due"`
	Days          int            `json:"days" validate:"omitempty,min=1,max=366"`
}

func applyReturnReply(ac *cases.ActionContext) error {
	p := ac.Payload.(*ReturnReplyPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	if (p.SupplementDue == nil) == (p.Days == 0) {
		return apperr.Invalid("请填写补充回复期限：日期或天数（二选一）", map[string]string{
			"supplement_due": "与 days 二选一", "days": "与 supplement_due 二选一"})
	}
	replies, err := LoadReplies(ac.Tx, c.ID)
	if err != nil {
		return err
	}
	// Only a final or supplement reply is returned, never an interim one:
	// the case lists read no replies of a case without a final reply
	// (cases.HadFinalReplySQL).
	var target *Reply
	for i := len(replies) - 1; i >= 0; i-- {
		if replies[i].Kind != ReplyKindInterim && !replies[i].Returned {
			target = &replies[i]
			break
		}
	}
	if target == nil {
		return apperr.Conflict("no_reply_to_return", "没有可退回的正式或补充回复")
	}
	var due calendar.Date
	explanation := ""
	if p.SupplementDue != nil {
		if !p.SupplementDue.After(ac.Today) {
			return apperr.InvalidField("supplement_due", "补充回复期限应晚于今天")
		}
		due = *p.SupplementDue
		explanation = "回复被退回补充，补充回复期限由检察官指定为" + due.Chinese() + "。"
	} else {
		d, err := calendar.ComputeDeadline(ac.Today, fmt.Sprintf("days:%d", p.Days), ac.Calendar())
		if err != nil {
			return apperr.InvalidField("days", err.Error())
		}
		due = d.Due
		explanation = "回复被退回补充。" + d.Explanation
	}
	target.Returned = true
	if err := ac.Tx.Model(&Reply{}).Where("id = ?", target.ID).Update("returned", true).Error; err != nil {
		return err
	}
	ret := &ReplyReturn{ReplyID: target.ID, CaseID: c.ID, ReturnedBy: ac.Actor.UserID, Reason: strings.TrimSpace(p.Reason),
		SupplementDue: due, CreatedAt: ac.Now}
	if err := ac.Tx.Create(ret).Error; err != nil {
		return err
	}
	// The supplement's deadline becomes the reply deadline, so reminders and
	// overdue lists follow it; it is not computable from the receipt day.
	c.ReplyDue = &due
	c.ReplyDueRule = "supplement"
	c.ReplyDueExplanation = explanation
	c.ReplyClass = ClassifyReply(c, replies, ac.Today, ac.Service.Clock.Location())
	ac.SetData("reply_id", target.ID)
	ac.SetData("reason", ret.Reason)
	ac.SetData("supplement_due", due)
	return notifyAgency(ac, "reply_returned", "书面回复被退回补充",
		fmt.Sprintf("你单位就%s的回复被退回，请于%s前补充回复。理由：%s", docLabel(c), due.Chinese(), ret.Reason))
}

// AssessPayload is the procuratorate's verdict on rectification (整改到位 /
// 部分到位 / 未整改), kept apart from the agency's own position.
type AssessPayload struct {
	Verdict string `json:"verdict" validate:"required,oneof=rectified partly_rectified not_rectified"`
	Opinion string `json:"opinion" validate:"required,max=10000"`
}

// RectificationLabels are the Chinese names of the verdicts.
var RectificationLabels = map[string]string{
	RectificationRectified: "整改到位", RectificationPartlyRectified: "部分到位", RectificationNotRectified: "未整改",
}

func applyAssess(ac *cases.ActionContext) error {
	p := ac.Payload.(*AssessPayload)
	c := ac.Case
	if err := noFiles(ac); err != nil {
		return err
	}
	replies, err := LoadReplies(ac.Tx, c.ID)
	if err != nil {
		return err
	}
	c.Rectification = p.Verdict
	c.ReplyClass = ClassifyReply(c, replies, ac.Today, ac.Service.Clock.Location())
	ac.SetData("verdict", p.Verdict)
	ac.SetData("opinion", strings.TrimSpace(p.Opinion))
	return notifyAgency(ac, "rectification_assessed", "整改情况评估结果",
		fmt.Sprintf("检察机关对%s整改情况的评估结论：%s。", docLabel(c), RectificationLabels[p.Verdict]))
}
