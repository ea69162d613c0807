package org

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// AuditVerification is the result of checking the audit trail's hash chain.
type AuditVerification struct {
	audit.Report
	OK bool
}

// VerifyAuditChain walks the whole audit trail with the chain key, if any,
// and checks that anchor (a head written down earlier, "" for none) is still
// in it — audit.Verify, as `server audit verify --head` does — and records
// in the trail itself that the actor checked it, with the result.
func VerifyAuditChain(ctx context.Context, db *database.DB, actor *Actor, key, anchor string) (*AuditVerification, error) {
	r, err := audit.Verify(ctx, db, key, anchor)
	if err != nil {
		return nil, err
	}
	v := &AuditVerification{Report: *r, OK: len(r.Breaks) == 0 && (r.AnchorFound == nil || *r.AnchorFound)}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		summary := map[string]any{"checked": r.Checked, "breaks": len(r.Breaks), "head_id": r.Head.ID, "head_hash": r.Head.Hash}
		if r.AnchorFound != nil {
			summary["anchor"], summary["anchor_found"] = anchor, *r.AnchorFound
		}
		return audit.Record(tx, actor, "audit.verify", "audit", 0, summary)
	})
	return v, err
}
