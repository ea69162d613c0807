package models

import "gorm.io/gorm"

// SetReplyDeadline fixes the reply clock from the day the recipient received
// the recommendation: two months (configurable) or the urgent number of days
// set at drafting, by the calendar rules of deadline.go.
func (s *CaseService) SetReplyDeadline(tx *gorm.DB, c *Case, received Date) {
	rule := DeadlineRule{Unit: UnitMonths, Count: s.Settings.ReplyMonths}
	if c.UrgentDays > 0 {
		rule = DeadlineRule{Unit: UnitDays, Count: c.UrgentDays}
	}
	d := rule.Apply(received, s.Holidays(tx))
	r := received
	c.ReceivedOn = &r
	due := d.Due
	c.ReplyDue = &due
	c.ReplyDueRule = d.Rule
	c.ReplyDueExplanation = d.Explanation
	if s.Settings.ObjectionDays > 0 {
		od := DaysDeadline(received, s.Settings.ObjectionDays, s.Holidays(tx)).Due
		c.ObjectionDue = &od
	}
}
