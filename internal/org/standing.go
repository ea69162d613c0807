package org

import (
	"database/sql"
	"sync/atomic"

	"gorm.io/gorm"

	"jianyi/internal/platform/apperr"
)

// Standing is what of a user decides what its tokens may do: whether they
// still count (token version, disabled) and the role and units every
// authorization check reads. Authentication reads it on every request, even
// when it keeps the rest of the user (names, the procuratorate's path) from
// an earlier one: it is one short statement without a join, about half of
// reading the whole user with its path.
type Standing struct {
	TokenVersion    int
	Disabled        bool
	Role            Role
	ProcuratorateID int64 // 0: none
	DepartmentID    int64
	AgencyID        int64
}

// StandingOf is the user's standing as of now (the database's committed
// row); apperr.ErrNotFound when there is no such user.
func StandingOf(tx *gorm.DB, id int64) (Standing, error) {
	var (
		st               Standing
		proc, dept, agcy sql.NullInt64
	)
	// Rows, not Row: gorm's Row is nil when the statement fails (a
	// database past its deadline).
	rows, err := tx.Raw("SELECT token_version, disabled, role, procuratorate_id, department_id, agency_id FROM users WHERE id = ?", id).Rows()
	if err != nil {
		return Standing{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Standing{}, err
		}
		return Standing{}, apperr.NotFound("用户")
	}
	if err := rows.Scan(&st.TokenVersion, &st.Disabled, &st.Role, &proc, &dept, &agcy); err != nil {
		return Standing{}, err
	}
	st.ProcuratorateID, st.DepartmentID, st.AgencyID = proc.Int64, dept.Int64, agcy.Int64
	return st, nil
}

// StandingOfUser is the standing a loaded user row gives.
func StandingOfUser(u *User) Standing {
	st := Standing{TokenVersion: u.TokenVersion, Disabled: u.Disabled, Role: u.Role}
	if u.ProcuratorateID != nil {
		st.ProcuratorateID = *u.ProcuratorateID
	}
	if u.DepartmentID != nil {
		st.DepartmentID = *u.DepartmentID
	}
	if u.AgencyID != nil {
		st.AgencyID = *u.AgencyID
	}
	return st
}

// identityEpoch counts the changes this process made to users. A cache of
// identities (handlers) keeps an entry only while the epoch it was read
// under is current, so a rename is seen at once by the next request of this
// process; other processes see it when their entry expires.
var identityEpoch atomic.Uint64

// IdentityEpoch is the current count of user changes made by this process.
func IdentityEpoch() uint64 { return identityEpoch.Load() }

// identityChanged is called after (never before) a change to a user is
// committed: an identity read while the change was under way was stamped
// with the earlier epoch, and is dropped.
func identityChanged() { identityEpoch.Add(1) }

// treeEpoch counts the changes this process made to procuratorates (a new
// one, a new name); TreeEpoch is for caches of the tree as identityEpoch is
// for caches of users. Procuratorates never move in the tree: a subtree
// read earlier lacks at most the ones created since.
var treeEpoch atomic.Uint64

// TreeEpoch is the current count of procuratorate changes made by this process.
func TreeEpoch() uint64 { return treeEpoch.Load() }

// treeChanged is called after a change to a procuratorate is committed.
func treeChanged() { treeEpoch.Add(1) }

// StandingCheck is a standing a read request takes from this process's last
// read of the user instead of reading it first: the statement that reads
// what the request answers tests it as well (SQL), and the standing holds
// for the request once such a statement returned a row (Held). A request
// whose statements returned nothing reads the standing before it answers,
// as every other request does first (handlers). It saves a round trip to
// MySQL per read, and a change made by another replica still counts on the
// very next request.
type StandingCheck struct {
	UserID   int64
	Standing Standing
	held     bool
}

// SQL is a condition true while the user's row has the standing, for the
// WHERE of the statement whose rows the request answers with. It reads the
// user by primary key once per statement: an uncorrelated scalar subquery,
// which the databases evaluate once (MariaDB reads it as a constant and
// finds an impossible WHERE when it fails). As EXISTS, SQLite ran it in the
// join's loop, once per row, and MySQL 8 may turn it into a semi-join.
func (g *StandingCheck) SQL() (string, []any) {
	st := g.Standing
	return "(SELECT 1 FROM users WHERE users.id = ? AND users.token_version = ? AND users.disabled = ? AND users.role = ?" +
			" AND COALESCE(users.procuratorate_id, 0) = ? AND COALESCE(users.department_id, 0) = ? AND COALESCE(users.agency_id, 0) = ?) = 1",
		[]any{g.UserID, st.TokenVersion, st.Disabled, string(st.Role), st.ProcuratorateID, st.DepartmentID, st.AgencyID}
}

// RowsRead records that a statement with SQL in its WHERE returned n rows:
// one or more, and the standing held. A nil check (the standing was read
// first) ignores it.
func (g *StandingCheck) RowsRead(n int) {
	if g != nil && n > 0 {
		g.held = true
	}
}

// Held reports whether a statement testing the standing returned a row.
func (g *StandingCheck) Held() bool { return g != nil && g.held }

// CheckStanding adds the actor's standing check, when it has one, to a
// statement's conditions.
func (a *Actor) CheckStanding(tx *gorm.DB) *gorm.DB {
	if sql, args := a.CheckSQL(); sql != "" {
		return tx.Where(sql, args...)
	}
	return tx
}

// CheckSQL is the actor's standing check (StandingCheck.SQL), "" when it has
// none, for a statement written out.
func (a *Actor) CheckSQL() (string, []any) {
	if a == nil || a.Check == nil {
		return "", nil
	}
	return a.Check.SQL()
}

// CheckedRows records that a statement with CheckStanding in it returned n
// rows (StandingCheck.RowsRead).
func (a *Actor) CheckedRows(n int) {
	if a != nil {
		a.Check.RowsRead(n)
	}
}
