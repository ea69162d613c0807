package stats

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"

	"gorm.io/gorm"
)

// openEmpty opens a migrated SQLite database with no cases.
func openEmpty(t *testing.T) *database.DB {
	t.Helper()
	db, err := database.Open(database.OpenOptions{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "empty.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestRequestsShareOneCatchUp: with CatchUpWait set, requests that find the
// aggregates behind join the one catch-up in flight instead of queueing
// their own behind it, and none waits for it longer than CatchUpWait (here
// the catch-up is held up by another one holding the lock); once it is done
// they read the state only.
func TestRequestsShareOneCatchUp(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	s := &Service{DB: db, Clock: calendar.NewClock(loc, time.Now), CatchUpWait: 50 * time.Millisecond}

	// Another catch-up (the minutely job's) holds the lock.
	mu, _ := rollupLocks.LoadOrStore(db, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	first := s.sharedCatchUp(ctx)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			if err := s.catchUpFor(ctx); err != nil {
				t.Error(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("a request waited %v for the catch-up (CatchUpWait 50ms)", d)
			}
		}()
	}
	wg.Wait()
	if f := s.sharedCatchUp(ctx); f != first {
		t.Fatal("a request started a second catch-up while one was in flight")
	}
	mu.(*sync.Mutex).Unlock()
	<-first.done
	if first.err != nil {
		t.Fatal(first.err)
	}
	if _, current, err := rollupCurrent(db.DB, s.Clock.Today()); err != nil || !current {
		t.Fatalf("not current after the shared catch-up: %v", err)
	}
	if err := s.catchUpFor(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRecountYieldsToAnotherProcess: a full recount's write checks the
// aggregates' state first. When another process counted the same or a later
// state of today meanwhile, that state stands and nothing is written; when
// the state moved otherwise, the recount is to start again.
func TestRecountYieldsToAnotherProcess(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	clock := calendar.NewClock(loc, func() time.Time { return now })
	db.UseClock(clock.Now)
	s := &Service{DB: db, Clock: clock}
	if err := s.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	today := clock.Today()
	was, err := rollupStateOf(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	change := &rowChange[appCount]{table: "stats_application_counts", write: []appCount{{ProcuratorateID: 424242, Received: 1}}}
	written := func() bool {
		var n int64
		if err := db.Table("stats_application_counts").Where("procuratorate_id = 424242").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	moveState := func(day calendar.Date) {
		now = now.Add(time.Second)
		if err := db.WithTx(ctx, func(tx *gorm.DB) error { return saveState(tx, day, was.AuditID) }); err != nil {
			t.Fatal(err)
		}
	}

	moveState(today) // another process counted the same state again
	if err := s.writeChanges(ctx, was, today, was.AuditID, []tableChange{change}); err != nil || written() {
		t.Fatalf("a recount wrote over the same state counted meanwhile: %v, written %v", err, written())
	}
	was, _ = rollupStateOf(db.DB)
	moveState(today.AddDays(-1)) // the state moved, but not to today's
	if err := s.writeChanges(ctx, was, today, was.AuditID, []tableChange{change}); !errors.Is(err, errRollupMoved) || written() {
		t.Fatalf("a recount wrote over a state that moved meanwhile: %v, written %v", err, written())
	}
	was, _ = rollupStateOf(db.DB)
	if err := s.writeChanges(ctx, was, today, was.AuditID, []tableChange{change}); err != nil || !written() {
		t.Fatalf("a recount of an unchanged state did not write: %v, written %v", err, written())
	}
}
