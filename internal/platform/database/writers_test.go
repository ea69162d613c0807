package database_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/dbtest"
)

// TestSQLiteWritersQueue: on SQLite a WithTx transaction waits its turn
// behind the one writing, a waiter whose context ends leaves the queue with
// its context's error (no transaction begun), and the queue serves every
// later writer once the first is done — 32 concurrent writers all commit.
func TestSQLiteWritersQueue(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	if err := db.Exec("CREATE TABLE queue_probe (n INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.WithTx(ctx, func(tx *gorm.DB) error {
			close(holding)
			<-release
			return tx.Exec("INSERT INTO queue_probe (n) VALUES (0)").Error
		})
	}()
	<-holding
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	ran := false
	err := db.WithTx(short, func(tx *gorm.DB) error { ran = true; return nil })
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("a writer queued behind another past its deadline: ran %v, %v", ran, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 1; i <= 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.WithTx(ctx, func(tx *gorm.DB) error { return tx.Exec("INSERT INTO queue_probe (n) VALUES (?)", i).Error })
		}()
	}
	close(release)
	wg.Wait()
	close(errs)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	if err := db.Raw("SELECT COUNT(*) FROM queue_probe").Scan(&n).Error; err != nil || n != 33 {
		t.Fatalf("%d rows (%v), want 33", n, err)
	}
}
