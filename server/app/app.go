// Package app is Jianyi's composition root. New builds every part of the
// program once, from the configuration — the clock, the document renderer,
// the action registry, each domain service, the job scheduler and the HTTP
// router — and hands each part what it needs. Nothing else wires the program:
// no init() registers behaviour and no package keeps a mutable hook.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"jianyi/config"
	"jianyi/documents"
	"jianyi/handlers"
	"jianyi/internal/agency"
	"jianyi/internal/analysis"
	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/ratelimit"
	"jianyi/internal/projects"
	"jianyi/internal/reviews"
	"jianyi/internal/stats"
	"jianyi/internal/textseg"
	"jianyi/jobs"
)

// Options are what the program is built from.
type Options struct {
	Config *config.Config
	DB     *database.DB
	Logger *slog.Logger
	// Now is the source of the clock; nil is the system clock. Tests pass
	// their own.
	Now func() time.Time
	// Renderer makes the PDFs; nil loads the configured fonts. Tests share one.
	Renderer *documents.Renderer
}

// App is the assembled program.
type App struct {
	Config       *config.Config
	DB           *database.DB
	Clock        *calendar.Clock
	Renderer     *documents.Renderer
	Passwords    *org.Passwords
	Users        *org.UserService
	Org          *org.OrgService
	Actions      *cases.Actions
	Cases        *cases.Service
	Agency       *agency.Service
	Applications *applications.Service
	Disclosures  *disclosure.Service
	Projects     *projects.Service
	Reviews      *reviews.Service
	Stats        *stats.Service
	Analysis     *analysis.Service
	Scheduler    *jobs.Scheduler
	// Router serves the API and the web pages; Server is its handler set.
	Router http.Handler
	Server *handlers.Server
}

// New assembles the program. It fails on configured fonts that do not load
// and on a job whose cron spec does not parse, naming the configuration key.
func New(opts Options) (*App, error) {
	cfg, db := opts.Config, opts.DB
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := fitUploadLimit(cfg, db, log); err != nil {
		return nil, err
	}
	if err := checkPreparedStatements(cfg, db, log); err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Clock: calendar.NewClock(cfg.Location(), now), Renderer: opts.Renderer}
	db.UseClock(a.Clock.Now)
	if a.Renderer == nil {
		r, err := NewRenderer(cfg)
		if err != nil {
			return nil, err
		}
		a.Renderer = r
	}
	channels := jobs.ChannelsOf(cfg)

	a.Passwords = org.NewPasswords(cfg.Auth.PasswordCost)
	a.Users = &org.UserService{DB: db, Clock: a.Clock, Passwords: a.Passwords, MinPasswordLength: cfg.Auth.MinPasswordLength}
	a.Org = &org.OrgService{DB: db}

	// The lifecycle's behaviours: the prosecutor's side comes with the
	// registry, the agency side adds its own.
	a.Actions = cases.NewActions()
	agency.Register(a.Actions)
	publishRoles := make([]org.Role, 0, len(cfg.Disclosure.PublishRoles))
	for _, r := range cfg.Disclosure.PublishRoles {
		publishRoles = append(publishRoles, org.Role(r))
	}
	a.Cases = &cases.Service{DB: db, Clock: a.Clock, Calendar: calendar.NewCalendarCache().Calendar, Actions: a.Actions,
		Renderer: a.Renderer,
		Settings: cases.Settings{
			ReplyMonths:    cfg.Deadlines.ReplyMonths,
			FilingDays:     cfg.Deadlines.FilingDays,
			ObjectionDays:  cfg.Deadlines.ObjectionDays,
			Channels:       channels,
			PublishRoles:   publishRoles,
			StageLimitDays: cfg.Deadlines.StageLimits,
			Approval:       ApprovalChains(cfg),
			LookbackMonths: cfg.Deadlines.LookbackMonths,
		},
		// The back edges of the lifecycle: a case that ends tells the citizen
		// who applied for it; a voided 文号 is kept on the agency's objection.
		Hooks: cases.Hooks{TellApplicant: applications.TellApplicantCaseEnded, VoidedNumbers: agency.VoidedDocumentNumbers},
	}
	a.Agency = &agency.Service{Cases: a.Cases}

	pc := cfg.Public
	a.Applications = &applications.Service{DB: db, Cases: a.Cases, Settings: applications.Settings{
		AnswerWorkdays: cfg.Deadlines.ApplicationAnswerWorkdays, ResultMonths: cfg.Deadlines.ApplicationResultMonths,
		DuplicateDays: pc.DuplicateDays, DuplicateThreshold: pc.DuplicateThreshold, MaxEvidenceFiles: pc.MaxEvidenceFiles,
		SigningKey: []byte("public-applications\x00" + cfg.Auth.SigningKey), PowDifficulty: pc.PowDifficulty,
		ChallengeTTL: pc.ChallengeTTL, FormMinAge: pc.FormMinAge, FormMaxAge: pc.FormMaxAge,
		SubmitPerIP:       ratelimit.Limit{Name: "apply_ip", Max: pc.SubmitPerIP, Window: pc.SubmitWindow},
		SubmitPerID:       ratelimit.Limit{Name: "apply_id", Max: pc.SubmitPerID, Window: pc.SubmitWindow},
		LookupPerIP:       ratelimit.Limit{Name: "lookup_ip", Max: pc.LookupPerIP, Window: pc.LookupWindow},
		LookupPerTracking: ratelimit.Limit{Name: "lookup_no", Max: pc.LookupPerTracking, Window: pc.LookupWindow},
	}}
	a.Stats = &stats.Service{DB: db, Clock: a.Clock, CatchUpWait: min(cfg.Database.QueryTimeout/2, stats.RequestCatchUpWait)}
	a.Disclosures = &disclosure.Service{DB: db, Cases: a.Cases, Stats: a.Stats, Renderer: a.Renderer, ApplicantNames: applications.ApplicantNames,
		SearchPerIP: ratelimit.NewBatched(ratelimit.Limit{Name: "search_ip", Max: pc.SearchPerIP, Window: time.Minute})}
	a.Projects = &projects.Service{DB: db, Clock: a.Clock, Channels: channels}
	sheet := make([]reviews.ScoreLine, len(cfg.Reviews.ScoringSheet))
	for i, it := range cfg.Reviews.ScoringSheet {
		sheet[i] = reviews.ScoreLine{Name: it.Name, MaxScore: it.MaxScore}
	}
	g := cfg.Reviews.Grades
	a.Reviews = &reviews.Service{DB: db, Clock: a.Clock, Sheet: sheet, Channels: channels,
		Grades: reviews.GradeThresholds{Excellent: g.Excellent, Qualified: g.Qualified, Flawed: g.Flawed}}
	ac := cfg.Analysis
	a.Analysis = &analysis.Service{DB: db, Clock: a.Clock, Stats: a.Stats, Projects: a.Projects, Cases: a.Cases,
		Settings: analysis.Settings{RepeatWindowDays: ac.RepeatWindowDays, RisePercent: ac.RisePercent,
			RiseMinCases: ac.RiseMinCases, ImportMaxRows: ac.ImportMaxRows}}

	// The scheduler is built here and started by the serve command when
	// jobs.enabled; the admin API lists and runs its jobs either way.
	sched, err := jobs.New(jobs.Options{DB: db, Config: cfg, Log: log, Clock: a.Clock, Jobs: jobs.All()})
	if err != nil {
		return nil, err
	}
	a.Scheduler = sched

	a.Router, a.Server = handlers.New(handlers.Services{
		Config: cfg, DB: db, Logger: log, Clock: a.Clock, Renderer: a.Renderer,
		Users: a.Users, Org: a.Org, Cases: a.Cases, Agency: a.Agency, Applications: a.Applications,
		Disclosures: a.Disclosures, Projects: a.Projects, Reviews: a.Reviews, Stats: a.Stats, Jobs: a.Scheduler,
		Analysis: a.Analysis,
	})
	return a, nil
}

