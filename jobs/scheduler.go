package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"gorm.io/gorm"

	"jianyi/config"
	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// Scheduler runs the registered jobs on their cron specs. Every run is
// recorded in job_runs; a scheduled run first claims its (job, slot) row, so
// with several replicas each slot runs on exactly one of them.
type Scheduler struct {
	db  *database.DB
	cfg *config.Config
	log *slog.Logger
	// clock is the time jobs see; the cron timer itself runs on the real
	// clock and only decides when to look at this one.
	clock *calendar.Clock
	// Replica names this process in job_runs (host:pid by default).
	Replica string

	jobs  []*scheduledJob
	byKey map[string]*scheduledJob

	mu      sync.Mutex
	cron    *cron.Cron
	stopped bool
	wg      sync.WaitGroup
	baseCtx context.Context
	cancel  context.CancelFunc
}

type scheduledJob struct {
	job      Job
	spec     config.JobSpec
	schedule cron.Schedule // nil when the job is disabled
	running  atomic.Bool
}

// Options configure a Scheduler.
type Options struct {
	DB     *database.DB
	Config *config.Config
	Log    *slog.Logger
	Clock  *calendar.Clock
	// Jobs defaults to All.
	Jobs []Job
}

// ErrJobRunning means the job is already running in this process; runs of
// one job never overlap.
var ErrJobRunning = &apperr.Error{Kind: apperr.ErrConflict, Code: "job_running", Message: "该任务正在运行，请稍后再试"}

// New builds a scheduler; it refuses an enabled job whose cron spec does not
// parse, naming the job.
func New(opts Options) (*Scheduler, error) {
	list := opts.Jobs
	if list == nil {
		list = All()
	}
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	host, _ := os.Hostname()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{db: opts.DB, cfg: opts.Config, log: log, clock: opts.Clock,
		Replica: fmt.Sprintf("%s:%d", host, os.Getpid()), byKey: map[string]*scheduledJob{},
		baseCtx: ctx, cancel: cancel}
	var errs []error
	for _, j := range list {
		sj := &scheduledJob{job: j, spec: j.Spec(opts.Config)}
		if sj.spec.Enabled {
			sched, err := ParseSpec(sj.spec.Spec)
			if err != nil {
				errs = append(errs, fmt.Errorf("config key jobs.%s.spec: %w", j.Name, err))
			}
			sj.schedule = sched
		}
		s.jobs = append(s.jobs, sj)
		s.byKey[j.Name] = sj
	}
	if err := errors.Join(errs...); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

// ParseSpec parses a standard five-field cron spec or a descriptor such as
// "@daily". "@every D" is aligned to multiples of D since the Unix epoch
// (robfig's own @every counts from process start), so every replica computes
// the same slots.
func ParseSpec(spec string) (cron.Schedule, error) {
	if rest, ok := strings.CutPrefix(strings.TrimSpace(spec), "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("invalid interval %q (at least 1s)", rest)
		}
		return alignedEvery(d.Truncate(time.Second)), nil
	}
	return cron.ParseStandard(spec)
}

// alignedEvery fires at every multiple of the interval.
type alignedEvery time.Duration

// Next returns the next multiple of the interval strictly after t.
func (a alignedEvery) Next(t time.Time) time.Time {
	d := time.Duration(a)
	return t.Truncate(d).Add(d)
}

// slotAt returns the latest scheduled time at or before now: the slot a run
// at now belongs to. Replicas whose timers fire a little apart still agree on
// it, because it comes from the schedule, not from when the timer fired.
func slotAt(sched cron.Schedule, now time.Time) time.Time {
	for back := time.Minute; back <= 800*24*time.Hour; back *= 4 {
		t := sched.Next(now.Add(-back))
		if t.After(now) {
			continue
		}
		for {
			n := sched.Next(t)
			if n.After(now) || !n.After(t) {
				return t.UTC()
			}
			t = n
		}
	}
	return now.Truncate(time.Minute).UTC()
}

