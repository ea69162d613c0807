package cases

import (
	"context"

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
	c, err := s.LoadCase(ctx, a, *f.CaseID)
	if err != nil {
		return nil, apperr.NotFound("附件")
	}
	if !CanDownloadFile(a, c, &f) {
		return nil, apperr.NotFound("附件")
	}
	return &f, nil
}
