package stats_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// EnvBenchRows sets how many cases the statistics benchmark inserts
// (JIANYI_BENCH_ROWS=1000000 for the recorded figures; 20000 by default so a
// casual -bench run stays quick).
const EnvBenchRows = "JIANYI_BENCH_ROWS"

// BenchmarkStatsAndLedger inserts N cases (every tenth in 第一检察部 and
// issued, so that department's ledger has N/10 rows) with bulk multi-row
// INSERTs in one transaction on SQLite, then times the statistics for the
// whole district and the streamed xlsx ledger of N/10 rows.
//
//	JIANYI_BENCH_ROWS=1000000 go test ./internal/stats/ -run '^$' -bench StatsAndLedger -benchtime 3x -timeout 20m
//
// benchZone is the zone legal dates are counted in (the configured default).
var benchZone = time.FixedZone("CST", 8*60*60)

func BenchmarkStatsAndLedger(b *testing.B) {
	rows := 20000
	if v := os.Getenv(EnvBenchRows); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 {
			b.Fatalf("%s=%q: want a number ≥ 10", EnvBenchRows, v)
		}
		rows = n
	}
	ctx := context.Background()
	db := dbtest.Open(b, "sqlite")
	seed, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), "bench-password")
	if err != nil {
		b.Fatal(err)
	}
	var dept1 org.Department
	if err := db.Where("procuratorate_id = ? AND number_code = ?", seed.District.ID, "一").First(&dept1).Error; err != nil {
		b.Fatal(err)
	}
	var pros org.User
	if err := db.Where("username = ?", "prosecutor1").First(&pros).Error; err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	agencies := seedBenchCases(b, db, seed, dept1.ID, pros.ID, rows)
	b.Logf("inserted %d cases (%d agencies) and built the indexes in %v", rows, len(agencies), time.Since(start).Round(time.Millisecond))

	casemgr := &org.Actor{UserID: 1, Role: org.RoleCaseManager, ProcuratorateID: seed.District.ID, ProcuratoratePath: seed.District.Path}
	today := calendar.NewDate(2026, 3, 2)
	svc := &stats.Service{DB: db, Clock: calendar.NewClock(benchZone, time.Now)}

	b.Run(fmt.Sprintf("stats_%d", rows), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st, err := svc.Compute(ctx, casemgr, stats.StatsQuery{Today: today})
			if err != nil {
				b.Fatal(err)
			}
			if st.Total != int64(rows) {
				b.Fatalf("total %d", st.Total)
			}
		}
	})
	b.Run(fmt.Sprintf("stats_period_%d", rows), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Compute(ctx, casemgr, stats.StatsQuery{Today: today, From: calendar.NewDate(2025, 1, 1), To: calendar.NewDate(2025, 12, 31)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("ledger_xlsx_%d", rows/10), func(b *testing.B) {
		b.ReportAllocs()
		peak := sampleHeap() // the live heap stays bounded
		for b.Loop() {
			l, err := svc.PrepareLedger(ctx, casemgr, stats.StatsQuery{Today: today, DepartmentID: dept1.ID}, "xlsx")
			if err != nil {
				b.Fatal(err)
			}
			cw := &countingWriter{}
			if err := l.WriteXLSX(ctx, cw); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(cw.n)/(1<<20), "xlsx-MB")
		}
		b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	})
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return io.Discard.Write(p)
}

