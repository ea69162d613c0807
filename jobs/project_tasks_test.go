package jobs_test

import (
	"testing"
	"time"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

func TestProjectTaskJobRegistered(t *testing.T) {
	t.Parallel()
	var job *jobs.Job
	for _, j := range jobs.All() {
		if j.Name == "project_tasks" {
			job = &j
		}
	}
	if job == nil {
		t.Fatal("project_tasks job not registered")
	}
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	if spec := job.Spec(cfg); spec.Spec != cfg.Jobs.ProjectTasks.Spec || !spec.Enabled {
		t.Fatalf("spec %+v", spec)
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		n, err := job.Run(t.Context(), &jobs.Env{DB: db, Config: cfg, Now: now, Today: calendar.DateOf(now, testZone)})
		if err != nil || n != 0 {
			t.Fatalf("empty run: %d, %v", n, err)
		}
	})
}
