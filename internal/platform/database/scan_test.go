package database_test

import (
	"errors"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestScanEachReadsEveryRowAndStopsAtAnError: ScanEach scans each row into
// the destinations and hands it to the callback, in the statement's order;
// an error from the callback stops the walk and comes back.
func TestScanEachReadsEveryRowAndStopsAtAnError(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		var want []string
		if err := db.Raw("SELECT username FROM users ORDER BY id").Scan(&want).Error; err != nil || len(want) < 2 {
			t.Fatalf("seeded users %v (%v)", want, err)
		}
		var name string
		var got []string
		err := database.ScanEach(db.Table("users").Select("username").Order("id"), []any{&name}, func() error {
			got = append(got, name)
			return nil
		})
		if err != nil || len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Fatalf("ScanEach read %v (%v), want %v", got, err, want)
		}
		stop := errors.New("stop")
		n := 0
		err = database.ScanEach(db.Table("users").Select("username"), []any{&name}, func() error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Fatalf("after an error: %d rows, %v", n, err)
		}
	})
}