// seedBenchCases writes n cases with literal multi-row INSERTs of 500 rows in
// one transaction: states, sources, fields, reply classes and dates spread
// so the GROUP BYs have realistic cardinality.
func seedBenchCases(b *testing.B, db *database.DB, seed *demo.DemoOrg, dept1, prosecutor int64, n int) []int64 {
	b.Helper()
	var agencies []int64
	// Bulk load: drop the secondary indexes of cases and build them again
	// after the load (what a DBA does for a large import); the schema the
	// queries run on is the migrated one.
	var indexes []string
	if err := db.Raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL").Scan(&indexes).Error; err != nil {
		b.Fatal(err)
	}
	for _, ix := range indexes {
		name := strings.Fields(ix)[len(strings.Fields(strings.SplitN(ix, " ON ", 2)[0]))-1]
		if err := db.Exec("DROP INDEX " + name).Error; err != nil {
			b.Fatal(err)
		}
	}
	defer func() {
		for _, ix := range indexes {
			if err := db.Exec(ix).Error; err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Exec("ANALYZE").Error; err != nil {
			b.Fatal(err)
		}
	}()
	err := db.Transaction(func(tx *gorm.DB) error {
		for i := 0; i < 50; i++ {
			a := &org.Agency{Name: fmt.Sprintf("基准测试单位%02d", i)}
			if err := tx.Create(a).Error; err != nil {
				return err
			}
			agencies = append(agencies, a.ID)
		}
		states := []string{"lead", "checking", "investigating", "drafting", "issued", "delivered", "delivered", "replied", "following_up", "closed", "closed", "closed", "withdrawn"}
		sources := []string{"case_finding", "citizen_application", "deputy_referral", "higher_assigned", "data_model", "other"}
		fields := []string{"食品药品安全", "生态环境", "安全生产", "未成年人保护", "国有财产保护", "社会治理", "金融监管", "交通运输", "网络治理", "文物保护"}
		classes := []string{"on_time", "on_time", "on_time", "late", "perfunctory", "no_reply"}
		rects := []string{"rectified", "rectified", "partly_rectified", "not_rectified"}
		base := time.Date(2023, 1, 1, 1, 0, 0, 0, time.UTC)
		const cols = "procuratorate_id, department_id, title, field, source, summary, agency_id, prosecutor_id, state, version, document_number, issued_at, delivered_on, received_on, reply_due, reply_due_explanation, first_replied_on, reply_class, rectification, state_entered_at, created_by, created_at, updated_at"
		var sb strings.Builder
		for start := 0; start < n; start += 500 {
			sb.Reset()
			sb.WriteString("INSERT INTO cases (" + cols + ") VALUES ")
			for i := start; i < min(start+500, n); i++ {
				if i > start {
					sb.WriteByte(',')
				}
				state := states[i%len(states)]
				dept := seed.Department.ID
				if i%10 == 0 {
					dept = dept1
					state = "closed"
				}
				issuedStates := map[string]bool{"issued": true, "delivered": true, "replied": true, "following_up": true, "closed": true}
				issued := base.Add(time.Duration(i%1150) * 24 * time.Hour).Add(time.Duration(i%600) * time.Minute)
				docNum, issuedAt, delivered, due, replied, class, rect := "NULL", "NULL", "NULL", "NULL", "NULL", "", ""
				if issuedStates[state] {
					docNum = fmt.Sprintf("'清河检八建〔%d〕%d号'", issued.Year(), i+1)
					issuedAt = "'" + issued.Format("2006-01-02 15:04:05.000000-07:00") + "'"
					d := calendar.DateOf(issued, benchZone).AddDays(3)
					delivered = "'" + d.String() + "'"
					due = "'" + d.AddDays(61).String() + "'"
					if state != "issued" && state != "delivered" {
						class = classes[i%len(classes)]
						if class != "no_reply" {
							replied = "'" + d.AddDays(20+i%60).String() + "'"
						}
					}
					if state == "following_up" || state == "closed" {
						rect = rects[i%len(rects)]
					}
				}
				created := base.Format("2006-01-02 15:04:05.000000-07:00")
				fmt.Fprintf(&sb, "(%d,%d,'基准案件%d','%s','%s','',%d,%d,'%s',1,%s,%s,%s,%s,%s,'',%s,'%s','%s','%s',%d,'%s','%s')",
					seed.District.ID, dept, i, fields[i%len(fields)], sources[i%len(sources)], agencies[i%len(agencies)], prosecutor, state,
					docNum, issuedAt, delivered, delivered, due, replied, class, rect, created, prosecutor, created, created)
			}
			if err := tx.Exec(sb.String()).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return agencies
}

// BenchmarkProvinceStats times Compute in-process for a province's and a
// district's case manager (the statistics page with default filters) on a
// generated province: CPU per request without HTTP and JSON.
//
//	JIANYI_BENCH_DB=/dev/shm/copy.db go test ./internal/stats/ -run '^$' -bench ProvinceStats -benchtime 200x
func BenchmarkProvinceStats(b *testing.B) {
	db := dbtest.OpenBenchDB(b)
	ctx := context.Background()
	svc := &stats.Service{DB: db, Clock: calendar.NewClock(benchZone, time.Now)}
	for _, level := range []string{org.LevelProvincial, org.LevelMunicipal, org.LevelCounty} {
		var p org.Procuratorate
		if err := db.Where("level = ?", level).Order("id").First(&p).Error; err != nil {
			b.Fatal(err)
		}
		a := &org.Actor{UserID: 1, Role: org.RoleCaseManager, ProcuratorateID: p.ID, ProcuratoratePath: p.Path}
		if _, err := svc.Compute(ctx, a, stats.StatsQuery{}); err != nil {
			b.Fatal(err)
		}
		b.Run(level, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Compute(ctx, a, stats.StatsQuery{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
