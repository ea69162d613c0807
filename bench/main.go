// Command bench measures Jianyi on a database made by `server seed-bench`:
// it starts the server binary on that database, logs in as users of several
// scopes and, for each endpoint, reports p50/p99 latency, throughput and
// errors at each client count, next to /healthz measured in the same run,
// with the server's peak memory. The result is a markdown table for the
// README and docs/scale.md.
//
//	go run ./bench --db sqlite --dsn data/bench.db --clients 1,8,32
//	go run ./bench --db mysql --dsn 'user:pass@tcp(127.0.0.1:3306)/jianyi_bench' --only 'stats|ledger'
//
// The seeded accounts' password comes from --password or
// JIANYI_BENCH_PASSWORD. The first-download scenario freezes the letters it
// downloads, so a rerun finds fewer unfrozen letters; reseed for a
// comparable run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	driver, dsn   string
	serverBin     string
	listen        string
	clients       []int
	duration      time.Duration
	maxRequests   int
	timeout       time.Duration
	password      string
	prefix        string
	rareWord      string
	only          *regexp.Regexp
	out           string
	dbPID         int
	serverEnv     []string
	keepServerLog string
	settle        time.Duration
}

// idleMemory is the server's resident memory before the first run.
type idleMemory struct {
	ready, settled int64
	settle         time.Duration
	note           string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var c config
	var clients, only, env string
	flag.StringVar(&c.driver, "db", "sqlite", "database driver: sqlite or mysql")
	flag.StringVar(&c.dsn, "dsn", "", "database: SQLite file or MySQL DSN (the one seed-bench filled)")
	flag.StringVar(&c.serverBin, "server", "", "server binary (default: build ./server into a temporary directory)")
	flag.StringVar(&c.listen, "listen", "127.0.0.1:18099", "address the server under test listens on")
	flag.StringVar(&clients, "clients", "1,8,32", "concurrent clients, comma-separated")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "how long each endpoint runs at each client count (every client finishes at least one request)")
	flag.IntVar(&c.maxRequests, "max-requests", 5000, "stop an endpoint's run after this many requests")
	flag.DurationVar(&c.timeout, "timeout", 3*time.Minute, "timeout of one request")
	flag.StringVar(&c.password, "password", envOr("JIANYI_BENCH_PASSWORD", "bench-pass-2026"), "password of the seeded accounts")
	flag.StringVar(&c.prefix, "prefix", "bench", "username prefix used by seed-bench")
	flag.StringVar(&c.rareWord, "rare-word", "尾矿库", "word searched for with q= (seed-bench puts it in about one title in ten thousand)")
	flag.StringVar(&only, "only", "", "run only endpoints whose name matches this regular expression (/healthz always runs)")
	flag.StringVar(&c.out, "out", "", "also write the markdown report to this file")
	flag.IntVar(&c.dbPID, "db-pid", 0, "process id of the database server (e.g. mariadbd): its CPU per request is reported too")
	flag.StringVar(&env, "server-env", "", "extra environment for the server, comma-separated KEY=VALUE")
	flag.StringVar(&c.keepServerLog, "server-log", "", "keep the server's log in this file")
	flag.DurationVar(&c.settle, "settle", 5*time.Second, "wait this long after logging in before the first run (the server's start-up work), then record its idle memory")
	flag.Parse()
	if c.dsn == "" {
		return fmt.Errorf("--dsn is required")
	}
	if c.driver != "sqlite" && c.driver != "mysql" {
		return fmt.Errorf("--db must be sqlite or mysql")
	}
	for _, s := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--clients: %q is not a positive number", s)
		}
		c.clients = append(c.clients, n)
	}
	if only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			return fmt.Errorf("--only: %w", err)
		}
		c.only = re
	}
	if env != "" {
		c.serverEnv = strings.Split(env, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	fmt.Fprintln(os.Stderr, "reading fixtures from the database …")
	fx, err := loadFixtures(ctx, c)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, c)
	if err != nil {
		return err
	}
	defer srv.stop()
	idle := idleMemory{settle: c.settle}
	idle.ready, _ = srv.memory()
	fmt.Fprintf(os.Stderr, "server pid %d on %s, RSS %s; logging in …\n", srv.pid, c.listen, size(idle.ready))
	cl := newClient(c)
	if err := fx.login(ctx, cl, c); err != nil {
		return err
	}
	// What the server holds before the first run: its start-up work (the
	// statistics aggregates' build or catch-up, the search index's fill)
	// runs in the background after it is ready.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(c.settle):
	}
	var peak int64
	idle.settled, peak = srv.memory()
	idle.note = "peak since start " + size(peak)
	fmt.Fprintf(os.Stderr, "server RSS after %s: %s (%s)\n", c.settle, size(idle.settled), idle.note)
	scenarios := buildScenarios(fx, c)
	loadBefore := loadAverage()
	var results []result
	health := map[int]*result{}
	for _, n := range c.clients {
		fmt.Fprintf(os.Stderr, "— %d client(s)\n", n)
		for _, sc := range scenarios {
			if sc.name != healthzName && c.only != nil && !c.only.MatchString(sc.name) {
				continue
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var before result
			if sc.list {
				before = runScenario(ctx, cl, srv, scenarios[0], n, besideConfig(c))
			}
			res := runScenario(ctx, cl, srv, sc, n, c)
			if sc.list {
				after := runScenario(ctx, cl, srv, scenarios[0], n, besideConfig(c))
				res.beside = &result{name: healthzName, clients: n, p50: (before.p50 + after.p50) / 2}
			}
			if sc.name == healthzName {
				health[n] = &res
			}
			fmt.Fprintf(os.Stderr, "  %-52s n=%-5d p50=%-9s p99=%-9s %7.1f req/s cpu=%-9s db=%-9s 5xx=%d err=%d%s\n", sc.name, res.n,
				ms(res.p50), ms(res.p99), res.throughput, cpuMs(res.cpuPerReq), cpuMs(res.dbCPUPerReq), res.status5xx, res.failures, besideNote(res))
			results = append(results, res)
		}
	}
	logSummary, err := srv.stopAndSummarise()
	if err != nil {
		return err
	}
	report := renderReport(c, fx, results, health, logSummary, loadBefore, idle)
	fmt.Print(report)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// besideConfig is c for the /healthz runs beside a list: for at most 2 s
// without the request cap, so each p50 is of tens of thousands of requests
// (capped, /healthz at 8 clients ran for a few tenths of a second).
func besideConfig(c config) config {
	c.duration, c.maxRequests = min(c.duration, 2*time.Second), 1<<30
	return c
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// discard reads a body to the end, counting bytes.
func discard(r io.Reader) (int64, error) { return io.Copy(io.Discard, r) }
