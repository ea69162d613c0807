package stats

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// TestRequestsShareOneCatchUp: with CatchUpWait set, requests that find the
// aggregates behind join the one catch-up in flight instead of queueing
// their own behind it, and none waits for it longer than CatchUpWait (here
// the catch-up is held up by another one holding the lock); once it is done
// they read the state only.
func TestRequestsShareOneCatchUp(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(database.OpenOptions{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "catchup.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
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
