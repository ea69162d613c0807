package handlers_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

func TestCaseEngineSmoke(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		res := env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{
			"title": "校园周边食品安全隐患", "field": "食品药品安全", "source": "case_finding", "summary": "发现校园周边流动摊贩无证经营。",
			"agency_id": env.Org.Agency1.ID,
		}).Expect(t, http.StatusCreated)
		var c struct {
			ID             int64    `json:"id"`
			State          string   `json:"state"`
			Version        int      `json:"version"`
			AllowedActions []string `json:"allowed_actions"`
		}
		res.Decode(t, &c)
		if c.State != "lead" || c.Version != 1 {
			t.Fatalf("new case %+v", c)
		}
		path := fmt.Sprintf("/api/v1/cases/%d/actions/", c.ID)
		// Wrong state → 409 naming the allowed actions.
		r := env.Do("POST", path+"issue", "prosecutor1", map[string]any{"version": 1}).Expect(t, http.StatusConflict)
		if r.ErrorCode() != "action_not_allowed_in_state" {
			t.Fatalf("code %s", r.ErrorCode())
		}
		// Two requests at once on the same version: exactly one wins.
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, u := range []string{"prosecutor1", "prosecutor1"} {
			env.Token(u)
			wg.Add(1)
			go func(i int, u string) {
				defer wg.Done()
				statuses[i] = env.Do("POST", path+"check", u, map[string]any{"version": 1}).Status
			}(i, u)
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
			t.Fatalf("concurrent check statuses %v, want one 200 and one 409", statuses)
		}
		// The agency cannot see a lead.
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "agency1", nil).Expect(t, http.StatusNotFound)
		// A prosecutor of another procuratorate cannot see it either.
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "cityprosecutor1", nil).Expect(t, http.StatusNotFound)
		// Role not allowed: a prosecutor cannot file.
		env.Do("POST", path+"file", "prosecutor1", map[string]any{"version": 2}).Expect(t, http.StatusForbidden)
		ev := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).JSON()
		if n := len(ev["items"].([]any)); n != 2 {
			t.Fatalf("events %d, want 2 (register, check)", n)
		}
	})
}
