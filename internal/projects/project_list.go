package projects

import (
	"context"
	"strconv"
	"strings"

	"jianyi/internal/org"
)

// ProjectListQuery filters the project list.
type ProjectListQuery struct {
	Status string
	Mine   bool
	Cursor int64
	Limit  int
}

// ProjectSummary is a project in a list with its progress.
type ProjectSummary struct {
	Project
	StageLabel string          `json:"stage_label"`
	Progress   ProjectProgress `json:"progress"`
}

// projectListColumns are what a list item is read from, in the order
// ListProjects scans them: the project's row, its kept case counts
// (cases.ProjectCaseCounts; a project without a row counts none) and its
// tasks counted as ProjectProgressOf counts them. The three task counts come
// packed in one number, total<<42 | done<<21 | open and due before today
// (taskCountBits each), from one seek of ix_project_tasks_progress
// (project_id, status, due_on: the index alone, no task row read; migration
// 0029): a correlated subquery costs more to run than the few tasks it reads,
// on both databases. The bound values are TaskDone, TaskDone and today.
const projectListColumns = `p.id, p.procuratorate_id, p.department_id, p.title, p.field, p.problem, p.goals,
	p.lead_id, p.stage, p.status, p.start_on, p.planned_end_on, p.actual_end_on, p.version, p.created_by,
	p.created_at, p.updated_at,
	COALESCE(c.cases_total, 0), COALESCE(c.cases_assessed, 0), COALESCE(c.cases_replied, 0),
	(SELECT COUNT(*) * 4398046511104
		+ COALESCE(SUM(CASE WHEN t.status = ? THEN 2097152 ELSE 0 END), 0)
		+ COALESCE(SUM(CASE WHEN t.status <> ? AND t.due_on < ? THEN 1 ELSE 0 END), 0)
		FROM project_tasks t WHERE t.project_id = p.id)`

// taskCountBits is the width of each task count packed by
// projectListColumns (2^42 = 4398046511104, 2^21 = 2097152): a project
// holds fewer than two million tasks.
const taskCountBits = 21

// ListProjects lists the projects the actor may read, newest first, each
// with its progress as of today. One statement reads the page: the projects
// with their case counts and task counts (projectListColumns), scanned by
// hand; it tests the actor's standing too when the request did not read it
// first (org.StandingCheck).
func (s *Service) ListProjects(ctx context.Context, a *org.Actor, q ProjectListQuery) ([]ProjectSummary, string, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	scope, args := projectScopeSQL(a, "p")
	if scope == "" {
		return []ProjectSummary{}, "", nil
	}
	var sql strings.Builder
	sql.WriteString("SELECT " + projectListColumns + "\nFROM projects p LEFT JOIN project_case_counts c ON c.project_id = p.id\nWHERE " + scope)
	args = append([]any{TaskDone, TaskDone, s.Today().String()}, args...)
	if q.Status != "" {
		sql.WriteString(" AND p.status = ?")
		args = append(args, q.Status)
	}
	if q.Mine {
		sql.WriteString(" AND p.id IN (SELECT project_id FROM project_members WHERE user_id = ?)")
		args = append(args, a.UserID)
	}
	if q.Cursor > 0 {
		sql.WriteString(" AND p.id < ?")
		args = append(args, q.Cursor)
	}
	if check, checkArgs := a.CheckSQL(); check != "" {
		sql.WriteString(" AND " + check)
		args = append(args, checkArgs...)
	}
	sql.WriteString(" ORDER BY p.id DESC LIMIT " + strconv.Itoa(q.Limit+1))
	rows, err := s.DB.WithContext(ctx).Raw(sql.String(), args...).Rows()
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := make([]ProjectSummary, 0, min(q.Limit+1, 64))
	for rows.Next() {
		var it ProjectSummary
		var stage string
		var tasks int64
		p, g := &it.Project, &it.Progress
		if err := rows.Scan(&p.ID, &p.ProcuratorateID, &p.DepartmentID, &p.Title, &p.Field, &p.Problem, &p.Goals,
			&p.LeadID, &stage, &p.Status, &p.StartOn, &p.PlannedEndOn, &p.ActualEndOn, &p.Version, &p.CreatedBy,
			&p.CreatedAt, &p.UpdatedAt,
			&g.CasesTotal, &g.CasesAssessed, &g.CasesReplied, &tasks); err != nil {
			return nil, "", err
		}
		p.Stage = ProjectStage(stage)
		const mask = 1<<taskCountBits - 1
		g.TasksTotal, g.TasksDone, g.TasksOverdue = int(tasks>>(2*taskCountBits)), int(tasks>>taskCountBits&mask), int(tasks&mask)
		it.StageLabel = ProjectStageLabels[p.Stage]
		it.Progress = it.Progress.derived()
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	a.CheckedRows(len(out))
	next := ""
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, nil
}
