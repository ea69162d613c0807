package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/ratelimit"
)

func refused(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Kind == apperr.ErrTooMany
}

func storedHits(t *testing.T, db *database.DB) int {
	t.Helper()
	var n int
	if err := db.Raw("SELECT COALESCE(SUM(hits), 0) FROM rate_limits").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBatchedRefusesLikeHit: one replica refuses the hit after Max exactly,
// writes the counter once per batch, and starts afresh in the next window.
func TestBatchedRefusesLikeHit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
		b := ratelimit.NewBatched(ratelimit.Limit{Name: "search_ip", Max: 60, Window: time.Minute})
		for i := 1; i <= 60; i++ {
			if err := b.Hit(ctx, db, now, "10.0.0.1"); err != nil {
				t.Fatalf("hit %d refused: %v", i, err)
			}
		}
		if got := storedHits(t, db); got != 60 {
			t.Fatalf("the database holds %d hits after 60 in batches of 6, want 60", got)
		}
		if err := b.Hit(ctx, db, now, "10.0.0.1"); !refused(err) {
			t.Fatalf("hit 61: %v, want too many", err)
		}
		if err := b.Hit(ctx, db, now, "10.0.0.2"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		if err := b.Hit(ctx, db, now.Add(time.Minute), "10.0.0.1"); err != nil {
			t.Fatalf("next window: %v", err)
		}
	})
}

// TestBatchedSharesTheCountAcrossReplicas: two replicas (two Batched on one
// database) together let through at most Max plus a batch less one per
// other replica.
func TestBatchedSharesTheCountAcrossReplicas(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
		l := ratelimit.Limit{Name: "search_ip", Max: 100, Window: time.Minute}
		a, b := ratelimit.NewBatched(l), ratelimit.NewBatched(l) // batches of 10
		accepted := 0
		for i := 0; i < 300; i++ {
			r := a
			if i%2 == 1 {
				r = b
			}
			if err := r.Hit(ctx, db, now, "10.0.0.1"); err == nil {
				accepted++
			} else if !refused(err) {
				t.Fatal(err)
			}
		}
		if accepted < 100 || accepted > 100+9 {
			t.Fatalf("two replicas let %d of 300 hits through, want 100 to 109", accepted)
		}
	})
}

// TestBatchedWithMaxOfTwoCountsEveryHit: a small limit writes every hit, so
// it is exact across replicas too.
func TestBatchedWithMaxOfTwoCountsEveryHit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
		l := ratelimit.Limit{Name: "search_ip", Max: 2, Window: time.Minute}
		a, b := ratelimit.NewBatched(l), ratelimit.NewBatched(l)
		for _, r := range []*ratelimit.Batched{a, b} {
			if err := r.Hit(ctx, db, now, "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Hit(ctx, db, now, "10.0.0.1"); !refused(err) {
			t.Fatalf("third hit on either replica: %v, want too many", err)
		}
	})
}
