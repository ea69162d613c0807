package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
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

// DeadlineChange reports one open reply deadline moved by a calendar edit.
type DeadlineChange struct {
	CaseID      int64  `json:"case_id"`
	OldDue      *Date  `json:"old_due"`
	NewDue      Date   `json:"new_due"`
	Explanation string `json:"explanation"`
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
func ListHolidays(ctx context.Context, db *DB, year int) ([]Holiday, error) {
	q := db.WithContext(ctx).Order("day")
	if year > 0 {
		q = q.Where("year = ?", year)
	}
	var out []Holiday
	return out, q.Find(&out).Error
}

// PutHoliday sets one day of the calendar and recomputes every open reply
// deadline in the same transaction.
func (s *CaseService) PutHoliday(ctx context.Context, a *Actor, day Date, in HolidayInput) (*Holiday, []DeadlineChange, error) {
	h := &Holiday{Day: day, Kind: in.Kind, Name: in.Name, Year: in.Year, UpdatedAt: s.now()}
	var changes []DeadlineChange
	err := s.editCalendar(ctx, a, func(tx *gorm.DB) (string, error) {
		var existing Holiday
		err := tx.Where("day = ?", day.String()).Take(&existing).Error
		switch {
		case errIsNotFound(err):
			if err := tx.Create(h).Error; err != nil {
				return "", err
			}
		case err != nil:
			return "", err
		default:
			if err := tx.Model(&Holiday{}).Where("day = ?", day.String()).
				Updates(map[string]any{"kind": h.Kind, "name": h.Name, "year": h.Year, "updated_at": h.UpdatedAt}).Error; err != nil {
				return "", err
			}
		}
		label := "法定节假日"
		if h.Kind == KindWorkday {
			label = "调休上班日"
		}
		if err := Audit(tx, a, "holiday.put", "holiday", 0, map[string]any{"date": day, "kind": h.Kind, "name": h.Name, "year": h.Year,
			"before": holidaySummary(existing)}); err != nil {
			return "", err
		}
		return fmt.Sprintf("节假日安排调整：%s 设为%s%s", day, label, nameSuffix(h.Name)), nil
	}, &changes)
	if err != nil {
		return nil, nil, err
	}
	return h, changes, nil
}

// DeleteHoliday removes one day from the calendar (it becomes an ordinary
// weekday or weekend day) and recomputes open reply deadlines.
func (s *CaseService) DeleteHoliday(ctx context.Context, a *Actor, day Date) ([]DeadlineChange, error) {
	var changes []DeadlineChange
	err := s.editCalendar(ctx, a, func(tx *gorm.DB) (string, error) {
		var existing Holiday
		if err := tx.Where("day = ?", day.String()).Take(&existing).Error; err != nil {
			return "", notFoundOr(err, "节假日安排")
		}
		if err := tx.Where("day = ?", day.String()).Delete(&Holiday{}).Error; err != nil {
			return "", err
		}
		if err := Audit(tx, a, "holiday.delete", "holiday", 0, map[string]any{"date": day, "before": holidaySummary(existing)}); err != nil {
			return "", err
		}
		return fmt.Sprintf("节假日安排调整：取消 %s 的%s", day, map[string]string{KindHoliday: "法定节假日", KindWorkday: "调休上班日"}[existing.Kind]), nil
	}, &changes)
	return changes, err
}

func holidaySummary(h Holiday) any {
	if h.Day.IsZero() {
		return nil
	}
	return map[string]any{"kind": h.Kind, "name": h.Name, "year": h.Year}
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return "（" + name + "）"
}

// editCalendar runs one calendar edit: it serialises edits on the revision
// row, applies change, checks the whole calendar is still consistent, bumps
// the revision and recomputes open deadlines, all in one transaction.
func (s *CaseService) editCalendar(ctx context.Context, a *Actor, change func(tx *gorm.DB) (string, error), out *[]DeadlineChange) error {
	if !a.HasRole(RoleAdmin) {
		return Forbidden("只有系统管理员可以维护节假日安排")
	}
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		var rev struct{ Revision int64 }
		if err := LockRow(tx).Table("calendar_revision").Where("id = 1").Take(&rev).Error; err != nil {
			return err
		}
		why, err := change(tx)
		if err != nil {
			return err
		}
		cal, err := LoadHolidayCalendar(tx)
		if err != nil {
			if errors.Is(err, ErrInvalidCalendar) {
				return &Error{Kind: ErrInvalid, Code: "invalid_calendar", Message: err.Error()}
			}
			return err
		}
		// A revision value is never reused, even after a rolled-back edit, so a
		// cache can never mistake old rows for new ones.
		next := max(time.Now().UnixNano(), rev.Revision+1)
		if err := tx.Table("calendar_revision").Where("id = 1").Update("revision", next).Error; err != nil {
			return err
		}
		changes, err := s.recomputeReplyDeadlines(tx, a, cal, why)
		*out = changes
		return err
	})
}