// NewRenderer loads the configured official fonts (empty paths use the
// shipped ones), so a bad font stops the program at start rather than on the
// first download.
func NewRenderer(cfg *config.Config) (*documents.Renderer, error) {
	d := cfg.Documents
	r, err := documents.NewRenderer(documents.FontConfig{Title: d.TitleFont, Body: d.BodyFont, Hei: d.HeadingFont, Kai: d.KaiFont,
		Fallback: d.FallbackFont, Zone: cfg.Location()})
	if err != nil {
		return nil, fmt.Errorf("documents fonts: %w", err)
	}
	return r, nil
}

// ApprovalChains turns the configured approval chains into the case rules'
// form: the default and each procuratorate's own, by name.
func ApprovalChains(cfg *config.Config) cases.ApprovalChains {
	ch := cases.ApprovalChains{Default: cfg.Approval.Chain, ByProcuratorate: map[string][]string{}}
	for _, pc := range cfg.Approval.ByProcuratorate {
		ch.ByProcuratorate[pc.Procuratorate] = pc.Chain
	}
	return ch
}

// packetMargin is what a file row needs beside its content in one statement.
const packetMargin = 256 << 10

// fitUploadLimit keeps the upload limit under MySQL's max_allowed_packet:
// a file is stored as one row, and a statement larger than the packet fails
// (a 500 for an upload the limit admitted). Above it, uploads answer 413.
func fitUploadLimit(cfg *config.Config, db *database.DB, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	packet, err := db.MaxAllowedPacket(ctx)
	if err != nil {
		return fmt.Errorf("reading max_allowed_packet: %w", err)
	}
	if packet == 0 || int64(cfg.HTTP.UploadLimit)+packetMargin <= packet {
		return nil
	}
	fitted := packet - packetMargin
	if fitted < 1<<20 {
		return fmt.Errorf("the database's max_allowed_packet (%d bytes) is too small for file uploads; raise it to at least %d", packet, int64(cfg.HTTP.UploadLimit)+packetMargin)
	}
	log.Warn("http.upload_limit lowered to fit the database's max_allowed_packet; raise max_allowed_packet to accept larger files",
		"upload_limit", int64(cfg.HTTP.UploadLimit), "max_allowed_packet", packet, "effective_upload_limit", fitted)
	cfg.HTTP.UploadLimit = config.ByteSize(fitted)
	return nil
}

