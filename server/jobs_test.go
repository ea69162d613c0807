package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/handlers"
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
		_, srv := handlers.New(handlers.Options{Config: cfg, DB: db, Logger: log})
		stop, err := startJobs(context.Background(), cfg, db, srv, log)
		if err != nil {
			t.Fatal(err)
		}
		if (stop != nil) != enabled {
			t.Fatalf("jobs.enabled=%v: scheduler started = %v", enabled, stop != nil)
		}
		if stop != nil {
			stop.Stop(context.Background())
		}
	}
}
