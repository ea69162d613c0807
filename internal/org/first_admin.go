package org

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// FirstAdminInput makes an administrator from the command line (server
// users create-admin): after `server migrate` a production database has no
// account, and seed-demo is refused there.
type FirstAdminInput struct {
	Username    string
	DisplayName string
	Password    string
	// Procuratorate is the full name of the procuratorate the administrator
	// manages (with its subtree). It is created as the root of the tree
	// when the database has no procuratorate yet; otherwise it must exist.
	Procuratorate string
	ShortName     string // 院简称, for a new root
	Level         string // supreme, provincial, municipal or county, for a new root
}

// CreateAdmin creates an administrator account, and the root procuratorate
// on an empty database. It is audited as done by the command line.
func (s *UserService) CreateAdmin(ctx context.Context, in FirstAdminInput) (*User, error) {
	in.Username = strings.TrimSpace(in.Username)
	if err := CheckUsername(in.Username); err != nil {
		return nil, err
	}
	in.Username = NormalizeUsername(in.Username)
	if strings.TrimSpace(in.DisplayName) == "" {
		in.DisplayName = in.Username
	}
	if err := CheckNewPassword("password", in.Password, in.Username, s.MinPasswordLength); err != nil {
		return nil, err
	}
	hash, err := s.Passwords.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	cli := &Actor{Username: "server users create-admin", Role: RoleAdmin}
	var out *User
	err = s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, err := s.adminProcuratorate(tx, cli, in)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		u := &User{Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), PasswordHash: hash, Role: RoleAdmin,
			ProcuratorateID: &p.ID, TokenVersion: 1, PasswordChangedAt: &now}
		if err := tx.Create(u).Error; err != nil {
			return database.UniqueOr(err, "username", "用户名已存在")
		}
		out = u
		return audit.Record(tx, cli, "user.create_admin", "user", u.ID, map[string]any{"after": u})
	})
	return out, err
}

// adminProcuratorate finds the named procuratorate, or creates it as the
// root of an empty tree.
func (s *UserService) adminProcuratorate(tx *gorm.DB, cli *Actor, in FirstAdminInput) (*Procuratorate, error) {
	name := strings.TrimSpace(in.Procuratorate)
	if name == "" {
		return nil, apperr.InvalidField("procuratorate", "请指定管理员所属检察院（--procuratorate）")
	}
	var p Procuratorate
	err := tx.Where("name = ?", name).First(&p).Error
	if err == nil {
		return &p, nil
	}
	if !database.IsNotFound(err) {
		return nil, err
	}
	var n int64
	if err := tx.Model(&Procuratorate{}).Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, apperr.InvalidField("procuratorate", "检察院“"+name+"”不存在")
	}
	switch in.Level {
	case "supreme", "provincial", "municipal", "county":
	default:
		return nil, apperr.InvalidField("level", "级别须为 supreme、provincial、municipal 或 county")
	}
	if strings.TrimSpace(in.ShortName) == "" {
		return nil, apperr.InvalidField("short_name", "请指定院简称（--short-name），用于文号")
	}
	p = Procuratorate{Name: name, ShortName: strings.TrimSpace(in.ShortName), Level: in.Level}
	if err := tx.Create(&p).Error; err != nil {
		return nil, err
	}
	p.Path = fmt.Sprintf("/%d/", p.ID)
	if err := tx.Model(&p).Update("path", p.Path).Error; err != nil {
		return nil, err
	}
	return &p, audit.Record(tx, cli, "procuratorate.create", "procuratorate", p.ID, map[string]any{"after": p})
}
