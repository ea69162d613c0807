package org

import (
	"context"
	"strings"

	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// AuditQuery filters the trail for admins and case managers.
type AuditQuery struct {
	ObjectType string
	ObjectID   int64
	ActorID    int64
	AfterID    int64
	Limit      int
}

// ListAudit returns audit entries, oldest first after the cursor, limited to the
// actor's procuratorate subtree (entries without a procuratorate — agency
// users, failed logins — only for the top-level admin).
func ListAudit(ctx context.Context, db *database.DB, actor *Actor, q AuditQuery) ([]audit.Entry, error) {
	lo, hi := SubtreeRange(actor.ProcuratoratePath)
	tx := db.WithContext(ctx).Model(&audit.Entry{}).
		Joins("LEFT JOIN procuratorates p ON p.id = audit_entries.procuratorate_id").
		Where("(p.path >= ? AND p.path < ?) OR (audit_entries.procuratorate_id IS NULL AND ? = 1)", lo, hi, strings.Count(actor.ProcuratoratePath, "/")-1)
	if q.ObjectType != "" {
		tx = tx.Where("audit_entries.object_type = ?", q.ObjectType)
	}
	if q.ObjectID != 0 {
		tx = tx.Where("audit_entries.object_id = ?", q.ObjectID)
	}
	if q.ActorID != 0 {
		tx = tx.Where("audit_entries.actor_id = ?", q.ActorID)
	}
	if q.AfterID != 0 {
		tx = tx.Where("audit_entries.id > ?", q.AfterID)
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	var out []audit.Entry
	err := tx.Order("audit_entries.id").Limit(q.Limit).Find(&out).Error
	return out, err
}
