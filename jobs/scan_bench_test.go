package jobs_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

// EnvBenchRows sets how many cases BenchmarkReplyReminderScan stores
// (e.g. 1000000); without it the benchmark is skipped so `go test ./...`
// stays fast.
const EnvBenchRows = "JIANYI_BENCH_ROWS"

// benchToday is the day the benchmark's reminder job runs on.
var benchToday = calendar.NewDate(2026, 4, 15)

// BenchmarkReplyReminderScan measures the reply reminder scan and job over
// JIANYI_BENCH_ROWS cases of which 1% are delivered with a deadline in a
// reminder window. The rest are delivered cases due far from today and
// cases in other states with deadlines in the same windows, so neither
// column alone finds the due cases. Run with
//
//	JIANYI_BENCH_ROWS=1000000 go test ./jobs -run '^$' -bench ReplyReminderScan -benchtime 3x
func BenchmarkReplyReminderScan(b *testing.B) {
	total, _ := strconv.Atoi(os.Getenv(EnvBenchRows))
	if total <= 0 {
		b.Skip(EnvBenchRows + " not set")
	}
	db := dbtest.Open(b, "sqlite")
	cfg := testConfig(b)
	seed := seed(b, db)
	due := fillCases(b, db, seed, total)
	windows := jobs.ReplyReminderWindows(benchToday, cfg.Jobs)

	var plan []struct{ Detail string }
	db.Raw("EXPLAIN QUERY PLAN SELECT id, procuratorate_id, agency_id, prosecutor_id, title, document_number, reply_due "+
		"FROM cases WHERE state = ? AND reply_due >= ? AND reply_due <= ?",
		"delivered", windows[0].From.String(), windows[0].To.String()).Scan(&plan)
	b.Logf("%d cases, %d due in the windows %v; plan: %+v", total, due, windows, plan)

	b.Run("scan", func(b *testing.B) {
		n := 0
		for b.Loop() {
			rows, err := jobs.ScanReplyCases(context.Background(), db.DB, windows)
			if err != nil {
				b.Fatal(err)
			}
			n = len(rows)
		}
		if n != due {
			b.Fatalf("scan found %d cases, want %d", n, due)
		}
		b.ReportMetric(float64(n), "cases/op")
	})
	// The same scan restricted to the due-soon window's last 4 days: about a
	// twentieth of the due cases, so it should take about a twentieth of
	// the time if the cost follows the number due, not the table size.
	b.Run("scan_narrow", func(b *testing.B) {
		narrow := []jobs.DateWindow{{From: benchToday.AddDays(12), To: benchToday.AddDays(15)}}
		n := 0
		for b.Loop() {
			rows, err := jobs.ScanReplyCases(context.Background(), db.DB, narrow)
			if err != nil {
				b.Fatal(err)
			}
			n = len(rows)
		}
		b.ReportMetric(float64(n), "cases/op")
	})
	// For contrast, the first window read with the index forbidden: what
	// the scan would cost if it had to read the whole table.
	b.Run("full_table_contrast", func(b *testing.B) {
		n := 0
		for b.Loop() {
			var ids []int64
			if err := db.Raw("SELECT id FROM cases NOT INDEXED WHERE state = ? AND reply_due >= ? AND reply_due <= ?",
				"delivered", windows[0].From.String(), windows[0].To.String()).Scan(&ids).Error; err != nil {
				b.Fatal(err)
			}
			n = len(ids)
		}
		b.ReportMetric(float64(n), "cases/op")
	})

	clock := &testClock{}
	clock.Set(at8(benchToday))
	s := newScheduler(b, db, cfg, clock)
	admin := &org.Actor{Username: "bench"}
	b.Run("first_run", func(b *testing.B) {
		handled := 0
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			for _, table := range []string{"reminders", "urging_letters", "notifications", "outbox"} {
				if err := db.Exec("DELETE FROM " + table).Error; err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			run, err := s.RunNow(context.Background(), admin, "reply_reminders")
			if err != nil || run.Status != jobs.RunOK {
				b.Fatalf("run %+v %v", run, err)
			}
			handled = run.Handled
		}
		b.ReportMetric(float64(handled), "reminders/op")
	})
	b.Run("steady_run", func(b *testing.B) {
		for b.Loop() {
			run, err := s.RunNow(context.Background(), admin, "reply_reminders")
			if err != nil || run.Status != jobs.RunOK || run.Handled != 0 {
				b.Fatalf("run %+v %v", run, err)
			}
		}
	})
}

