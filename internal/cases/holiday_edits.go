package cases

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// DeadlineChange reports one open reply deadline moved by a calendar edit.
type DeadlineChange struct {
	CaseID      int64          `json:"case_id"`
	OldDue      *calendar.Date `json:"old_due"`
	NewDue      calendar.Date  `json:"new_due"`
	Explanation string         `json:"explanation"`
}

// PutHoliday sets one day of the calendar and recomputes every open reply
// deadline in the same transaction.
func (s *Service) PutHoliday(ctx context.Context, a *org.Actor, day calendar.Date, in calendar.HolidayInput) (*calendar.Holiday, []DeadlineChange, error) {
	h := &calendar.Holiday{Day: day, Kind: in.Kind, Name: in.Name, Year: in.Year, UpdatedAt: s.Now()}
	var changes []DeadlineChange
	err := s.editCalendar(ctx, a, func(tx *gorm.DB) (string, error) {
		var existing calendar.Holiday
		err := tx.Where("day = ?", day.String()).Take(&existing).Error
		switch {
		case database.IsNotFound(err):
			if err := tx.Create(h).Error; err != nil {
				return "", err
			}
		case err != nil:
			return "", err
		default:
			if err := tx.Model(&calendar.Holiday{}).Where("day = ?", day.String()).
				Updates(map[string]any{"kind": h.Kind, "name": h.Name, "year": h.Year, "updated_at": h.UpdatedAt}).Error; err != nil {
				return "", err
			}
		}
		label := "法定节假日"
		if h.Kind == calendar.KindWorkday {
			label = "调休上班日"
		}
		if err := audit.Record(tx, a, "holiday.put", "holiday", 0, map[string]any{"date": day, "kind": h.Kind, "name": h.Name, "year": h.Year,
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
func (s *Service) DeleteHoliday(ctx context.Context, a *org.Actor, day calendar.Date) ([]DeadlineChange, error) {
	var changes []DeadlineChange
	err := s.editCalendar(ctx, a, func(tx *gorm.DB) (string, error) {
		var existing calendar.Holiday
		if err := tx.Where("day = ?", day.String()).Take(&existing).Error; err != nil {
			return "", database.NotFoundOr(err, "节假日安排")
		}
		if err := tx.Where("day = ?", day.String()).Delete(&calendar.Holiday{}).Error; err != nil {
			return "", err
		}
		if err := audit.Record(tx, a, "holiday.delete", "holiday", 0, map[string]any{"date": day, "before": holidaySummary(existing)}); err != nil {
			return "", err
		}
		return fmt.Sprintf("节假日安排调整：取消 %s 的%s", day, map[string]string{calendar.KindHoliday: "法定节假日", calendar.KindWorkday: "调休上班日"}[existing.Kind]), nil
	}, &changes)
	return changes, err
}

func holidaySummary(h calendar.Holiday) any {
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
func (s *Service) editCalendar(ctx context.Context, a *org.Actor, change func(tx *gorm.DB) (string, error), out *[]DeadlineChange) error {
	if !a.HasRole(org.RoleAdmin) {
		return apperr.Forbidden("只有系统管理员可以维护节假日安排")
	}
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		var rev struct{ Revision int64 }
		if err := database.LockRow(tx).Table("calendar_revision").Where("id = 1").Take(&rev).Error; err != nil {
			return err
		}
		why, err := change(tx)
		if err != nil {
			return err
		}
		cal, err := calendar.LoadHolidayCalendar(tx)
		if err != nil {
			if errors.Is(err, calendar.ErrInvalidCalendar) {
				return &apperr.Error{Kind: apperr.ErrInvalid, Code: "invalid_calendar", Message: err.Error()}
			}
			return err
		}
		// A revision value is never reused, even after a rolled-back edit, so a
		// cache can never mistake old rows for new ones.
		next := max(s.Now().UnixNano(), rev.Revision+1)
		if err := tx.Table("calendar_revision").Where("id = 1").Update("revision", next).Error; err != nil {
			return err
		}
		changes, err := s.recomputeReplyDeadlines(tx, a, cal, why)
		*out = changes
		if err != nil {
			return err
		}
		return s.recomputeFilingDeadlines(tx, a, cal)
	})
}

// recomputeReplyDeadlines recomputes the reply deadline of every open case
// whose clock runs (received, not closed, withdrawn or terminated) from its
// stored rule, and records each move on the case's timeline and in the audit
// trail. The version is bumped so a form open on the old deadline gets 409.
func (s *Service) recomputeReplyDeadlines(tx *gorm.DB, a *org.Actor, cal *calendar.HolidayCalendar, why string) ([]DeadlineChange, error) {
	var cases []Case
	err := database.LockRow(tx).Where("received_on IS NOT NULL AND reply_due_rule <> '' AND state NOT IN ?",
		[]CaseState{StateClosed, StateWithdrawn, StateTerminated, StateNotFiled}).Order("id").Find(&cases).Error
	if err != nil {
		return nil, err
	}
	changes := []DeadlineChange{}
	for i := range cases {
		c := &cases[i]
		d, err := calendar.ComputeDeadline(*c.ReceivedOn, c.ReplyDueRule, cal)
		if err != nil {
			continue // a rule this binary cannot read is left as it was
		}
		updates := map[string]any{}
		if c.ReplyDue == nil || *c.ReplyDue != d.Due || c.ReplyDueExplanation != d.Explanation {
			updates["reply_due"] = d.Due
			updates["reply_due_explanation"] = d.Explanation
		}
		if s.Settings.ObjectionDays > 0 {
			od := calendar.DaysDeadline(*c.ReceivedOn, s.Settings.ObjectionDays, cal).Due
			if c.ObjectionDue == nil || *c.ObjectionDue != od {
				updates["objection_due"] = od
			}
		}
		if len(updates) == 0 {
			continue
		}
		updates["version"] = c.Version + 1
		updates["updated_at"] = s.Now()
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
			ag, err := org.UsersOfAgency(tx, *c.AgencyID)
			if err != nil {
				return nil, err
			}
			users = append(users, ag...)
		}
		if err := notify.Send(tx, s.Settings.Channels, notify.Spec{UserIDs: users, CaseID: c.ID, Kind: "deadline_recomputed",
			Title: "回复期限已重新计算", Body: fmt.Sprintf("%s的回复期限改为%s：%s", docNumberOr(c), d.Due.Chinese(), d.Explanation)}); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

// ReplyDeadlineFor computes a reply deadline with the database calendar, as
// SetReplyDeadline would store it: two months (the configured period) from
// receipt, or urgentDays calendar days when urgentDays > 0.
func (s *Service) ReplyDeadlineFor(ctx context.Context, received calendar.Date, urgentDays int) (calendar.Deadline, error) {
	if received.IsZero() {
		return calendar.Deadline{}, apperr.InvalidField("received", "请提供收到日期")
	}
	if urgentDays < 0 || urgentDays > 366 {
		return calendar.Deadline{}, apperr.InvalidField("days", "紧急回复期限应为 1 至 366 日")
	}
	rule := calendar.DeadlineRule{Unit: calendar.UnitMonths, Count: s.Settings.ReplyMonths}
	if urgentDays > 0 {
		rule = calendar.DeadlineRule{Unit: calendar.UnitDays, Count: urgentDays}
	}
	return rule.Apply(received, s.Holidays(s.DB.WithContext(ctx))), nil
}

// CalendarYear reports what the database calendar knows about year: the
// loaded notice's days, or — while none is loaded — the fixed-date statutory
// holidays, with the year marked provisional.
func (s *Service) CalendarYear(ctx context.Context, year int) (calendar.YearStatus, error) {
	if year < 2000 || year > 2100 {
		return calendar.YearStatus{}, apperr.InvalidField("year", "年份应在 2000 至 2100 之间")
	}
	return s.Holidays(s.DB.WithContext(ctx)).Status(year), nil
}
