package stats_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/benchseed"
	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
	"jianyi/migrations"
)

// rollupCases is how many cases the generated province of the rollup test
// holds: enough for every state, reply class, escalation and filing.
const rollupCases = 400

// openBench seeds a small generated province (internal/benchseed: realistic
// states, replies, escalations, filings and the audit entry of every event)
// on driver and opens it.
func openBench(t *testing.T, driver string) *database.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "bench.db")
	if driver == "mysql" {
		dsn = benchseed.TestMySQLDatabase(t, os.Getenv("JIANYI_TEST_MYSQL_DSN"))
	}
	_, err := benchseed.Run(context.Background(), benchseed.Options{Driver: driver, DSN: dsn, Cases: rollupCases, Seed: 11,
		Password: "bench-pass-2026", Until: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Cities: 2, Districts: 2, UnfrozenShare: 0.2,
		DisclosedShare: 0.11, BatchCases: 200})
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(database.OpenOptions{Driver: driver, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eachBench runs fn on a generated province (openBench) on SQLite and, when
// JIANYI_TEST_MYSQL_DSN is set, MariaDB, in parallel, with the service
// clock at *now (2026-06-30 02:00 UTC; fn may move it).
func eachBench(t *testing.T, fn func(t *testing.T, db *database.DB, now *time.Time, clock *calendar.Clock)) {
	t.Helper()
	drivers := []string{"sqlite"}
	if os.Getenv("JIANYI_TEST_MYSQL_DSN") != "" {
		drivers = append(drivers, "mysql")
	}
	for _, driver := range drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			db := openBench(t, driver)
			now := time.Date(2026, 6, 30, 2, 0, 0, 0, time.UTC)
			loc, _ := time.LoadLocation("Asia/Shanghai")
			clock := calendar.NewClock(loc, func() time.Time { return now })
			db.UseClock(clock.Now)
			fn(t, db, &now, clock)
		})
	}
}

