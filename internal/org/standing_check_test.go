package org_test

import (
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// A standing check holds for the user's standing exactly: any field of it
// changed (the token version, disabled, the role or a unit, a unit the user
// has none of) fails it, on both databases.
func TestStandingCheckHoldsForTheStandingOnly(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		for _, username := range []string{"prosecutor1", "casemgr1", "agency1", "admin"} {
			var id int64
			if err := db.Raw("SELECT id FROM users WHERE username = ?", username).Row().Scan(&id); err != nil {
				t.Fatal(err)
			}
			st, err := org.StandingOf(db.DB, id)
			if err != nil {
				t.Fatal(err)
			}
			holds := func(st org.Standing) bool {
				t.Helper()
				sql, args := (&org.StandingCheck{UserID: id, Standing: st}).SQL()
				var n int64
				if err := db.Raw("SELECT COUNT(*) FROM procuratorates WHERE "+sql, args...).Row().Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n > 0
			}
			if !holds(st) {
				t.Fatalf("%s: the check fails for the standing itself %+v", username, st)
			}
			for what, changed := range map[string]func(*org.Standing){
				"token version": func(s *org.Standing) { s.TokenVersion++ },
				"disabled":      func(s *org.Standing) { s.Disabled = true },
				"role": func(s *org.Standing) {
					s.Role = org.RoleChief
					if st.Role == org.RoleChief {
						s.Role = org.RoleProsecutor
					}
				},
				"procuratorate": func(s *org.Standing) { s.ProcuratorateID++ },
				"department":    func(s *org.Standing) { s.DepartmentID++ },
				"agency":        func(s *org.Standing) { s.AgencyID++ },
			} {
				other := st
				changed(&other)
				if holds(other) {
					t.Errorf("%s: the check holds with another %s: %+v", username, what, other)
				}
			}
		}
	})
}
