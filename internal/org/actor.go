package org

import (
	"jianyi/internal/platform/audit"
)

// Actor is who is acting: the authenticated user plus the request facts the
// audit trail records.
type Actor struct {
	UserID            int64
	Username          string
	DisplayName       string
	Role              Role
	ProcuratorateID   int64  // 0 for agency users
	ProcuratoratePath string // "/1/3/", "" for agency users
	DepartmentID      int64
	AgencyID          int64 // 0 for staff
	IP                string
	RequestID         string
	// Check is the standing this actor was built from when the request
	// did not read it first (StandingCheck); nil when it did.
	Check *StandingCheck
}

// ActorFor builds the actor for a loaded user.
func ActorFor(u *User, ip, requestID string) *Actor {
	a := &Actor{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, IP: ip, RequestID: requestID}
	if u.ProcuratorateID != nil {
		a.ProcuratorateID = *u.ProcuratorateID
	}
	if u.DepartmentID != nil {
		a.DepartmentID = *u.DepartmentID
	}
	if u.AgencyID != nil {
		a.AgencyID = *u.AgencyID
	}
	return a
}

// IsStaff reports a procuratorate user.
func (a *Actor) IsStaff() bool { return a != nil && a.Role.IsStaff() }

// HasRole reports whether the actor holds one of the roles.
func (a *Actor) HasRole(roles ...Role) bool {
	if a == nil {
		return false
	}
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// AuditIdentity is what the audit trail records of the actor; a nil actor is
// the system.
func (a *Actor) AuditIdentity() audit.Identity {
	if a == nil {
		return audit.Identity{}
	}
	return audit.Identity{UserID: a.UserID, Username: a.Username, Role: string(a.Role),
		ProcuratorateID: a.ProcuratorateID, IP: a.IP, RequestID: a.RequestID}
}
