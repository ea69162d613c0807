package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

// Entry is one line of the append-only audit trail. Each entry stores the
// hash of the entry before it, so an edited, deleted or inserted row breaks the
// chain and `server audit verify` finds it.
type Entry struct {
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

// TableName keeps the table the entries have always lived in.
func (Entry) TableName() string { return "audit_entries" }

type auditHead struct {
	ID       int64 `gorm:"primaryKey"`
	LastID   int64
	LastHash string
}

func (auditHead) TableName() string { return "audit_head" }

// chainHash is the SHA-256 over the entry's fields and the previous hash.
func (e *Entry) chainHash() string {
	sum := sha256.Sum256([]byte(e.chainText()))
	return hex.EncodeToString(sum[:])
}

// chainText is what an entry's hash covers.
func (e *Entry) chainText() string {
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
	return strings.Join(parts, "\x1f")
}

// Actor is whoever an entry names; *org.Actor is one. A nil Actor is the
// system itself.
type Actor interface {
	AuditIdentity() Identity
}

// Identity is what the trail records of whoever acted.
type Identity struct {
	UserID          int64
	Username        string
	Role            string
	ProcuratorateID int64
	IP              string
	RequestID       string
}

// Record appends an entry inside the caller's transaction. The head row is
// locked first so concurrent transactions queue and the chain never forks.
func Record(tx *gorm.DB, actor Actor, action, objectType string, objectID int64, summary any) error {
	raw, err := json.Marshal(summary)
	if err != nil {
		return fmt.Errorf("audit summary: %w", err)
	}
	// Touch the head first: on MySQL this takes the row lock before reading it.
	if err := tx.Model(&auditHead{}).Where("id = 1").Update("last_id", gorm.Expr("last_id")).Error; err != nil {
		return err
	}
	var head auditHead
	if err := database.LockRow(tx).First(&head, 1).Error; err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e := &Entry{
		Action:     action,
		ObjectType: objectType,
		Summary:    string(raw),
		CreatedAt:  database.Now(tx),
		PrevHash:   head.LastHash,
	}
	if objectID != 0 {
		e.ObjectID = &objectID
	}
	if actor != nil {
		who := actor.AuditIdentity()
		if who.UserID != 0 {
			id := who.UserID
			e.ActorID = &id
		}
		e.ActorName = who.Username
		e.Role = who.Role
		if who.ProcuratorateID != 0 {
			p := who.ProcuratorateID
			e.ProcuratorateID = &p
		}
		e.IP = who.IP
		e.RequestID = who.RequestID
	}
	e.Hash = e.hashWith(keyOf(tx))
	if err := tx.Create(e).Error; err != nil {
		return err
	}
	return tx.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"last_id": e.ID, "last_hash": e.Hash}).Error
}

// Break describes where the chain fails verification.
type Break struct {
	EntryID int64
	Reason  string
}

// VerifyChain walks the whole trail in order and reports every break:
// a changed row (its hash no longer matches), a removed or inserted row (the
// next prev_hash no longer matches), or a removed tail (the head disagrees).
func VerifyChain(ctx context.Context, db *database.DB) (checked int, breaks []Break, err error) {
	prev := ""
	var lastID int64
	var batch []Entry
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
				breaks = append(breaks, Break{e.ID, "prev_hash does not match the preceding entry (a row was removed, inserted or changed)"})
			}
			if h := e.chainHash(); h != e.Hash {
				breaks = append(breaks, Break{e.ID, "content does not match its hash (the row was edited)"})
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
		breaks = append(breaks, Break{head.LastID, "the chain head does not match the last entry (entries were removed from the end)"})
	}
	return checked, breaks, nil
}

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }
