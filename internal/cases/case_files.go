package cases

import (
	"context"
	"slices"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// LoadFile returns a stored file the actor may read: files of a case follow
// the case's access rules, internal files only for staff.
func (s *Service) LoadFile(ctx context.Context, a *org.Actor, id int64) (*files.StoredFile, error) {
	var f files.StoredFile
	if err := s.DB.WithContext(ctx).First(&f, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "附件")
	}
	if f.CaseID == nil {
		return nil, apperr.NotFound("附件")
	}
	c, err := s.LoadCaseRecords(ctx, a, *f.CaseID)
	if err != nil {
		if s.filedDocumentReadable(ctx, a, *f.CaseID, &f) {
			return &f, nil
		}
		return nil, apperr.NotFound("附件")
	}
	if !CanDownloadFile(a, c, &f) {
		return nil, apperr.NotFound("附件")
	}
	if a.Role == org.RoleAgency && !slices.Contains(agencyDocumentOwnerTypes, f.OwnerType) {
		// An agency's own or served record only: after a re-addressed
		// letter, neither agency reads the other's objection or reply.
		ok, err := RecordOfAgency(s.DB.WithContext(ctx), f.OwnerType, f.OwnerID, a.AgencyID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.NotFound("附件")
		}
	}
	return &f, nil
}

// filedDocumentReadable lets the higher procuratorate download the 备案报告
// and the letter of a filing it may read, once the filing is submitted.
func (s *Service) filedDocumentReadable(ctx context.Context, a *org.Actor, caseID int64, f *files.StoredFile) bool {
	if !slices.Contains(FiledDocumentOwnerTypes, f.OwnerType) {
		return false
	}
	var fl Filing
	if err := s.DB.WithContext(ctx).Where("case_id = ? AND status = ?", caseID, FilingFiled).Take(&fl).Error; err != nil {
		return false
	}
	var p org.Procuratorate
	if err := s.DB.WithContext(ctx).Select("id", "path").First(&p, fl.ProcuratorateID).Error; err != nil {
		return false
	}
	return CanReadFiling(a, p.Path)
}
