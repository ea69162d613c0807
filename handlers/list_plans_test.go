package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// sqlRecorder is a gorm logger that keeps every statement run.
type sqlRecorder struct {
	logger.Interface
	mu   sync.Mutex
	on   bool
	stmt []string
}

func (r *sqlRecorder) LogMode(logger.LogLevel) logger.Interface { return r }

func (r *sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		sql, _ := fc()
		r.stmt = append(r.stmt, sql)
	}
}

func (r *sqlRecorder) record(fn func()) []string {
	r.mu.Lock()
	r.on, r.stmt = true, nil
	r.mu.Unlock()
	fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmt
}

// getStatements sends GET path as user (anonymous when "", after logging
// in first, so the login's statements stay out) and returns the statements
// it ran; a status other than 200 fails the test.
func (r *sqlRecorder) getStatements(t *testing.T, env *apitest.Env, user, path string) []string {
	t.Helper()
	if user != "" {
		env.Token(user)
	}
	var status int
	stmts := r.record(func() { status = env.Do("GET", path, user, nil).Status })
	if status != http.StatusOK {
		t.Fatalf("%s as %q: %d", path, user, status)
	}
	return stmts
}

// readsListed: a SELECT whose FROM or JOIN names a table a list reads.
var readsListed = regexp.MustCompile("(?i)(FROM|JOIN)\\s+`?(cases|filings|applications|disclosures)`?(\\s|$)")

// scansListed: a plan step that reads one of those tables whole.
var scansListed = regexp.MustCompile(`^SCAN (cases|filings|applications|disclosures)\b`)

// TestListPlansNeverScanCases runs every filter and sort of the case,
// agency inbox, application, filing, project and public feed lists, records
// the SQL each sends, and asks SQLite's planner (without gathered statistics,
// as a fresh database is) for its plan: no statement that reads the cases,
// filings, applications or disclosures table may scan it whole ("SCAN
// cases", with or without an index) — each must seek (SEARCH) by an index.
// Text search (q=) is the full-text index's business (issue 15) and is not
// listed here. docs/scale.md lists the plans on both databases at 10^5 cases.
func TestListPlansNeverScanCases(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenSeeded(t, "sqlite")
	rec := &sqlRecorder{Interface: logger.Discard}
	db.Config.Logger = rec
	env := apitest.New(t, db)
	delivered := deliveredFixture(env)
	var agencyID, prosecutorID int64
	if delivered.AgencyID != nil {
		agencyID = *delivered.AgencyID
	}
	prosecutorID = delivered.ProsecutorID
	lists := []struct{ user, path string }{
		{"casemgr1", "/api/v1/cases"},
		{"casemgr1", "/api/v1/cases?cursor=1000000"},
		{"casemgr1", "/api/v1/cases?state=delivered"},
		{"casemgr1", "/api/v1/cases?field=" + "食品药品安全"},
		{"casemgr1", fmt.Sprintf("/api/v1/cases?agency_id=%d", agencyID)},
		{"casemgr1", fmt.Sprintf("/api/v1/cases?prosecutor_id=%d", prosecutorID)},
		{"casemgr1", "/api/v1/cases?state=delivered&overdue=true"},
		{"casemgr1", "/api/v1/cases?due_from=2026-01-01&due_to=2026-12-31"},
		{"prosecutor1", "/api/v1/cases"},
		{"depthead1", "/api/v1/cases?state=delivered"},
		{"citychief1", "/api/v1/cases"},
		{"agency1", "/api/v1/cases"},
		{"agency1", "/api/v1/agency/recommendations"},
		{"agency1", "/api/v1/agency/recommendations?overdue=true"},
		{"agency1", "/api/v1/agency/recommendations?state=delivered"},
		{"agency1", "/api/v1/agency/recommendations?year=2026"},
		{"casemgr1", "/api/v1/applications"},
		{"casemgr1", "/api/v1/applications?status=submitted"},
		{"casemgr1", "/api/v1/applications?duplicate=true"},
		{"casemgr1", "/api/v1/applications?cursor=1000000"},
		{"citychief1", "/api/v1/filings"},
		{"chief1", "/api/v1/filings"},
		{"casemgr1", "/api/v1/projects"},
		{"casemgr1", "/api/v1/projects?status=active"},
		{"prosecutor1", "/api/v1/projects"},
		{"", "/api/v1/public/disclosures"},
		{"", "/api/v1/public/disclosures?cursor=1000000"},
		{"", fmt.Sprintf("/api/v1/public/disclosures?agency_id=%d", agencyID)},
		{"", fmt.Sprintf("/api/v1/public/disclosures?procuratorate_id=%d", env.Org.District.ID)},
		{"", "/api/v1/public/disclosures?field=食品药品安全"},
		{"", "/api/v1/public/disclosures?year=2026"},
		{"", "/api/v1/public/disclosures?reply_status=overdue"},
		{"", "/api/v1/public/disclosures?reply_status=replied"},
	}
	// The detector sees a whole-table scan on this SQLite.
	scans := false
	for _, step := range queryPlan(t, db, "SELECT id FROM cases WHERE title = 'x' ORDER BY id DESC LIMIT 5") {
		scans = scans || strings.HasPrefix(step, "SCAN cases")
	}
	if !scans {
		t.Fatal("the plan of a filter on an unindexed column does not read as a scan of cases")
	}
	for _, l := range lists {
		stmts := rec.getStatements(t, env, l.user, l.path)
		checked := 0
		for _, s := range stmts {
			if !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(s)), "SELECT") || !readsListed.MatchString(s) {
				continue
			}
			checked++
			for _, step := range queryPlan(t, db, s) {
				if scansListed.MatchString(step) {
					t.Errorf("%s as %s scans a table: %s\n  plan step: %s", l.path, l.user, s, step)
				}
			}
		}
		// A district chief has no procuratorate below whose filings he reads:
		// the list reads none.
		if checked == 0 && !strings.Contains(l.path, "/projects") && !(l.path == "/api/v1/filings" && l.user == "chief1") {
			t.Errorf("%s as %s: no statement read the cases table (%d statements)", l.path, l.user, len(stmts))
		}
	}
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of a statement, one step a line.
func queryPlan(t *testing.T, db *database.DB, sql string) []string {
	t.Helper()
	var rows []struct {
		ID, Parent, Notused int
		Detail              string
	}
	if err := db.Session(&gormSession).Raw("EXPLAIN QUERY PLAN " + sql).Scan(&rows).Error; err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Detail
	}
	return out
}

