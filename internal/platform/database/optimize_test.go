package database_test

import (
	"context"
	"testing"

	"jianyi/dbtest"
)

// TestOptimizeGathersPlannerStatistics: on SQLite, Optimize leaves the
// planner statistics (sqlite_stat1) that the application never gathered
// before; on MySQL it is a no-op that succeeds.
func TestOptimizeGathersPlannerStatistics(t *testing.T) {
	t.Parallel()
	for _, driver := range dbtest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			db := dbtest.OpenSeeded(t, driver)
			if err := db.Optimize(context.Background()); err != nil {
				t.Fatal(err)
			}
			if driver != "sqlite" {
				return
			}
			var n int64
			if err := db.Raw("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl IN ('users', 'procuratorates')").Scan(&n).Error; err != nil || n == 0 {
				t.Fatalf("%d statistics rows for the seeded tables (%v)", n, err)
			}
		})
	}
}
