package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/server/app"
)

func TestStartJobs(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, enabled := range []bool{false, true} {
		cfg, err := config.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Database.DSN = "test"
		cfg.Jobs.Enabled = enabled
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		a, err := app.New(app.Options{Config: cfg, DB: db, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		stop := startJobs(cfg, a, log)
		if (stop != nil) != enabled {
			t.Fatalf("jobs.enabled=%v: scheduler started = %v", enabled, stop != nil)
		}
		if stop != nil {
			stop.Stop(context.Background())
		}
	}
}