var gormSession = gorm.Session{Logger: logger.Discard}

// readsHot: a statement whose FROM or JOIN names cases, filings or replies.
var readsHot = regexp.MustCompile("(?i)(FROM|JOIN)\\s+`?(cases|filings|replies)`?(\\s|$)")

// TestHotListsOnSQLiteReadInFewStatementsWithoutTemporaryTables: the two
// lists furthest from the 20× /healthz goal on SQLite (docs/scale.md) keep
// what made them cheaper — the overdue list reads its page and the page's
// replies in one statement, the city chief's filings in two (the filers
// with their newest ids, then the page) — and no statement of the filings
// list opens a temporary b-tree (a sort, a materialized subquery or an IN
// list), whose pages the pure-Go driver maps and unmaps with system calls.
// (The case list's plan depends on the statistics: at 10^5 the overdue page
// seeks ix_cases_proc_state_id in id order, its replies ix_replies_facts
// alone; this fixture's planner, without statistics, sorts.)
func TestHotListsOnSQLiteReadInFewStatementsWithoutTemporaryTables(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenSeeded(t, "sqlite")
	rec := &sqlRecorder{Interface: logger.Discard}
	db.Config.Logger = rec
	env := apitest.New(t, db)
	deliveredFixture(env) // filed with the city
	env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Title: "逾期未回复", IssuedAt: time.Date(2025, 11, 5, 2, 0, 0, 0, time.UTC),
		DeliveredOn: calendar.NewDate(2025, 11, 6), ReplyDue: calendar.NewDate(2026, 1, 6)})
	second := addProcuratorate(t, db, "东岸区人民检察院", env.Org.City.Path, env.Org.City.ID)
	for i, p := range []int64{second, env.Org.District.ID, second} {
		addFiling(t, env, fmt.Sprintf("计划对照%d", i), p, env.Org.City.ID)
	}
	for _, l := range []struct {
		user, path string
		reads      int // statements reading the list's tables
	}{
		{"casemgr1", "/api/v1/cases?state=delivered&overdue=true", 1},
		{"casemgr1", "/api/v1/cases", 1},
		{"citychief1", "/api/v1/filings", 2},
	} {
		stmts := rec.getStatements(t, env, l.user, l.path)
		reads := 0
		for _, s := range stmts {
			if readsHot.MatchString(s) {
				reads++
			}
			for _, step := range queryPlan(t, db, s) {
				if !strings.Contains(l.path, "/filings") {
					break
				}
				if strings.Contains(step, "TEMP B-TREE") || strings.HasPrefix(step, "MATERIALIZE") || strings.Contains(step, "LIST SUBQUERY") {
					t.Errorf("%s as %s opens a temporary table: %s\n  plan step: %s", l.path, l.user, s, step)
				}
			}
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		env.Do("GET", l.path, l.user, nil).Expect(t, http.StatusOK).Decode(t, &page)
		if len(page.Items) == 0 {
			t.Fatalf("%s as %s lists nothing: the fixture should give it items", l.path, l.user)
		}
		if reads != l.reads {
			t.Errorf("%s as %s: %d statements read its tables, want %d:\n%s", l.path, l.user, reads, l.reads, strings.Join(stmts, "\n"))
		}
	}
}
