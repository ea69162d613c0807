package stats_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/stats"
)

// failAfter is a client that goes away after n bytes.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("connection reset by peer")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestLedgerExportIsCompleteOrFails: over a generated province the CSV and
// the xlsx hold exactly the issued recommendations, each once, numbered
// 1..N, procuratorate by procuratorate; the file name names the scope; an
// export whose client goes away fails (the handler then aborts the
// response) instead of ending as if complete.
func TestLedgerExportIsCompleteOrFails(t *testing.T) {
	t.Parallel()
	drivers := []string{"sqlite"}
	if os.Getenv("JIANYI_TEST_MYSQL_DSN") != "" {
		drivers = append(drivers, "mysql")
	}
	for _, driver := range drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			db := openBench(t, driver)
			ctx := context.Background()
			loc, _ := time.LoadLocation("Asia/Shanghai")
			clock := calendar.NewClock(loc, func() time.Time { return time.Date(2026, 6, 30, 2, 0, 0, 0, time.UTC) })
			db.UseClock(clock.Now)
			svc := &stats.Service{DB: db, Clock: clock}
			var province org.Procuratorate
			if err := db.Where("level = ?", org.LevelProvincial).First(&province).Error; err != nil {
				t.Fatal(err)
			}
			chief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: province.ID, ProcuratoratePath: province.Path}
			var want []string
			if err := db.Table("cases").Where("issued_at IS NOT NULL").Order("document_number").Pluck("document_number", &want).Error; err != nil {
				t.Fatal(err)
			}
			if len(want) < 100 {
				t.Fatalf("only %d issued recommendations generated", len(want))
			}
			check := func(format string, rows [][]string) {
				t.Helper()
				if len(rows) != len(want)+1 {
					t.Fatalf("%s: %d rows, want %d and the header", format, len(rows)-1, len(want))
				}
				var got []string
				for i, r := range rows[1:] {
					if r[0] != strconv.Itoa(i+1) {
						t.Fatalf("%s: row %d numbered %q", format, i+1, r[0])
					}
					got = append(got, r[2])
				}
				sort.Strings(got)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s: 文号 %q where %q was expected", format, got[i], want[i])
					}
				}
			}

			l, err := svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, "csv")
			if err != nil {
				t.Fatal(err)
			}
			if l.Scope != province.Name {
				t.Fatalf("scope %q, want %q", l.Scope, province.Name)
			}
			var buf bytes.Buffer
			if err := l.WriteCSV(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			check("csv", rows)
			if l.Rows != len(want) {
				t.Fatalf("csv: %d rows counted", l.Rows)
			}

			l, err = svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, "xlsx")
			if err != nil {
				t.Fatal(err)
			}
			buf.Reset()
			if err := l.WriteXLSX(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("the workbook does not open: %v", err)
			}
			xrows, err := f.GetRows("工作台账")
			if err != nil {
				t.Fatal(err)
			}
			check("xlsx", xrows)

			for _, format := range []string{"csv", "xlsx"} {
				l, err := svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, format)
				if err != nil {
					t.Fatal(err)
				}
				w := &failAfter{n: 20 << 10}
				if format == "csv" {
					err = l.WriteCSV(ctx, w)
				} else {
					err = l.WriteXLSX(ctx, w)
				}
				if err == nil {
					t.Fatalf("%s: an export whose client went away after 20 KB reports success", format)
				}
			}
		})
	}
}
