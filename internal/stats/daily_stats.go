package stats

import (
	"time"

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
	// Reply classes (cases.reply_class): 按期 / 慢回复 / 粗回复 / 不回复.
	RepliedOnTime      int       `json:"replied_on_time"`
	RepliedLate        int       `json:"replied_late"`
	RepliedPerfunctory int       `json:"replied_perfunctory"`
	NoReply            int       `json:"no_reply"`
	OverdueOpen        int       `json:"overdue_open"` // delivered, no reply, deadline passed
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}
