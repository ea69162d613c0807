package jobs

import (
	"context"
	"slices"

	"jianyi/internal/projects"
)

// The project-task reminder job: overdue tasks and tasks due within the
// shortest configured due-soon window (jobs.due_soon_days; the longer windows
// suit two-month reply deadlines, not tasks of a few weeks).

// RunProjectTaskReminders does one pass of the project-task reminders.
func RunProjectTaskReminders(ctx context.Context, env *Env) (int, error) {
	soon := 3
	if env.Config != nil && len(env.Config.Jobs.DueSoonDays) > 0 {
		soon = slices.Min(env.Config.Jobs.DueSoonDays)
	}
	return projects.RemindProjectTasks(ctx, env.DB, env.Channels, env.Today, soon)
}