// checkPreparedStatements compares what this process may keep prepared on
// MySQL (database.prepared_statements on each of max_open_conns
// connections) with the server's max_prepared_stmt_count, shared by every
// client: past it a statement the cache has not prepared yet fails (error
// 1461, a 500). One process over the limit stops the start; one over half of
// it is warned about, as a second replica would reach it.
func checkPreparedStatements(cfg *config.Config, db *database.DB, log *slog.Logger) error {
	if cfg.Database.PreparedStatements == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	limit, err := db.MaxPreparedStatements(ctx)
	if err != nil {
		return fmt.Errorf("reading max_prepared_stmt_count: %w", err)
	}
	if limit == 0 {
		return nil
	}
	warn, err := preparedBudget(cfg.Database.PreparedStatements, cfg.Database.MaxOpenConns, limit)
	if warn != "" {
		log.Warn(warn, "prepared_statements", cfg.Database.PreparedStatements, "max_open_conns", cfg.Database.MaxOpenConns,
			"max_prepared_stmt_count", limit)
	}
	return err
}

// preparedBudget judges prepared statements on conns connections against the
// server's limit: an error when one process may exceed it, a warning when
// two may.
func preparedBudget(prepared, conns int, limit int64) (string, error) {
	if conns <= 0 {
		return "database.max_open_conns is unlimited, so the statements kept prepared are too; set it to bound them under max_prepared_stmt_count", nil
	}
	need := int64(prepared) * int64(conns)
	switch {
	case need > limit:
		return "", fmt.Errorf("database.prepared_statements × database.max_open_conns = %d exceeds the database's max_prepared_stmt_count (%d): lower prepared_statements (0 sends statements as text) or raise max_prepared_stmt_count", need, limit)
	case 2*need > limit:
		return "database.prepared_statements × max_open_conns is over half of the database's max_prepared_stmt_count: a second replica may exhaust it; lower prepared_statements or raise max_prepared_stmt_count", nil
	}
	return "", nil
}

// IndexSearch stores the problem kind of the cases that have none (rows
// from before migration 0019, or loaded in bulk: cases.ClassifyMissingProblems,
// seconds at a province), writes the full-text tokens of the
// disclosures and cases that have none (rows from before migration 0013, or loaded in
// bulk by seed-bench), and loads the word segmenter, so the first letter
// issued does not wait for its dictionary inside its transaction. When it
// wrote tokens it merges the indexes' segments (on SQLite the fill of a
// bulk load leaves a dozen, each sought by every search; otherwise the
// nightly search_compact job keeps them merged, and a start costs nothing
// more). serve runs it in the background at start; searches find the rows
// as they are indexed, and the recurrence analysis classifies a case not
// yet classified itself.
func (a *App) IndexSearch(ctx context.Context, log *slog.Logger) error {
	began := time.Now()
	nk, err := cases.ClassifyMissingProblems(ctx, a.DB)
	if err != nil {
		return fmt.Errorf("classifying problem kinds: %w", err)
	}
	if nk > 0 {
		log.Info("problem kinds stored", "cases", nk, "elapsed", time.Since(began).String())
	}
	textseg.Shared()
	began = time.Now()
	// Disclosures first: there are a tenth as many, and their search is the
	// public's. On MariaDB, where each FULLTEXT insert costs milliseconds, a
	// province's cases take hours to index and the feed's search would
	// otherwise wait for all of them.
	nd, err := disclosure.IndexAll(ctx, a.DB)
	if err != nil {
		return fmt.Errorf("indexing disclosures: %w", err)
	}
	nc, err := cases.IndexAll(ctx, a.DB)
	if err != nil {
		return fmt.Errorf("indexing cases: %w", err)
	}
	log.Info("search index filled", "cases", nc, "disclosures", nd, "elapsed", time.Since(began).String())
	if nc+nd == 0 {
		return nil
	}
	began = time.Now()
	steps, err := jobs.CompactSearch(ctx, a.DB)
	if err != nil {
		// Not an error of the fill, which is done: the nightly job merges.
		log.Warn("search index: merging segments failed (the nightly search_compact job retries)", "error", err.Error())
	} else if steps > 0 {
		log.Info("search index segments merged", "steps", steps, "elapsed", time.Since(began).String())
	}
	return nil
}
