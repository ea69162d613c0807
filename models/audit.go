package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditEntry is one line of the append-only audit trail. Each entry stores the
// hash of the entry before it, so an edited, deleted or inserted row breaks the
// chain and `server audit verify` finds it.
type AuditEntry struct {
	ID              int64     `gorm:"primaryKey" json:"id"`
	ActorID         *int64    `json:"actor_id"`
	ActorName       string    `json:"actor_name"`
	Role            string    `json:"role"`
	ProcuratorateID *int64    `json:"procuratorate_id"`
	Action          string    `json:"action"`
	ObjectType      string    `json:"object_type"`
	ObjectID        *int64    `json:"object_id"`
	Summary         string    `json:"summary"`
	IP              string    `gorm:"column:ip" json:"ip"`
	RequestID       string    `json:"request_id"`
	CreatedAt       time.Time `json:"created_at"`
	PrevHash        string    `json:"prev_hash"`
	Hash            string    `json:"hash"`
}

type auditHead struct {
	ID       int64 `gorm:"primaryKey"`
	LastID   int64
	LastHash string
}

func (auditHead) TableName() string { return "audit_head" }

// chainHash is the SHA-256 over the entry's fields and the previous hash.
func (e *AuditEntry) chainHash() string {
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return fmtInt(*p)
	}
	parts := []string{
		e.PrevHash, opt(e.ActorID), e.ActorName, e.Role, opt(e.ProcuratorateID), e.Action,
		e.ObjectType, opt(e.ObjectID), e.Summary, e.IP, e.RequestID,
		e.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000Z"),
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// Audit appends an entry inside the caller's transaction. The head row is
// locked first so concurrent transactions queue and the chain never forks.
func Audit(tx *gorm.DB, actor *Actor, action, objectType string, objectID int64, summary any) error {
	raw, err := json.Marshal(summary)
	if err != nil {
		return fmt.Errorf("audit summary: %w", err)
	}
	// Touch the head first: on MySQL this takes the row lock before reading it.
	if err := tx.Model(&auditHead{}).Where("id = 1").Update("last_id", gorm.Expr("last_id")).Error; err != nil {
		return err
	}
	var head auditHead
	if err := LockRow(tx).First(&head, 1).Error; err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e := &AuditEntry{
		Action:     action,
		ObjectType: objectType,
		Summary:    string(raw),
		CreatedAt:  time.Now().UTC().Truncate(time.Microsecond),
		PrevHash:   head.LastHash,
	}
	if objectID != 0 {
		e.ObjectID = &objectID
	}
	if actor != nil {
		if actor.UserID != 0 {
			id := actor.UserID
			e.ActorID = &id
		}
		e.ActorName = actor.Username
		e.Role = string(actor.Role)
		if actor.ProcuratorateID != 0 {
			p := actor.ProcuratorateID
			e.ProcuratorateID = &p
		}
		e.IP = actor.IP
		e.RequestID = actor.RequestID
	}
	e.Hash = e.chainHash()
	if err := tx.Create(e).Error; err != nil {
		return err
	}
	return tx.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"last_id": e.ID, "last_hash": e.Hash}).Error
}

// AuditBreak describes where the chain fails verification.
type AuditBreak struct {
	EntryID int64
	Reason  string
}

// VerifyAuditChain walks the whole trail in order and reports every break:
// a changed row (its hash no longer matches), a removed or inserted row (the
// next prev_hash no longer matches), or a removed tail (the head disagrees).
func VerifyAuditChain(ctx context.Context, db *DB) (checked int, breaks []AuditBreak, err error) {
	prev := ""
	var lastID int64
	var batch []AuditEntry
	for {
		batch = batch[:0]
		if err := db.WithContext(ctx).Where("id > ?", lastID).Order("id").Limit(1000).Find(&batch).Error; err != nil {
			return checked, breaks, err
		}
		if len(batch) == 0 {
			break
		}
		for i := range batch {
			e := &batch[i]
			if e.PrevHash != prev {
				breaks = append(breaks, AuditBreak{e.ID, "prev_hash does not match the preceding entry (a row was removed, inserted or changed)"})
			}
			if h := e.chainHash(); h != e.Hash {
				breaks = append(breaks, AuditBreak{e.ID, "content does not match its hash (the row was edited)"})
			}
			prev = e.Hash
			lastID = e.ID
			checked++
		}
	}
	var head auditHead
	if err := db.WithContext(ctx).First(&head, 1).Error; err != nil {
		return checked, breaks, err
	}
	if head.LastHash != prev || head.LastID != lastID {
		breaks = append(breaks, AuditBreak{head.LastID, "the chain head does not match the last entry (entries were removed from the end)"})
	}
	return checked, breaks, nil
}

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
func ListAudit(ctx context.Context, db *DB, actor *Actor, q AuditQuery) ([]AuditEntry, error) {
	tx := db.WithContext(ctx).Model(&AuditEntry{}).
		Joins("LEFT JOIN procuratorates p ON p.id = audit_entries.procuratorate_id").
		Where("p.path LIKE ? OR (audit_entries.procuratorate_id IS NULL AND ? = 1)", actor.ProcuratoratePath+"%", strings.Count(actor.ProcuratoratePath, "/")-1)
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
	var out []AuditEntry
	err := tx.Order("audit_entries.id").Limit(q.Limit).Find(&out).Error
	return out, err
}
