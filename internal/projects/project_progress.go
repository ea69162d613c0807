package projects

import (
	"context"
	"fmt"
	"math"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/platform/database"
)

// ProjectProgress is a project's progress, derived from its data and never
// typed in. The formula (docs/projects.md):
//
//	tasks = done tasks / all tasks
//	cases = Σ credit / linked cases (withdrawn, terminated and not-filed cases left out)
//	        credit 1   — replied and assessed: following_up or closed with a rectification verdict
//	        credit 0.5 — replied, not yet assessed: replied, or following_up/closed without a verdict
//	        credit 0   — not yet replied
//	percent = 50 % tasks + 50 % cases; when the project has only tasks or only
//	          cases that part counts 100 %; with neither it is 0.
type ProjectProgress struct {
	Percent       float64 `json:"percent"`
	TasksTotal    int     `json:"tasks_total"`
	TasksDone     int     `json:"tasks_done"`
	TasksOverdue  int     `json:"tasks_overdue"`
	TaskShare     float64 `json:"task_share"`
	CasesTotal    int     `json:"cases_total"`
	CasesAssessed int     `json:"cases_assessed"`
	CasesReplied  int     `json:"cases_replied"` // replied, awaiting assessment
	CaseShare     float64 `json:"case_share"`
	Formula       string  `json:"formula"`
}

// ProgressFormula explains the percentage to users.
const ProgressFormula = "进度 = 50% × 任务完成率 + 50% × 案件落实率（只有任务或只有案件时该项占100%）；案件已回复并评估整改情况计1，已回复未评估计0.5，未回复计0"

// caseCredit is one linked case's contribution to the case share.
func caseCredit(c *cases.Case) float64 {
	switch {
	case (c.State == cases.StateFollowingUp || c.State == cases.StateClosed) && c.Rectification != "":
		return 1
	case c.State == cases.StateReplied || c.State == cases.StateFollowingUp || c.State == cases.StateClosed:
		return 0.5
	}
	return 0
}

// ProjectProgressOf computes the progress of several projects with two
// queries: tasks grouped by status, and the case counts kept with the cases
// (cases.ProjectCaseCounts, one row per project: the cost does not grow with
// the cases a project holds); tasks open after their due date as of today
// count as overdue.
func ProjectProgressOf(tx *gorm.DB, ids []int64, today calendar.Date) (map[int64]ProjectProgress, error) {
	out := map[int64]ProjectProgress{}
	if len(ids) == 0 {
		return out, nil
	}
	var trows []struct {
		ProjectID int64
		Total     int
		Done      int
		Overdue   int
	}
	if err := tx.Model(&ProjectTask{}).Select(`project_id, COUNT(*) AS total,
		SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS done,
		SUM(CASE WHEN status <> ? AND due_on < ? THEN 1 ELSE 0 END) AS overdue`, TaskDone, TaskDone, today.String()).
		Where("project_id IN ?", ids).Group("project_id").Scan(&trows).Error; err != nil {
		return nil, err
	}
	var crows []cases.ProjectCaseCounts
	if err := tx.Where("project_id IN ?", ids).Find(&crows).Error; err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = ProjectProgress{Formula: ProgressFormula}
	}
	for _, r := range trows {
		p := out[r.ProjectID]
		p.TasksTotal, p.TasksDone, p.TasksOverdue = r.Total, r.Done, r.Overdue
		out[r.ProjectID] = p
	}
	for _, r := range crows {
		p := out[r.ProjectID]
		p.CasesTotal, p.CasesAssessed, p.CasesReplied = r.CasesTotal, r.CasesAssessed, r.CasesReplied
		out[r.ProjectID] = p
	}
	for id, p := range out {
		out[id] = p.derived()
	}
	return out, nil
}

// derived fills in the shares and the percentage from the six counts
// (TasksTotal … CasesReplied), rounded as the API shows them.
func (p ProjectProgress) derived() ProjectProgress {
	p.Formula = ProgressFormula
	if p.TasksTotal > 0 {
		p.TaskShare = float64(p.TasksDone) / float64(p.TasksTotal)
	}
	if p.CasesTotal > 0 {
		p.CaseShare = (float64(p.CasesAssessed) + 0.5*float64(p.CasesReplied)) / float64(p.CasesTotal)
	}
	var v float64
	switch {
	case p.TasksTotal > 0 && p.CasesTotal > 0:
		v = 0.5*p.TaskShare + 0.5*p.CaseShare
	case p.TasksTotal > 0:
		v = p.TaskShare
	case p.CasesTotal > 0:
		v = p.CaseShare
	}
	p.Percent = math.Round(v*1000) / 10
	p.TaskShare = math.Round(p.TaskShare*1000) / 1000
	p.CaseShare = math.Round(p.CaseShare*1000) / 1000
	return p
}

