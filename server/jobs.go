package main

import (
	"context"
	"log/slog"

	"jianyi/config"
	"jianyi/server/app"
)

// stopper is a running scheduler.
type stopper interface{ Stop(ctx context.Context) }

// startJobs starts the cron scheduler when jobs are enabled. It is the
// scheduler the admin API lists and runs jobs on, so "run now" and the timer
// share one no-overlap guard in this process; other replicas are kept apart
// by the job_runs slot rows.
func startJobs(cfg *config.Config, a *app.App, log *slog.Logger) stopper {
	if !cfg.Jobs.Enabled {
		log.Info("scheduled jobs disabled (jobs.enabled: false)")
		return nil
	}
	a.Scheduler.Start()
	return a.Scheduler
}