// now reads the clock at the databases' resolution (MySQL DATETIME(6)), so
// a time written and read back compares equal on both.
func (s *Scheduler) now() time.Time { return s.clock.Now() }

// Start starts the cron timer for the enabled jobs.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cron != nil || s.stopped {
		return
	}
	s.cron = cron.New(cron.WithLocation(s.clock.Location()))
	for _, sj := range s.jobs {
		if sj.schedule == nil {
			continue
		}
		name := sj.job.Name
		s.cron.Schedule(sj.schedule, cron.FuncJob(func() {
			if _, err := s.Tick(s.baseCtx, name); err != nil {
				s.log.Error("scheduled job failed", "job", name, "error", err.Error())
			}
		}))
	}
	s.cron.Start()
	ctx, cancel := context.WithTimeout(s.baseCtx, 10*time.Second)
	if _, err := s.MarkAbandoned(ctx, ""); err != nil {
		s.log.Warn("marking abandoned job runs", "error", err.Error())
	}
	cancel()
	s.log.Info("job scheduler started", "replica", s.Replica, "jobs", len(s.cron.Entries()))
}

// Stop stops scheduling and waits for running jobs until ctx ends; then it
// cancels their context so they stop at their next check.
func (s *Scheduler) Stop(ctx context.Context) {
	s.mu.Lock()
	s.stopped = true
	if s.cron != nil {
		s.cron.Stop()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("job scheduler: shutdown deadline reached, cancelling running jobs")
	}
	s.cancel()
}

// Tick runs the job for the slot the clock is in now, exactly as the cron
// timer does. It returns nil (and no error) when the slot was already taken —
// by another replica or an earlier tick — or the job is still running here.
func (s *Scheduler) Tick(ctx context.Context, name string) (*JobRun, error) {
	sj, ok := s.byKey[name]
	if !ok {
		return nil, apperr.NotFound("任务")
	}
	if sj.schedule == nil {
		return nil, nil
	}
	slot := slotAt(sj.schedule, s.now().In(s.clock.Location()))
	run, err := s.run(ctx, sj, TriggerSchedule, &slot, nil)
	if errors.Is(err, ErrJobRunning) {
		s.log.Info("job still running, slot skipped", "job", name, "slot", slot)
		return nil, nil
	}
	return run, err
}

// RunNow runs a job at once for an administrator (also a disabled one), with
// an audit entry. It waits for the run to end and returns its record.
func (s *Scheduler) RunNow(ctx context.Context, actor *org.Actor, name string) (*JobRun, error) {
	sj, ok := s.byKey[name]
	if !ok {
		return nil, apperr.NotFound("任务")
	}
	return s.run(ctx, sj, TriggerManual, nil, actor)
}

