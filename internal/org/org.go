package org

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// Role is what a user may do: the case lifecycle table (internal/cases)
// names the roles each action needs, and each domain's policy file the rest.
type Role string

// The roles.
const (
	RoleProsecutor  Role = "prosecutor"   // 承办检察官
	RoleDeptHead    Role = "dept_head"    // 部门负责人
	RoleChief       Role = "chief"        // 检察长
	RoleCaseManager Role = "case_manager" // 案件管理
	RoleAdmin       Role = "admin"        // 系统管理员
	RoleAgency      Role = "agency"       // 被建议单位
)

// AllRoles lists the roles in a stable order.
var AllRoles = []Role{RoleProsecutor, RoleDeptHead, RoleChief, RoleCaseManager, RoleAdmin, RoleAgency}

// RoleLabels are the Chinese names of the roles.
var RoleLabels = map[Role]string{
	RoleProsecutor:  "承办检察官",
	RoleDeptHead:    "部门负责人",
	RoleChief:       "检察长",
	RoleCaseManager: "案件管理",
	RoleAdmin:       "系统管理员",
	RoleAgency:      "被建议单位",
}

// Valid reports a known role.
func (r Role) Valid() bool { _, ok := RoleLabels[r]; return ok }

// IsStaff reports a role held inside a procuratorate.
func (r Role) IsStaff() bool { return r.Valid() && r != RoleAgency }

// Procuratorate levels.
const (
	LevelSupreme    = "supreme"    // 最高人民检察院
	LevelProvincial = "provincial" // 省级
	LevelMunicipal  = "municipal"  // 市级
	LevelCounty     = "county"     // 县级
)

// ProcuratorateLevels are the valid levels.
var ProcuratorateLevels = []string{LevelSupreme, LevelProvincial, LevelMunicipal, LevelCounty}

