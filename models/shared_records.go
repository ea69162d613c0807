package models

import (
	"time"

	"gorm.io/gorm"
)

// Filing is 备案: an issued recommendation filed with the higher procuratorate,
// which reads it (and only it) for cases of the procuratorates below.
type Filing struct {
	ID                    int64      `gorm:"primaryKey" json:"id"`
	CaseID                int64      `json:"case_id"`
	ProcuratorateID       int64      `json:"procuratorate_id"`
	ParentProcuratorateID int64      `json:"parent_procuratorate_id"`
	DueOn                 Date       `json:"due_on"`
	Status                string     `json:"status"` // "pending" | "filed"
	FiledAt               *time.Time `json:"filed_at"`
	ReportFileID          *int64     `json:"report_file_id"`
	CreatedAt             time.Time  `json:"created_at"`
}

// Filing statuses.
const (
	FilingPending = "pending"
	FilingFiled   = "filed"
)

// Reply kinds and positions (回复 — the agency's position, kept apart from the
// procuratorate's verdict on rectification).
const (
	ReplyKindInterim    = "interim"    // 阶段性回复
	ReplyKindFinal      = "final"      // 正式回复
	ReplyKindSupplement = "supplement" // 补充回复

	PositionAdopted       = "adopted"        // 采纳
	PositionPartlyAdopted = "partly_adopted" // 部分采纳
	PositionNotAdopted    = "not_adopted"    // 不采纳
)

// Reply is one written reply from the recipient agency.
type Reply struct {
	ID            int64     `gorm:"primaryKey" json:"id"`
	CaseID        int64     `json:"case_id"`
	Kind          string    `json:"kind"`
	Position      string    `json:"position"`
	Content       string    `json:"content"` // JSON or text owned by the agency feature
	ContactPerson string    `json:"contact_person"`
	ContactPhone  string    `json:"contact_phone"`
	SubmittedBy   int64     `json:"submitted_by"`
	SubmittedOn   Date      `json:"submitted_on"`
	DueOn         *Date     `json:"due_on"`
	Late          bool      `json:"late"`
	Returned      bool      `json:"returned"` // returned as perfunctory (粗回复)
	CreatedAt     time.Time `json:"created_at"`
}

// CaseRating is an external evaluation of a closed case by the recipient
// agency's representative or the citizen who applied.
type CaseRating struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	CaseID      int64     `json:"case_id"`
	RaterType   string    `json:"rater_type"` // "agency" | "citizen"
	RaterRef    string    `json:"-"`          // agency id or application tracking number
	Accuracy    int       `json:"accuracy"`
	Workability int       `json:"workability"`
	Effect      int       `json:"effect"`
	Comment     string    `json:"comment"`
	CreatedAt   time.Time `json:"created_at"`
}

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
	Deadline    Date
}

// EmitReminder records the reminder and sends its notification only if this
// key was never emitted before. The unique index decides, so re-runs,
// restarts and replicas running at once never send one twice.
func EmitReminder(tx *gorm.DB, ch Channels, key ReminderKey, n NotificationSpec) (bool, error) {
	r := &Reminder{SubjectType: key.SubjectType, SubjectID: key.SubjectID, Kind: key.Kind, Deadline: key.Deadline.String(), CreatedAt: time.Now().UTC()}
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
		if IsUniqueViolation(err) {
			return false, nil
		}
		return false, err
	}
	if n.CaseID == 0 {
		n.CaseID = key.CaseID
	}
	return true, Notify(tx, ch, n)
}

// SetReplyDeadline fixes the reply clock from the day the recipient received
// the recommendation: two months (configurable) or the urgent number of days
// set at drafting, by the calendar rules of deadline.go.
func (s *CaseService) SetReplyDeadline(tx *gorm.DB, c *Case, received Date) {
	rule := DeadlineRule{Unit: UnitMonths, Count: s.Settings.ReplyMonths}
	if c.UrgentDays > 0 {
		rule = DeadlineRule{Unit: UnitDays, Count: c.UrgentDays}
	}
	d := rule.Apply(received, s.calendar(tx))
	r := received
	c.ReceivedOn = &r
	due := d.Due
	c.ReplyDue = &due
	c.ReplyDueRule = d.Rule
	c.ReplyDueExplanation = d.Explanation
	if s.Settings.ObjectionDays > 0 {
		od := DaysDeadline(received, s.Settings.ObjectionDays, s.calendar(tx)).Due
		c.ObjectionDue = &od
	}
}

// AfterIssueHooks run inside the issuing transaction after the 文号 is
// assigned (e.g. freezing the 检察建议书 PDF). The issue behaviour calls them.
var AfterIssueHooks []func(ac *ActionContext) error
