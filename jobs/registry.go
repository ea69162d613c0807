// Package jobs runs Jianyi's scheduled work on robfig/cron: reminders,
// process monitoring, the outbox sender and daily statistics.
package jobs

import (
	"context"
	"log/slog"
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
	Clock    *calendar.Clock
	Now      time.Time     // the run's time (UTC), read once from Clock
	Today    calendar.Date // the legal date of Now in the configured zone
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

// All lists every scheduled job, in the order the admin API lists them. The
// composition root hands the list to the scheduler.
func All() []Job {
	return []Job{
		{
			Name: "application_deadlines",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.ApplicationDeadlines },
			Run:  RunApplicationDeadlines,
		},
		{
			Name: "daily_stats",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.DailyStats },
			Run:  runDailyStats,
		},
		{
			Name: "outbox",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.Outbox },
			Run:  runOutbox,
		},
		{
			Name: "stage_warnings",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.StageWarnings },
			Run:  runStageWarnings,
		},
		{
			Name: "filing_deadlines",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.FilingDeadlines },
			Run:  runFilingDeadlines,
		},
		{
			Name: "follow_through",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.FollowThrough },
			Run:  runFollowThrough,
		},
		{
			Name: "project_tasks",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.ProjectTasks },
			Run:  RunProjectTaskReminders,
		},
		{
			Name: "search_compact",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.SearchCompact },
			Run:  runSearchCompact,
		},
		{
			Name: "reply_reminders",
			Spec: func(cfg *config.Config) config.JobSpec { return cfg.Jobs.ReplyReminders },
			Run:  runReplyReminders,
		},
	}
}
