package projects

import (
	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// This file is the projects store: the queries the package's services and the
// other domains read projects data with (a project with the actor's access,
// its tasks, its linked cases).

// loadProjectAccess loads a project and what the actor may do with it; a
// project the actor may not read is "not found".
func loadProjectAccess(tx *gorm.DB, a *org.Actor, id int64) (*Project, ProjectAccess, error) {
	var p Project
	if err := tx.First(&p, id).Error; err != nil {
		return nil, ProjectNoAccess, database.NotFoundOr(err, "项目")
	}
	var m ProjectMember
	var member *ProjectMember
	if a != nil {
		err := tx.Where("project_id = ? AND user_id = ?", p.ID, a.UserID).Take(&m).Error
		if err == nil {
			member = &m
		} else if !database.IsNotFound(err) {
			return nil, ProjectNoAccess, err
		}
	}
	var path string
	if a != nil && a.ProcuratorateID != p.ProcuratorateID {
		var proc org.Procuratorate
		if err := tx.Select("id", "path").First(&proc, p.ProcuratorateID).Error; err != nil {
			return nil, ProjectNoAccess, err
		}
		path = proc.Path
	}
	acc := ProjectAccessFor(a, &p, member, path)
	if acc == ProjectNoAccess {
		return nil, acc, apperr.NotFound("项目")
	}
	return &p, acc, nil
}

// linkedCases lists a project's cases in brief, each with its reply class
// as of the clock's today by the statistics definitions (agency.ReplyClassesOf).
func linkedCases(tx *gorm.DB, projectID int64, clock *calendar.Clock) ([]ProjectCaseView, error) {
	var cs []cases.Case
	if err := tx.Select("id", "title", "document_number", "state", "rectification", "received_on", "reply_due", "first_replied_on", "closed_at").
		Where("project_id = ?", projectID).Order("id").Find(&cs).Error; err != nil {
		return nil, err
	}
	facts, err := agency.LoadReplyFacts(tx, cs, clock.Location())
	if err != nil {
		return nil, err
	}
	today := clock.Today()
	out := make([]ProjectCaseView, len(cs))
	for i, c := range cs {
		f := facts[c.ID]
		out[i] = ProjectCaseView{ID: c.ID, Title: c.Title, DocumentNumber: c.DocumentNumber, State: c.State,
			StateLabel: cases.StateLabels[c.State], ReplyClass: f.Class(today), Rectification: c.Rectification, Credit: caseCredit(&c)}
	}
	return out, nil
}

// loadTask loads a task of a project the actor may read; internal tasks are
// hidden from experts and readers outside the team.
func loadTask(tx *gorm.DB, a *org.Actor, projectID, taskID int64) (*Project, ProjectAccess, *ProjectTask, error) {
	p, acc, err := loadProjectAccess(tx, a, projectID)
	if err != nil {
		return nil, acc, nil, err
	}
	var t ProjectTask
	if err := tx.Where("id = ? AND project_id = ?", taskID, projectID).Take(&t).Error; err != nil {
		return nil, acc, nil, database.NotFoundOr(err, "任务")
	}
	if t.Internal && !acc.SeesInternal() {
		return nil, acc, nil, apperr.NotFound("任务")
	}
	return p, acc, &t, nil
}
