package cases

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// CaseField is one entry of the admin-edited list of fields (领域) a case may
// belong to. Deactivating an entry keeps old cases readable while new leads
// can no longer choose it.
type CaseField struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	Active    bool      `json:"active"`
	SortOrder int       `json:"sort_order"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CaseFieldInput creates or changes a field.
type CaseFieldInput struct {
	Name      string `json:"name" validate:"required,max=50"`
	Active    *bool  `json:"active"`
	SortOrder int    `json:"sort_order" validate:"min=0,max=100000"`
}

// ListCaseFields lists the fields in display order; staff see the active ones,
// administrators (all=true) every one.
func ListCaseFields(ctx context.Context, db *database.DB, all bool) ([]CaseField, error) {
	q := db.WithContext(ctx).Order("sort_order, id")
	if !all {
		q = q.Where("active = ?", true)
	}
	var out []CaseField
	return out, q.Find(&out).Error
}

// CreateCaseField adds a field to the list.
func CreateCaseField(ctx context.Context, db *database.DB, a *org.Actor, in CaseFieldInput) (*CaseField, error) {
	if !a.HasRole(org.RoleAdmin) {
		return nil, apperr.Forbidden("只有系统管理员可以维护领域列表")
	}
	f := &CaseField{Name: strings.TrimSpace(in.Name), Active: in.Active == nil || *in.Active, SortOrder: in.SortOrder}
	if f.Name == "" {
		return nil, apperr.InvalidField("name", "领域名称不能为空")
	}
	err := db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(f).Error; err != nil {
			return database.UniqueOr(err, "name", "已有同名领域")
		}
		return audit.Record(tx, a, "case_field.create", "case_field", f.ID, map[string]any{"name": f.Name, "active": f.Active})
	})
	return f, err
}

// UpdateCaseField renames, reorders or (de)activates a field. Cases keep the
// name they were registered with.
func UpdateCaseField(ctx context.Context, db *database.DB, a *org.Actor, id int64, in CaseFieldInput) (*CaseField, error) {
	if !a.HasRole(org.RoleAdmin) {
		return nil, apperr.Forbidden("只有系统管理员可以维护领域列表")
	}
	var f CaseField
	err := db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := database.LockRow(tx).First(&f, id).Error; err != nil {
			return database.NotFoundOr(err, "领域")
		}
		before := f
		f.Name = strings.TrimSpace(in.Name)
		if f.Name == "" {
			return apperr.InvalidField("name", "领域名称不能为空")
		}
		if in.Active != nil {
			f.Active = *in.Active
		}
		f.SortOrder = in.SortOrder
		if err := tx.Select("name", "active", "sort_order", "updated_at").Save(&f).Error; err != nil {
			return database.UniqueOr(err, "name", "已有同名领域")
		}
		return audit.Record(tx, a, "case_field.update", "case_field", f.ID, map[string]any{
			"from": map[string]any{"name": before.Name, "active": before.Active, "sort_order": before.SortOrder},
			"to":   map[string]any{"name": f.Name, "active": f.Active, "sort_order": f.SortOrder}})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}
