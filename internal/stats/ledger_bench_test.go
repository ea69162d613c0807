package stats_test

import (
	"context"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// BenchmarkLedgerSeeded exports the province's whole ledger (as its chief)
// from a database made by `server seed-bench`, as CSV and as xlsx, and
// reports rows/s (and per CPU-second of the process), allocations and bytes per row and the peak live heap.
// JIANYI_BENCH_LEDGER_DSN names the database (a SQLite file — use a copy:
// the export writes its audit entry — or, with
// JIANYI_BENCH_LEDGER_DRIVER=mysql, a MySQL DSN); without it the benchmark
// is skipped.
//
//	JIANYI_BENCH_LEDGER_DSN=/tmp/bench.db go test ./internal/stats -run '^$' -bench LedgerSeeded -benchtime 2x
func BenchmarkLedgerSeeded(b *testing.B) {
	dsn := os.Getenv("JIANYI_BENCH_LEDGER_DSN")
	if dsn == "" {
		b.Skip("JIANYI_BENCH_LEDGER_DSN not set")
	}
	driver := os.Getenv("JIANYI_BENCH_LEDGER_DRIVER")
	if driver == "" {
		driver = "sqlite"
	}
	db, err := database.Open(database.OpenOptions{Driver: driver, DSN: dsn, MaxOpenConns: 20, MaxIdleConns: 10}) // the shipped pool
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clock := calendar.NewClock(loc, func() time.Time { return time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC) })
	svc := &stats.Service{DB: db, Clock: clock}
	var province org.Procuratorate
	if err := db.Where("level = ?", org.LevelProvincial).First(&province).Error; err != nil {
		b.Fatal(err)
	}
	chief := &org.Actor{UserID: 1, Role: org.RoleChief, ProcuratorateID: province.ID, ProcuratoratePath: province.Path}
	ctx := context.Background()
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			peak := sampleHeap()
			cpu0 := processCPU()
			rows := 0
			var bytes int64
			for b.Loop() {
				l, err := svc.PrepareLedger(ctx, chief, stats.StatsQuery{}, format)
				if err != nil {
					b.Fatal(err)
				}
				cw := &countingWriter{}
				if format == "csv" {
					err = l.WriteCSV(ctx, cw)
				} else {
					err = l.WriteXLSX(ctx, cw)
				}
				if err != nil {
					b.Fatal(err)
				}
				rows += l.Rows
				bytes = cw.n
			}
			heap := peak()
			sec := b.Elapsed().Seconds()
			cpu := (processCPU() - cpu0).Seconds()
			b.ReportMetric(float64(rows)/sec, "rows/s")
			b.ReportMetric(float64(rows)/cpu, "rows/cpu-s")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(rows)/float64(b.N), "rows")
			b.ReportMetric(float64(bytes)/(1<<20), "MB")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		})
	}
}

// processCPU is the CPU time the process has used (user and system, every
// thread): on a shared machine the wall time of an export moves with the
// others' load, its CPU much less.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sampleHeap samples the live heap every 20 ms until the returned function
// is called, which answers the peak.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak.Load()
	}
}
