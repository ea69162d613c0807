package agency

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
)

// PlannedMeasureRow is one rectification step the agency promised in a reply
// (措施 with a target date), kept as a row so the follow-through job reminds
// the agency and the prosecutor of its date by an index read. The reply's
// own content keeps the list as the agency wrote it.
type PlannedMeasureRow struct {
	ID        int64         `gorm:"primaryKey" json:"id"`
	CaseID    int64         `json:"case_id"`
	ReplyID   int64         `json:"reply_id"`
	Seq       int           `json:"seq"`
	Measure   string        `json:"measure"`
	DueOn     calendar.Date `json:"due_on"`
	Status    string        `json:"status"`
	CreatedAt time.Time     `json:"created_at"`
}

// TableName pins the table name.
func (PlannedMeasureRow) TableName() string { return "planned_measures" }

// Planned measure statuses: a later reply listing measures replaces the
// earlier list (superseded); nothing is deleted.
const (
	MeasurePlanned    = "planned"
	MeasureSuperseded = "superseded"
)

// storePlannedMeasures records a reply's planned measures, superseding those
// of earlier replies. A reply without planned measures leaves them standing.
func storePlannedMeasures(tx *gorm.DB, caseID, replyID int64, measures []PlannedMeasure, now time.Time) error {
	if len(measures) == 0 {
		return nil
	}
	if err := tx.Model(&PlannedMeasureRow{}).Where("case_id = ? AND status = ?", caseID, MeasurePlanned).
		Update("status", MeasureSuperseded).Error; err != nil {
		return err
	}
	rows := make([]PlannedMeasureRow, len(measures))
	for i, m := range measures {
		rows[i] = PlannedMeasureRow{CaseID: caseID, ReplyID: replyID, Seq: i + 1, Measure: strings.TrimSpace(m.Measure), DueOn: m.DueOn,
			Status: MeasurePlanned, CreatedAt: now}
	}
	return tx.Create(&rows).Error
}
