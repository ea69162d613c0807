package main

import (
	"context"
	"errors"
	"log/slog"

	"jianyi/config"
	"jianyi/handlers"
	"jianyi/internal/platform/database"
)

// stopper is a running scheduler.
type stopper interface{ Stop(ctx context.Context) }

// startJobs starts the cron scheduler when jobs are enabled. It is the
// scheduler the admin API lists and runs jobs on, so "run now" and the timer
// share one no-overlap guard in this process; other replicas are kept apart
// by the job_runs slot rows.
func startJobs(ctx context.Context, cfg *config.Config, db *database.DB, srv *handlers.Server, log *slog.Logger) (stopper, error) {
	if !cfg.Jobs.Enabled {
		log.Info("scheduled jobs disabled (jobs.enabled: false)")
		return nil, nil
	}
	sched := srv.Scheduler()
	if sched == nil {
		return nil, errors.New("job scheduler not available: check the jobs.* cron specs in the configuration")
	}
	sched.Start()
	return sched, nil
}
