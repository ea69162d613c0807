package cases

import (
	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
)

// recomputeFilingDeadlines moves the due date of every pending 备案 when the
// holiday calendar changes, like the reply deadlines: deadlines.filing_days
// from the issue date, a last day on a rest day moved to the next working
// day. Each move is audited.
func (s *Service) recomputeFilingDeadlines(tx *gorm.DB, a *org.Actor, cal *calendar.HolidayCalendar) error {
	var pending []Filing
	if err := tx.Where("status = ?", FilingPending).Order("id").Find(&pending).Error; err != nil {
		return err
	}
	for i := range pending {
		f := &pending[i]
		var c Case
		if err := tx.Select("id", "issued_at").First(&c, f.CaseID).Error; err != nil {
			return err
		}
		if c.IssuedAt == nil {
			continue
		}
		due := calendar.DaysDeadline(s.Clock.DateOf(*c.IssuedAt), s.Settings.FilingDays, cal).Due
		if due == f.DueOn {
			continue
		}
		if err := tx.Model(&Filing{}).Where("id = ? AND status = ?", f.ID, FilingPending).Update("due_on", due).Error; err != nil {
			return err
		}
		if err := audit.Record(tx, a, "filing.due_recomputed", "filing", f.ID, map[string]any{
			"case_id": f.CaseID, "old_due": f.DueOn, "new_due": due}); err != nil {
			return err
		}
	}
	return nil
}
