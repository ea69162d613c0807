package handlers_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestConcurrentIssuanceNumbers: 50 approved cases of one department are
// issued at the same moment; every issuance succeeds and the 文号 are exactly
// 1..50 — no duplicate, no gap.
func TestConcurrentIssuanceNumbers(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	const n = 50
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		approved := make([]caseState, n)
		for i := range approved {
			approved[i] = driveTo(t, env, fmt.Sprintf("并发制发 %d", i+1), "approved")
		}
		env.Token("prosecutor1")
		type result struct {
			status int
			c      caseState
			body   string
		}
		results := make([]result, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range approved {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				res := actOn(env, approved[i].ID, "issue", "prosecutor1", approved[i].Version, nil)
				results[i] = result{status: res.Status, body: string(res.Body)}
				if res.Status == http.StatusOK {
					res.Decode(t, &results[i].c)
				}
			}(i)
		}
		close(start)
		wg.Wait()
		seen := map[string]bool{}
		var seqs []int
		for i, r := range results {
			if r.status != http.StatusOK {
				t.Fatalf("issuance %d: %d %s", i, r.status, r.body)
			}
			num := *r.c.DocumentNumber
			if seen[num] {
				t.Fatalf("duplicate 文号 %s", num)
			}
			seen[num] = true
			var seq int
			if _, err := fmt.Sscanf(num, "清河检八建〔2026〕%d号", &seq); err != nil {
				t.Fatalf("文号 %q: %v", num, err)
			}
			seqs = append(seqs, seq)
		}
		sort.Ints(seqs)
		for i, s := range seqs {
			if s != i+1 {
				t.Fatalf("sequence numbers %v, want 1..%d", seqs, n)
			}
		}
		// The next issuance continues the sequence.
		next := mustAct(t, env, driveTo(t, env, "第51件", "approved"), "issue", "prosecutor1", nil)
		if *next.DocumentNumber != "清河检八建〔2026〕51号" {
			t.Fatalf("after the burst: %s", *next.DocumentNumber)
		}
	})
}
