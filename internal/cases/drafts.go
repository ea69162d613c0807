package cases

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// Draft version statuses. A version is edited while "working"; submitting
// freezes it, and a return or an issued letter means the next save starts a
// new version, so every text the approvers saw is kept.
const (
	DraftWorking   = "working"   // 起草中
	DraftSubmitted = "submitted" // 已提请审批
	DraftReturned  = "returned"  // 已退回修改
	DraftApproved  = "approved"  // 已批准
	DraftIssued    = "issued"    // 已制发
)

// DraftInput is what the prosecutor saves: the letter's content (it may be
// incomplete while drafting) and the urgent reply period, if any.
type DraftInput struct {
	Content      RecommendationContent
	UrgentDays   int
	UrgentReason string
}

// DraftView is a draft version with its decoded content.
type DraftView struct {
	RecommendationDraft
	Content RecommendationContent `json:"content"`
}

var ContentValidator = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		return strings.Split(f.Tag.Get("json"), ",")[0]
	})
	return v
}()

// draftProblems checks content against RecommendationContent's rules and
// splits the failures: tooLong (limits exceeded) stops even a save, missing
// (required parts absent) only stops submission for approval.
func draftProblems(rc RecommendationContent) (tooLong, missing map[string]string) {
	return fieldProblems(rc, "content.")
}

// fieldProblems checks a structured text (a draft's content, a 调查终结报告)
// against its validate tags, naming fields under prefix.
func fieldProblems(v any, prefix string) (tooLong, missing map[string]string) {
	tooLong, missing = map[string]string{}, map[string]string{}
	err := ContentValidator.Struct(v)
	verrs, ok := err.(validator.ValidationErrors)
	if !ok {
		return tooLong, missing
	}
	for _, fe := range verrs {
		path := prefix + fe.Namespace()[strings.Index(fe.Namespace(), ".")+1:]
		unit := "字"
		if fe.Kind() == reflect.Slice {
			unit = "项"
		}
		switch fe.Tag() {
		case "required":
			missing[path] = "不能为空"
		case "min":
			missing[path] = "至少需要" + fe.Param() + unit
		case "max":
			tooLong[path] = "不能超过" + fe.Param() + unit
		default:
			tooLong[path] = "格式不正确"
		}
	}
	return tooLong, missing
}

// validateUrgent checks an urgent reply period: a period shorter than two
// months needs its reason (检察建议工作规定 allows it only for urgent matters).
func validateUrgent(days int, reason string, fields map[string]string) {
	switch {
	case days < 0 || days > 59:
		fields["urgent_days"] = "紧急回复期限应为 1 至 59 日（不紧急填 0）"
	case days > 0 && strings.TrimSpace(reason) == "":
		fields["urgent_reason"] = "设置紧急回复期限须说明理由"
	}
	if len([]rune(reason)) > 500 {
		fields["urgent_reason"] = "不能超过500字"
	}
}

// SaveDraft stores the 检察建议书 draft of a case under investigation or in
// drafting: it updates the working version, or starts a new version when the
// latest one was submitted, returned or issued.
func (s *Service) SaveDraft(ctx context.Context, a *org.Actor, caseID int64, in DraftInput) (*DraftView, error) {
	fields, _ := draftProblems(in.Content)
	validateUrgent(in.UrgentDays, in.UrgentReason, fields)
	if len(fields) > 0 {
		return nil, apperr.Invalid("检察建议书草稿有误，请按字段提示修改", fields)
	}
	var out *DraftView
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := loadCaseForWork(tx, a, caseID, false)
		if err != nil {
			return err
		}
		// Lock the draft first and only then re-read the state, in the order
		// the approval actions take them (draft, then case), so a concurrent
		// submit either finishes first — and the state below says reviewing —
		// or waits; never a deadlock.
		latest, err := latestDraft(tx, c.ID, true)
		if err != nil {
			return err
		}
		var fresh Case
		if err := database.LockRow(tx).Select("id", "state").First(&fresh, caseID).Error; err != nil {
			return err
		}
		c.State = fresh.State
		if c.State != StateInvestigating && c.State != StateDrafting {
			return apperr.Conflict("draft_not_editable", "案件处于“"+StateLabels[c.State]+"”状态，只有调查核实或起草阶段可以编辑检察建议书")
		}
		now := s.Now()
		d := latest
		if d == nil || d.Status != DraftWorking {
			next := 1
			if d != nil {
				next = d.VersionNo + 1
			}
			d = &RecommendationDraft{CaseID: c.ID, VersionNo: next, Status: DraftWorking, CreatedAt: now}
		}
		d.Content = in.Content.Encode()
		d.AuthorID = a.UserID
		d.UrgentDays = in.UrgentDays
		d.UrgentReason = strings.TrimSpace(in.UrgentReason)
		d.UpdatedAt = now
		if err := tx.Save(d).Error; err != nil {
			return database.UniqueOr(err, "version_no", "草稿已被他人同时保存，请刷新后重试")
		}
		out = &DraftView{RecommendationDraft: *d, Content: in.Content}
		return AddCaseEvent(tx, a, c, "draft_saved", "", true, map[string]any{"draft_id": d.ID, "version_no": d.VersionNo})
	})
	return out, err
}

