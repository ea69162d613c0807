package stats_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/stats"
)

// BenchmarkRecountBesideWrites measures how long writers wait while the
// aggregates are recounted on a generated province (a SQLite copy made by
// `server seed-bench`, dbtest.EnvBenchDB): a writer opens a write
// transaction every 50 ms meanwhile, and the longest wait, the writes that
// gave up (the busy timeout) and the rows the recount changed are reported.
// "full" is `server stats rebuild` (on aggregates counted as of another day,
// what a full recount writes back); "new_day" catches up first, then
// measures the first catch-up of a day JIANYI_BENCH_DAYS (default 1) later —
// it leaves them counted as of that day, so the next start on the copy
// recounts them again.
// JIANYI_BENCH_REBUILD_ABOVE sets Service.RebuildAbove (a large value keeps
// the new day's catch-up incremental, inside its write transaction).
//
//	JIANYI_BENCH_DB=/path/to/copy.db go test ./internal/stats -run '^$' -bench RecountBesideWrites -benchtime 1x -timeout 30m
func BenchmarkRecountBesideWrites(b *testing.B) {
	db := dbtest.OpenBenchDB(b)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	days := 1
	if v := os.Getenv("JIANYI_BENCH_DAYS"); v != "" {
		days, _ = strconv.Atoi(v)
	}
	var offset time.Duration
	clock := calendar.NewClock(loc, func() time.Time { return time.Now().Add(offset) })
	db.UseClock(clock.Now)
	svc := &stats.Service{DB: db, Clock: clock}
	if v := os.Getenv("JIANYI_BENCH_REBUILD_ABOVE"); v != "" {
		svc.RebuildAbove, _ = strconv.Atoi(v)
	}
	beside := func(b *testing.B, work func() (int, error)) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var longest time.Duration
		failed, writes := 0, 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				start := time.Now()
				err := db.WithTx(ctx, func(tx *gorm.DB) error { return nil })
				longest = max(longest, time.Since(start))
				writes++
				if err != nil {
					failed++
				}
			}
		}()
		start := time.Now()
		n, err := work()
		took := time.Since(start)
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(longest.Milliseconds()), "max-write-wait-ms")
		b.ReportMetric(float64(failed), "writes-failed")
		b.ReportMetric(float64(n), "rows-changed")
		b.Logf("took %v; %d writes beside it, longest wait %v, %d failed; %d rows changed", took.Round(time.Millisecond), writes, longest, failed, n)
	}
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			beside(b, func() (int, error) { return svc.Rebuild(ctx) })
		}
	})
	b.Run("new_day", func(b *testing.B) {
		if err := svc.CatchUp(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			offset += time.Duration(days) * 24 * time.Hour
			beside(b, func() (int, error) { return -1, svc.CatchUp(ctx) })
		}
	})
}
