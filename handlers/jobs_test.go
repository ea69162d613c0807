package handlers_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

func TestAdminJobsAPI(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		for _, tt := range []struct {
			name, method, path, user string
			want                     int
		}{
			{"prosecutor cannot list", "GET", "/api/v1/admin/jobs", "prosecutor1", http.StatusForbidden},
			{"case manager cannot run", "POST", "/api/v1/admin/jobs/daily_stats/run", "casemgr1", http.StatusForbidden},
			{"agency cannot run", "POST", "/api/v1/admin/jobs/reply_reminders/run", "agency1", http.StatusForbidden},
			{"anonymous", "GET", "/api/v1/admin/jobs", "", http.StatusUnauthorized},
			{"unknown job", "POST", "/api/v1/admin/jobs/no_such_job/run", "admin", http.StatusNotFound},
			{"bad runs parameter", "GET", "/api/v1/admin/jobs?runs=0", "admin", http.StatusBadRequest},
		} {
			t.Run(tt.name, func(t *testing.T) {
				env.Do(tt.method, tt.path, tt.user, nil).Expect(t, tt.want)
			})
		}

		run := env.Do("POST", "/api/v1/admin/jobs/daily_stats/run", "admin", nil).Expect(t, http.StatusOK).JSON()
		if run["status"] != "ok" || run["trigger"] != "manual" || run["job_name"] != "daily_stats" || run["handled"].(float64) < 1 {
			t.Fatalf("run %v", run)
		}
		// The manual run is audited with who asked for it.
		var audits []audit.Entry
		db.Where("action = ?", "job.run").Find(&audits)
		if len(audits) != 1 || audits[0].ActorName != "admin" || audits[0].ObjectID == nil || *audits[0].ObjectID != int64(run["id"].(float64)) {
			t.Fatalf("audit entries %+v", audits)
		}

		var list struct {
			Items []struct {
				Name     string           `json:"name"`
				Spec     string           `json:"spec"`
				Enabled  bool             `json:"enabled"`
				Running  bool             `json:"running"`
				LastRuns []map[string]any `json:"last_runs"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/admin/jobs", "admin", nil).Expect(t, http.StatusOK).Decode(t, &list)
		byName := map[string]int{}
		for i, j := range list.Items {
			byName[j.Name] = i
		}
		for _, name := range []string{"reply_reminders", "stage_warnings", "filing_deadlines", "daily_stats", "outbox"} {
			if _, ok := byName[name]; !ok {
				t.Fatalf("job %s missing from %+v", name, list.Items)
			}
		}
		stats := list.Items[byName["daily_stats"]]
		if stats.Spec != "0 1 * * *" || len(stats.LastRuns) != 1 || stats.LastRuns[0]["status"] != "ok" {
			t.Fatalf("daily_stats %+v", stats)
		}
		// A run its server abandoned (crash mid-run) is marked failed when
		// the job runs again, and the list shows it.
		started := env.Now().UTC().Add(-3 * time.Hour)
		if real := time.Now().UTC().Add(-3 * time.Hour); real.Before(started) {
			started = real
		}
		stale := &jobs.JobRun{JobName: "stage_warnings", TriggerKind: jobs.TriggerManual, Replica: "gone:1", Status: jobs.RunRunning, StartedAt: started}
		if err := db.Create(stale).Error; err != nil {
			t.Fatal(err)
		}
		env.Do("POST", "/api/v1/admin/jobs/stage_warnings/run", "admin", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/admin/jobs", "admin", nil).Expect(t, http.StatusOK).Decode(t, &list)
		found := false
		for _, j := range list.Items {
			for _, r := range j.LastRuns {
				if j.Name == "stage_warnings" && int64(r["id"].(float64)) == stale.ID {
					found = r["status"] == "failed" && r["error"] == jobs.AbandonedRunError && r["finished_at"] != nil
				}
			}
		}
		if !found {
			t.Fatalf("abandoned run not listed as failed: %+v", list.Items)
		}
		// apitest turns jobs.enabled off: the list says so.
		if stats.Enabled {
			t.Fatal("jobs reported enabled while jobs.enabled is false")
		}
	})
}

// TestJobsOpenAPIFragment checks every endpoint of this feature is in the
// served contract, and every reference in it resolves.
func TestJobsOpenAPIFragment(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, dbtest.Open(t, "sqlite"))
	res := env.Do("GET", "/openapi.yaml", "", nil).Expect(t, http.StatusOK)
	var doc map[string]any
	if err := yaml.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]any)
	for path, method := range map[string]string{
		"/api/v1/admin/jobs": "get", "/api/v1/admin/jobs/{name}/run": "post", "/api/v1/notifications": "get",
		"/api/v1/notifications/{id}/read": "post", "/api/v1/notifications/read-all": "post",
	} {
		p, ok := paths[path].(map[string]any)
		if !ok || p[method] == nil {
			t.Errorf("%s %s not documented", method, path)
		}
	}
	comps := doc["components"].(map[string]any)
	for _, ref := range regexp.MustCompile(`#/components/(\w+)/(\w+)`).FindAllStringSubmatch(string(res.Body), -1) {
		sec, _ := comps[ref[1]].(map[string]any)
		if _, ok := sec[ref[2]]; !ok {
			t.Errorf("dangling reference %s", ref[0])
		}
	}
}