// ListDrafts lists every draft version of a case, newest first, with the
// reviewers' comments. Drafts are internal: agencies never see them.
func (s *Service) ListDrafts(ctx context.Context, a *org.Actor, caseID int64) ([]DraftView, error) {
	if !SeesInternal(a) {
		return nil, apperr.NotFound("案件")
	}
	if _, err := s.LoadCase(ctx, a, caseID); err != nil {
		return nil, err
	}
	var rows []RecommendationDraft
	if err := s.DB.WithContext(ctx).Where("case_id = ?", caseID).Order("version_no DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]DraftView, len(rows))
	for i, r := range rows {
		rc, err := ParseRecommendationContent(r.Content)
		if err != nil {
			return nil, err
		}
		out[i] = DraftView{RecommendationDraft: r, Content: rc}
	}
	return out, nil
}

// ApprovalStep is one step of the internal approval (审批) of a draft:
// submission, the department head's review, a return with comments, the
// chief's approval or the 检察委员会's decision. The 审批表 document lists them in order.
type ApprovalStep struct {
	ID          int64          `gorm:"primaryKey" json:"id"`
	CaseID      int64          `json:"case_id"`
	DraftID     *int64         `json:"draft_id"`
	Stage       string         `json:"stage"`
	PersonID    int64          `json:"person_id"`
	PersonName  string         `json:"person_name"`
	Role        string         `json:"role"`
	Opinion     string         `json:"opinion"`
	Decision    string         `json:"decision"`
	DecidedOn   calendar.Date  `json:"decided_on"`
	MeetingDate *calendar.Date `json:"meeting_date"`
	CreatedAt   time.Time      `json:"created_at"`
}

// Approval stages (the rows of the 审批表); the chain's steps are
// StageDeptReview (approval.go), StageApprove and StageCommittee.
const (
	StageSubmit    = "submit"    // 承办检察官提请
	StageReturn    = "return"    // 退回修改
	StageApprove   = "approve"   // 检察长批准
	StageCommittee = "committee" // 检察委员会决定
)

// ApprovalStageLabels are the Chinese names of the stages.
var ApprovalStageLabels = map[string]string{
	StageSubmit: "承办检察官意见", StageDeptReview: "部门负责人审核", StageReturn: "退回修改", StageApprove: "检察长审批",
	StageCommittee: "检察委员会决定",
}

func addApprovalStep(ac *ActionContext, d *RecommendationDraft, stage, opinion, decision string, meeting *calendar.Date) error {
	st := &ApprovalStep{CaseID: ac.Case.ID, Stage: stage, PersonID: ac.Actor.UserID, PersonName: ac.Actor.DisplayName,
		Role: string(ac.Actor.Role), Opinion: opinion, Decision: decision, DecidedOn: ac.Today, MeetingDate: meeting, CreatedAt: ac.Now}
	if d != nil {
		id := d.ID
		st.DraftID = &id
	}
	return ac.Tx.Create(st).Error
}

// ListApprovalSteps lists a case's approval steps in order (staff only).
func (s *Service) ListApprovalSteps(ctx context.Context, a *org.Actor, caseID int64) ([]ApprovalStep, error) {
	if !SeesInternal(a) {
		return nil, apperr.NotFound("案件")
	}
	if _, err := s.LoadCase(ctx, a, caseID); err != nil {
		return nil, err
	}
	var out []ApprovalStep
	return out, s.DB.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Find(&out).Error
}
