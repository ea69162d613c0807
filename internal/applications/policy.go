package applications

import (
	"gorm.io/gorm"

	"jianyi/internal/org"
)

// applicationHandlers are the roles that handle citizen applications
// (公民申请) addressed to their procuratorate.
var applicationHandlers = []org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleCaseManager}

// CanHandleApplication reports whether a staff member may read and answer a
// citizen application: handlers of the procuratorate it was addressed to.
func CanHandleApplication(a *org.Actor, app *Application) bool {
	return a.HasRole(applicationHandlers...) && a.ProcuratorateID != 0 && a.ProcuratorateID == app.ProcuratorateID
}

// ApplicationScope restricts an application query to what the actor handles.
func ApplicationScope(a *org.Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if !a.HasRole(applicationHandlers...) || a.ProcuratorateID == 0 {
			return q.Where("1 = 0")
		}
		return q.Where("applications.procuratorate_id = ?", a.ProcuratorateID)
	}
}
