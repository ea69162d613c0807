package stats_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm/logger"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
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
	eachBench(t, func(t *testing.T, db *database.DB, _ *time.Time, clock *calendar.Clock) {
		ctx := context.Background()
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

		// Both walks: one procuratorate at a time, and the cases table
		// in id order (a scope wider than WideAbove procuratorates).
		for _, walk := range []struct {
			name string
			svc  *stats.Service
		}{{"by procuratorate", svc}, {"by table", &stats.Service{DB: db, Clock: clock, WideAbove: 1}}} {
			l, err := walk.svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, "csv")
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
			check(walk.name+" csv", rows)
			if l.Rows != len(want) {
				t.Fatalf("%s csv: %d rows counted", walk.name, l.Rows)
			}

			l, err = walk.svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, "xlsx")
			if err != nil {
				t.Fatal(err)
			}
			buf.Reset()
			if err := l.WriteXLSX(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("%s: the workbook does not open: %v", walk.name, err)
			}
			xrows, err := f.GetRows("工作台账")
			if err != nil {
				t.Fatal(err)
			}
			check(walk.name+" xlsx", xrows)
			if l.Rows != len(want) {
				t.Fatalf("%s xlsx: %d rows counted", walk.name, l.Rows)
			}
			// Cell for cell the CSV's (dates read back through their
			// date format; the CSV's apostrophe against formulas aside).
			for i, r := range rows {
				x := xrows[i]
				for j, v := range r {
					got := ""
					if j < len(x) {
						got = x[j]
					}
					if got != v && "'"+got != v {
						t.Fatalf("%s: row %d column %s: xlsx %q, csv %q", walk.name, i, rows[0][j], got, v)
					}
				}
			}
			if dates, err := f.GetCellType("工作台账", "L2"); err != nil || dates != excelize.CellTypeNumber && dates != excelize.CellTypeUnset {
				t.Fatalf("%s: 制发日期 is not a date cell (%v, %v)", walk.name, dates, err)
			}
			notes, err := f.GetRows("口径说明")
			if err != nil || len(notes) < 5 {
				t.Fatalf("%s: notes sheet %d rows, %v", walk.name, len(notes), err)
			}
			f.Close()
		}

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

// sqlRecorder is a gorm logger that keeps every statement run.
type sqlRecorder struct {
	logger.Interface
	mu   sync.Mutex
	stmt []string
}

func (r *sqlRecorder) LogMode(logger.LogLevel) logger.Interface { return r }

func (r *sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmt = append(r.stmt, sql)
}

