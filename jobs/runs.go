package jobs

import (
	"context"
	"time"
)

// JobRun is one run of a job: who started it, when, how it ended and how many
// items it handled.
type JobRun struct {
	ID          int64      `gorm:"primaryKey" json:"id"`
	JobName     string     `json:"job_name"`
	Slot        *time.Time `json:"slot"` // the scheduled time; null for manual runs
	TriggerKind string     `json:"trigger"`
	RequestedBy *int64     `json:"requested_by"`
	Replica     string     `json:"replica"`
	Status      string     `json:"status"`
	Handled     int        `json:"handled"`
	Error       string     `json:"error"`
	StartedAt   time.Time  `json:"started_at"`
	FinishedAt  *time.Time `json:"finished_at"`
}

// TableName pins the table name.
func (JobRun) TableName() string { return "job_runs" }

// Run triggers and outcomes.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"

	RunRunning = "running" // also a run killed mid-way (crash), until MarkAbandoned marks it failed
	RunOK      = "ok"
	RunFailed  = "failed"
)

// JobStatus is a job as administrators see it.
type JobStatus struct {
	Name     string   `json:"name"`
	Spec     string   `json:"spec"`
	Enabled  bool     `json:"enabled"`
	Running  bool     `json:"running"` // running in this replica now
	LastRuns []JobRun `json:"last_runs"`
}

// List returns every job with its newest runs (from all replicas).
func (s *Scheduler) List(ctx context.Context, lastRuns int) ([]JobStatus, error) {
	if lastRuns <= 0 || lastRuns > 50 {
		lastRuns = 5
	}
	out := make([]JobStatus, 0, len(s.jobs))
	for _, sj := range s.jobs {
		st := JobStatus{Name: sj.job.Name, Spec: sj.spec.Spec, Enabled: sj.spec.Enabled && s.cfg.Jobs.Enabled,
			Running: sj.running.Load(), LastRuns: []JobRun{}}
		if err := s.db.WithContext(ctx).Where("job_name = ?", sj.job.Name).Order("id DESC").Limit(lastRuns).
			Find(&st.LastRuns).Error; err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
