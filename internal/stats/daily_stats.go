package stats

import (
	"time"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
)

// DailyStat is the statistics snapshot of one procuratorate on one day,
// written by the daily_stats job (one row per date and procuratorate; a
// re-run of the day overwrites it). Statistics pages read trends from here
// instead of recounting cases.
type DailyStat struct {
	ID              int64         `gorm:"primaryKey" json:"-"`
	StatDate        calendar.Date `json:"stat_date"`
	ProcuratorateID int64         `json:"procuratorate_id"`
	Total           int           `json:"total"`
	StateCounts     string        `json:"-"`         // JSON object state → count
	Issued          int           `json:"issued"`    // cases with a 文号 (issued at some point)
	Delivered       int           `json:"delivered"` // cases delivered at some point
	// The reply figures as of the day, by the definitions of facts.go over
	// every recommendation whose reply fell due by then (ReplyTally).
	ReplyDue           int       `json:"reply_due"` // 应回复
	Replied            int       `json:"replied"`
	RepliedOnTime      int       `json:"replied_on_time"`
	RepliedLate        int       `json:"replied_late"`
	RepliedPerfunctory int       `json:"replied_perfunctory"`
	NoReply            int       `json:"no_reply"`
	Adopted            int       `json:"adopted"`      // 采纳 + 部分采纳
	Rectified          int       `json:"rectified"`    // 整改到位
	Escalated          int       `json:"escalated"`    // recommendations with an escalation
	OverdueOpen        int       `json:"overdue_open"` // delivered, no reply, deadline passed
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// SetReplyFigures copies a procuratorate's reply tally into the snapshot.
func (d *DailyStat) SetReplyFigures(t *ReplyTally, escalated int64) {
	d.ReplyDue, d.Replied = int(t.Due), int(t.Replied())
	d.RepliedOnTime, d.RepliedLate, d.RepliedPerfunctory, d.NoReply = int(t.OnTime), int(t.Late), int(t.Perfunctory), int(t.NoReply)
	d.Adopted = int(t.Positions[agency.PositionAdopted] + t.Positions[agency.PositionPartlyAdopted])
	d.Rectified = int(t.Rectifications[agency.RectificationRectified])
	d.Escalated = int(escalated)
}