// run records, runs and finishes one run. The job gets the scheduler's own
// context, not the caller's, so an HTTP client hanging up does not cut a run
// short; shutdown does.
func (s *Scheduler) run(ctx context.Context, sj *scheduledJob, trigger string, slot *time.Time, actor *org.Actor) (*JobRun, error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil, &apperr.Error{Kind: apperr.ErrConflict, Code: "scheduler_stopped", Message: "服务正在停止，任务未运行"}
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	if !sj.running.CompareAndSwap(false, true) {
		return nil, ErrJobRunning
	}
	defer sj.running.Store(false)

	if _, err := s.MarkAbandoned(ctx, sj.job.Name); err != nil {
		s.log.Warn("marking abandoned job runs", "job", sj.job.Name, "error", err.Error())
	}
	now := s.now()
	run := &JobRun{JobName: sj.job.Name, Slot: slot, TriggerKind: trigger, Replica: s.Replica, Status: RunRunning, StartedAt: now}
	if actor != nil && actor.UserID != 0 {
		uid := actor.UserID
		run.RequestedBy = &uid
	}
	claimed := true
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(run).Error; err != nil {
			if database.IsUniqueViolation(err) {
				claimed = false
				return nil
			}
			return err
		}
		if actor != nil {
			return audit.Record(tx, actor, "job.run", "job_run", run.ID, map[string]any{"job": sj.job.Name})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recording the start of job %s: %w", sj.job.Name, err)
	}
	if !claimed {
		s.log.Debug("job slot taken by another run", "job", sj.job.Name, "slot", slot)
		return nil, nil
	}

	env := &Env{DB: s.db, Config: s.cfg, Log: s.log.With("job", sj.job.Name, "run_id", run.ID), Clock: s.clock, Now: now,
		Today: s.clock.DateOf(now), Channels: ChannelsOf(s.cfg)}
	handled, runErr := safeRun(s.baseCtx, sj.job, env)

	run.Handled = handled
	run.Status = RunOK
	if runErr != nil {
		run.Status = RunFailed
		run.Error = runErr.Error()
		env.Log.Error("job run failed", "handled", handled, "error", runErr.Error())
	} else if handled > 0 || trigger == TriggerManual {
		env.Log.Info("job run finished", "handled", handled)
	} else {
		// The outbox sender runs every 30 seconds; idle runs stay out of the log.
		env.Log.Debug("job run finished", "handled", handled)
	}
	fin := s.now()
	run.FinishedAt = &fin
	// Record the end even when shutdown cancelled the job's context.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.db.WithContext(endCtx).Model(&JobRun{}).Where("id = ?", run.ID).Updates(map[string]any{
		"status": run.Status, "handled": run.Handled, "error": run.Error, "finished_at": fin,
	}).Error; err != nil {
		return run, fmt.Errorf("recording the end of job %s: %w", sj.job.Name, err)
	}
	s.pruneRuns(endCtx, sj.job.Name, fin)
	return run, nil
}

// AbandonedRunError is the error recorded on a run found still "running"
// after jobs.stale_run_after: its server stopped (crash, kill) during the run.
const AbandonedRunError = "abandoned (server stopped during the run)"

// MarkAbandoned records as failed every run of the job (of every job when
// name is empty) that has been "running" for longer than jobs.stale_run_after.
// A younger run may still be live in another replica and is left alone. The
// scheduler calls it when it starts and before each run of a job; it returns
// how many runs it marked.
func (s *Scheduler) MarkAbandoned(ctx context.Context, name string) (int64, error) {
	limit := s.cfg.Jobs.StaleRunAfter
	if limit <= 0 {
		return 0, nil
	}
	now := s.now()
	q := s.db.WithContext(ctx).Model(&JobRun{}).Where("status = ? AND started_at < ?", RunRunning, now.Add(-limit))
	if name != "" {
		q = q.Where("job_name = ?", name)
	}
	res := q.Updates(map[string]any{"status": RunFailed, "error": AbandonedRunError, "finished_at": now})
	if res.Error != nil {
		return 0, res.Error
	}
	if res.RowsAffected > 0 {
		s.log.Warn("job runs abandoned by a stopped server marked failed", "job", name, "runs", res.RowsAffected)
	}
	return res.RowsAffected, nil
}

// safeRun turns a panic into the run's error, so one bad job neither kills
// the process nor leaves its run marked as running.
func safeRun(ctx context.Context, j Job, env *Env) (handled int, err error) {
	defer func() {
		if r := recover(); r != nil {
			env.Log.Error("job panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return j.Run(ctx, env)
}

// pruneRuns keeps job_runs from growing without bound (the outbox sender
// alone runs every 30 seconds).
func (s *Scheduler) pruneRuns(ctx context.Context, name string, now time.Time) {
	days := s.cfg.Jobs.KeepRunsDays
	if days <= 0 {
		return
	}
	if err := s.db.WithContext(ctx).Where("job_name = ? AND started_at < ?", name, now.AddDate(0, 0, -days)).
		Delete(&JobRun{}).Error; err != nil {
		s.log.Warn("pruning job runs", "job", name, "error", err.Error())
	}
}

// ChannelsOf says which delivery channels the configuration enables.
func ChannelsOf(cfg *config.Config) notify.Channels {
	return notify.Channels{Email: cfg.Mail.SMTPHost != "", Webhook: cfg.Webhook.URL != ""}
}
