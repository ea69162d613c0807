package models

import "context"

// LoadFile returns a stored file the actor may read: files of a case follow
// the case's access rules, internal files only for staff.
func (s *CaseService) LoadFile(ctx context.Context, a *Actor, id int64) (*StoredFile, error) {
	var f StoredFile
	if err := s.DB.WithContext(ctx).First(&f, id).Error; err != nil {
		return nil, notFoundOr(err, "附件")
	}
	if f.CaseID == nil {
		return nil, NotFound("附件")
	}
	c, err := s.LoadCase(ctx, a, *f.CaseID)
	if err != nil {
		return nil, NotFound("附件")
	}
	if !CanDownloadFile(a, c, &f) {
		return nil, NotFound("附件")
	}
	return &f, nil
}
