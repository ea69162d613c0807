package analysis_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/analysis"
	"jianyi/internal/benchseed"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// TestRecurrenceCountsEqualSQL: on a generated province (internal/benchseed:
// realistic states and replies, the audit entry of every event), the
// recurrence answered from the statistics' per-case rows is, to the byte,
// the one computed letter by letter from the cases and their replies — for
// the province, a district, a department, a field, an agency and a
// prosecutor's own cases (which the rows cannot express: the letter-level
// path, checked against SQL too); the letters of every group equal a direct
// SQL count; and it stays so as days pass (replies fall due without any
// action), after a reply is submitted, and after a letter moves to another
// agency and field (its 回头看 chains relinked). `stats verify` checks the rows.
func TestRecurrenceCountsEqualSQL(t *testing.T) {
	t.Parallel()
	drivers := []string{"sqlite"}
	if os.Getenv("JIANYI_TEST_MYSQL_DSN") != "" {
		drivers = append(drivers, "mysql")
	}
	for _, driver := range drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			testRecurrenceEqual(t, driver)
		})
	}
}

func testRecurrenceEqual(t *testing.T, driver string) {
	dsn := filepath.Join(t.TempDir(), "bench.db")
	if driver == "mysql" {
		dsn = benchseed.TestMySQLDatabase(t, os.Getenv("JIANYI_TEST_MYSQL_DSN"))
	}
	until := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	if _, err := benchseed.Run(context.Background(), benchseed.Options{Driver: driver, DSN: dsn, Cases: 1500, Seed: 15,
		Password: "bench-pass-2026", Until: until, Cities: 2, Districts: 2, UnfrozenShare: 0.2, BatchCases: 500}); err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(database.OpenOptions{Driver: driver, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	// The start-up step stores the kinds of problem of rows written in bulk
	// (the SQL count groups by the stored kind).
	if _, err := cases.ClassifyMissingProblems(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := until.Add(2 * time.Hour)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clock := calendar.NewClock(loc, func() time.Time { return now })
	db.UseClock(clock.Now)
	settings := analysis.Settings{RepeatWindowDays: 365, RisePercent: 20, RiseMinCases: 3}
	st := &stats.Service{DB: db, Clock: clock}
	rows := &analysis.Service{DB: db, Clock: clock, Stats: st, Settings: settings}
	letters := &analysis.Service{DB: db, Clock: clock, Stats: st, Settings: settings, LetterLevel: true}

	var province, district org.Procuratorate
	if err := db.Where("level = ?", org.LevelProvincial).First(&province).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("level = ?", org.LevelCounty).Order("id").First(&district).Error; err != nil {
		t.Fatal(err)
	}
	var some struct {
		DepartmentID, AgencyID, ProsecutorID int64
		Field                                string
	}
	if err := db.Table("cases").Select("department_id, agency_id, prosecutor_id, field").
		Where("procuratorate_id = ? AND agency_id IS NOT NULL AND issued_at IS NOT NULL AND prosecutor_id IS NOT NULL", district.ID).
		Order("id").Limit(1).Scan(&some).Error; err != nil {
		t.Fatal(err)
	}
	chief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: province.ID, ProcuratoratePath: province.Path}
	head := &org.Actor{UserID: 1, Role: org.RoleDeptHead, ProcuratorateID: district.ID, ProcuratoratePath: district.Path,
		DepartmentID: some.DepartmentID}
	pros := &org.Actor{UserID: some.ProsecutorID, Role: org.RoleProsecutor, ProcuratorateID: district.ID,
		ProcuratoratePath: district.Path, DepartmentID: some.DepartmentID}
	type query struct {
		a       *org.Actor
		q       analysis.RecurrenceQuery
		procs   []int64 // the scope, for the SQL count
		dept    int64
		pros    int64
		letters bool // the rows cannot answer it
	}
	var all, districts []int64
	db.Model(&org.Procuratorate{}).Order("id").Pluck("id", &all)
	districts = []int64{district.ID}
	queries := map[string]query{
		"province":          {a: chief, procs: all},
		"province, 3 years": {a: chief, q: analysis.RecurrenceQuery{From: calendar.DateOf(until, loc).AddDays(-3 * 365), To: calendar.DateOf(until, loc)}, procs: all},
		"district":          {a: chief, q: analysis.RecurrenceQuery{ProcuratorateID: district.ID}, procs: districts},
		"department":        {a: head, procs: districts, dept: some.DepartmentID},
		"field":             {a: chief, q: analysis.RecurrenceQuery{Field: some.Field}, procs: all},
		"agency":            {a: chief, q: analysis.RecurrenceQuery{AgencyID: some.AgencyID}, procs: all},
		"prosecutor":        {a: pros, procs: districts, pros: some.ProsecutorID, letters: true},
	}
	compare := func(when string) {
		t.Helper()
		for name, c := range queries {
			// Both paths, all groups listed and only the first few (the
			// order of the groups and of the repeated letters decides which).
			recurrence := func(limit int) *analysis.Recurrence {
				t.Helper()
				c.q.Limit = limit
				before := rows.RowsAnswers()
				got, err := rows.Recurrence(ctx, c.a, c.q)
				if err != nil {
					t.Fatal(err)
				}
				if fromRows := rows.RowsAnswers() > before; fromRows == c.letters {
					t.Fatalf("%s, %s: answered from the case rows: %v", when, name, fromRows)
				}
				want, err := letters.Recurrence(ctx, c.a, c.q)
				if err != nil {
					t.Fatal(err)
				}
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				if string(g) != string(w) {
					i := 0
					for i < len(g) && i < len(w) && g[i] == w[i] {
						i++
					}
					t.Fatalf("%s, %s, limit %d: from the case rows …%s…\nletter by letter …%s…", when, name, limit, excerpt(g, i), excerpt(w, i))
				}
				return got
			}
			if few := recurrence(5); len(few.Groups) > 5 || len(few.Repeated) > 5 {
				t.Fatalf("%s, %s: %d groups and %d repeated letters listed, limit 5", when, name, len(few.Groups), len(few.Repeated))
			}
			got := recurrence(1000)
			if got.Letters == 0 || (name == "province" && (got.RepeatedTotal == 0 || got.ReplyDue == 0)) {
				t.Fatalf("%s, %s: nothing to compare: %d letters, %d repeated", when, name, got.Letters, got.RepeatedTotal)
			}
			// The letters of each group, counted by SQL.
			q := db.Table("cases").Where("procuratorate_id IN ? AND agency_id IS NOT NULL AND issued_at >= ? AND issued_at < ?",
				c.procs, got.From.StartIn(loc), got.To.AddDays(1).StartIn(loc))
			for col, v := range map[string]int64{"department_id": c.dept, "prosecutor_id": c.pros, "agency_id": c.q.AgencyID} {
				if v != 0 {
					q = q.Where(col+" = ?", v)
				}
			}
			if c.q.Field != "" {
				q = q.Where("field = ?", c.q.Field)
			}
			var counts []struct {
				AgencyID    int64
				Field       string
				ProblemKind string
				N           int64
			}
			if err := q.Select("agency_id, field, problem_kind, COUNT(*) AS n").Group("agency_id, field, problem_kind").Scan(&counts).Error; err != nil {
				t.Fatal(err)
			}
			byGroup := map[[3]any]int64{}
			for _, g := range got.Groups {
				byGroup[[3]any{g.AgencyID, g.Field, g.ProblemKind}] = g.Letters
			}
			if len(counts) != got.GroupsTotal || len(got.Groups) != got.GroupsTotal {
				t.Fatalf("%s, %s: %d groups (%d listed), SQL %d", when, name, got.GroupsTotal, len(got.Groups), len(counts))
			}
			for _, n := range counts {
				if byGroup[[3]any{n.AgencyID, n.Field, n.ProblemKind}] != n.N {
					t.Fatalf("%s, %s: group %+v has %d letters", when, name, n, byGroup[[3]any{n.AgencyID, n.Field, n.ProblemKind}])
				}
			}
		}
		if _, diffs, err := st.Verify(ctx); err != nil || len(diffs) > 0 {
			t.Fatalf("%s: verify: %v %v", when, diffs, err)
		}
	}
	compare("on the seeding day")
	// A period without letters.
	empty := analysis.RecurrenceQuery{From: calendar.NewDate(2001, 1, 1), To: calendar.NewDate(2001, 12, 31)}
	got, err := rows.Recurrence(ctx, chief, empty)
	if err != nil {
		t.Fatal(err)
	}
	want, err := letters.Recurrence(ctx, chief, empty)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(got), mustJSON(want); g != w || got.Letters != 0 {
		t.Fatalf("an empty period: from the case rows %s, letter by letter %s", g, w)
	}
	// The department's letters include some whose letter before (same
	// agency, field and kind) is of another department: the chain's link
	// is outside the scope and the scope's own earlier letter is searched.
	var across int64
	if err := db.Table(stats.CaseRowsTable).Where("procuratorate_id = ? AND department_id = ? AND prev_department_id <> department_id AND issued_day >= ?",
		district.ID, some.DepartmentID, stats.DayNumber(clock.Today().AddDays(-364))).Count(&across).Error; err != nil || across == 0 {
		t.Fatalf("no letter of the department follows one of another department: %d, %v", across, err)
	}
	for _, days := range []int{1, 30, 200} {
		now = until.Add(2*time.Hour).AddDate(0, 0, days)
		compare("days later")
	}

	// A reply submitted: the letter's reply facts change, and its audit
	// entry is all the statistics learn of it.
	var open struct {
		ID       int64
		ReplyDue calendar.Date
	}
	if err := db.Table("cases").Select("id, reply_due").Where("procuratorate_id = ? AND state = 'delivered' AND reply_due IS NOT NULL AND agency_id IS NOT NULL", district.ID).
		Order("id DESC").Limit(1).Scan(&open).Error; err != nil || open.ID == 0 {
		t.Fatalf("no letter awaiting its reply: %v", err)
	}
	today := clock.Today()
	if err := db.WithTx(ctx, func(tx *gorm.DB) error {
		due := open.ReplyDue
		if err := tx.Create(&agency.Reply{CaseID: open.ID, Kind: agency.ReplyKindFinal, Position: agency.PositionAdopted, Content: "{}",
			SubmittedBy: 1, SubmittedOn: today, DueOn: &due, Late: today.After(due), CreatedAt: clock.Now()}).Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE cases SET state = 'replied', first_replied_on = ? WHERE id = ?", today, open.ID).Error; err != nil {
			return err
		}
		return audit.Record(tx, nil, "reply.submit", "case", open.ID, map[string]any{"kind": "final"})
	}); err != nil {
		t.Fatal(err)
	}
	compare("after a reply")

	// A letter of another procuratorate moved to an agency and field of the
	// district (its chain there gains a letter from outside the district's
	// scope), and a district letter moved away.
	var other, mine int64
	db.Table("cases").Select("id").Where("procuratorate_id <> ? AND issued_at IS NOT NULL AND agency_id IS NOT NULL", district.ID).
		Order("issued_at DESC").Limit(1).Scan(&other)
	db.Table("cases").Select("id").Where("procuratorate_id = ? AND issued_at IS NOT NULL AND agency_id = ? AND field = ?", district.ID, some.AgencyID, some.Field).
		Order("issued_at").Limit(1).Scan(&mine)
	var kind string
	db.Table("cases").Select("problem_kind").Where("id = ?", mine).Scan(&kind)
	if err := db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := moveLetter(tx, other, some.Field, some.AgencyID, kind); err != nil {
			return err
		}
		var elsewhere int64
		tx.Table("cases").Select("agency_id").Where("agency_id <> ? AND agency_id IS NOT NULL", some.AgencyID).Limit(1).Scan(&elsewhere)
		return moveLetter(tx, mine, "其他", elsewhere, kind)
	}); err != nil {
		t.Fatal(err)
	}
	compare("after letters moved")

	// `stats verify` recomputes the rows and finds a tampered one.
	var linked int64
	db.Table(stats.CaseRowsTable).Select("case_id").Where("prev_case_id IS NOT NULL").Order("case_id").Limit(1).Scan(&linked)
	for _, tamper := range []string{"UPDATE stats_case_groups SET on_time = 1 - on_time WHERE case_id = ?",
		"UPDATE stats_case_groups SET prev_case_id = NULL, prev_day = NULL WHERE case_id = ?",
		"UPDATE stats_case_groups SET problem_kind = 'x' WHERE case_id = ?"} {
		if _, err := st.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(tamper, linked).Error; err != nil {
			t.Fatal(err)
		}
		if _, diffs, err := st.Verify(ctx); err != nil || len(diffs) != 1 {
			t.Fatalf("verify after %s: %v, %v", tamper, diffs, err)
		}
	}
}

// moveLetter changes a letter's field, agency and kind of problem and
// records it in the audit trail, as every action does.
func moveLetter(tx *gorm.DB, id int64, field string, agencyID int64, kind string) error {
	if err := tx.Exec("UPDATE cases SET field = ?, agency_id = ?, problem_kind = ? WHERE id = ?", field, agencyID, kind, id).Error; err != nil {
		return err
	}
	return audit.Record(tx, nil, "case.update", "case", id, map[string]any{"field": field})
}

// excerpt is the JSON around byte i.
func excerpt(b []byte, i int) string { return string(b[max(0, i-300):min(len(b), i+200)]) }

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
