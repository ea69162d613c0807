package jobs_test

import (
	"context"
	"fmt"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
	"jianyi/jobs"
)

// TestSearchCompactJob: the nightly job leaves each full-text index in one
// segment on SQLite however many transactions wrote tokens, and the cases
// are still found; on MariaDB/MySQL it runs and handles nothing.
func TestSearchCompactJob(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		seed := seed(t, db)
		clock := &testClock{}
		clock.Set(at8(d("2026-03-03")))
		s := newScheduler(t, db, cfg, clock)
		for i := range 12 { // one transaction each, a segment each
			c := caseFixture(t, db, seed, fmt.Sprintf("尾矿库渗漏第%d号", i), cases.StateInvestigating, at8(d("2026-03-02")))
			if err := cases.IndexCase(db.DB, c, nil); err != nil {
				t.Fatal(err)
			}
		}
		before, err := search.Cases.Segments(db.DB)
		if err != nil {
			t.Fatal(err)
		}
		run, err := s.RunNow(context.Background(), &org.Actor{Username: "test"}, "search_compact")
		if err != nil || run.Status != jobs.RunOK {
			t.Fatalf("run %+v, %v", run, err)
		}
		if db.Dialect == "mysql" {
			if run.Handled != 0 {
				t.Errorf("MySQL: handled %d", run.Handled)
			}
			return
		}
		for _, ix := range []search.Index{search.Cases, search.Disclosures} {
			if n, err := ix.Segments(db.DB); err != nil || n > 1 {
				t.Errorf("%s: %d segments after the run (%v)", ix.Table, n, err)
			}
		}
		if before < 2 || run.Handled == 0 {
			t.Errorf("%d case segments before, %d steps: the test wrote too few", before, run.Handled)
		}
		var n int64
		search.Cases.Match(db.Table("cases"), "cases", search.ParseQuery("尾矿库")).Count(&n)
		if n != 12 {
			t.Errorf("尾矿库 found in %d cases after the merge, want 12", n)
		}
	})
}
