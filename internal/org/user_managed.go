package org

import (
	"context"

	"jianyi/internal/platform/apperr"
)

// ManagedUser returns a user the admin manages; any other id is not found,
// as for UpdateUser and SetUserDisabled.
func (s *UserService) ManagedUser(ctx context.Context, actor *Actor, id int64) (*User, error) {
	tx := s.DB.WithContext(ctx)
	u, err := UserByID(tx, id)
	if err != nil || !adminMayManage(tx, actor, u) {
		return nil, apperr.NotFound("用户")
	}
	return u, nil
}
