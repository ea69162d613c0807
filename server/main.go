// Command server runs Jianyi and its maintenance commands:
//
//	server [serve]                 run the HTTP service (and the scheduled jobs)
//	server serve --demo            migrate, seed the demo data and serve (not in production)
//	server migrate                 apply pending database migrations
//	server seed-demo --password P  create the demo procuratorates, agencies and accounts
//	server audit verify            check the audit trail's hash chain (exit 1 on a break)
//	server documents verify FILE   say which generated document FILE is (exit 1 if none)
//	server stats verify            recompute the statistics aggregates from the raw rows and compare (exit 1 on a difference)
//	server stats rebuild           recount the statistics aggregates from the raw rows
//	server seed-bench --cases N    fill an empty database with a generated province (benchmarks; not in production)
//
// Every command takes --config PATH (default config.yaml when present).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"jianyi/config"
	"jianyi/internal/calendar"
	"jianyi/internal/demo"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
	"jianyi/internal/textseg"
	"jianyi/server/app"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var err error
	switch cmd {
	case "serve":
		err = serve(args, stdout, log)
	case "migrate":
		err = migrate(args, stdout, log)
	case "seed-demo":
		err = seedDemo(args, stdout, log)
	case "users":
		if len(args) == 0 || args[0] != "create-admin" {
			fmt.Fprintln(stderr, "usage: server users create-admin --username NAME --procuratorate FULL_NAME [--short-name S --level L] [--config PATH]")
			return 2
		}
		err = createAdmin(args[1:], os.Stdin, stdout, log)
	case "seed-bench":
		err = seedBench(args, stdout)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			fmt.Fprintln(stderr, "usage: server audit verify [--config PATH]")
			return 2
		}
		var ok bool
		ok, err = auditVerify(args[1:], stdout, log)
		if err == nil && !ok {
			return 1
		}
	case "documents":
		if len(args) == 0 || args[0] != "verify" {
			fmt.Fprintln(stderr, "usage: server documents verify FILE [--config PATH]")
			return 2
		}
		var ok bool
		ok, err = documentsVerify(args[1:], stdout)
		if err == nil && !ok {
			return 1
		}
	case "stats":
		if len(args) == 0 || (args[0] != "verify" && args[0] != "rebuild") {
			fmt.Fprintln(stderr, "usage: server stats verify|rebuild [--config PATH]")
			return 2
		}
		var ok bool
		ok, err = statsCommand(args[0], args[1:], stdout)
		if err == nil && !ok {
			return 1
		}
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: server [serve|migrate|users create-admin|seed-demo|seed-bench|audit verify|documents verify|stats verify|stats rebuild] [--config PATH]")
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q (serve, migrate, users create-admin, seed-demo, seed-bench, audit verify, documents verify, stats verify, stats rebuild)\n", cmd)
		return 2
	}
	if err != nil {
		log.Error("command failed", "command", cmd, "error", err.Error())
		return 1
	}
	return 0
}

// commonFlags parses --config and returns the loaded configuration.
func loadConfig(fs *flag.FlagSet, args []string) (*config.Config, error) {
	path := fs.String("config", "", "path to config.yaml (default: ./config.yaml when present)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *path == "" {
		if _, err := os.Stat("config.yaml"); err == nil {
			*path = "config.yaml"
		}
	}
	return config.Load(*path)
}

