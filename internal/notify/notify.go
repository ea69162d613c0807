package notify

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// Notification is one message in a user's in-app inbox.
type Notification struct {
	ID     int64  `gorm:"primaryKey" json:"id"`
	UserID int64  `json:"user_id"`
	CaseID *int64 `json:"case_id"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	// Link is the page where the recipient acts on it (LinkFor).
	Link      *string    `json:"link"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// OutboxMessage is a delivery waiting to be sent by e-mail or webhook. It is
// written in the same transaction as the event that causes it, so a crash can
// never lose it; the sender retries until it is sent or gives up.
type OutboxMessage struct {
	ID             int64 `gorm:"primaryKey"`
	NotificationID *int64
	Channel        string // "email" | "webhook"
	Recipient      string
	Subject        string
	Payload        string
	Status         string // "pending" | "sent" | "failed"
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	CreatedAt      time.Time
	SentAt         *time.Time
}

// TableName pins the table name.
func (OutboxMessage) TableName() string { return "outbox" }

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// Channels says which delivery channels are configured besides the inbox.
type Channels struct {
	Email   bool
	Webhook bool
}

// Spec is what to tell whom.
type Spec struct {
	UserIDs []int64
	CaseID  int64
	Kind    string
	Title   string
	Body    string
}

// Send writes inbox rows and outbox deliveries inside tx.
func Send(tx *gorm.DB, ch Channels, n Spec) error {
	// With a delivery channel on, the recipients' addresses are read in one
	// query rather than one per recipient.
	var users map[int64]org.User
	if len(n.UserIDs) > 0 {
		var err error
		if users, err = org.UsersByID(tx, n.UserIDs); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	for _, uid := range n.UserIDs {
		if uid == 0 || seen[uid] {
			continue
		}
		seen[uid] = true
		row := &Notification{UserID: uid, Kind: n.Kind, Title: n.Title, Body: n.Body}
		if n.CaseID != 0 {
			cid := n.CaseID
			row.CaseID = &cid
		}
		if link := LinkFor(users[uid].Role, n.Kind, n.CaseID); link != "" {
			row.Link = &link
		}
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		if !ch.Email && !ch.Webhook {
			continue
		}
		u, ok := users[uid]
		if !ok {
			return fmt.Errorf("notify user %d: %w", uid, gorm.ErrRecordNotFound)
		}
		payload, _ := json.Marshal(map[string]any{
			"notification_id": row.ID, "user_id": uid, "username": u.Username, "case_id": n.CaseID,
			"kind": n.Kind, "title": n.Title, "body": n.Body, "created_at": row.CreatedAt,
		})
		now := database.Now(tx)
		if ch.Email && u.Email != "" {
			if err := tx.Create(&OutboxMessage{NotificationID: &row.ID, Channel: "email", Recipient: u.Email, Subject: n.Title,
				Payload: n.Body, Status: OutboxPending, NextAttemptAt: now}).Error; err != nil {
				return err
			}
		}
		if ch.Webhook {
			if err := tx.Create(&OutboxMessage{NotificationID: &row.ID, Channel: "webhook", Recipient: u.Username, Subject: n.Title,
				Payload: string(payload), Status: OutboxPending, NextAttemptAt: now}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