// TestLedgerPlansSeek: every statement a ledger export sends — the case
// batches of both walks, with and without filters, their facts and the
// names — reads by an index (SQLite's plan has no SCAN step and no sort):
// the export's cost stays linear in its rows. The exceptions read tables
// of the organisation once: the scope's procuratorates, and the names a
// province's walk reads whole.
func TestLedgerPlansSeek(t *testing.T) {
	t.Parallel()
	db := openBench(t, "sqlite")
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clock := calendar.NewClock(loc, func() time.Time { return time.Date(2026, 6, 30, 2, 0, 0, 0, time.UTC) })
	db.UseClock(clock.Now)
	var province org.Procuratorate
	if err := db.Where("level = ?", org.LevelProvincial).First(&province).Error; err != nil {
		t.Fatal(err)
	}
	var agencyID int64
	if err := db.Table("cases").Where("issued_at IS NOT NULL").Order("id").Limit(1).Pluck("agency_id", &agencyID).Error; err != nil {
		t.Fatal(err)
	}
	chief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: province.ID, ProcuratoratePath: province.Path}
	rec := &sqlRecorder{Interface: logger.Discard}
	db.Config.Logger = rec
	for _, wide := range []int{0, 1} {
		svc := &stats.Service{DB: db, Clock: clock, WideAbove: wide}
		for _, q := range []stats.StatsQuery{{}, {Field: "生态环境"}, {AgencyID: agencyID},
			{From: calendar.NewDate(2025, 1, 1), To: calendar.NewDate(2025, 12, 31)}} {
			l, err := svc.PrepareLedger(ctx, chief, q, "csv")
			if err != nil {
				t.Fatal(err)
			}
			if err := l.WriteCSV(ctx, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	}
	db.Config.Logger = logger.Discard
	checked := 0
	for _, s := range rec.stmt {
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), "SELECT") {
			continue
		}
		var plan []struct {
			ID, Parent, Notused int
			Detail              string
		}
		if err := db.Raw("EXPLAIN QUERY PLAN " + s).Scan(&plan).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		checked++
		for _, p := range plan {
			if strings.HasPrefix(p.Detail, "SCAN ") || strings.Contains(p.Detail, "TEMP B-TREE") {
				if strings.HasPrefix(p.Detail, "SCAN procuratorates") || strings.Contains(s, "FROM `procuratorates` WHERE path >=") {
					continue // the scope's procuratorates by path (and in id order): the organisation's size, not the ledger's
				}
				if !strings.Contains(strings.ToUpper(s), "WHERE") && nameTable(p.Detail) {
					continue // a province's walk reads every name once: the organisation's size, not the ledger's
				}
				t.Errorf("%s\n  plan step: %s", s, p.Detail)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d statements checked", checked)
	}
}

// nameTable reports a plan step that reads a table of the names a ledger
// shows.
func nameTable(step string) bool {
	for _, t := range []string{"departments", "users", "agencies", "projects"} {
		if strings.HasPrefix(step, "SCAN "+t+" ") || step == "SCAN "+t {
			return true
		}
	}
	return false
}

// TestLedgerCSVMatchesReference: the streamed CSV is, byte for byte, the
// ledger built the simple way (stats.LedgerReferenceCSV: gorm, whole
// tables, encoding/csv) — with texts that test the packed reads and the
// CSV writer: a title, a field and a case number holding the separator of
// a packed row, a stray separator in a reply's position and a delivery's
// method (codes), quotes, commas, line breaks, leading blanks, a formula,
// a missing case number. The walk by procuratorate writes the same rows in
// its own order; three exports at once write the same bytes.
func TestLedgerCSVMatchesReference(t *testing.T) {
	t.Parallel()
	eachBench(t, func(t *testing.T, db *database.DB, _ *time.Time, clock *calendar.Clock) {
		ctx := context.Background()
		var ids []int64
		if err := db.Table("cases").Where("issued_at IS NOT NULL").Order("id").Limit(8).Pluck("id", &ids).Error; err != nil || len(ids) < 8 {
			t.Fatalf("%d issued cases, %v", len(ids), err)
		}
		var replied, delivered int64
		if err := db.Table("replies").Order("case_id").Limit(1).Pluck("case_id", &replied).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Table("case_deliveries").Order("case_id DESC").Limit(1).Pluck("case_id", &delivered).Error; err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct {
			table, set string
			arg        any
			id         int64
		}{
			{"cases", "title", "标题\x1f含分隔符", ids[0]},
			{"cases", "title", "=HYPERLINK(\"x\"),含逗号\"引号\"\n和换行", ids[1]},
			{"cases", "case_number", nil, ids[1]},
			{"cases", "field", "生态\x1f环境", ids[2]},
			{"cases", "case_number", "\x1f", ids[3]},
			{"cases", "document_number", " 前导空格", ids[3]},
			{"cases", "title", "\t-制表符开头\r\n", ids[4]},
			{"cases", "title", "末尾分隔符\x1f", ids[5]},
			{"cases", "title", `\.`, ids[6]},
			{"replies", "position", "adopted\x1f", replied},
			{"case_deliveries", "method", "written\x1f", delivered},
		} {
			col := "id"
			if u.table != "cases" {
				col = "case_id"
			}
			if err := db.Table(u.table).Where(col+" = ?", u.id).Update(u.set, u.arg).Error; err != nil {
				t.Fatal(err)
			}
		}
		var province org.Procuratorate
		if err := db.Where("level = ?", org.LevelProvincial).First(&province).Error; err != nil {
			t.Fatal(err)
		}
		chief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: province.ID, ProcuratoratePath: province.Path}
		want, err := stats.LedgerReferenceCSV(db, clock.Location(), clock.Today())
		if err != nil {
			t.Fatal(err)
		}
		records := func(b []byte) []string {
			t.Helper()
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			out := make([]string, len(rows))
			for i, r := range rows {
				out[i] = strings.Join(r[1:], "\x00") // without the running number
			}
			sort.Strings(out)
			return out
		}
		for _, walk := range []struct {
			name string
			svc  *stats.Service
		}{{"by table", &stats.Service{DB: db, Clock: clock, WideAbove: 1}}, {"by procuratorate", &stats.Service{DB: db, Clock: clock}}} {
			l, err := walk.svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, "csv")
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := l.WriteCSV(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			if walk.name == "by table" {
				if !bytes.Equal(buf.Bytes(), want) {
					got, ref := strings.Split(buf.String(), "\n"), strings.Split(string(want), "\n")
					for i := range min(len(got), len(ref)) {
						if got[i] != ref[i] {
							t.Fatalf("%s: line %d\n got %q\nwant %q", walk.name, i+1, got[i], ref[i])
						}
					}
					t.Fatalf("%s: %d lines, want %d", walk.name, len(got), len(ref))
				}
				continue
			}
			if got, ref := records(buf.Bytes()), records(want); strings.Join(got, "\n") != strings.Join(ref, "\n") {
				t.Fatalf("%s: the rows differ from the reference's", walk.name)
			}
		}
		// Three at once: while the exports outnumber the cores, a reader
		// does not read ahead of its writer; the bytes are the same.
		var wg sync.WaitGroup
		outs, errs := make([]bytes.Buffer, 3), make([]error, 3)
		for i := range outs {
			wg.Go(func() {
				l, err := (&stats.Service{DB: db, Clock: clock, WideAbove: 1}).PrepareLedger(ctx, chief, stats.StatsQuery{}, "csv")
				if err == nil {
					err = l.WriteCSV(ctx, &outs[i])
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i := range outs {
			if errs[i] != nil || !bytes.Equal(outs[i].Bytes(), want) {
				t.Fatalf("export %d of 3 at once: %v, %d bytes, want %d", i, errs[i], outs[i].Len(), len(want))
			}
		}
	})
}
