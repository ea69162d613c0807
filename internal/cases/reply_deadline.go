package cases

import (
	"gorm.io/gorm"

	"jianyi/internal/calendar"
)

// SetReplyDeadline fixes the reply clock from the day the recipient received
// the recommendation: two months (configurable) or the urgent number of days
// set at drafting, by the calendar rules of internal/calendar (deadline.go).
func (s *Service) SetReplyDeadline(tx *gorm.DB, c *Case, received calendar.Date) {
	rule := calendar.DeadlineRule{Unit: calendar.UnitMonths, Count: s.Settings.ReplyMonths}
	if c.UrgentDays > 0 {
		rule = calendar.DeadlineRule{Unit: calendar.UnitDays, Count: c.UrgentDays}
	}
	d := rule.Apply(received, s.Holidays(tx))
	r := received
	c.ReceivedOn = &r
	due := d.Due
	c.ReplyDue = &due
	c.ReplyDueRule = d.Rule
	c.ReplyDueExplanation = d.Explanation
	if s.Settings.ObjectionDays > 0 {
		od := calendar.DaysDeadline(received, s.Settings.ObjectionDays, s.Holidays(tx)).Due
		c.ObjectionDue = &od
	}
}
