// Package jobs runs Jianyi's scheduled work on robfig/cron: reminders,
// process monitoring, the outbox sender and daily statistics.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"jianyi/config"
	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/platform/database"
)

// Env is what a job run works with.
type Env struct {
	DB       *database.DB
	Config   *config.Config
	Log      *slog.Logger
	Now      time.Time     // the run's clock (UTC)
	Today    calendar.Date // the legal date of Now in Asia/Shanghai
	Channels notify.Channels
}

// Job is one named scheduled job.
type Job struct {
	Name string
	// Spec picks the job's cron spec and switch from the configuration.
	Spec func(cfg *config.Config) config.JobSpec
	// Run does one pass and reports how many items it handled.
	Run func(ctx context.Context, env *Env) (handled int, err error)
}

var (
	registryMu sync.Mutex
	registry   []Job
)

// Register adds a job; features call it from init() in their own file.
func Register(j Job) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, existing := range registry {
		if existing.Name == j.Name {
			panic("jobs.Register: duplicate job " + j.Name)
		}
	}
	registry = append(registry, j)
}

// Registered returns the registered jobs.
func Registered() []Job {
	registryMu.Lock()
	defer registryMu.Unlock()
	return append([]Job(nil), registry...)
}