func openDB(cfg *config.Config) (*database.DB, error) {
	db, err := database.Open(database.OpenOptions{
		Driver:          cfg.Database.Driver,
		DSN:             cfg.Database.DSN,
		MaxOpenConns:    cfg.Database.MaxOpenConns,
		MaxIdleConns:    cfg.Database.MaxIdleConns,
		ConnMaxLifetime: cfg.Database.ConnMaxLifetime,
		Prepared:        cfg.Database.PreparedStatements,
	})
	if err != nil {
		return nil, err
	}
	// Entries are keyed (HMAC) when audit.key is set; the key never
	// reaches the database.
	if err := audit.UseKey(db, cfg.Audit.Key); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func serve(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	withDemo := fs.Bool("demo", false, "migrate, seed the demo accounts and serve (refused in production)")
	password := fs.String("password", os.Getenv("JIANYI_DEMO_PASSWORD"), "with --demo: password for every demo account (or JIANYI_DEMO_PASSWORD)")
	profiles := fs.String("pprof", "", "serve Go's profiles on this loopback address (diagnosis; e.g. 127.0.0.1:6060)")
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *profiles != "" {
		if err := startProfiler(*profiles, log); err != nil {
			return err
		}
	}
	if *withDemo {
		// Demo accounts with a shared, known password must never reach a real deployment.
		if cfg.IsProduction() {
			return errors.New("serve --demo is refused in production mode")
		}
		if *password == "" {
			return errors.New("serve --demo needs --password or JIANYI_DEMO_PASSWORD")
		}
		if err := checkDemoPassword(cfg, *password); err != nil {
			return err
		}
	}
	red := cfg.Redacted()
	log.Info("starting jianyi", "mode", cfg.Mode, "listen", cfg.HTTP.Listen, "database_driver", red.Database.Driver, "database_dsn", red.Database.DSN)
	if cfg.Auth.EphemeralKey {
		log.Warn("no auth.signing_key configured: tokens are signed with a random key for this process and die with it; set JIANYI_AUTH_SIGNING_KEY (shared by every replica) for real use")
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if cfg.Database.AutoMigrate || *withDemo {
		done, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		for _, m := range done {
			log.Info("applied migration", "version", m.Version, "name", m.Name)
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	if err := db.Optimize(ctx); err != nil {
		log.Warn("gathering query planner statistics failed", "error", err.Error())
	}
	a, err := build(cfg, db, log)
	if err != nil {
		return err
	}
	go keepStatsCurrent(ctx, a, log)
	if *withDemo {
		if err := seedAll(ctx, db, a, *password, stdout); err != nil {
			return err
		}
		host := cfg.HTTP.Listen
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		fmt.Fprintf(stdout, "demo ready: http://%s/login (staff), http://%s/ (public) — or POST /api/v1/auth/login\n", host, host)
	}
	// The word segmenter's dictionary takes a few tenths of a second to
	// load: load it now, so the first issuance or redaction does not wait
	// for it. Loading leaves about 30 MB of garbage (the unpacked
	// dictionary text and the grown tables) beside its ~12 MB live: hand it
	// back to the system at once rather than keep it as the process's
	// resident memory until the runtime's scavenger gets to it.
	go func() {
		textseg.Shared()
		debug.FreeOSMemory()
	}()
	if cfg.Jobs.SearchBackfill {
		go fillSearchIndex(ctx, a, log)
	}
	scheduler := startJobs(cfg, a, log)
	httpSrv := &http.Server{
		Addr:              cfg.HTTP.Listen,
		Handler:           a.Router,
		ReadTimeout:       cfg.HTTP.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      cfg.HTTP.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", cfg.HTTP.Listen)
		if err := httpSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
		close(errc)
	}()
	select {
	case err := <-errc:
		if err != nil {
			return err
		}
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		log.Error("http shutdown", "error", err.Error())
	}
	if scheduler != nil {
		scheduler.Stop(shutCtx)
	}
	log.Info("stopped")
	return nil
}

func migrate(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	done, err := db.Migrate(context.Background())
	for _, m := range done {
		fmt.Fprintf(stdout, "applied %04d_%s\n", m.Version, m.Name)
	}
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
		return nil
	}
	return db.Optimize(context.Background())
}

// statsCatchUpEvery is how often the service brings the statistics
// aggregates up to the audit trail between requests (each statistics request
// also does, so its figures are exact).
const statsCatchUpEvery = time.Minute

// keepStatsCurrent builds the statistics aggregates at start (the first time:
// every case, so no request waits for it) and catches them up every minute;
// after the first build that succeeds (a failed one is retried a minute
// later) it logs so and gathers the planner's statistics again.
func keepStatsCurrent(ctx context.Context, a *app.App, log *slog.Logger) {
	t := time.NewTicker(statsCatchUpEvery)
	defer t.Stop()
	built := false
	for {
		start := time.Now()
		if err := a.Stats.CatchUp(ctx); err != nil {
			if ctx.Err() == nil {
				log.Error("statistics catch-up failed", "error", err.Error())
			}
		} else if !built {
			built = true
			log.Info("statistics aggregates current", "duration_ms", time.Since(start).Milliseconds())
			if err := a.DB.Optimize(ctx); err != nil {
				log.Warn("gathering query planner statistics failed", "error", err.Error())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// fillSearchIndex fills the search index at start (app.IndexSearch). A
// failure (on SQLite, busy while the statistics aggregates are first
// written) is retried after a pause; the fill resumes with the rows still
// without tokens.
func fillSearchIndex(ctx context.Context, a *app.App, log *slog.Logger) {
	const attempts = 10
	for attempt := 1; ; attempt++ {
		err := a.IndexSearch(ctx, log)
		if err == nil || ctx.Err() != nil {
			return
		}
		if attempt == attempts {
			log.Error("search index", "error", err.Error())
			return
		}
		log.Warn("search index: retrying", "error", err.Error(), "attempt", attempt)
		select {
		case <-ctx.Done():
			return
		case <-time.After(15 * time.Second):
		}
	}
}

// checkDemoPassword holds the demo password to the rule every other password
// follows (auth.min_password_length), before anything is migrated: a demo
// account should not log in with a password the product refuses elsewhere.
func checkDemoPassword(cfg *config.Config, password string) error {
	if len(password) < cfg.Auth.MinPasswordLength {
		return fmt.Errorf("demo password must be at least %d characters (auth.min_password_length)", cfg.Auth.MinPasswordLength)
	}
	return nil
}

func seedDemo(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("seed-demo", flag.ContinueOnError)
	password := fs.String("password", os.Getenv("JIANYI_DEMO_PASSWORD"), "password for every demo account (or JIANYI_DEMO_PASSWORD)")
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if cfg.IsProduction() {
		return errors.New("seed-demo is refused in production mode: it writes demo accounts with one shared password; make the first administrator with `server users create-admin`")
	}
	if *password == "" {
		return errors.New("seed-demo needs --password or JIANYI_DEMO_PASSWORD")
	}
	if err := checkDemoPassword(cfg, *password); err != nil {
		return err
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		return err
	}
	a, err := build(cfg, db, log)
	if err != nil {
		return err
	}
	return seedAll(context.Background(), db, a, *password, stdout)
}

// seedAll makes the demo organisation and cases under a database-wide lock:
// replicas started together on an empty database seed one after the other,
// and the later ones find the data made (seeding is idempotent).
func seedAll(ctx context.Context, db *database.DB, a *app.App, password string, stdout io.Writer) error {
	return db.WithNamedLock(ctx, "jianyi_seed_demo", 5*time.Minute, func() error {
		seeded, err := demo.SeedDemo(ctx, db, a.Passwords, password)
		if err != nil {
			return err
		}
		printDemoOrg(stdout, seeded)
		return seedDemoCases(ctx, a, password, stdout)
	})
}

// build assembles the program (server/app) and says which fonts it loaded.
func build(cfg *config.Config, db *database.DB, log *slog.Logger) (*app.App, error) {
	a, err := app.New(app.Options{Config: cfg, DB: db, Logger: log})
	if err != nil {
		return nil, err
	}
	d := cfg.Documents
	log.Info("document fonts loaded", "title", fontName(d.TitleFont), "body", fontName(d.BodyFont), "heading", fontName(d.HeadingFont), "kai", fontName(d.KaiFont))
	return a, nil
}

// seedDemoCases makes the demo cases, project and review through the
// services the server uses (same deadlines, calendar, publishing roles and
// fonts) and lists them.
func seedDemoCases(ctx context.Context, a *app.App, password string, stdout io.Writer) error {
	made, err := demo.SeedDemoCases(ctx, a.DemoServices(), password)
	if err != nil {
		return err
	}
	for _, acc := range made.Accounts {
		status := "created"
		if !acc.Created {
			status = "already existed (password unchanged)"
		}
		fmt.Fprintf(stdout, "  %-16s %-13s %s  %s\n", acc.Username, acc.Role, acc.Where, status)
	}
	fmt.Fprintln(stdout, "demo cases (id  state  文号  title  status):")
	for _, c := range made.Cases {
		status := "created"
		if !c.Created {
			status = "already existed"
		}
		no := c.DocumentNumber
		if no == "" {
			no = "-"
		}
		fmt.Fprintf(stdout, "  %-4d %-13s %-22s %s  %s\n", c.ID, c.State, no, c.Title, status)
	}
	fmt.Fprintf(stdout, "demo citizen application: %s; project id %d; review batch id %d\n", made.TrackingNo, made.ProjectID, made.ReviewBatchID)
	return nil
}

// printDemoOrg lists what seeding made, so the operator knows the accounts.
func printDemoOrg(stdout io.Writer, org *demo.DemoOrg) {
	fmt.Fprintf(stdout, "检察院: %s > %s > %s\n", org.Province.Name, org.City.Name, org.District.Name)
	fmt.Fprintf(stdout, "被建议单位: %s, %s\n", org.Agency1.Name, org.Agency2.Name)
	fmt.Fprintln(stdout, "accounts (username  role  where  status):")
	for _, a := range org.Accounts {
		status := "created"
		if !a.Created {
			status = "already existed (password unchanged)"
		}
		fmt.Fprintf(stdout, "  %-16s %-13s %s  %s\n", a.Username, a.Role, a.Where, status)
	}
}

func auditVerify(args []string, stdout io.Writer, log *slog.Logger) (bool, error) {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	anchor := fs.String("head", "", "a head hash printed by an earlier verify (kept outside the database) that must still be in the chain")
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return false, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return false, err
	}
	defer db.Close()
	r, err := audit.Verify(context.Background(), db, cfg.Audit.Key, strings.TrimSpace(*anchor))
	if err != nil {
		return false, err
	}
	keyed := "unkeyed (SHA-256; set audit.key to key new entries)"
	switch {
	case r.Keyed > 0 && r.Unchecked > 0:
		keyed = fmt.Sprintf("%d keyed entries NOT checked: audit.key is not configured here", r.Unchecked)
	case r.Keyed > 0:
		keyed = fmt.Sprintf("%d of %d entries keyed (HMAC) and checked", r.Keyed, r.Checked)
	}
	fmt.Fprintf(stdout, "head: entry %d hash %s\n", r.Head.ID, r.Head.Hash)
	fmt.Fprintf(stdout, "chain: %s\n", keyed)
	if r.AnchorFound != nil && *r.AnchorFound {
		fmt.Fprintf(stdout, "recorded head %s found in the chain\n", *anchor)
	}
	if len(r.Breaks) == 0 {
		fmt.Fprintf(stdout, "audit chain intact: %d entries verified\n", r.Checked)
		return true, nil
	}
	fmt.Fprintf(stdout, "audit chain BROKEN: %d entries checked, %d problem(s)\n", r.Checked, len(r.Breaks))
	for _, b := range r.Breaks {
		fmt.Fprintf(stdout, "  entry %d: %s\n", b.EntryID, b.Reason)
	}
	return false, nil
}

// statsCommand verifies the statistics aggregates against the raw rows (after
// catching them up), or recounts them.
func statsCommand(sub string, args []string, stdout io.Writer) (bool, error) {
	fs := flag.NewFlagSet("stats "+sub, flag.ContinueOnError)
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return false, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return false, err
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.CheckSchema(ctx); err != nil {
		return false, err
	}
	clock := calendar.NewClock(cfg.Location(), time.Now)
	db.UseClock(clock.Now)
	svc := &stats.Service{DB: db, Clock: clock}
	if sub == "rebuild" {
		n, err := svc.Rebuild(ctx)
		if err != nil {
			return false, err
		}
		fmt.Fprintf(stdout, "statistics aggregates rebuilt: %d row(s) changed\n", n)
		return true, nil
	}
	groups, diffs, err := svc.Verify(ctx)
	if err != nil {
		return false, err
	}
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "statistics aggregates agree with the raw rows: %d groups verified\n", groups)
		return true, nil
	}
	fmt.Fprintf(stdout, "statistics aggregates DIFFER from the raw rows: %d difference(s) over %d groups\n", len(diffs), groups)
	for i, d := range diffs {
		if i == 50 {
			fmt.Fprintf(stdout, "  … and %d more\n", len(diffs)-50)
			break
		}
		fmt.Fprintf(stdout, "  %s: stored %s, recomputed %s\n", d.What, d.Stored, d.Recomputed)
	}
	return false, nil
}
