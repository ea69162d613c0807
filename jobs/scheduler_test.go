package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

func testJob(name, spec string, run func(ctx context.Context, env *jobs.Env) (int, error)) jobs.Job {
	return jobs.Job{Name: name, Spec: func(*config.Config) config.JobSpec { return config.JobSpec{Spec: spec, Enabled: spec != ""} }, Run: run}
}

func schedulerWith(t *testing.T, db *database.DB, clock *testClock, list ...jobs.Job) *jobs.Scheduler {
	t.Helper()
	s, err := jobs.New(jobs.Options{DB: db, Config: testConfig(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: calendar.NewClock(testZone, clock.Now), Jobs: list})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(context.Background()) })
	return s
}

func TestSchedulerRecordsRuns(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clock := &testClock{}
		clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
		var sawToday calendar.Date
		s := schedulerWith(t, db, clock,
			testJob("counts", "0 8 * * *", func(ctx context.Context, env *jobs.Env) (int, error) { sawToday = env.Today; return 7, nil }),
			testJob("fails", "0 8 * * *", func(ctx context.Context, env *jobs.Env) (int, error) { return 2, errors.New("数据库不可用") }),
			testJob("panics", "0 8 * * *", func(ctx context.Context, env *jobs.Env) (int, error) { panic("boom") }),
			testJob("off", "", func(ctx context.Context, env *jobs.Env) (int, error) { return 1, nil }),
		)
		tests := []struct {
			job, status, errPart string
			handled              int
		}{
			{"counts", jobs.RunOK, "", 7},
			{"fails", jobs.RunFailed, "数据库不可用", 2},
			{"panics", jobs.RunFailed, "panic: boom", 0},
		}
		for _, tt := range tests {
			run, err := s.Tick(context.Background(), tt.job)
			if err != nil || run == nil {
				t.Fatalf("%s: %+v %v", tt.job, run, err)
			}
			var stored jobs.JobRun
			db.First(&stored, run.ID)
			if stored.Status != tt.status || stored.Handled != tt.handled || !strings.Contains(stored.Error, tt.errPart) ||
				stored.FinishedAt == nil || stored.TriggerKind != jobs.TriggerSchedule || stored.Slot == nil ||
				!stored.Slot.Equal(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("%s: stored run %+v", tt.job, stored)
			}
		}
		if sawToday != d("2026-04-15") {
			t.Fatalf("job saw today %s, want 2026-04-15 (08:00 Beijing time)", sawToday)
		}
		// A disabled job is not scheduled, but an administrator may run it.
		if run, err := s.Tick(context.Background(), "off"); run != nil || err != nil {
			t.Fatalf("disabled job ticked: %+v %v", run, err)
		}
		run, err := s.RunNow(context.Background(), &org.Actor{UserID: userIDOrZero(db, "admin"), Username: "admin", Role: org.RoleAdmin}, "off")
		if err != nil || run.Status != jobs.RunOK || run.TriggerKind != jobs.TriggerManual || run.Slot != nil {
			t.Fatalf("manual run of a disabled job: %+v %v", run, err)
		}
		if _, err := s.RunNow(context.Background(), nil, "nope"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown job: %v", err)
		}
		list, err := s.List(context.Background(), 5)
		if err != nil || len(list) != 4 || list[3].Name != "off" || list[3].Enabled || len(list[0].LastRuns) != 1 {
			t.Fatalf("list %+v %v", list, err)
		}
	})
}

func userIDOrZero(db *database.DB, username string) int64 {
	var u org.User
	db.Where("username = ?", username).First(&u)
	return u.ID
}

func TestSchedulerNeverOverlapsAJob(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clock := &testClock{}
		clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
		started, release := make(chan struct{}), make(chan struct{})
		var runs atomic.Int32
		s := schedulerWith(t, db, clock, testJob("slow", "@every 1m", func(ctx context.Context, env *jobs.Env) (int, error) {
			runs.Add(1)
			close(started)
			<-release
			return 1, nil
		}))
		done := make(chan error)
		go func() { _, err := s.Tick(context.Background(), "slow"); done <- err }()
		<-started
		// The next slot comes while the first run is still going: skipped.
		clock.Set(clock.Now().Add(time.Minute))
		if run, err := s.Tick(context.Background(), "slow"); run != nil || err != nil {
			t.Fatalf("overlapping tick ran: %+v %v", run, err)
		}
		if _, err := s.RunNow(context.Background(), nil, "slow"); !errors.Is(err, jobs.ErrJobRunning) {
			t.Fatalf("overlapping manual run: %v, want ErrJobRunning", err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if runs.Load() != 1 {
			t.Fatalf("%d runs, want 1", runs.Load())
		}
	})
}

func TestSchedulerStopWaitsForRunningJobs(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, "sqlite")
	clock := &testClock{}
	clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
	started := make(chan struct{})
	var finished atomic.Bool
	s := schedulerWith(t, db, clock, testJob("tidy", "@every 1m", func(ctx context.Context, env *jobs.Env) (int, error) {
		close(started)
		time.Sleep(200 * time.Millisecond)
		finished.Store(true)
		return 1, nil
	}))
	go s.Tick(context.Background(), "tidy")
	<-started
	s.Stop(context.Background())
	if !finished.Load() {
		t.Fatal("Stop returned before the running job finished")
	}
	if _, err := s.RunNow(context.Background(), nil, "tidy"); err == nil {
		t.Fatal("a stopped scheduler ran a job")
	}

	// A job that does not finish is cancelled when the stop deadline passes,
	// and its run is recorded as failed.
	s2 := schedulerWith(t, db, clock, testJob("stubborn", "@every 1m", func(ctx context.Context, env *jobs.Env) (int, error) {
		<-ctx.Done() // only shutdown's cancellation ends it
		return 0, ctx.Err()
	}))
	runc := make(chan *jobs.JobRun)
	go func() { r, _ := s2.Tick(context.Background(), "stubborn"); runc <- r }()
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	s2.Stop(ctx)
	run := <-runc
	if run == nil || run.Status != jobs.RunFailed || !strings.Contains(run.Error, "context canceled") {
		t.Fatalf("cancelled run %+v", run)
	}
}

