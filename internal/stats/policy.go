package stats

import (
	"jianyi/internal/org"
)

// StatsAccessLevel is how much of the statistics and the ledger (台账) an
// actor sees.
type StatsAccessLevel string

// The statistics access levels.
const (
	StatsNone       StatsAccessLevel = ""
	StatsSubtree    StatsAccessLevel = "subtree"    // chief, case manager: own procuratorate and those below
	StatsDepartment StatsAccessLevel = "department" // dept head: own department's cases
	StatsOwnCases   StatsAccessLevel = "own_cases"  // prosecutor: own cases
)

// StatsAccess decides the statistics scope by role. Higher procuratorates
// read the subtree because they supervise it (备案 and 流程监控); a department
// head answers for one department; a prosecutor sees the figures of their own
// cases. Administrators and agencies see none.
func StatsAccess(a *org.Actor) StatsAccessLevel {
	switch {
	case a == nil || a.ProcuratorateID == 0:
		return StatsNone
	case a.HasRole(org.RoleChief, org.RoleCaseManager):
		return StatsSubtree
	case a.HasRole(org.RoleDeptHead):
		return StatsDepartment
	case a.HasRole(org.RoleProsecutor):
		return StatsOwnCases
	}
	return StatsNone
}
