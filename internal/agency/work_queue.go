package agency

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// PendingRequestsBox is the work queue's box of the objections (异议) and
// extension requests (延期申请) on the actor's cases that wait for the
// prosecutor's side: the handling prosecutor proposes the objection's review
// and decides extensions, the department head may do both. The reply
// deadline they touch orders them.
func (s *Service) PendingRequestsBox(ctx context.Context, a *org.Actor, limit int) (*cases.WorkBox, error) {
	if !a.HasRole(org.RoleProsecutor, org.RoleDeptHead) {
		return nil, nil
	}
	box := &cases.WorkBox{Key: "requests", Title: "待处理的异议和延期申请", Action: "提请复核、决定延期",
		Empty: "暂无待处理的异议或延期申请。", Items: []cases.WorkItem{}}
	db := s.Cases.DB.WithContext(ctx)
	objections := func() *gorm.DB {
		return db.Table("objections AS x").Joins("JOIN cases ON cases.id = x.case_id").
			Scopes(cases.WorkScope(a)).Where("x.status = ?", ObjectionPending)
	}
	extensions := func() *gorm.DB {
		return db.Table("extension_requests AS x").Joins("JOIN cases ON cases.id = x.case_id").
			Scopes(cases.WorkScope(a)).Where("x.status = ?", ExtensionPending)
	}
	var no, ne int64
	if err := objections().Count(&no).Error; err != nil {
		return nil, err
	}
	if err := extensions().Count(&ne).Error; err != nil {
		return nil, err
	}
	box.Count = no + ne
	if box.Count == 0 || limit < 0 {
		return box, nil
	}
	type row struct {
		ID             int64
		CaseID         int64
		Title          string
		State          cases.CaseState
		DocumentNumber *string
		ReplyDue       *calendar.Date
		ObjectionDue   *calendar.Date
	}
	add := func(q *gorm.DB, detail string) error {
		var rows []row
		if err := q.Select("x.id, cases.id AS case_id, cases.title, cases.state, cases.document_number, cases.reply_due, cases.objection_due").
			Order("x.id").Limit(limit).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			it := cases.WorkItem{CaseID: r.CaseID, SubjectID: r.ID, Title: r.Title, State: string(r.State),
				StateLabel: cases.StateLabels[r.State], Detail: detail}
			if r.DocumentNumber != nil {
				it.DocumentNumber = *r.DocumentNumber
			}
			if r.ReplyDue != nil {
				d := *r.ReplyDue
				it.Due, it.DueLabel = &d, "回复期限"
			}
			box.Items = append(box.Items, it)
		}
		return nil
	}
	if err := add(objections(), "被建议单位提出异议"); err != nil {
		return nil, err
	}
	if err := add(extensions(), "被建议单位申请延期回复"); err != nil {
		return nil, err
	}
	cases.SortWorkItems(box.Items)
	if len(box.Items) > limit {
		box.Items = box.Items[:limit]
	}
	return box, nil
}