// TestStatsRollupAgreesWithRawRows: the statistics read from the maintained
// aggregates are, figure for figure, those tallied from the raw rows — for
// the province, a district, a department, a field and an agency — on the
// seeding day, after the days pass (replies fall due without any action)
// and after actions recorded in the audit trail; `Verify` finds nothing,
// and finds a tampered aggregate.
func TestStatsRollupAgreesWithRawRows(t *testing.T) {
	t.Parallel()
	eachBench(t, func(t *testing.T, db *database.DB, now *time.Time, clock *calendar.Clock) {
		ctx := context.Background()
		// Its catch-ups write a transaction per procuratorate (the path of
		// a new day at a province).
		rolled := &stats.Service{DB: db, Clock: clock, GroupsPerWrite: 1}
		raw := &stats.Service{DB: db, Clock: clock, NoRollup: true}
		// The paths of a province's scope (wide: overdue letters in due
		// order, ratings first, no case lookup for every procuratorate)
		// give the same figures.
		wide := &stats.Service{DB: db, Clock: clock, WideAbove: 1}

		var province, city, district org.Procuratorate
		if err := db.Where("level = ?", org.LevelProvincial).First(&province).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Where("level = ?", org.LevelMunicipal).Order("id").First(&city).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Where("level = ?", org.LevelCounty).Order("id").First(&district).Error; err != nil {
			t.Fatal(err)
		}
		var some struct {
			DepartmentID int64
			Field        string
			AgencyID     int64
		}
		if err := db.Table("cases").Select("department_id, field, agency_id").Where("procuratorate_id = ? AND agency_id IS NOT NULL AND issued_at IS NOT NULL", district.ID).
			Order("id").Limit(1).Scan(&some).Error; err != nil {
			t.Fatal(err)
		}
		chief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: province.ID, ProcuratoratePath: province.Path}
		cityChief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: city.ID, ProcuratoratePath: city.Path}
		head := &org.Actor{UserID: 1, Role: org.RoleDeptHead, ProcuratorateID: district.ID, ProcuratoratePath: district.Path, DepartmentID: some.DepartmentID}
		queries := map[string]struct {
			a *org.Actor
			q stats.StatsQuery
		}{
			"province": {chief, stats.StatsQuery{}},
			// A province's or a city's subtree is read from its subtree rows.
			"city":                 {cityChief, stats.StatsQuery{}},
			"city of the province": {chief, stats.StatsQuery{ProcuratorateID: city.ID}},
			"city and field":       {cityChief, stats.StatsQuery{Field: some.Field}},
			"city and agency":      {cityChief, stats.StatsQuery{AgencyID: some.AgencyID}},
			"district":             {chief, stats.StatsQuery{ProcuratorateID: district.ID}},
			"department":           {head, stats.StatsQuery{}},
			"field":                {chief, stats.StatsQuery{Field: some.Field}},
			"agency":               {chief, stats.StatsQuery{AgencyID: some.AgencyID}},
			// Months are not kept per department and field at once; an
			// agency with another filter reads the fine rows.
			"department and field":  {head, stats.StatsQuery{Field: some.Field}},
			"agency and department": {head, stats.StatsQuery{AgencyID: some.AgencyID}},
			"agency and field":      {chief, stats.StatsQuery{Field: some.Field, AgencyID: some.AgencyID}},
		}
		compare := func(when string) {
			t.Helper()
			for name, c := range queries {
				c.q.Today = clock.Today()
				want, err := raw.Compute(ctx, c.a, c.q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := rolled.Compute(ctx, c.a, c.q)
				if err != nil {
					t.Fatal(err)
				}
				wg, err := wide.Compute(ctx, c.a, c.q)
				if err != nil {
					t.Fatal(err)
				}
				want.ComputedAt, got.ComputedAt, wg.ComputedAt = time.Time{}, time.Time{}, time.Time{}
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				if string(w) != string(g) {
					t.Fatalf("%s, %s: from the aggregates\n%s\nfrom the raw rows\n%s", when, name, g, w)
				}
				if g2, _ := json.Marshal(wg); string(g2) != string(g) {
					t.Fatalf("%s, %s: on the paths of a wide scope\n%s\nelse\n%s", when, name, g2, g)
				}
				if want.Issued == 0 && name == "province" {
					t.Fatalf("%s: no issued recommendations in the generated province", when)
				}
			}
			groups, diffs, err := rolled.Verify(ctx)
			if err != nil || len(diffs) > 0 || groups == 0 {
				t.Fatalf("%s: verify: %d groups, %v, %v", when, groups, diffs, err)
			}
		}
		compare("on the seeding day")
		for _, days := range []int{1, 7, 40, 400} {
			*now = time.Date(2026, 6, 30, 2, 0, 0, 0, time.UTC).AddDate(0, 0, days)
			compare("days later")
		}

		// An action: a case changes field, department and agency, and
		// its audit entry is all the rollup learns of it.
		var c struct{ ID, DepartmentID int64 }
		if err := db.Table("cases").Select("id, department_id").Where("issued_at IS NOT NULL AND procuratorate_id = ?", district.ID).
			Order("id DESC").Limit(1).Scan(&c).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.WithTx(ctx, func(tx *gormDB) error { return moveCase(tx, c.ID, some.Field, some.AgencyID) }); err != nil {
			t.Fatal(err)
		}
		compare("after an action")

		// An application decided: its audit entry recounts its
		// procuratorate's application figures.
		var appID int64
		if err := db.Table("applications").Select("id").Where("status NOT IN ?", []string{"declined", "accepted", "transferred"}).
			Order("id").Limit(1).Scan(&appID).Error; err != nil || appID == 0 {
			t.Fatalf("no pending application: %v", err)
		}
		if err := db.WithTx(ctx, func(tx *gormDB) error {
			if err := tx.Exec("UPDATE applications SET status = 'declined' WHERE id = ?", appID).Error; err != nil {
				return err
			}
			return audit.Record(tx, nil, "application.decide", "application", appID, map[string]any{"decision": "decline"})
		}); err != nil {
			t.Fatal(err)
		}
		compare("after an application's decision")

		// A tampered aggregate is found: the figures read the sums.
		if err := db.Exec("UPDATE stats_rollup_sums SET on_time = on_time + 1 WHERE procuratorate_id = ?", district.ID).Error; err != nil {
			t.Fatal(err)
		}
		tampered, err := rolled.Compute(ctx, chief, stats.StatsQuery{ProcuratorateID: district.ID})
		if err != nil {
			t.Fatal(err)
		}
		honest, err := raw.Compute(ctx, chief, stats.StatsQuery{ProcuratorateID: district.ID})
		if err != nil {
			t.Fatal(err)
		}
		if tampered.OnTime <= honest.OnTime {
			t.Fatalf("the statistics do not read the aggregates: on time %d, raw %d", tampered.OnTime, honest.OnTime)
		}
		if _, diffs, err := rolled.Verify(ctx); err != nil || len(diffs) == 0 {
			t.Fatalf("verify after tampering: %v, %v", diffs, err)
		}
		// Every aggregate is verified.
		for _, tamper := range []string{"UPDATE stats_rollup SET late = late + 1 WHERE procuratorate_id = ?",
			"UPDATE stats_counts SET n = n + 1 WHERE procuratorate_id = ? AND dim = 'state'",
			"UPDATE stats_application_counts SET received = received + 1 WHERE procuratorate_id = ?",
			"UPDATE stats_subtree_counts SET n = n + 1 WHERE procuratorate_id = ? AND dim = 'state'",
			"UPDATE stats_subtree_sums SET no_reply = no_reply + 1 WHERE procuratorate_id = ?"} {
			if _, err := rolled.Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
			if _, diffs, err := rolled.Verify(ctx); err != nil || len(diffs) > 0 {
				t.Fatalf("verify after rebuild: %v, %v", diffs, err)
			}
			if err := db.Exec(tamper, district.ID).Error; err != nil {
				t.Fatal(err)
			}
			if _, diffs, err := rolled.Verify(ctx); err != nil || len(diffs) == 0 {
				t.Fatalf("verify after %s: %v, %v", tamper, diffs, err)
			}
		}
		// The province's figures read its subtree rows.
		if err := db.Exec("UPDATE stats_subtree_counts SET n = n + 1 WHERE procuratorate_id = ? AND dim = 'state'", province.ID).Error; err != nil {
			t.Fatal(err)
		}
		tampered, err = rolled.Compute(ctx, chief, stats.StatsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		honest, err = raw.Compute(ctx, chief, stats.StatsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if tampered.Total <= honest.Total {
			t.Fatalf("the province's statistics do not read its subtree rows: total %d, raw %d", tampered.Total, honest.Total)
		}
	})
}

type gormDB = gorm.DB

// moveCase changes a case's field and agency and records it in the audit
// trail, as every action does.
func moveCase(tx *gorm.DB, id int64, field string, agencyID int64) error {
	if err := tx.Exec("UPDATE cases SET field = ?, agency_id = ? WHERE id = ?", field, agencyID, id).Error; err != nil {
		return err
	}
	return audit.Record(tx, nil, "case.update", "case", id, map[string]any{"field": field})
}

// TestCatchUpSkipsFactlessActions: the audit entries of actions that change
// no fact (freezing a document, saving a draft, an investigation record)
// send no case to be recounted — a tampered count of its procuratorate
// survives the catch-up — while any other action on the same case does
// (the recount rewrites the count and Verify agrees again).
func TestCatchUpSkipsFactlessActions(t *testing.T) {
	t.Parallel()
	eachBench(t, func(t *testing.T, db *database.DB, _ *time.Time, clock *calendar.Clock) {
		ctx := context.Background()
		svc := &stats.Service{DB: db, Clock: clock}
		if err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		var c struct{ ID, ProcuratorateID int64 }
		if err := db.Table("cases").Select("id, procuratorate_id").Where("issued_at IS NOT NULL").Order("id").Limit(1).Scan(&c).Error; err != nil {
			t.Fatal(err)
		}
		// A department's counts: the subtree rows (kept by difference, of
		// department 0) do not include them, so a recount heals them whole.
		if err := db.Exec("UPDATE stats_counts SET n = n + 1 WHERE procuratorate_id = ? AND dim = 'state' AND department_id <> 0", c.ProcuratorateID).Error; err != nil {
			t.Fatal(err)
		}
		record := func(action string) {
			t.Helper()
			if err := audit.Record(db.DB, nil, action, "case", c.ID, map[string]any{"probe": true}); err != nil {
				t.Fatal(err)
			}
			if err := svc.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, action := range []string{"document.generate", "case.draft_saved", "case.investigation_record"} {
			record(action)
		}
		if _, diffs, err := svc.Verify(ctx); err != nil || len(diffs) == 0 {
			t.Fatalf("a factless action recounted the case's procuratorate (the tampered count is gone): %v, %v", diffs, err)
		}
		record("case.update")
		if _, diffs, err := svc.Verify(ctx); err != nil || len(diffs) > 0 {
			t.Fatalf("verify after an action that may change facts: %v, %v", diffs, err)
		}
	})
}

// TestSubtreeMigrationBuildsFromTheRows: migration 0024 builds the subtree
// rows from the per-procuratorate rows there are (no recount); on a
// generated province with current aggregates, its INSERTs give exactly
// what `Verify` recomputes, after the days pass and an action too.
func TestSubtreeMigrationBuildsFromTheRows(t *testing.T) {
	t.Parallel()
	eachBench(t, func(t *testing.T, db *database.DB, now *time.Time, clock *calendar.Clock) {
		ctx := context.Background()
		svc := &stats.Service{DB: db, Clock: clock}
		all, err := migrations.All()
		if err != nil {
			t.Fatal(err)
		}
		var inserts []string
		for _, m := range all {
			if m.Version != 24 {
				continue
			}
			for _, stmt := range m.Statements(db.Dialect) {
				if strings.HasPrefix(stmt, "INSERT") {
					inserts = append(inserts, stmt)
				}
			}
		}
		if len(inserts) != 2 {
			t.Fatalf("migration 0024: %d INSERTs, want 2", len(inserts))
		}
		rebuild := func(when string) {
			t.Helper()
			if err := svc.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			for _, stmt := range []string{"DELETE FROM stats_subtree_counts", "DELETE FROM stats_subtree_sums"} {
				if err := db.Exec(stmt).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, diffs, err := svc.Verify(ctx); err != nil || len(diffs) == 0 {
				t.Fatalf("%s: verify finds no missing subtree rows: %v", when, err)
			}
			for _, stmt := range inserts {
				if err := db.Exec(stmt).Error; err != nil {
					t.Fatal(err)
				}
			}
			if groups, diffs, err := svc.Verify(ctx); err != nil || len(diffs) > 0 || groups == 0 {
				t.Fatalf("%s: the migration's subtree rows: %d groups, %v, %v", when, groups, diffs, err)
			}
		}
		rebuild("on the seeding day")
		*now = now.AddDate(0, 0, 40)
		var c struct {
			ID    int64
			Field string
		}
		if err := db.Table("cases").Select("id, field").Where("issued_at IS NOT NULL").Order("id DESC").Limit(1).Scan(&c).Error; err != nil {
			t.Fatal(err)
		}
		var agencyID int64
		if err := db.Table("agencies").Select("id").Order("id DESC").Limit(1).Scan(&agencyID).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.WithTx(ctx, func(tx *gormDB) error { return moveCase(tx, c.ID, c.Field, agencyID) }); err != nil {
			t.Fatal(err)
		}
		rebuild("40 days later, after an action")
	})
}

// TestFullRecountWritesOnlyWhatChanged: a full recount compares what it
// counted with the rows stored and writes only the difference — nothing when
// they agree; a changed row, a row too many and a row missing are one change
// each — and Verify agrees after it. A new day whose groups to recount are
// more than RebuildAbove goes to the full recount at once (a bogus case row
// the incremental catch-up never visits is gone after it), one with fewer
// catches up incrementally (the bogus row stays).
func TestFullRecountWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	eachBench(t, func(t *testing.T, db *database.DB, now *time.Time, clock *calendar.Clock) {
		ctx := context.Background()
		svc := &stats.Service{DB: db, Clock: clock}
		if err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		verify := func(when string, wantDiffs bool) {
			t.Helper()
			_, diffs, err := svc.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if (len(diffs) > 0) != wantDiffs {
				t.Fatalf("%s: verify found %d difference(s), want some: %v: %v", when, len(diffs), wantDiffs, diffs)
			}
		}
		rebuild := func(want int, when string) {
			t.Helper()
			n, err := svc.Rebuild(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Fatalf("%s: the recount changed %d row(s), want %d", when, n, want)
			}
			verify(when, false)
		}
		rebuild(0, "after a catch-up")

		var fine stats.RollupRow
		if err := db.Order("procuratorate_id, department_id, field, agency_id").First(&fine).Error; err != nil {
			t.Fatal(err)
		}
		var caseIDs []int64
		if err := db.Table(stats.CaseRowsTable).Order("case_id").Limit(2).Pluck("case_id", &caseIDs).Error; err != nil || len(caseIDs) < 2 {
			t.Fatalf("case rows: %v, %v", caseIDs, err)
		}
		for _, tamper := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE stats_rollup SET late = late + 1 WHERE procuratorate_id = ? AND department_id = ? AND field = ? AND agency_id = ?",
				[]any{fine.ProcuratorateID, fine.DepartmentID, fine.Field, fine.AgencyID}},
			{"INSERT INTO stats_counts (procuratorate_id, department_id, field, dim, dkey, n, issued, filed) VALUES (?, 0, '', 'state', 'no-such-state', 1, 0, 0)",
				[]any{fine.ProcuratorateID}},
			{"DELETE FROM stats_case_groups WHERE case_id = ?", []any{caseIDs[0]}},
			{"UPDATE stats_case_groups SET issued_day = issued_day + 1 WHERE case_id = ?", []any{caseIDs[1]}},
		} {
			if err := db.Exec(tamper.sql, tamper.args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		verify("after tampering", true)
		rebuild(4, "after four rows were tampered with")

		// A case row of no case: only a full recount deletes it.
		bogus := func() {
			t.Helper()
			const counters = "issued_day, issued_us, problem_kind, reply_due, awaiting, on_time, late, no_reply, perfunctory, days_to_reply_sum, " +
				"pos_adopted, pos_partly_adopted, pos_not_adopted, rect_rectified, rect_partly_rectified, rect_not_rectified"
			if err := db.Exec("INSERT INTO stats_case_groups (case_id, procuratorate_id, department_id, field, agency_id, "+counters+
				") SELECT 987654321, procuratorate_id, department_id, 'bogus', 0, "+counters+" FROM stats_case_groups WHERE case_id = ?",
				caseIDs[1]).Error; err != nil {
				t.Fatal(err)
			}
		}
		bogus()
		*now = now.AddDate(0, 0, 1)
		if err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		verify("after a new day caught up incrementally", true)

		*now = now.AddDate(0, 0, 30)
		var changing int64
		if err := db.Raw(`SELECT COUNT(*) FROM (SELECT DISTINCT procuratorate_id, department_id, field, agency_id
			FROM stats_case_groups WHERE next_change_on <= ?) g`, clock.Today().String()).Scan(&changing).Error; err != nil {
			t.Fatal(err)
		}
		if changing < 2 {
			t.Fatalf("%d group(s) change in 30 days: the new day below recounts nothing", changing)
		}
		svc.RebuildAbove = 1
		if err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		verify("after a new day recounted in full", false)
		bogus()
		rebuild(1, "after a bogus case row")
	})
}
