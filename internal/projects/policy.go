package projects

import (
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// ProjectAccess is what an actor may do with a project (项目化管理). The
// levels, from most to least:
//
//	manager  the lead, the chief and the head of the project's department: everything
//	member   team members (member, external_member): read all, work on tasks and notes
//	monitor  case managers of the procuratorate: read all (流程监控), change nothing
//	expert   team members with project_role expert: read non-internal items,
//	         comment and update the tasks they own
//	viewer   other staff of the procuratorate and staff of higher procuratorates:
//	         read non-internal items, change nothing
type ProjectAccess string

// The project access levels.
const (
	ProjectNoAccess ProjectAccess = ""
	ProjectManager  ProjectAccess = "manager"
	ProjectMemberAc ProjectAccess = "member"
	ProjectMonitor  ProjectAccess = "monitor"
	ProjectExpert   ProjectAccess = "expert"
	ProjectViewer   ProjectAccess = "viewer"
)

// SeesInternal reports whether internal tasks, notes, files and case events
// are shown: outside experts and readers outside the team never see them.
func (l ProjectAccess) SeesInternal() bool {
	return l == ProjectManager || l == ProjectMemberAc || l == ProjectMonitor
}

// CanWork reports whether the actor may add tasks and milestone notes.
func (l ProjectAccess) CanWork() bool { return l == ProjectManager || l == ProjectMemberAc }

// CanComment reports whether the actor may comment on tasks (experts may).
func (l ProjectAccess) CanComment() bool { return l.CanWork() || l == ProjectExpert }

// CanManage reports whether the actor may change the project, its team and
// stages and link cases.
func (l ProjectAccess) CanManage() bool { return l == ProjectManager }

// ProjectAccessFor decides the actor's access to a project. member is the
// actor's team membership (nil when not on the team); projectPath is the
// project's procuratorate path, needed only when the actor belongs to another
// procuratorate.
func ProjectAccessFor(a *org.Actor, p *Project, member *ProjectMember, projectPath string) ProjectAccess {
	if a == nil || !a.Role.IsStaff() || a.Role == org.RoleAdmin {
		return ProjectNoAccess
	}
	sameProc := a.ProcuratorateID == p.ProcuratorateID
	switch {
	case a.UserID == p.LeadID,
		sameProc && a.Role == org.RoleChief,
		sameProc && a.Role == org.RoleDeptHead && a.DepartmentID == p.DepartmentID:
		return ProjectManager
	case member != nil && member.ProjectRole == ProjectRoleExpert:
		return ProjectExpert
	case member != nil:
		return ProjectMemberAc
	case sameProc && a.Role == org.RoleCaseManager:
		return ProjectMonitor
	case sameProc:
		return ProjectViewer
	case projectPath != "" && a.ProcuratoratePath != "" && org.InSubtree(projectPath, a.ProcuratoratePath):
		return ProjectViewer
	}
	return ProjectNoAccess
}

// CanCreateProject reports who may start a project: those who may lead one
// and the chief.
func CanCreateProject(a *org.Actor) bool {
	return a.HasRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief) && a.ProcuratorateID != 0
}

// projectScopeSQL is the condition on the projects table (named alias) of
// the projects the actor may read: its procuratorate's subtree and any
// project it is a team member of; "" when it may read none. The subtree is
// tested per project on its procuratorate's row (a primary-key seek) with a
// range of paths (org.SubtreeRange): SQLite prepares a bound LIKE twice, and an
// IN list of the subtree's procuratorates is built anew by every statement
// (160 rows for the province, costlier than the page's seeks).
func projectScopeSQL(a *org.Actor, alias string) (string, []any) {
	if a == nil || !a.Role.IsStaff() || a.Role == org.RoleAdmin {
		return "", nil
	}
	member := alias + ".id IN (SELECT project_id FROM project_members WHERE user_id = ?)"
	if a.ProcuratoratePath == "" { // no subtree, as org.InSubtree says
		return member, []any{a.UserID}
	}
	lo, hi := org.SubtreeRange(a.ProcuratoratePath)
	return "(EXISTS (SELECT 1 FROM procuratorates pr WHERE pr.id = " + alias + ".procuratorate_id AND pr.path >= ? AND pr.path < ?) OR " + member + ")",
		[]any{lo, hi, a.UserID}
}

// CanLinkCaseToProject reports whether a case may join a project: the same
// procuratorate, and a case the actor may read.
func CanLinkCaseToProject(a *org.Actor, p *Project, c *cases.Case) bool {
	return c.ProcuratorateID == p.ProcuratorateID && cases.CanReadCase(a, c)
}

// CaseEventVisibleInProject reports whether a linked case's event shows on
// the project timeline for this access level.
func CaseEventVisibleInProject(l ProjectAccess, ev *cases.CaseEvent) bool {
	return !ev.Internal || l.SeesInternal()
}
