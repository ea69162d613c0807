package notify

import (
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// Reminder marks a reminder as sent for (subject, kind, deadline).
type Reminder struct {
	ID          int64 `gorm:"primaryKey"`
	SubjectType string
	SubjectID   int64
	CaseID      *int64
	Kind        string
	Deadline    string
	CreatedAt   time.Time
}

// ReminderKey identifies a reminder: one per subject, kind and deadline. A
// moved deadline is a new key, so it gets its own reminders.
type ReminderKey struct {
	SubjectType string // "case", "filing", "application", "project_task", …
	SubjectID   int64
	CaseID      int64 // 0 when the subject is not a case
	Kind        string
	Deadline    calendar.Date
}

// EmitReminder records the reminder and sends its notification only if this
// key was never emitted before. The unique index decides, so re-runs,
// restarts and replicas running at once never send one twice.
func EmitReminder(tx *gorm.DB, ch Channels, key ReminderKey, n Spec) (bool, error) {
	r := &Reminder{SubjectType: key.SubjectType, SubjectID: key.SubjectID, Kind: key.Kind, Deadline: key.Deadline.String(), CreatedAt: database.Now(tx)}
	if key.CaseID != 0 {
		cid := key.CaseID
		r.CaseID = &cid
	}
	// A plain INSERT whose duplicate-key error means "already sent". Not
	// ON CONFLICT DO NOTHING: on MariaDB GORM adds RETURNING to it, which
	// reports one row affected even when nothing was inserted. A duplicate
	// key fails only the statement, on SQLite and MySQL alike, so the
	// caller's transaction goes on.
	if err := tx.Create(r).Error; err != nil {
		if database.IsUniqueViolation(err) {
			return false, nil
		}
		return false, err
	}
	if n.CaseID == 0 {
		n.CaseID = key.CaseID
	}
	return true, Send(tx, ch, n)
}
