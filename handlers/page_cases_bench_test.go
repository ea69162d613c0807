package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// benchPagesEnv is the demo with 2,000 more cases of prosecutor1 spread over
// the states, so the 工作台's counts and lists read real tables.
func benchPagesEnv(b *testing.B, driver string) (*apitest.Env, int64) {
	env := apitest.NewDemo(b, driver)
	db := env.DB
	var prosecutor org.User
	db.Where("username = ?", "prosecutor1").First(&prosecutor)
	agency := env.Org.Agency1.ID
	now := time.Now().UTC()
	states := []cases.CaseState{cases.StateLead, cases.StateChecking, cases.StateInvestigating, cases.StateDrafting,
		cases.StateDelivered, cases.StateReplied, cases.StateFollowingUp, cases.StateClosed}
	rows := make([]cases.Case, 0, 2000)
	for i := 0; i < 2000; i++ {
		day := calendar.NewDate(2025, time.January, 1).AddDays(i % 700)
		due := day.AddDays(61)
		c := cases.Case{ProcuratorateID: env.Org.District.ID, DepartmentID: env.Org.Department.ID,
			Title: fmt.Sprintf("基准案件%d", i), Field: "其他", Source: cases.SourceOther, AgencyID: &agency, ProsecutorID: prosecutor.ID,
			State: states[i%len(states)], Version: 1, StateEnteredAt: now, CreatedBy: prosecutor.ID, CreatedAt: now, UpdatedAt: now}
		if c.State == cases.StateDelivered || c.State == cases.StateReplied || c.State == cases.StateFollowingUp || c.State == cases.StateClosed {
			no := fmt.Sprintf("清河检八建〔%d〕%d号", day.Year(), i+100)
			c.DocumentNumber, c.DeliveredOn, c.ReceivedOn, c.ReplyDue = &no, &day, &day, &due
		}
		rows = append(rows, c)
	}
	if err := db.CreateInBatches(rows, 200).Error; err != nil {
		b.Fatal(err)
	}
	// The demo's delivered case with the longest timeline.
	var id int64
	db.Raw("SELECT case_id FROM case_events GROUP BY case_id ORDER BY COUNT(*) DESC LIMIT 1").Scan(&id)
	return env, id
}

// BenchmarkDashboardPage compares the 工作台 page with its API call
// (GET /api/v1/work): the page adds the frame, the unread notifications and
// the template.
func BenchmarkDashboardPage(b *testing.B) {
	for _, driver := range dbtest.Drivers() {
		b.Run(driver, func(b *testing.B) {
			env, _ := benchPagesEnv(b, driver)
			br := env.WebLogIn(b, "prosecutor1")
			env.Token("prosecutor1")
			b.Run("page", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if res := br.Get("/dashboard"); res.Status != http.StatusOK {
						b.Fatalf("status %d", res.Status)
					}
				}
			})
			b.Run("api", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if res := env.Do("GET", "/api/v1/work", "prosecutor1", nil); res.Status != http.StatusOK {
						b.Fatalf("status %d", res.Status)
					}
				}
			})
		})
	}
}

// BenchmarkCasePage compares the case page with GET /api/v1/cases/{id} and
// with the four API calls a client makes for the same content (the case,
// its events, its agency records, its approval steps).
func BenchmarkCasePage(b *testing.B) {
	for _, driver := range dbtest.Drivers() {
		b.Run(driver, func(b *testing.B) {
			env, id := benchPagesEnv(b, driver)
			br := env.WebLogIn(b, "prosecutor1")
			env.Token("prosecutor1")
			b.Run("page", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if res := br.Get(fmt.Sprintf("/cases/%d", id)); res.Status != http.StatusOK {
						b.Fatalf("status %d", res.Status)
					}
				}
			})
			b.Run("api-case", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if res := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), "prosecutor1", nil); res.Status != http.StatusOK {
						b.Fatalf("status %d", res.Status)
					}
				}
			})
			b.Run("api-4-calls", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					for _, p := range []string{"", "/events", "/agency-records", "/approval-steps"} {
						if res := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d%s", id, p), "prosecutor1", nil); res.Status != http.StatusOK {
							b.Fatalf("%s: status %d", p, res.Status)
						}
					}
				}
			})
		})
	}
}