// Procuratorate is one 检察院 in the tree.
type Procuratorate struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	ParentID  *int64    `json:"parent_id"`
	Name      string    `json:"name"`
	ShortName string    `json:"short_name"` // 院简称, used in 文号
	Level     string    `json:"level"`
	Path      string    `json:"-"` // "/1/3/7/": ancestors and self, for subtree queries
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Department is a 部门 of a procuratorate.
type Department struct {
	ID              int64     `gorm:"primaryKey" json:"id"`
	ProcuratorateID int64     `json:"procuratorate_id"`
	Name            string    `json:"name"`
	NumberCode      string    `json:"number_code"` // 部门代字, used in 文号
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Agency is a recipient agency (被建议单位).
type Agency struct {
	ID            int64     `gorm:"primaryKey" json:"id"`
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	SuperiorBody  string    `json:"superior_body"`
	ContactPerson string    `json:"contact_person"`
	ContactPhone  string    `json:"contact_phone"`
	Address       string    `json:"address"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TableName pins the table name.
func (Agency) TableName() string { return "agencies" }

// ProcuratorateInput is what an admin sends to create or change a procuratorate.
type ProcuratorateInput struct {
	ParentID  *int64 `json:"parent_id"`
	Name      string `json:"name" validate:"required,max=100"`
	ShortName string `json:"short_name" validate:"required,max=20"`
	Level     string `json:"level" validate:"required,oneof=supreme provincial municipal county"`
}

// DepartmentInput creates or changes a department.
type DepartmentInput struct {
	ProcuratorateID int64  `json:"procuratorate_id" validate:"required,gt=0"`
	Name            string `json:"name" validate:"required,max=100"`
	NumberCode      string `json:"number_code" validate:"required,max=10"`
}

// AgencyInput creates or changes an agency.
type AgencyInput struct {
	Name          string `json:"name" validate:"required,max=200"`
	Kind          string `json:"kind" validate:"max=50"`
	SuperiorBody  string `json:"superior_body" validate:"max=200"`
	ContactPerson string `json:"contact_person" validate:"max=50"`
	ContactPhone  string `json:"contact_phone" validate:"max=30"`
	Address       string `json:"address" validate:"max=255"`
}

// OrgService manages procuratorates, departments and agencies.
type OrgService struct {
	DB *database.DB
}

// InSubtree reports whether the procuratorate with path p lies in the subtree rooted at rootPath.
func InSubtree(p, rootPath string) bool {
	return rootPath != "" && strings.HasPrefix(p, rootPath)
}

// SubtreeRange is the range of tree paths in the subtree rooted at path,
// path itself included: "col >= lo AND col < hi" is the subtree test that
// "col LIKE path%" is. Tree paths hold digits and '/' and end with '/'
// ("/1/10/100/"), so every path below starts with path and sorts before path
// with its last '/' made '0', the byte after '/' (also in MariaDB's
// collations). The range seeks an index on both databases; a bound LIKE
// pattern is prepared twice by SQLite and not seen as a prefix by MariaDB's
// optimizer until it has the value. A path that is not a tree path (empty,
// or without the final '/') gives an empty range: nothing matches.
func SubtreeRange(path string) (lo, hi string) {
	if !strings.HasSuffix(path, "/") {
		return path, path
	}
	return path, path[:len(path)-1] + "0"
}

// ListProcuratorates lists those the admin manages (its subtree).
func (s *OrgService) ListProcuratorates(ctx context.Context, actor *Actor) ([]Procuratorate, error) {
	var out []Procuratorate
	lo, hi := SubtreeRange(actor.ProcuratoratePath)
	err := s.DB.WithContext(ctx).Where("path >= ? AND path < ?", lo, hi).Order("path").Find(&out).Error
	return out, err
}

// CreateProcuratorate adds a procuratorate under a parent in the admin's subtree.
func (s *OrgService) CreateProcuratorate(ctx context.Context, actor *Actor, in ProcuratorateInput) (*Procuratorate, error) {
	defer treeChanged()
	var out *Procuratorate
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		if in.ParentID == nil {
			return apperr.Forbidden("只能在本院及下级院范围内新建检察院")
		}
		parent, err := ProcuratorateByID(tx, *in.ParentID)
		if err != nil {
			return apperr.InvalidField("parent_id", "上级检察院不存在")
		}
		if !InSubtree(parent.Path, actor.ProcuratoratePath) {
			return apperr.Forbidden("只能在本院及下级院范围内新建检察院")
		}
		p := &Procuratorate{ParentID: in.ParentID, Name: in.Name, ShortName: in.ShortName, Level: in.Level}
		if err := tx.Create(p).Error; err != nil {
			return database.UniqueOr(err, "name", "检察院名称已存在")
		}
		p.Path = fmt.Sprintf("%s%d/", parent.Path, p.ID)
		if err := tx.Model(p).Update("path", p.Path).Error; err != nil {
			return err
		}
		out = p
		return audit.Record(tx, actor, "procuratorate.create", "procuratorate", p.ID, map[string]any{"after": p})
	})
	return out, err
}

// UpdateProcuratorate renames a procuratorate (the tree position stays).
func (s *OrgService) UpdateProcuratorate(ctx context.Context, actor *Actor, id int64, in ProcuratorateInput) (*Procuratorate, error) {
	defer treeChanged()
	var out *Procuratorate
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, err := ProcuratorateByID(tx, id)
		if err != nil || !InSubtree(p.Path, actor.ProcuratoratePath) {
			return apperr.NotFound("检察院")
		}
		before := *p
		p.Name, p.ShortName, p.Level = in.Name, in.ShortName, in.Level
		if err := tx.Save(p).Error; err != nil {
			return database.UniqueOr(err, "name", "检察院名称已存在")
		}
		out = p
		return audit.Record(tx, actor, "procuratorate.update", "procuratorate", p.ID, map[string]any{"before": before, "after": p})
	})
	return out, err
}

// ListDepartments lists departments in the admin's subtree.
func (s *OrgService) ListDepartments(ctx context.Context, actor *Actor, procuratorateID int64) ([]Department, error) {
	lo, hi := SubtreeRange(actor.ProcuratoratePath)
	q := s.DB.WithContext(ctx).Model(&Department{}).
		Joins("JOIN procuratorates p ON p.id = departments.procuratorate_id").
		Where("p.path >= ? AND p.path < ?", lo, hi)
	if procuratorateID > 0 {
		q = q.Where("departments.procuratorate_id = ?", procuratorateID)
	}
	var out []Department
	err := q.Order("departments.id").Find(&out).Error
	return out, err
}

// CreateDepartment adds a department to a procuratorate the admin manages.
func (s *OrgService) CreateDepartment(ctx context.Context, actor *Actor, in DepartmentInput) (*Department, error) {
	var out *Department
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, err := ProcuratorateByID(tx, in.ProcuratorateID)
		if err != nil || !InSubtree(p.Path, actor.ProcuratoratePath) {
			return apperr.InvalidField("procuratorate_id", "检察院不存在或不在管理范围内")
		}
		d := &Department{ProcuratorateID: in.ProcuratorateID, Name: in.Name, NumberCode: in.NumberCode}
		if err := tx.Create(d).Error; err != nil {
			return database.UniqueOr(err, "name", "该院已有同名部门")
		}
		out = d
		return audit.Record(tx, actor, "department.create", "department", d.ID, map[string]any{"after": d})
	})
	return out, err
}

// UpdateDepartment changes a department's name or 代字.
func (s *OrgService) UpdateDepartment(ctx context.Context, actor *Actor, id int64, in DepartmentInput) (*Department, error) {
	var out *Department
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		var d Department
		if err := tx.First(&d, id).Error; err != nil {
			return database.NotFoundOr(err, "部门")
		}
		p, err := ProcuratorateByID(tx, d.ProcuratorateID)
		if err != nil || !InSubtree(p.Path, actor.ProcuratoratePath) {
			return apperr.NotFound("部门")
		}
		before := d
		d.Name, d.NumberCode = in.Name, in.NumberCode
		if err := tx.Save(&d).Error; err != nil {
			return database.UniqueOr(err, "name", "该院已有同名部门")
		}
		out = &d
		return audit.Record(tx, actor, "department.update", "department", d.ID, map[string]any{"before": before, "after": d})
	})
	return out, err
}

// ListAgencies lists recipient agencies, optionally filtered by name.
func (s *OrgService) ListAgencies(ctx context.Context, q string) ([]Agency, error) {
	var out []Agency
	tx := s.DB.WithContext(ctx).Order("id")
	if q != "" {
		tx = tx.Where("name LIKE ? ESCAPE '!'", database.LikePattern(q))
	}
	err := tx.Limit(500).Find(&out).Error
	return out, err
}

// CreateAgency registers a recipient agency.
func (s *OrgService) CreateAgency(ctx context.Context, actor *Actor, in AgencyInput) (*Agency, error) {
	var out *Agency
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		a := &Agency{Name: in.Name, Kind: in.Kind, SuperiorBody: in.SuperiorBody, ContactPerson: in.ContactPerson, ContactPhone: in.ContactPhone, Address: in.Address}
		if err := tx.Create(a).Error; err != nil {
			return database.UniqueOr(err, "name", "同名被建议单位已存在")
		}
		out = a
		return audit.Record(tx, actor, "agency.create", "agency", a.ID, map[string]any{"after": a})
	})
	return out, err
}

// UpdateAgency changes an agency's details.
func (s *OrgService) UpdateAgency(ctx context.Context, actor *Actor, id int64, in AgencyInput) (*Agency, error) {
	var out *Agency
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		a, err := AgencyByID(tx, id)
		if err != nil {
			return err
		}
		before := *a
		a.Name, a.Kind, a.SuperiorBody, a.ContactPerson, a.ContactPhone, a.Address = in.Name, in.Kind, in.SuperiorBody, in.ContactPerson, in.ContactPhone, in.Address
		if err := tx.Save(a).Error; err != nil {
			return database.UniqueOr(err, "name", "同名被建议单位已存在")
		}
		out = a
		return audit.Record(tx, actor, "agency.update", "agency", a.ID, map[string]any{"before": before, "after": a})
	})
	return out, err
}

// UnitNames maps the ids of procuratorates, departments and agencies to
// their names.
type UnitNames struct {
	Procuratorates, Departments, Agencies map[int64]string
}

// UnitNamesOfUsers loads the names of the procuratorates, departments and
// agencies the users belong to: at most one query for each kind of unit,
// however many users there are. An id whose row is gone has no name.
func UnitNamesOfUsers(tx *gorm.DB, users []User) (UnitNames, error) {
	var pIDs, dIDs, aIDs []int64
	for _, u := range users {
		if u.ProcuratorateID != nil {
			pIDs = append(pIDs, *u.ProcuratorateID)
		}
		if u.DepartmentID != nil {
			dIDs = append(dIDs, *u.DepartmentID)
		}
		if u.AgencyID != nil {
			aIDs = append(aIDs, *u.AgencyID)
		}
	}
	var out UnitNames
	var err error
	if out.Procuratorates, err = namesByID(tx, &Procuratorate{}, pIDs); err != nil {
		return out, err
	}
	if out.Departments, err = namesByID(tx, &Department{}, dIDs); err != nil {
		return out, err
	}
	out.Agencies, err = namesByID(tx, &Agency{}, aIDs)
	return out, err
}

func RoleList(rs []Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = RoleLabels[r]
	}
	return strings.Join(names, "或")
}