// CountProjectCases counts the projects' linked cases from the cases
// themselves, as ProjectProgressOf did before the counts were kept: what
// `server stats verify` (stats.Service.Verify) compares the kept counts with.
// Every project asked for is in the answer; ids nil asks for every project.
func CountProjectCases(tx *gorm.DB, ids []int64) (map[int64]*cases.ProjectCaseCounts, error) {
	q := countProjectCases(tx)
	if ids != nil {
		q = q.Where("projects.id IN ?", ids)
	}
	var rows []cases.ProjectCaseCounts
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]*cases.ProjectCaseCounts, len(rows))
	for i := range rows {
		out[rows[i].ProjectID] = &rows[i]
	}
	return out, nil
}

// RecountCaseCounts rewrites every project's kept case counts from its
// cases (`server stats rebuild`), in the caller's transaction.
func RecountCaseCounts(tx *gorm.DB) error {
	if err := tx.Where("1 = 1").Delete(&cases.ProjectCaseCounts{}).Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO project_case_counts (project_id, cases_total, cases_assessed, cases_replied) ?", countProjectCases(tx)).Error
}

// countProjectCases is the query of every project's case counts, in the
// columns of cases.ProjectCaseCounts.
func countProjectCases(tx *gorm.DB) *gorm.DB {
	return tx.Table("projects").Select(`projects.id AS project_id, COUNT(cases.id) AS cases_total,
		COALESCE(SUM(CASE WHEN cases.state IN ('following_up','closed') AND cases.rectification <> '' THEN 1 ELSE 0 END), 0) AS cases_assessed,
		COALESCE(SUM(CASE WHEN cases.state = 'replied' OR (cases.state IN ('following_up','closed') AND cases.rectification = '') THEN 1 ELSE 0 END), 0) AS cases_replied`).
		Joins("LEFT JOIN cases ON cases.project_id = projects.id AND cases.state NOT IN ?",
			[]cases.CaseState{cases.StateWithdrawn, cases.StateTerminated, cases.StateNotFiled}).
		Group("projects.id")
}

// Reminder kinds for project tasks.
const (
	ReminderTaskOverdue = "task_overdue"
	ReminderTaskDueSoon = "task_due_soon"
)

// RemindProjectTasks reminds owners (and the project lead) of open tasks of
// active projects that are overdue or due within dueSoonDays. Each reminder
// is keyed by (task, kind, due date), so re-runs never repeat one and a moved
// due date gets fresh reminders.
func RemindProjectTasks(ctx context.Context, db *database.DB, ch notify.Channels, today calendar.Date, dueSoonDays int) (int, error) {
	var tasks []struct {
		ProjectTask
		LeadID       int64
		ProjectTitle string
	}
	horizon := today.AddDays(dueSoonDays)
	if err := db.WithContext(ctx).Model(&ProjectTask{}).
		Select("project_tasks.*, projects.lead_id, projects.title AS project_title").
		Joins("JOIN projects ON projects.id = project_tasks.project_id").
		Where("project_tasks.status <> ? AND project_tasks.due_on <= ? AND projects.status = ?", TaskDone, horizon.String(), ProjectActive).
		Order("project_tasks.id").Scan(&tasks).Error; err != nil {
		return 0, err
	}
	sent := 0
	for _, t := range tasks {
		kind, title, body := ReminderTaskDueSoon, "项目任务即将到期："+t.Title,
			fmt.Sprintf("项目“%s”的任务“%s”将于%s到期，请按期完成。", t.ProjectTitle, t.Title, t.DueOn.Chinese())
		if t.DueOn.Before(today) {
			kind, title, body = ReminderTaskOverdue, "项目任务已逾期："+t.Title,
				fmt.Sprintf("项目“%s”的任务“%s”已于%s到期，尚未完成，已逾期 %d 天。", t.ProjectTitle, t.Title, t.DueOn.Chinese(), t.DueOn.DaysUntil(today))
		}
		err := db.WithTx(ctx, func(tx *gorm.DB) error {
			ok, err := notify.EmitReminder(tx, ch, notify.ReminderKey{SubjectType: "project_task", SubjectID: t.ID, Kind: kind, Deadline: t.DueOn},
				notify.Spec{UserIDs: []int64{t.OwnerID, t.LeadID}, Kind: "project_" + kind, Title: title, Body: body})
			if ok {
				sent++
			}
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
