package org

import (
	"slices"

	"gorm.io/gorm"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// This file is the org store: the queries the package's services and the other
// domains read org data with (procuratorates, agencies and users by id, and
// the users a notification goes to).

// ProcuratorateByID loads one procuratorate.
func ProcuratorateByID(tx *gorm.DB, id int64) (*Procuratorate, error) {
	var p Procuratorate
	if err := tx.First(&p, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "检察院")
	}
	return &p, nil
}

// AgencyByID loads one agency.
func AgencyByID(tx *gorm.DB, id int64) (*Agency, error) {
	var a Agency
	if err := tx.First(&a, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "被建议单位")
	}
	return &a, nil
}

// namesByID reads id → name from model's table for the given ids.
func namesByID(tx *gorm.DB, model any, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var rows []struct {
		ID   int64
		Name string
	}
	if err := tx.Model(model).Select("id", "name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	return names, nil
}

// UserByID loads a user.
func UserByID(tx *gorm.DB, id int64) (*User, error) {
	var u User
	if err := tx.First(&u, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "用户")
	}
	return &u, nil
}

// UserWithPath loads a user with the tree path of its procuratorate ("" for
// a user of none) in one query: every authenticated request reads both, and
// on SQLite each statement is parsed anew, so one statement costs half of two.
func UserWithPath(tx *gorm.DB, id int64) (*User, string, error) {
	var row struct {
		User
		ProcuratoratePath *string
	}
	err := tx.Table("users").Select("users.*, procuratorates.path AS procuratorate_path").
		Joins("LEFT JOIN procuratorates ON procuratorates.id = users.procuratorate_id").
		Where("users.id = ?", id).Take(&row).Error
	if err != nil {
		return nil, "", database.NotFoundOr(err, "用户")
	}
	if row.ProcuratorateID != nil && row.ProcuratoratePath == nil {
		return nil, "", apperr.NotFound("检察院")
	}
	path := ""
	if row.ProcuratoratePath != nil {
		path = *row.ProcuratoratePath
	}
	return &row.User, path, nil
}

// UsersByID reads the id, email and username of the given users.
func UsersByID(tx *gorm.DB, ids []int64) (map[int64]User, error) {
	var list []User
	if err := tx.Select("id", "email", "username", "role").Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]User, len(list))
	for _, u := range list {
		out[u.ID] = u
	}
	return out, nil
}

// UsersOfAgency lists the active user ids of an agency.
func UsersOfAgency(tx *gorm.DB, agencyID int64) ([]int64, error) {
	var ids []int64
	err := tx.Model(&User{}).Where("agency_id = ? AND disabled = ?", agencyID, false).Pluck("id", &ids).Error
	return ids, err
}

// UsersWithRole lists the active users of a procuratorate holding a role.
func UsersWithRole(tx *gorm.DB, procuratorateID int64, role Role) ([]int64, error) {
	var ids []int64
	err := tx.Model(&User{}).Where("procuratorate_id = ? AND role = ? AND disabled = ?", procuratorateID, role, false).Pluck("id", &ids).Error
	return ids, err
}

// DepartmentUsersWithRole lists the active users of a department holding a role.
func DepartmentUsersWithRole(tx *gorm.DB, departmentID int64, role Role) ([]int64, error) {
	var ids []int64
	err := tx.Model(&User{}).Where("department_id = ? AND role = ? AND disabled = ?", departmentID, role, false).Pluck("id", &ids).Error
	return ids, err
}
