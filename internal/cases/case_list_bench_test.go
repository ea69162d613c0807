package cases_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// BenchmarkCaseList measures list-page queries over a large cases table on
// SQLite. JIANYI_BENCH_ROWS sets the table size (default 20000 so a plain
// -bench run stays quick); docs/lifecycle.md records the 1,000,000-row
// figures and query plans:
//
//	JIANYI_BENCH_ROWS=1000000 go test ./internal/cases/ -run '^$' -bench BenchmarkCaseList -benchtime 200x -v
func BenchmarkCaseList(b *testing.B) {
	rows := 20000
	if v := os.Getenv("JIANYI_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("JIANYI_BENCH_ROWS=%q: want a number ≥ 1000", v)
		}
		rows = n
	}
	ctx := context.Background()
	db := dbtest.Open(b, "sqlite")
	seed, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), "bench-password-2026")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	fillCases(b, db, seed, rows)
	b.Logf("inserted %d cases in %s", rows, time.Since(start).Round(time.Millisecond))

	var chief org.User
	if err := db.Where("username = ?", "chief1").First(&chief).Error; err != nil {
		b.Fatal(err)
	}
	actor := org.ActorFor(&chief, "127.0.0.1", "bench")
	rec := &sqlRecorder{}
	traced := &database.DB{DB: db.Session(&gorm.Session{Logger: rec}), Dialect: db.Dialect}
	svc := &cases.Service{DB: traced, Settings: cases.Settings{ReplyMonths: 2},
		Clock: calendar.NewClock(time.UTC, func() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) })}
	queries := []struct {
		name string
		q    cases.CaseListQuery
	}{
		{"default", cases.CaseListQuery{}},
		{"page_at_middle", cases.CaseListQuery{Cursor: int64(rows / 2)}},
		{"state_delivered", cases.CaseListQuery{State: "delivered"}},
		{"state_lead", cases.CaseListQuery{State: "lead"}},
		{"field", cases.CaseListQuery{Field: "金融"}},
		{"overdue", cases.CaseListQuery{Overdue: true}},
		{"due_range", cases.CaseListQuery{DueFrom: date(2026, 4, 1), DueTo: date(2026, 4, 30)}},
		{"due_range_old", cases.CaseListQuery{DueFrom: date(2023, 3, 1), DueTo: date(2023, 3, 31)}},
		{"overdue_none", cases.CaseListQuery{Overdue: true, DueTo: date(2025, 1, 1)}},
		{"text_common", cases.CaseListQuery{Q: "校园"}},
		{"text_rare", cases.CaseListQuery{Q: "罕见词"}},
	}
	for _, tc := range queries {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				rec.last = ""
				items, _, err := svc.ListCases(ctx, actor, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(items)
			}
			b.ReportMetric(float64(n), "rows/page")
			var plan []struct {
				ID, Parent, Notused int
				Detail              string
			}
			if err := db.Raw("EXPLAIN QUERY PLAN " + rec.last).Scan(&plan).Error; err != nil {
				b.Fatal(err)
			}
			var steps []string
			for _, p := range plan {
				steps = append(steps, p.Detail)
			}
			b.Logf("%s: %d rows; SQL: %s\n    plan: %s", tc.name, n, rec.last, strings.Join(steps, " | "))
		})
	}
}

func date(y int, m time.Month, d int) *calendar.Date {
	v := calendar.NewDate(y, m, d)
	return &v
}

// fillCases inserts n cases with bulk multi-row INSERTs in one transaction:
// 70% in the district procuratorate, the rest in the city; states, fields and
// deadlines spread as in a mature system (half closed, a tenth awaiting a
// reply, about one in eight of those overdue); "校园" in every seventh
// title or so, "罕见词" nowhere (the worst case: a scan of the whole table).
func fillCases(b *testing.B, db *database.DB, seed *demo.DemoOrg, n int) {
	var p1, p2 org.User
	db.Where("username = ?", "prosecutor1").First(&p1)
	db.Where("username = ?", "cityprosecutor1").First(&p2)
	states := []string{"closed", "closed", "closed", "closed", "closed", "delivered", "replied", "following_up", "lead", "investigating"}
	fields := []string{"食品药品安全", "生态环境", "安全生产", "校园安全", "金融", "网络治理", "其他"}
	rng := rand.New(rand.NewPCG(1, 2))
	const cols = "procuratorate_id, department_id, title, field, source, summary, agency_id, prosecutor_id, state, received_on, reply_due, reply_due_explanation, state_entered_at, created_by, created_at, updated_at"
	const perStmt = 500
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	today := calendar.NewDate(2026, 3, 2)
	// Build the secondary indexes after the load (one sort each instead of a
	// million B-tree inserts each); the planner sees the same indexes.
	var indexes []struct{ Name, SQL string }
	if err := db.Raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL").Scan(&indexes).Error; err != nil {
		b.Fatal(err)
	}
	for _, ix := range indexes {
		if err := db.Exec("DROP INDEX " + ix.Name).Error; err != nil {
			b.Fatal(err)
		}
	}
	err := db.WithTx(context.Background(), func(tx *gorm.DB) error {
		for done := 0; done < n; done += perStmt {
			k := min(perStmt, n-done)
			var sb strings.Builder
			sb.WriteString("INSERT INTO cases (" + cols + ") VALUES ")
			args := make([]any, 0, k*16)
			for i := range k {
				if i > 0 {
					sb.WriteString(",")
				}
				sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
				proc, dept, pros := seed.District.ID, seed.Department.ID, p1.ID
				if rng.IntN(10) >= 7 {
					proc, dept, pros = seed.City.ID, seed.CityDepartment.ID, p2.ID
				}
				state := states[rng.IntN(len(states))]
				title := fmt.Sprintf("关于%s领域第%d号问题的检察建议", fields[rng.IntN(len(fields))], done+i)
				if rng.IntN(100) == 0 {
					title = "校园周边" + title
				}
				var received, due any
				switch state {
				case "lead", "investigating":
				case "delivered":
					// Awaiting a reply: mostly inside the two months, about one in eight overdue.
					r := today.AddDays(-rng.IntN(70))
					received, due = r.String(), r.AddDays(61).String()
				default:
					r := calendar.DateOf(t0.AddDate(0, 0, rng.IntN(1100)), time.UTC)
					received, due = r.String(), r.AddDays(61).String()
				}
				created := t0.Add(time.Duration(done+i) * time.Minute)
				agency := seed.Agency1.ID
				if rng.IntN(2) == 0 {
					agency = seed.Agency2.ID
				}
				args = append(args, proc, dept, title, fields[rng.IntN(len(fields))], "case_finding", "案情摘要："+title, agency, pros, state,
					received, due, "", created, pros, created, created)
			}
			if err := tx.Exec(sb.String(), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, ix := range indexes {
		if err := db.Exec(ix.SQL).Error; err != nil {
			b.Fatal(err)
		}
	}
	// JIANYI_BENCH_DROP_INDEXES (comma-separated names) measures the plans
	// without some indexes, to show what an index buys.
	for _, name := range strings.Split(os.Getenv("JIANYI_BENCH_DROP_INDEXES"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			if err := db.Exec("DROP INDEX " + name).Error; err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := db.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
}

// sqlRecorder keeps the last SQL statement GORM ran.
type sqlRecorder struct{ last string }

func (r *sqlRecorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *sqlRecorder) Info(context.Context, string, ...any)     {}
func (r *sqlRecorder) Warn(context.Context, string, ...any)     {}
func (r *sqlRecorder) Error(context.Context, string, ...any)    {}
func (r *sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	r.last, _ = fc()
}