// fillCases bulk-inserts total cases in one transaction with multi-row
// INSERTs and returns how many are delivered with a deadline in a reminder
// window of benchToday (1%).
func fillCases(b testing.TB, db *database.DB, org *demo.DemoOrg, total int) int {
	b.Helper()
	prosecutor := userID(b, db, "prosecutor1")
	states := []cases.CaseState{cases.StateClosed, cases.StateFollowingUp, cases.StateReplied, cases.StateLead,
		cases.StateChecking, cases.StateInvestigating, cases.StateIssued}
	windowStart := benchToday.AddDays(-60) // the very-overdue window's first day
	windowDays := 76                       // through benchToday+15
	stamp := "'2026-01-01 00:00:00+00:00'" // SQLite's stored form
	if db.Dialect == "mysql" {
		stamp = "'2026-01-01 00:00:00'"
	}
	tx := db.Begin()
	defer tx.Rollback()
	const batch = 1000
	var sb strings.Builder
	due := 0
	for start := 0; start < total; start += batch {
		sb.Reset()
		sb.WriteString("INSERT INTO cases (procuratorate_id, department_id, title, field, source, summary, agency_id, prosecutor_id, " +
			"state, version, reply_due, reply_due_explanation, state_entered_at, created_by, created_at, updated_at) VALUES ")
		for i := start; i < min(start+batch, total); i++ {
			state := cases.StateDelivered
			var replyDue calendar.Date
			switch {
			case i%100 == 0: // due: in a window
				replyDue = windowStart.AddDays(i / 100 % windowDays)
				due++
			case i%100 < 16: // delivered, but due far from today
				replyDue = benchToday.AddDays(20 + i%300)
			default: // other states, deadlines anywhere, windows included
				state = states[i%len(states)]
				replyDue = windowStart.AddDays(i % 200)
			}
			if i > start {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d,%d,'案件%d','食品药品安全','case_finding','',%d,%d,'%s',1,'%s','',%s,%d,%s,%s)",
				org.District.ID, org.Department.ID, i, org.Agency1.ID, prosecutor, state, replyDue, stamp, prosecutor, stamp, stamp)
		}
		if err := tx.Exec(sb.String()).Error; err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit().Error; err != nil {
		b.Fatal(err)
	}
	return due
}

// TestReplyScanPlanMySQL checks MariaDB/MySQL reads the reminder windows by
// ix_cases_state_due once the table has statistics (on an empty table the
// optimizer's choice means nothing, so the test fills it first).
func TestReplyScanPlanMySQL(t *testing.T) {
	t.Parallel()
	if len(dbtest.Drivers()) < 2 {
		t.Skip(dbtest.EnvMySQLDSN + " not set")
	}
	db := dbtest.Open(t, "mysql")
	org := seed(t, db)
	fillCases(t, db, org, 10000)
	// Sent as text on the pool (no arguments), not through the prepared
	// statements: executed prepared, ANALYZE's answer of rows leaves the
	// driver waiting until its read timeout.
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec("ANALYZE TABLE cases"); err != nil {
		t.Fatal(err)
	}
	var plan []struct {
		Key  string
		Type string
	}
	if err := db.Raw("EXPLAIN SELECT id, procuratorate_id, agency_id, prosecutor_id, title, document_number, reply_due "+
		"FROM cases WHERE state = ? AND reply_due >= ? AND reply_due <= ?", "delivered", "2026-04-15", "2026-04-30").Scan(&plan).Error; err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || plan[0].Key != "ix_cases_state_due" || plan[0].Type != "range" {
		t.Fatalf("plan %+v, want a range read of ix_cases_state_due", plan)
	}
}
