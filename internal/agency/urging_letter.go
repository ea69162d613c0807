package agency

import (
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// UrgingLetter is a 催办函 (urging letter) on an overdue reply. The reply
// reminder job creates it as a draft for the handling prosecutor; the
// documents feature renders the PDF from it and marks it sent.
type UrgingLetter struct {
	ID           int64         `gorm:"primaryKey" json:"id"`
	CaseID       int64         `json:"case_id"`
	Deadline     calendar.Date `json:"deadline"` // the reply deadline that was missed
	Status       string        `json:"status"`
	ProsecutorID int64         `json:"prosecutor_id"`
	FileID       *int64        `json:"file_id"`
	CreatedAt    time.Time     `json:"created_at"`
	SentAt       *time.Time    `json:"sent_at"`
}

// Urging letter statuses.
const (
	UrgingLetterDraft = "draft"
	UrgingLetterSent  = "sent"
)

// CreateUrgingLetterDraft adds the draft letter for a missed deadline inside
// tx unless one exists for (case, deadline); it reports whether it made one.
func CreateUrgingLetterDraft(tx *gorm.DB, caseID, prosecutorID int64, deadline calendar.Date) (bool, error) {
	l := &UrgingLetter{CaseID: caseID, Deadline: deadline, Status: UrgingLetterDraft, ProsecutorID: prosecutorID,
		CreatedAt: database.Now(tx)}
	// Plain INSERT, duplicate = exists (see EmitReminder for why not ON CONFLICT).
	if err := tx.Create(l).Error; err != nil {
		if database.IsUniqueViolation(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}