// TestSchedulerCronFires starts the real cron timer with a one-second job
// and checks a scheduled run lands in job_runs.
func TestSchedulerCronFires(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, "sqlite")
	fired := make(chan struct{}, 10)
	s, err := jobs.New(jobs.Options{DB: db, Config: testConfig(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock: calendar.NewClock(testZone, time.Now), Jobs: []jobs.Job{testJob("tick", "@every 1s", func(ctx context.Context, env *jobs.Env) (int, error) { fired <- struct{}{}; return 1, nil })}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("cron did not fire within 5s")
	}
	s.Stop(context.Background())
	if n := countRows(t, db, &jobs.JobRun{}, "job_name = ? AND trigger_kind = ?", "tick", jobs.TriggerSchedule); n < 1 {
		t.Fatalf("%d scheduled runs recorded", n)
	}
}

func TestSchedulerRejectsBadSpec(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, "sqlite")
	_, err := jobs.New(jobs.Options{DB: db, Config: testConfig(t), Jobs: []jobs.Job{testJob("bad", "every morning", nil)}})
	if err == nil || !strings.Contains(err.Error(), "jobs.bad.spec") {
		t.Fatalf("err %v, want one naming jobs.bad.spec", err)
	}
}

// A server that stopped mid-run left its rows "running": the next run of the
// job, and a starting scheduler, record the ones older than
// jobs.stale_run_after as failed, and leave a younger (maybe live) run alone.
func TestSchedulerMarksAbandonedRuns(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clock := &testClock{}
		now := time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC) // 08:00 Beijing time
		clock.Set(now)
		noop := func(ctx context.Context, env *jobs.Env) (int, error) { return 0, nil }
		s := schedulerWith(t, db, clock, testJob("alpha", "0 8 * * *", noop), testJob("beta", "0 8 * * *", noop))
		slot := func(h int) *time.Time { t := now.Add(-time.Duration(h) * 24 * time.Hour); return &t }
		rows := []*jobs.JobRun{
			{JobName: "alpha", Slot: slot(1), TriggerKind: jobs.TriggerSchedule, Replica: "dead:1", Status: jobs.RunRunning, StartedAt: now.Add(-3 * time.Hour)},
			{JobName: "alpha", TriggerKind: jobs.TriggerManual, Replica: "live:2", Status: jobs.RunRunning, StartedAt: now.Add(-30 * time.Minute)},
			{JobName: "beta", Slot: slot(1), TriggerKind: jobs.TriggerSchedule, Replica: "dead:1", Status: jobs.RunRunning, StartedAt: now.Add(-2*time.Hour - time.Second)},
		}
		for _, r := range rows {
			if err := db.Create(r).Error; err != nil {
				t.Fatal(err)
			}
		}
		reload := func(r *jobs.JobRun) jobs.JobRun {
			var got jobs.JobRun
			if err := db.First(&got, r.ID).Error; err != nil {
				t.Fatal(err)
			}
			return got
		}
		abandoned := func(r *jobs.JobRun) bool {
			got := reload(r)
			return got.Status == jobs.RunFailed && got.Error == jobs.AbandonedRunError && got.FinishedAt != nil && got.FinishedAt.Equal(now)
		}

		// A run of alpha marks alpha's stale run only.
		if run, err := s.Tick(context.Background(), "alpha"); err != nil || run == nil || run.Status != jobs.RunOK {
			t.Fatalf("tick: %+v %v", run, err)
		}
		if !abandoned(rows[0]) {
			t.Fatalf("stale alpha run: %+v", reload(rows[0]))
		}
		if got := reload(rows[1]); got.Status != jobs.RunRunning || got.FinishedAt != nil || got.Error != "" {
			t.Fatalf("young run touched: %+v", got)
		}
		if got := reload(rows[2]); got.Status != jobs.RunRunning {
			t.Fatalf("beta touched by alpha's run: %+v", got)
		}

		// A starting scheduler marks every job's stale runs.
		s.Start()
		if !abandoned(rows[2]) {
			t.Fatalf("stale beta run after Start: %+v", reload(rows[2]))
		}
		if got := reload(rows[1]); got.Status != jobs.RunRunning {
			t.Fatalf("young run touched by Start: %+v", got)
		}

		// The admin list shows the abandoned run with its error.
		list, err := s.List(context.Background(), 5)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, js := range list {
			for _, r := range js.LastRuns {
				if r.ID == rows[2].ID && r.Status == jobs.RunFailed && r.Error == jobs.AbandonedRunError {
					found = true
				}
			}
		}
		if !found {
			t.Fatalf("abandoned run not in the admin list: %+v", list)
		}

		// Later, once the young run is itself past the limit, it is marked too.
		clock.Set(now.Add(2 * time.Hour))
		if n, err := s.MarkAbandoned(context.Background(), ""); err != nil || n != 1 || reload(rows[1]).Status != jobs.RunFailed {
			t.Fatalf("second sweep: %d %v %+v", n, err, reload(rows[1]))
		}
	})
}
