package reviews

import (
	"context"
	"encoding/json"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// ReviewCaseView is what a reviewer reads of the case under review: the case,
// its whole timeline, its investigation records and approval steps. A
// reviewer of another procuratorate (院际交叉评查) reads the case through its
// review item only; the case itself stays closed to him elsewhere.
type ReviewCaseView struct {
	Case                 cases.Case                  `json:"case"`
	Events               []cases.CaseEvent           `json:"events"`
	InvestigationRecords []cases.InvestigationRecord `json:"investigation_records"`
	ApprovalSteps        []cases.ApprovalStep        `json:"approval_steps"`
}

// ReviewCase returns the case of a review item to its reviewer and to those
// who run the batch; the handling prosecutor reads his case the usual way.
func (s *Service) ReviewCase(ctx context.Context, a *org.Actor, batchID, itemID int64) (*ReviewCaseView, error) {
	tx := s.DB.WithContext(ctx)
	b, it, err := s.loadItem(tx, a, batchID, itemID)
	if err != nil {
		return nil, err
	}
	reviewer := it.ReviewerID != nil && *it.ReviewerID == a.UserID
	if !reviewer && !CanReadAllItems(a, b) {
		return nil, apperr.Forbidden("只有评查人和组织评查的案件管理部门可以调阅评查案件")
	}
	v := &ReviewCaseView{Events: []cases.CaseEvent{}, InvestigationRecords: []cases.InvestigationRecord{}, ApprovalSteps: []cases.ApprovalStep{}}
	if err := tx.First(&v.Case, it.CaseID).Error; err != nil {
		return nil, database.NotFoundOr(err, "案件")
	}
	if err := tx.Where("case_id = ?", it.CaseID).Order("id").Find(&v.Events).Error; err != nil {
		return nil, err
	}
	if err := tx.Where("case_id = ?", it.CaseID).Order("id").Find(&v.InvestigationRecords).Error; err != nil {
		return nil, err
	}
	for i := range v.InvestigationRecords {
		r := &v.InvestigationRecords[i]
		r.KindLabel = cases.InvestigationKindLabels[r.Kind]
		r.ExpertIDs = []int64{}
		if r.ReportJSON != nil {
			r.Report = &cases.InvestigationReportContent{}
			_ = json.Unmarshal([]byte(*r.ReportJSON), r.Report)
		}
	}
	if err := tx.Where("case_id = ?", it.CaseID).Order("id").Find(&v.ApprovalSteps).Error; err != nil {
		return nil, err
	}
	return v, nil
}
