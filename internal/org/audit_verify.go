package org

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// AuditVerification is the result of checking the audit trail's hash chain.
type AuditVerification struct {
	Checked int           `json:"checked"`
	Breaks  []audit.Break `json:"breaks"`
	OK      bool          `json:"ok"`
}

// VerifyAuditChain walks the whole audit trail (audit.VerifyChain, as the
// `server audit verify` command does) and records that the actor checked
// it, with the result, in the trail itself.
func VerifyAuditChain(ctx context.Context, db *database.DB, actor *Actor) (*AuditVerification, error) {
	checked, breaks, err := audit.VerifyChain(ctx, db)
	if err != nil {
		return nil, err
	}
	v := &AuditVerification{Checked: checked, Breaks: breaks, OK: len(breaks) == 0}
	if v.Breaks == nil {
		v.Breaks = []audit.Break{}
	}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		return audit.Record(tx, actor, "audit.verify", "audit", 0, map[string]any{"checked": checked, "breaks": len(breaks)})
	})
	return v, err
}
