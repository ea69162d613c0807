package main

import (
	"context"
	"log/slog"

	"jianyi/config"
	"jianyi/handlers"
	"jianyi/models"
)

// stopper is a running scheduler.
type stopper interface{ Stop(ctx context.Context) }

// startJobs starts the cron scheduler when jobs are enabled.
func startJobs(ctx context.Context, cfg *config.Config, db *models.DB, srv *handlers.Server, log *slog.Logger) (stopper, error) {
	return nil, nil
}
