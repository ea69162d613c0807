package cases_test

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

// BenchmarkFilingList measures the filings list of the bench's filings
// request (the first page, and a page at a cursor half-way down, as the city
// chief), its JSON included, on a COPY of a database filled by
// `server seed-bench` (migrated first). JIANYI_BENCH_USER picks another user
// (bench-p-chief: the province):
//
//	cp --sparse=always /dev/shm/s100k.db /dev/shm/mine.db
//	JIANYI_BENCH_DB=/dev/shm/mine.db go test ./internal/cases -run '^$' -bench FilingList -benchtime 2000x
func BenchmarkFilingList(b *testing.B) {
	db := dbtest.OpenBenchDB(b)
	a := dbtest.BenchActor(b, db, "bench-c05-chief")
	ctx := context.Background()
	svc := &cases.Service{DB: db, Clock: calendar.NewClock(time.UTC, time.Now)}
	first, _, err := svc.ListFilings(ctx, a, cases.FilingListQuery{})
	if err != nil || len(first) == 0 {
		b.Fatalf("no filings for the user: %v", err)
	}
	var middle int64
	if err := db.Raw("SELECT MAX(id) / 2 FROM filings").Scan(&middle).Error; err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		q    cases.FilingListQuery
	}{{"first", cases.FilingListQuery{}}, {"middle", cases.FilingListQuery{Cursor: middle}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				items, _, err := svc.ListFilings(ctx, a, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				if err := json.NewEncoder(io.Discard).Encode(items); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
