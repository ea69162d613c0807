package handlers_test

import (
	"net/http"
	"regexp"
	"slices"
	"testing"

	"gorm.io/gorm/logger"

	"jianyi/apitest"
	"jianyi/internal/platform/database"
	"jianyi/migrations"
)

// standingRead is the statement authentication reads a user's standing with
// (org.StandingOf).
var standingRead = regexp.MustCompile(`^SELECT token_version, disabled, role, procuratorate_id, department_id, agency_id FROM users WHERE id = `)

// checkedReads are the lists that test the user's standing in their own
// statement instead of reading it first (handlers/checked_read.go), each
// with a user who finds rows, and a query that finds none.
var checkedReads = []struct{ user, path, empty string }{
	{"prosecutor1", "/api/v1/cases", "/api/v1/cases?cursor=1"},
	{"prosecutor1", "/api/v1/cases?state=delivered&overdue=true", "/api/v1/cases?state=delivered&overdue=true&cursor=1"},
	{"prosecutor1", "/api/v1/cases?q=" + "食品", "/api/v1/cases?q=" + "不存在的词语组合"},
	{"prosecutor1", "/api/v1/projects", "/api/v1/projects?cursor=1"},
	{"citychief1", "/api/v1/filings", "/api/v1/filings?cursor=1"},
}

// On MariaDB/MySQL a checked read answers with one statement fewer once the
// user's identity is known (SQLite reads the standing first, as every
// request), and a change another replica made to the user (written
// straight into the database: this process's epoch does not move) still
// counts on the very next request: a disabled user or a revoked token is
// refused, whether the page had rows or not, and a user moved to another
// procuratorate reads that procuratorate's list.
func TestCheckedReadsTestTheStanding(t *testing.T) {
	t.Parallel()
	apitest.DemoCases.Each(t, func(t *testing.T, db *database.DB) {
		rec := &sqlRecorder{Interface: logger.Discard}
		db.Config.Logger = rec
		env := apitest.New(t, db)
		env.Do("POST", "/api/v1/projects", "prosecutor1", map[string]any{"title": "核对身份项目", "field": "食品药品安全", "problem": "p", "goals": "g",
			"start_on": "2026-03-01", "planned_end_on": "2026-08-31"}).Expect(t, http.StatusCreated)
		id := userID(t, db, "prosecutor1")
		write := func(sql string, args ...any) {
			t.Helper()
			for _, user := range []int64{id, userID(t, db, "citychief1")} {
				if err := db.Exec(sql, append(args, user)...).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		items := func(path, user string) []int64 {
			t.Helper()
			var out struct {
				Items []struct{ ID int64 } `json:"items"`
			}
			env.Do("GET", path, user, nil).Expect(t, http.StatusOK).Decode(t, &out)
			ids := make([]int64, len(out.Items))
			for i, it := range out.Items {
				ids[i] = it.ID
			}
			return ids
		}
		for _, r := range checkedReads {
			if len(items(r.path, r.user)) == 0 {
				t.Fatalf("%s finds nothing: the test needs rows", r.path)
			}
			stmts := rec.getStatements(t, env, r.user, r.path)
			if read := slices.ContainsFunc(stmts, standingRead.MatchString); read != (db.Dialect == migrations.SQLite) {
				t.Errorf("%s on %s read the standing first: %v; MySQL's statement checks it, SQLite reads it (%q)", r.path, db.Dialect, read, stmts)
			}
			if len(items(r.empty, r.user)) != 0 {
				t.Fatalf("%s finds rows", r.empty)
			}
			if stmts := rec.getStatements(t, env, r.user, r.empty); !slices.ContainsFunc(stmts, standingRead.MatchString) {
				t.Errorf("%s found nothing and answered without reading the standing: %q", r.empty, stmts)
			}
		}

		revoked := func(step string) {
			t.Helper()
			for _, r := range checkedReads {
				for _, path := range []string{r.path, r.empty} {
					if res := env.Do("GET", path, r.user, nil).Expect(t, http.StatusUnauthorized); res.ErrorCode() != "token_revoked" {
						t.Fatalf("%s: %s answered %s", step, path, res.Body)
					}
				}
			}
		}
		write("UPDATE users SET disabled = ? WHERE id = ?", true)
		revoked("a disabled user")
		write("UPDATE users SET disabled = ?, token_version = token_version + 1 WHERE id = ?", false)
		revoked("a revoked token")
		write("UPDATE users SET token_version = token_version - 1 WHERE id = ?")
		items("/api/v1/cases", "prosecutor1") // the standing is read and the identity kept again
		items("/api/v1/filings", "citychief1")
		// A role another replica took away: the route's own role check is
		// made again on the standing as it is now.
		if err := db.Exec("UPDATE users SET role = ?, procuratorate_id = NULL WHERE username = ?", "agency", "citychief1").Error; err != nil {
			t.Fatal(err)
		}
		if res := env.Do("GET", "/api/v1/filings", "citychief1", nil); res.Status == http.StatusOK {
			t.Fatalf("a chief made an agency user by another replica still lists filings: %s", res.Body)
		}

		// Moved by another replica to another procuratorate (the demo
		// cases are all the district's): each reads the list of where it
		// stands now, not of where it stood.
		district := items("/api/v1/cases", "prosecutor1")
		city := items("/api/v1/cases", "cityprosecutor1")
		if len(district) == 0 || len(city) != 0 {
			t.Fatalf("the district's cases %v, the city's %v: the test needs the demo cases in the district only", district, city)
		}
		var cityProc, cityDept int64
		if err := db.Raw("SELECT procuratorate_id, department_id FROM users WHERE username = ?", "cityprosecutor1").Row().Scan(&cityProc, &cityDept); err != nil {
			t.Fatal(err)
		}
		var districtProc, districtDept int64
		if err := db.Raw("SELECT procuratorate_id, department_id FROM users WHERE id = ?", id).Row().Scan(&districtProc, &districtDept); err != nil {
			t.Fatal(err)
		}
		items("/api/v1/cases", "cityprosecutor1")
		write("UPDATE users SET procuratorate_id = ?, department_id = ? WHERE id = ?", cityProc, cityDept)
		if got := items("/api/v1/cases", "prosecutor1"); len(got) != 0 {
			t.Errorf("moved to the city, prosecutor1 still lists the district's cases %v", got)
		}
		if err := db.Exec("UPDATE users SET procuratorate_id = ?, department_id = ? WHERE username = ?", districtProc, districtDept, "cityprosecutor1").Error; err != nil {
			t.Fatal(err)
		}
		if got := items("/api/v1/cases", "cityprosecutor1"); !slices.Equal(got, district) {
			t.Errorf("moved to the district, cityprosecutor1 lists %v, the district's cases are %v", got, district)
		}
	})
}
