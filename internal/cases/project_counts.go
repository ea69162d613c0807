package cases

import (
	"fmt"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

// ProjectCaseCounts is a project's case counts (migration 0025): what the
// case share of its progress is made of (projects.ProjectProgress). They are
// kept by every write that changes a case's project, state or rectification,
// in the same transaction (MoveProjectTally), so the projects list reads one
// row per project whatever the number of its cases. `server stats verify`
// recounts them from the cases.
type ProjectCaseCounts struct {
	ProjectID     int64 `gorm:"primaryKey;autoIncrement:false"`
	CasesTotal    int   // linked cases, withdrawn, terminated and not-filed ones left out
	CasesAssessed int   // following_up or closed with a rectification verdict
	CasesReplied  int   // replied, or following_up/closed without a verdict
}

// TableName is the table of the counts.
func (ProjectCaseCounts) TableName() string { return "project_case_counts" }

// ProjectTally is one case's contribution to its project's counts.
type ProjectTally struct{ Total, Assessed, Replied int }

// ProjectTallyOf is what a case in the state with the rectification verdict
// adds to its project's counts; the definitions of projects.ProjectProgress.
func ProjectTallyOf(state CaseState, rectification string) ProjectTally {
	switch state {
	case StateWithdrawn, StateTerminated, StateNotFiled:
		return ProjectTally{}
	case StateFollowingUp, StateClosed:
		if rectification != "" {
			return ProjectTally{Total: 1, Assessed: 1}
		}
		return ProjectTally{Total: 1, Replied: 1}
	case StateReplied:
		return ProjectTally{Total: 1, Replied: 1}
	}
	return ProjectTally{Total: 1}
}

// ProjectKey is what of a case its project's counts depend on.
type ProjectKey struct {
	ProjectID     *int64
	State         CaseState
	Rectification string
}

// ProjectKeyOf is the case's ProjectKey.
func ProjectKeyOf(c *Case) ProjectKey {
	return ProjectKey{ProjectID: c.ProjectID, State: c.State, Rectification: c.Rectification}
}

// CurrentProjectKey reads the case's ProjectKey under a row lock, for a write
// that did not read the case under one (the state it read may be older).
func CurrentProjectKey(tx *gorm.DB, caseID int64) (ProjectKey, error) {
	var c Case
	if err := database.LockRow(tx).Select("id", "project_id", "state", "rectification").First(&c, caseID).Error; err != nil {
		return ProjectKey{}, err
	}
	return ProjectKeyOf(&c), nil
}

// MoveProjectTally moves a case's contribution from its project's counts as
// it was (from) to its project's counts as it is now (to), in the caller's
// transaction, right after the case's row was written. A case is in at most
// one project and moves only into or out of one, so a write updates one
// counts row: concurrent writes in a project queue on it and cannot deadlock
// on each other's rows.
func MoveProjectTally(tx *gorm.DB, from, to ProjectKey) error {
	was, is := ProjectTallyOf(from.State, from.Rectification), ProjectTallyOf(to.State, to.Rectification)
	if from.ProjectID != nil && to.ProjectID != nil && *from.ProjectID == *to.ProjectID {
		return addProjectTally(tx, *to.ProjectID, ProjectTally{is.Total - was.Total, is.Assessed - was.Assessed, is.Replied - was.Replied})
	}
	if from.ProjectID != nil {
		if err := addProjectTally(tx, *from.ProjectID, ProjectTally{-was.Total, -was.Assessed, -was.Replied}); err != nil {
			return err
		}
	}
	if to.ProjectID != nil {
		return addProjectTally(tx, *to.ProjectID, is)
	}
	return nil
}

func addProjectTally(tx *gorm.DB, projectID int64, d ProjectTally) error {
	if d == (ProjectTally{}) {
		return nil
	}
	res := tx.Model(&ProjectCaseCounts{}).Where("project_id = ?", projectID).Updates(map[string]any{
		"cases_total":    gorm.Expr("cases_total + ?", d.Total),
		"cases_assessed": gorm.Expr("cases_assessed + ?", d.Assessed),
		"cases_replied":  gorm.Expr("cases_replied + ?", d.Replied),
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("project %d has no case counts row", projectID)
	}
	return nil
}
