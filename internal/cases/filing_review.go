package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// 备案审查: the higher procuratorate the recommendation was filed with reads
// it, may comment on it, and — where it finds the recommendation wrong —
// orders the filer to amend (变更) or withdraw (撤回) it. Each is a
// filing_reviews row, an internal event on the case's timeline with its audit
// entry, and a notification to the filer's handling prosecutor, department
// head and chief. An order stays open until the filer's chief decides the
// matching 变更 or 撤回 (RecordDecision marks it complied).

// Filing review kinds.
const (
	FilingComment       = "comment"        // 审查意见
	FilingOrderAmend    = "order_amend"    // 指令变更
	FilingOrderWithdraw = "order_withdraw" // 指令撤回
)

// FilingReviewKindLabels are the Chinese names of the kinds.
var FilingReviewKindLabels = map[string]string{
	FilingComment: "备案审查意见", FilingOrderAmend: "指令变更检察建议", FilingOrderWithdraw: "指令撤回检察建议",
}

// Order statuses (comments have none).
const (
	FilingOrderOpen     = "open"     // 待执行
	FilingOrderComplied = "complied" // 已执行
)

// FilingReview is one comment or order of the higher procuratorate on a filing.
type FilingReview struct {
	ID              int64      `gorm:"primaryKey" json:"id"`
	FilingID        int64      `json:"filing_id"`
	CaseID          int64      `json:"case_id"`
	Kind            string     `json:"kind"`
	KindLabel       string     `gorm:"-" json:"kind_label"`
	Text            string     `gorm:"column:content" json:"text"`
	Status          string     `json:"status"`
	ProcuratorateID int64      `json:"procuratorate_id"`
	AuthorID        int64      `json:"author_id"`
	AuthorName      string     `json:"author_name"`
	DecisionID      *int64     `json:"decision_id"`
	CompliedAt      *time.Time `json:"complied_at"`
	CreatedAt       time.Time  `json:"created_at"`
}

// FilingCommentInput is a comment on a filing.
type FilingCommentInput struct {
	Comment string `json:"comment" validate:"required,max=5000" label:"审查意见"`
}

// FilingOrderInput is an order to amend or withdraw the filed recommendation.
type FilingOrderInput struct {
	Order  string `json:"order" validate:"required,oneof=amend withdraw" label:"指令"`
	Reason string `json:"reason" validate:"required,max=5000" label:"理由"`
}

// CanCommentOnFiling reports who at the higher procuratorate may comment on
// a filing made with it: its chief, and the head and prosecutors of the
// department with the filer's function.
func CanCommentOnFiling(a *org.Actor, f *Filing, counterpartDept int64) bool {
	if a.ProcuratorateID != f.ParentProcuratorateID {
		return false
	}
	switch a.Role {
	case org.RoleChief:
		return true
	case org.RoleDeptHead, org.RoleProsecutor:
		return counterpartDept != 0 && a.DepartmentID == counterpartDept
	}
	return false
}

// CanOrderFiling reports who may order the filer to amend or withdraw: the
// chief of the procuratorate the filing was made with.
func CanOrderFiling(a *org.Actor, f *Filing) bool {
	return a.ProcuratorateID == f.ParentProcuratorateID && a.Role == org.RoleChief
}

// CommentOnFiling records the higher procuratorate's comment on a filing.
func (s *Service) CommentOnFiling(ctx context.Context, a *org.Actor, filingID int64, in FilingCommentInput) (*FilingReview, error) {
	return s.reviewFiling(ctx, a, filingID, FilingComment, strings.TrimSpace(in.Comment))
}

// OrderFiling records the higher procuratorate's order to amend or withdraw
// the filed recommendation.
func (s *Service) OrderFiling(ctx context.Context, a *org.Actor, filingID int64, in FilingOrderInput) (*FilingReview, error) {
	kind := FilingOrderAmend
	if in.Order == "withdraw" {
		kind = FilingOrderWithdraw
	}
	return s.reviewFiling(ctx, a, filingID, kind, strings.TrimSpace(in.Reason))
}

