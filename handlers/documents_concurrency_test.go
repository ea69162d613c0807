package handlers_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// TestConcurrentFirstDownloads: letters issued before freezing existed are
// frozen on their first download. Concurrent first downloads of different
// letters (neighbours, sharing one gap of the stored files' owner index on
// MariaDB) and of the same letter all answer 200, and each letter ends with
// exactly one frozen copy and one document.generate audit entry.
func TestConcurrentFirstDownloads(t *testing.T) {
	// Not parallel: it races requests on one database.
	const letters, clients = 24, 8
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		ids := make([]int64, letters)
		for i := range ids {
			c := env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Content: longContent(),
				DocumentNumber: fmt.Sprintf("清河检八建〔2026〕%d号", 100+i),
				IssuedAt:       time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), DeliveredOn: calendar.NewDate(2026, 1, 6),
				ReplyDue: calendar.NewDate(2026, 3, 6)})
			ids[i] = c.ID
		}
		env.Token("prosecutor1")
		download := func(jobs []int64) []string {
			var mu sync.Mutex
			var failures []string
			next := make(chan int64)
			var wg sync.WaitGroup
			for w := 0; w < clients; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for id := range next {
						res := env.Do("GET", docPath(id, "recommendation"), "prosecutor1", nil)
						if res.Status != http.StatusOK {
							mu.Lock()
							failures = append(failures, fmt.Sprintf("case %d: %d %s", id, res.Status, res.Body))
							mu.Unlock()
						}
					}
				}()
			}
			for _, id := range jobs {
				next <- id
			}
			close(next)
			wg.Wait()
			return failures
		}
		if f := download(ids[:letters/2]); len(f) > 0 {
			t.Fatalf("%d of %d concurrent first downloads of different letters failed, e.g. %s", len(f), letters/2, f[0])
		}
		// The same letter by every client at once.
		same := make([]int64, 0, clients*(letters/2))
		for _, id := range ids[letters/2:] {
			for k := 0; k < clients; k++ {
				same = append(same, id)
			}
		}
		if f := download(same); len(f) > 0 {
			t.Fatalf("%d of %d concurrent first downloads of the same letter failed, e.g. %s", len(f), len(same), f[0])
		}
		for _, id := range ids {
			var n, generated int64
			db.Model(&files.StoredFile{}).Where("owner_type = ? AND owner_id = ?", "recommendation_pdf", id).Count(&n)
			db.Table("audit_entries").Where("action = ? AND object_type = ? AND object_id = ?", "document.generate", "case", id).Count(&generated)
			if n != 1 || generated != 1 {
				t.Fatalf("case %d: %d frozen copies and %d document.generate entries, want 1 and 1", id, n, generated)
			}
		}
	})
}
