package apitest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/demo"
	"jianyi/internal/platform/database"
)

// DemoCases is the database template with the demo organisation and the demo
// cases: demo.SeedDemoCases run once per test binary and driver through the
// real services, with the test clock at Start — what a test that seeded the
// cases itself right after New would hold, but copied in milliseconds instead
// of seeded in a second or more of CPU. Start tests from it with NewDemo,
// NewDemoWithConfig or DemoCases.Each / DemoCases.Open.
var DemoCases = dbtest.NewTemplate("demo_cases", func(ctx context.Context, db *database.DB) error {
	if err := dbtest.SeedOrg(ctx, db); err != nil {
		return err
	}
	cfg, err := testConfig(nil)
	if err != nil {
		return err
	}
	a, err := newApp(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return Start })
	if err != nil {
		return err
	}
	_, err = demo.SeedDemoCases(ctx, a.DemoServices(), Password)
	return err
})

// NewDemo starts the API on a copy of DemoCases on driver ("sqlite" or
// "mysql"): the demo organisation and the demo cases.
func NewDemo(t testing.TB, driver string) *Env {
	t.Helper()
	return New(t, DemoCases.Open(t, driver))
}

// NewDemoWithConfig is NewDemo with the configuration adjusted by change (as
// TestConfig takes it). The demo cases were made with the default test
// configuration.
func NewDemoWithConfig(t testing.TB, driver string, change func(cfg *config.Config)) *Env {
	t.Helper()
	return NewWithConfig(t, DemoCases.Open(t, driver), TestConfig(t, change))
}