func (s *Service) reviewFiling(ctx context.Context, a *org.Actor, filingID int64, kind, text string) (*FilingReview, error) {
	if text == "" {
		field := "comment"
		if kind != FilingComment {
			field = "reason"
		}
		return nil, apperr.InvalidField(field, "不能为空")
	}
	var out *FilingReview
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		f, c, err := s.readableFiling(tx, a, filingID)
		if err != nil {
			return err
		}
		dept, err := counterpartDepartment(tx, f.ParentProcuratorateID, c.DepartmentID)
		if err != nil {
			return err
		}
		if kind == FilingComment && !CanCommentOnFiling(a, f, dept) {
			return apperr.Forbidden("只有受理备案的检察院检察长或对口部门可以提出审查意见")
		}
		if kind != FilingComment && !CanOrderFiling(a, f) {
			return apperr.Forbidden("只有受理备案的检察院检察长可以指令变更或撤回")
		}
		if f.Status != FilingFiled {
			return apperr.Conflict("filing_not_submitted", "该检察建议尚未报送备案")
		}
		if kind != FilingComment && c.State.IsFinal() {
			return apperr.Conflict("case_ended", "该案件已"+StateLabels[c.State]+"，不能再指令变更或撤回")
		}
		r := &FilingReview{FilingID: f.ID, CaseID: c.ID, Kind: kind, Text: text, ProcuratorateID: a.ProcuratorateID,
			AuthorID: a.UserID, AuthorName: a.DisplayName, CreatedAt: s.Now()}
		if kind != FilingComment {
			r.Status = FilingOrderOpen
		}
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		r.KindLabel = FilingReviewKindLabels[kind]
		if err := AddCaseEvent(tx, a, c, "filing_"+kind, text, true, map[string]any{
			"filing_id": f.ID, "filing_review_id": r.ID, "kind": kind, "procuratorate_id": a.ProcuratorateID}); err != nil {
			return err
		}
		recipients := []int64{c.ProsecutorID}
		for _, q := range []struct {
			dept bool
			role org.Role
		}{{true, org.RoleDeptHead}, {false, org.RoleChief}} {
			var ids []int64
			if q.dept {
				ids, err = org.DepartmentUsersWithRole(tx, c.DepartmentID, q.role)
			} else {
				ids, err = org.UsersWithRole(tx, c.ProcuratorateID, q.role)
			}
			if err != nil {
				return err
			}
			recipients = append(recipients, ids...)
		}
		out = r
		return notify.Send(tx, s.Settings.Channels, notify.Spec{UserIDs: uniqueIDs(recipients), CaseID: c.ID, Kind: "filing_" + kind,
			Title: "上级院" + FilingReviewKindLabels[kind], Body: fmt.Sprintf("上级院对《%s》（%s）%s：%s", c.Title, docNumberOr(c), FilingReviewKindLabels[kind], text)})
	})
	return out, err
}

// readableFiling loads a filing the actor may read as the higher
// procuratorate, with its case; others get "not found".
func (s *Service) readableFiling(tx *gorm.DB, a *org.Actor, id int64) (*Filing, *Case, error) {
	var f Filing
	if err := database.LockRow(tx).Where("id = ?", id).Take(&f).Error; err != nil {
		return nil, nil, database.NotFoundOr(err, "备案")
	}
	p, err := org.ProcuratorateByID(tx, f.ProcuratorateID)
	if err != nil {
		return nil, nil, err
	}
	if !CanReadFiling(a, p.Path) {
		return nil, nil, apperr.NotFound("备案")
	}
	var c Case
	if err := tx.First(&c, f.CaseID).Error; err != nil {
		return nil, nil, database.NotFoundOr(err, "备案")
	}
	return &f, &c, nil
}

// filingReviews lists a filing's comments and orders in order.
func filingReviews(tx *gorm.DB, filingID int64) ([]FilingReview, error) {
	out := []FilingReview{}
	if err := tx.Where("filing_id = ?", filingID).Order("id").Find(&out).Error; err != nil {
		return nil, err
	}
	for i := range out {
		out[i].KindLabel = FilingReviewKindLabels[out[i].Kind]
	}
	return out, nil
}

// CaseFilingView is a case's filing as the filer's own staff read it: the
// filing and what the higher procuratorate said about it.
type CaseFilingView struct {
	Filing
	Reviews []FilingReview `json:"reviews"`
}

// CaseFiling returns the filing of a case to the staff of its procuratorate.
func (s *Service) CaseFiling(ctx context.Context, a *org.Actor, caseID int64) (*CaseFilingView, error) {
	if !SeesInternal(a) {
		return nil, apperr.NotFound("案件")
	}
	if _, err := s.LoadCase(ctx, a, caseID); err != nil {
		return nil, err
	}
	tx := s.DB.WithContext(ctx)
	var f Filing
	if err := tx.Where("case_id = ?", caseID).Take(&f).Error; err != nil {
		return nil, database.NotFoundOr(err, "备案")
	}
	reviews, err := filingReviews(tx, f.ID)
	if err != nil {
		return nil, err
	}
	return &CaseFilingView{Filing: f, Reviews: reviews}, nil
}

// complyFilingOrders marks the open orders of the higher procuratorate that
// a decision carries out (撤回 for an order to withdraw, 变更 for one to amend).
func complyFilingOrders(ac *ActionContext, decisionKind string) error {
	kind := map[string]string{DecisionWithdraw: FilingOrderWithdraw, DecisionAmend: FilingOrderAmend}[decisionKind]
	if kind == "" {
		return nil
	}
	id, _ := ac.Data["decision_id"].(int64)
	res := ac.Tx.Model(&FilingReview{}).Where("case_id = ? AND kind = ? AND status = ?", ac.Case.ID, kind, FilingOrderOpen).
		Updates(map[string]any{"status": FilingOrderComplied, "complied_at": ac.Now, "decision_id": id})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected > 0 {
		ac.SetData("filing_orders_complied", res.RowsAffected)
	}
	return nil
}

// HasPendingFiling reports whether the case's 备案 is still to be submitted;
// a case does not close before its filing is made.
func HasPendingFiling(tx *gorm.DB, caseID int64) (bool, error) {
	var n int64
	err := tx.Model(&Filing{}).Where("case_id = ? AND status = ?", caseID, FilingPending).Count(&n).Error
	return n > 0, err
}
