package calendar

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

// Holiday is one row of the admin-edited holiday calendar: a statutory
// holiday or an adjusted working day (调休上班日).
type Holiday struct {
	Day       Date      `gorm:"primaryKey;column:day" json:"date"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	Year      int       `json:"year"`
	UpdatedAt time.Time `json:"updated_at"`
}

// HolidayInput sets one day of the calendar.
type HolidayInput struct {
	Kind string `json:"kind" validate:"required,oneof=holiday workday"`
	Name string `json:"name" validate:"max=50"`
	// Year is the year of the State Council notice the day belongs to
	// (a 元旦 break may start on 12-31 of the year before).
	Year int `json:"year" validate:"required,min=2000,max=2100"`
}

// CalendarCache serves the database calendar to deadline arithmetic. It
// reloads when calendar_revision changes, which every edit does in its own
// transaction, so each replica picks up an edit on its next use.
type CalendarCache struct {
	mu       sync.Mutex
	revision int64
	cal      *HolidayCalendar
}

// NewCalendarCache returns an empty cache (it loads on first use).
func NewCalendarCache() *CalendarCache { return &CalendarCache{} }

// Calendar returns the current calendar as seen by tx. Should the database
// fail to answer, it keeps the last calendar it had (or the shipped one):
// deadline arithmetic never stops for a read error, and the edit path below
// loads its calendar strictly.
func (cc *CalendarCache) Calendar(tx *gorm.DB) *HolidayCalendar {
	var rev int64
	if err := tx.Raw("SELECT revision FROM calendar_revision WHERE id = 1").Scan(&rev).Error; err != nil {
		return cc.fallback()
	}
	cc.mu.Lock()
	if cc.cal != nil && cc.revision == rev {
		cal := cc.cal
		cc.mu.Unlock()
		return cal
	}
	cc.mu.Unlock()
	cal, err := LoadHolidayCalendar(tx)
	if err != nil {
		return cc.fallback()
	}
	cc.mu.Lock()
	cc.cal, cc.revision = cal, rev
	cc.mu.Unlock()
	return cal
}

func (cc *CalendarCache) fallback() *HolidayCalendar {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.cal != nil {
		return cc.cal
	}
	return DefaultHolidayCalendar()
}

// LoadHolidayCalendar builds the calendar from the holidays table.
func LoadHolidayCalendar(tx *gorm.DB) (*HolidayCalendar, error) {
	var rows []Holiday
	if err := tx.Order("day").Find(&rows).Error; err != nil {
		return nil, err
	}
	entries := make([]CalendarEntry, len(rows))
	for i, r := range rows {
		entries[i] = CalendarEntry{Date: r.Day, Kind: r.Kind, Name: r.Name, Year: r.Year}
	}
	return NewHolidayCalendar(entries)
}

// ListHolidays lists the calendar rows, of one notice year when year > 0.
func ListHolidays(ctx context.Context, db *database.DB, year int) ([]Holiday, error) {
	q := db.WithContext(ctx).Order("day")
	if year > 0 {
		q = q.Where("year = ?", year)
	}
	var out []Holiday
	return out, q.Find(&out).Error
}
