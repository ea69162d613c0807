package cases

import (
	"time"

	"jianyi/internal/calendar"
)

// Filing is 备案: an issued recommendation filed with the higher procuratorate,
// which reads it (and only it) for cases of the procuratorates below.
type Filing struct {
	ID                    int64         `gorm:"primaryKey" json:"id"`
	CaseID                int64         `json:"case_id"`
	ProcuratorateID       int64         `json:"procuratorate_id"`
	ParentProcuratorateID int64         `json:"parent_procuratorate_id"`
	DueOn                 calendar.Date `json:"due_on"`
	Status                string        `json:"status"` // "pending" | "filed"
	FiledAt               *time.Time    `json:"filed_at"`
	// FiledOn is the legal date of FiledAt: on time when not after DueOn.
	FiledOn      *calendar.Date `json:"filed_on"`
	ReportFileID *int64         `json:"report_file_id"`
	CreatedAt    time.Time      `json:"created_at"`
}

// Filing statuses.
const (
	FilingPending = "pending"
	FilingFiled   = "filed"
)
