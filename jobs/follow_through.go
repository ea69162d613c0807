package jobs

// Follow-through (督促落实之后): the agency's planned rectification measures
// are reminded before and after their target dates, to the agency and the
// handling prosecutor; a closed case's 回头看 is reminded to the handling
// prosecutor and the department head before and when it falls due. Each
// reminder is one per (case, kind, date), like the reply reminders.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
)

// Follow-through reminder kinds.
const (
	KindMeasureDueSoon  = "measure_due_soon"
	KindMeasureOverdue  = "measure_overdue"
	KindLookbackDueSoon = "lookback_due_soon"
	KindLookbackDue     = "lookback_due"
)

// measureStates are the states in which planned measures are followed.
var measureStates = []cases.CaseState{cases.StateDelivered, cases.StateReplied, cases.StateFollowingUp}

// FollowThroughKind is the reminder a date calls for today: due soon within
// soonDays before it (none when soonDays is 0), overdue (or due, for 回头看)
// from the day itself for the look back and from the day after for a measure.
func FollowThroughKind(due, today calendar.Date, soonDays int, soon, late string, lateFromDay bool) string {
	left := today.DaysUntil(due)
	switch {
	case left < 0 || (left == 0 && lateFromDay):
		return late
	case soonDays > 0 && left <= soonDays:
		return soon
	}
	return ""
}

func runFollowThrough(ctx context.Context, env *Env) (int, error) {
	n, err := runMeasureReminders(ctx, env)
	if err != nil {
		return n, err
	}
	m, err := runLookbackReminders(ctx, env)
	return n + m, err
}

// measureDue is one case's planned measures falling due on one date.
type measureDue struct {
	CaseID   int64
	DueOn    calendar.Date
	Measures []string
}

func runMeasureReminders(ctx context.Context, env *Env) (int, error) {
	soon, catchUp := env.Config.Deadlines.MeasureDueSoonDays, env.Config.Jobs.CatchUpDays
	var rows []struct {
		CaseID  int64
		DueOn   calendar.Date
		Measure string
	}
	if err := env.DB.WithContext(ctx).Table("planned_measures").Select("planned_measures.case_id, planned_measures.due_on, planned_measures.measure").
		Joins("JOIN cases ON cases.id = planned_measures.case_id").
		Where("planned_measures.status = ? AND planned_measures.due_on >= ? AND planned_measures.due_on <= ? AND cases.state IN ?",
			agency.MeasurePlanned, env.Today.AddDays(-1-catchUp).String(), env.Today.AddDays(soon).String(), measureStates).
		Order("planned_measures.case_id, planned_measures.due_on, planned_measures.seq").Scan(&rows).Error; err != nil {
		return 0, err
	}
	var due []measureDue
	for _, r := range rows {
		if n := len(due); n > 0 && due[n-1].CaseID == r.CaseID && due[n-1].DueOn == r.DueOn {
			due[n-1].Measures = append(due[n-1].Measures, r.Measure)
			continue
		}
		due = append(due, measureDue{CaseID: r.CaseID, DueOn: r.DueOn, Measures: []string{r.Measure}})
	}
	ids := make([]int64, len(due))
	for i, d := range due {
		ids[i] = d.CaseID
	}
	sent, err := sentReminders(ctx, env.DB.DB, "case", ids, []string{KindMeasureDueSoon, KindMeasureOverdue})
	if err != nil {
		return 0, err
	}
	handled := 0
	for i := range due {
		d := &due[i]
		kind := FollowThroughKind(d.DueOn, env.Today, soon, KindMeasureDueSoon, KindMeasureOverdue, false)
		if kind == "" || sent[reminderID{d.CaseID, kind, d.DueOn.String()}] {
			continue
		}
		created, err := emitMeasureReminder(ctx, env, d, kind)
		if err != nil {
			return handled, fmt.Errorf("case %d %s: %w", d.CaseID, kind, err)
		}
		if created {
			handled++
		}
	}
	return handled, nil
}

