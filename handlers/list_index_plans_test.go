package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm/logger"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// mysqlExplain is MySQL's EXPLAIN of a statement: each step's table, index
// and Extra.
func mysqlExplain(t *testing.T, db *database.DB, sql string) []string {
	t.Helper()
	rows, err := db.Session(&gormSession).Raw("EXPLAIN " + sql).Rows()
	if err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		cells := make([]*string, len(cols))
		for i := range vals {
			vals[i] = &cells[i]
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		step := map[string]string{}
		for i, c := range cols {
			if cells[i] != nil {
				step[strings.ToLower(c)] = *cells[i]
			}
		}
		out = append(out, "table="+step["table"]+" key="+step["key"]+" extra="+step["extra"])
	}
	return out
}

// TestProjectListCountsTasksOnTheIndexAlone: the projects list counts each
// project's tasks (total, done, open and overdue) on ix_project_tasks_progress
// (project_id, status, due_on; migration 0029) without reading a task's row —
// on SQLite a covering index, on MySQL "Using index". It fails if the index
// loses due_on or the subquery stops using it.
func TestProjectListCountsTasksOnTheIndexAlone(t *testing.T) {
	t.Parallel()
	for _, driver := range dbtest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			db := dbtest.OpenSeeded(t, driver)
			rec := &sqlRecorder{Interface: logger.Discard}
			db.Config.Logger = rec
			env := apitest.New(t, db)
			env.Token("casemgr1")
			var status int
			stmts := rec.record(func() { status = env.Do("GET", "/api/v1/projects", "casemgr1", nil).Status })
			if status != http.StatusOK {
				t.Fatalf("projects list: %d", status)
			}
			found := false
			for _, s := range stmts {
				if !strings.Contains(s, "FROM project_tasks t") {
					continue
				}
				found = true
				var plan []string
				want := "USING COVERING INDEX ix_project_tasks_progress"
				if db.Dialect == "mysql" {
					plan = mysqlExplain(t, db, s)
					want = "key=ix_project_tasks_progress extra=Using index"
				} else {
					plan = queryPlan(t, db, s)
				}
				ok := false
				for _, step := range plan {
					ok = ok || strings.Contains(step, want)
				}
				if !ok {
					t.Errorf("the projects list counts tasks without %q:\n%s\nplan:\n%s", want, s, strings.Join(plan, "\n"))
				}
			}
			if !found {
				t.Fatalf("no statement of the projects list counts tasks:\n%s", strings.Join(stmts, "\n"))
			}
		})
	}
}
