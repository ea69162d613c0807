package applications

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// WorkBox is the work queue's box of citizen applications waiting for an
// answer: new ones by their procedural answer's deadline, accepted ones
// under review by their result's deadline (the same scope as the staff list).
func (s *Service) WorkBox(ctx context.Context, a *org.Actor, limit int) (*cases.WorkBox, error) {
	if !a.HasRole(applicationHandlers...) {
		return nil, nil
	}
	box := &cases.WorkBox{Key: "applications", Title: "待答复的公民申请", Action: "答复",
		Empty: "暂无待答复的公民申请。", Items: []cases.WorkItem{}}
	q := func() *gorm.DB {
		return s.DB.WithContext(ctx).Model(&Application{}).Scopes(ApplicationScope(a)).
			Where("status IN ?", []ApplicationStatus{AppSubmitted, AppUnderReview})
	}
	err := cases.FillBox(box, q, limit, func(q *gorm.DB) *gorm.DB { return q.Order("answer_due, id") }, func(r *Application) cases.WorkItem {
		it := cases.WorkItem{SubjectID: r.ID, Title: r.TrackingNo + " " + excerpt(r.Problem, 40), State: string(r.Status),
			StateLabel: ApplicationStatusLabels[r.Status]}
		switch {
		case r.Status == AppUnderReview && r.ResultDue != nil:
			d := *r.ResultDue
			it.Due, it.DueLabel = &d, "办理结果期限"
		default:
			d := r.AnswerDue
			it.Due, it.DueLabel = &d, "答复期限"
		}
		return it
	})
	return box, err
}

func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