// emitMeasureReminder re-reads the case under the transaction (it may have
// closed, or a new reply may have replaced the measures) and reminds the
// agency's users and the handling prosecutor.
func emitMeasureReminder(ctx context.Context, env *Env, d *measureDue, kind string) (bool, error) {
	var created bool
	err := inTx(ctx, env.DB, func(tx *gorm.DB) error {
		created = false
		var c cases.Case
		if err := tx.Select("id", "state", "title", "document_number", "agency_id", "prosecutor_id").First(&c, d.CaseID).Error; err != nil {
			return err
		}
		var open int64
		if err := tx.Model(&agency.PlannedMeasureRow{}).Where("case_id = ? AND status = ? AND due_on = ?", c.ID, agency.MeasurePlanned, d.DueOn.String()).
			Count(&open).Error; err != nil {
			return err
		}
		if open == 0 || !isMeasureState(c.State) {
			return nil
		}
		var agencyUsers []int64
		if c.AgencyID != nil {
			var err error
			if agencyUsers, err = org.UsersOfAgency(tx, *c.AgencyID); err != nil {
				return err
			}
		}
		label, list := caseLabel(c.Title, c.DocumentNumber), strings.Join(d.Measures, "；")
		title, body := "整改措施期限将至", fmt.Sprintf("%s的书面回复承诺于%s前完成：%s。请按期落实并报告整改进展。", label, d.DueOn.Chinese(), list)
		if kind == KindMeasureOverdue {
			title, body = "整改措施已到期", fmt.Sprintf("%s的书面回复承诺于%s前完成：%s。期限已届满，请报告整改进展。", label, d.DueOn.Chinese(), list)
		}
		var err error
		created, err = notify.EmitReminder(tx, env.Channels,
			notify.ReminderKey{SubjectType: "case", SubjectID: c.ID, CaseID: c.ID, Kind: kind, Deadline: d.DueOn},
			notify.Spec{UserIDs: uniqueIDs(agencyUsers, []int64{c.ProsecutorID}), Kind: kind, Title: title, Body: body})
		return err
	})
	return created, err
}

func isMeasureState(s cases.CaseState) bool {
	for _, m := range measureStates {
		if s == m {
			return true
		}
	}
	return false
}

// lookbackCase is what the 回头看 scan reads.
type lookbackCase struct {
	ID             int64
	DepartmentID   int64
	ProsecutorID   int64
	Title          string
	DocumentNumber *string
	LookbackDue    calendar.Date
}

func runLookbackReminders(ctx context.Context, env *Env) (int, error) {
	soon, catchUp := env.Config.Deadlines.MeasureDueSoonDays, env.Config.Jobs.CatchUpDays
	var rows []lookbackCase
	if err := env.DB.WithContext(ctx).Model(&cases.Case{}).
		Select("id", "department_id", "prosecutor_id", "title", "document_number", "lookback_due").
		Where("state = ? AND lookback_due >= ? AND lookback_due <= ? AND lookback_done_on IS NULL",
			cases.StateClosed, env.Today.AddDays(-catchUp).String(), env.Today.AddDays(soon).String()).
		Find(&rows).Error; err != nil {
		return 0, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	sent, err := sentReminders(ctx, env.DB.DB, "case", ids, []string{KindLookbackDueSoon, KindLookbackDue})
	if err != nil {
		return 0, err
	}
	handled := 0
	for i := range rows {
		c := &rows[i]
		kind := FollowThroughKind(c.LookbackDue, env.Today, soon, KindLookbackDueSoon, KindLookbackDue, true)
		if kind == "" || sent[reminderID{c.ID, kind, c.LookbackDue.String()}] {
			continue
		}
		var created bool
		err := inTx(ctx, env.DB, func(tx *gorm.DB) error {
			created = false
			var cur cases.Case
			if err := tx.Select("id", "state", "lookback_due", "lookback_done_on").First(&cur, c.ID).Error; err != nil {
				return err
			}
			if cur.State != cases.StateClosed || cur.LookbackDoneOn != nil || cur.LookbackDue == nil || *cur.LookbackDue != c.LookbackDue {
				return nil
			}
			heads, err := org.DepartmentUsersWithRole(tx, c.DepartmentID, org.RoleDeptHead)
			if err != nil {
				return err
			}
			label := caseLabel(c.Title, c.DocumentNumber)
			title, body := "回头看将至", fmt.Sprintf("%s已结案，应于%s开展回头看，核实整改成效是否巩固。", label, c.LookbackDue.Chinese())
			if kind == KindLookbackDue {
				title, body = "回头看已到期", fmt.Sprintf("%s的回头看应于%s开展，尚未登记回头看记录。", label, c.LookbackDue.Chinese())
			}
			created, err = notify.EmitReminder(tx, env.Channels,
				notify.ReminderKey{SubjectType: "case", SubjectID: c.ID, CaseID: c.ID, Kind: kind, Deadline: c.LookbackDue},
				notify.Spec{UserIDs: uniqueIDs([]int64{c.ProsecutorID}, heads), Kind: kind, Title: title, Body: body})
			return err
		})
		if err != nil {
			return handled, fmt.Errorf("case %d %s: %w", c.ID, kind, err)
		}
		if created {
			handled++
		}
	}
	return handled, nil
}
