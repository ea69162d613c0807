package handlers_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
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
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		rec := &sqlRecorder{Interface: logger.Discard}
		db.Config.Logger = rec
		env := apitest.New(t, db)
		stmts := rec.getStatements(t, env, "casemgr1", "/api/v1/projects")
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

// TestHotListsOnMySQLNameTheirIndexes: on MySQL the case lists join their
// page's ids to the cases by a named primary key and leave the order to the
// server (no temporary table of the joined rows), and the agency inbox as it
// opens names InboxIndex and the public feed FeedIndex, which must keep
// their columns ((agency_id, delivered_on, id), (status, id)) on both
// databases; the case lists read their page with the page's replies in one
// statement, the inbox its page and then the page's replies (hand-scanned:
// the Go side's saving there outweighed the second statement's) — so that
// dropping a hint or the index, or splitting a statement, fails here. TestListCasesWithClassesAgreesWithTwoReads and the
// lists' own tests check the pages and their order.
func TestHotListsOnMySQLNameTheirIndexes(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		for _, ix := range []struct {
			table, name string
			columns     []string
		}{
			{"cases", agency.InboxIndex, []string{"agency_id", "delivered_on", "id"}},
			{"disclosures", disclosure.FeedIndex, []string{"status", "id"}},
		} {
			var cols []string
			var err error
			if db.Dialect == "mysql" {
				err = db.Raw("SELECT column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? "+
					"AND index_name = ? ORDER BY seq_in_index", ix.table, ix.name).Scan(&cols).Error
			} else {
				err = db.Raw("SELECT name FROM pragma_index_info(?) ORDER BY seqno", ix.name).Scan(&cols).Error
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) < len(ix.columns) || !slices.Equal(cols[:len(ix.columns)], ix.columns) {
				t.Errorf("index %s of %s has columns %v, its list needs %v first", ix.name, ix.table, cols, ix.columns)
			}
		}
		if db.Dialect != "mysql" {
			return
		}
		rec := &sqlRecorder{Interface: logger.Discard}
		db.Config.Logger = rec
		env := apitest.New(t, db)
		replied := deliveredFixture(env)
		// A final reply, so that the inbox reads the replies of its page
		// (only a case that had one has replies that count).
		if err := db.Exec("INSERT INTO replies (case_id, kind, position, content, submitted_by, submitted_on, due_on, created_at) "+
			"SELECT ?, 'final', 'adopted', '{}', id, '2026-02-01', '2026-03-06', ? FROM users WHERE username = 'agency1'", replied.ID,
			time.Date(2026, 2, 1, 2, 0, 0, 0, time.UTC)).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE cases SET first_replied_on = '2026-02-01' WHERE id = ?", replied.ID).Error; err != nil {
			t.Fatal(err)
		}
		env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Title: "逾期未回复", IssuedAt: time.Date(2025, 11, 5, 2, 0, 0, 0, time.UTC),
			DeliveredOn: calendar.NewDate(2025, 11, 6), ReplyDue: calendar.NewDate(2026, 1, 6)})
		for _, l := range []struct {
			user, path, want string
			reads            int
		}{
			{"casemgr1", "/api/v1/cases?state=delivered&overdue=true", cases.MySQLPageJoin, 1},
			{"casemgr1", "/api/v1/cases", cases.MySQLPageJoin, 1},
			{"agency1", "/api/v1/agency/recommendations", "FORCE INDEX (" + agency.InboxIndex + ")", 2},
			{"", "/api/v1/public/disclosures", "FORCE INDEX (" + disclosure.FeedIndex + ")", 1},
			{"", "/api/v1/public/disclosures?cursor=1000000", "FORCE INDEX (" + disclosure.FeedIndex + ")", 1},
		} {
			stmts := rec.getStatements(t, env, l.user, l.path)
			found, onIndex, reads := false, false, 0
			for _, s := range stmts {
				if readsHot.MatchString(s) {
					reads++
				}
				if !strings.Contains(s, l.want) {
					continue
				}
				found = true
				for _, step := range mysqlExplain(t, db, s) {
					if strings.Contains(step, "Using temporary") || strings.Contains(step, "Using filesort") && !strings.Contains(step, "table=cases") {
						t.Errorf("%s as %s sorts in a temporary table: %s\n  plan step: %s", l.path, l.user, s, step)
					}
					onIndex = onIndex || strings.HasPrefix(step, "table=cases key="+agency.InboxIndex+" ")
				}
			}
			if !found {
				t.Errorf("%s as %s: no statement has %q:\n%s", l.path, l.user, l.want, strings.Join(stmts, "\n"))
			}
			if l.user == "agency1" && !onIndex {
				t.Errorf("the inbox does not read cases on %s", agency.InboxIndex)
			}
			if reads != l.reads {
				t.Errorf("%s as %s: %d statements read cases or replies, want %d:\n%s", l.path, l.user, reads, l.reads, strings.Join(stmts, "\n"))
			}
		}
	})
}