// recomputeReplyDeadlines recomputes the reply deadline of every open case
// whose clock runs (received, not closed, withdrawn or terminated) from its
// stored rule, and records each move on the case's timeline and in the audit
// trail. The version is bumped so a form open on the old deadline gets 409.
func (s *CaseService) recomputeReplyDeadlines(tx *gorm.DB, a *Actor, cal *HolidayCalendar, why string) ([]DeadlineChange, error) {
	var cases []Case
	err := LockRow(tx).Where("received_on IS NOT NULL AND reply_due_rule <> '' AND state NOT IN ?",
		[]CaseState{StateClosed, StateWithdrawn, StateTerminated, StateNotFiled}).Order("id").Find(&cases).Error
	if err != nil {
		return nil, err
	}
	changes := []DeadlineChange{}
	for i := range cases {
		c := &cases[i]
		d, err := ComputeDeadline(*c.ReceivedOn, c.ReplyDueRule, cal)
		if err != nil {
			continue // a rule this binary cannot read is left as it was
		}
		updates := map[string]any{}
		if c.ReplyDue == nil || *c.ReplyDue != d.Due || c.ReplyDueExplanation != d.Explanation {
			updates["reply_due"] = d.Due
			updates["reply_due_explanation"] = d.Explanation
		}
		if s.Settings.ObjectionDays > 0 {
			od := DaysDeadline(*c.ReceivedOn, s.Settings.ObjectionDays, cal).Due
			if c.ObjectionDue == nil || *c.ObjectionDue != od {
				updates["objection_due"] = od
			}
		}
		if len(updates) == 0 {
			continue
		}
		updates["version"] = c.Version + 1
		updates["updated_at"] = s.now()
		if err := tx.Model(&Case{}).Where("id = ?", c.ID).Updates(updates).Error; err != nil {
			return nil, err
		}
		old := c.ReplyDue
		c.Version++
		changes = append(changes, DeadlineChange{CaseID: c.ID, OldDue: old, NewDue: d.Due, Explanation: d.Explanation})
		if old != nil && *old == d.Due {
			continue // only the wording or the objection date changed; nothing to tell users
		}
		if err := AddCaseEvent(tx, a, c, "deadline_recomputed", why, false, map[string]any{
			"old_due": old, "new_due": d.Due, "explanation": d.Explanation, "rule": d.Rule, "reason": why}); err != nil {
			return nil, err
		}
		users := []int64{c.ProsecutorID}
		if c.AgencyID != nil && c.DeliveredOn != nil {
			ag, err := UsersOfAgency(tx, *c.AgencyID)
			if err != nil {
				return nil, err
			}
			users = append(users, ag...)
		}
		if err := Notify(tx, s.Settings.Channels, NotificationSpec{UserIDs: users, CaseID: c.ID, Kind: "deadline_recomputed",
			Title: "回复期限已重新计算", Body: fmt.Sprintf("%s的回复期限改为%s：%s", docNumberOr(c), d.Due.Chinese(), d.Explanation)}); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

// ReplyDeadlineFor computes a reply deadline with the database calendar, as
// SetReplyDeadline would store it: two months (the configured period) from
// receipt, or urgentDays calendar days when urgentDays > 0.
func (s *CaseService) ReplyDeadlineFor(ctx context.Context, received Date, urgentDays int) (Deadline, error) {
	if received.IsZero() {
		return Deadline{}, InvalidField("received", "请提供收到日期")
	}
	if urgentDays < 0 || urgentDays > 366 {
		return Deadline{}, InvalidField("days", "紧急回复期限应为 1 至 366 日")
	}
	rule := DeadlineRule{Unit: UnitMonths, Count: s.Settings.ReplyMonths}
	if urgentDays > 0 {
		rule = DeadlineRule{Unit: UnitDays, Count: urgentDays}
	}
	return rule.Apply(received, s.calendar(s.DB.WithContext(ctx))), nil
}
