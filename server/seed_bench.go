package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"syscall"
	"time"

	"jianyi/internal/benchseed"
)

// seedBench fills an empty database with a generated province for the
// benchmark (bench/). Refused in production mode: it writes thousands of
// accounts sharing one password.
func seedBench(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed-bench", flag.ContinueOnError)
	var o benchseed.Options
	fs.IntVar(&o.Cases, "cases", 100000, "number of cases to generate")
	seed := fs.Uint64("seed", 1, "random seed: the same seed, --until and options give the same database")
	until := fs.String("until", "", "the seeding day YYYY-MM-DD (default today): cases run up to this day")
	fs.IntVar(&o.Years, "years", 5, "years of history before --until")
	fs.IntVar(&o.Cities, "cities", 15, "cities under the province")
	fs.IntVar(&o.Districts, "districts", 10, "districts per city (on average)")
	fs.StringVar(&o.Prefix, "prefix", "bench", "prefix of every generated username")
	fs.StringVar(&o.Password, "password", os.Getenv("JIANYI_BENCH_PASSWORD"), "password of every generated account (or JIANYI_BENCH_PASSWORD)")
	fs.Float64Var(&o.UnfrozenShare, "unfrozen-share", 0.2, "share of issued letters, the oldest, without a frozen PDF (issued before freezing existed)")
	fs.Float64Var(&o.DisclosedShare, "disclosed-share", 0.11, "share of issued letters published (公开)")
	fs.BoolVar(&o.AllowNonEmpty, "allow-non-empty", false, "add the generated province to a database that already holds data")
	fs.IntVar(&o.BatchCases, "batch", 5000, "cases per transaction")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the seeding to this file (go tool pprof)")
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if cfg.IsProduction() {
		return errors.New("seed-bench is refused in production mode")
	}
	if o.Password == "" {
		return errors.New("seed-bench needs --password or JIANYI_BENCH_PASSWORD")
	}
	if err := checkDemoPassword(cfg, o.Password); err != nil {
		return err
	}
	o.Seed = *seed
	o.Driver, o.DSN, o.Location = cfg.Database.Driver, cfg.Database.DSN, cfg.Location()
	if *until != "" {
		t, err := time.ParseInLocation("2006-01-02", *until, o.Location)
		if err != nil {
			return fmt.Errorf("--until: %w", err)
		}
		o.Until = t
	}
	o.Progress = stdout
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "seed-bench: %d cases into %s (seed %d)\n", o.Cases, cfg.Database.Driver, o.Seed)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := benchseed.Run(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d cases up to %s: %d procuratorates, %d agencies, %d users; %d rows in %s (%.0f rows/s)\n",
		rep.Cases, rep.Until, rep.Procuratorates, rep.Agencies, rep.Users, rep.TotalRows, rep.Elapsed.Round(time.Second),
		float64(rep.TotalRows)/rep.Elapsed.Seconds())
	names := make([]string, 0, len(rep.Rows))
	for n := range rep.Rows {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(stdout, "  %-24s %10d\n", n, rep.Rows[n])
	}
	fmt.Fprintln(stdout, "accounts (all with the given password):")
	for _, a := range rep.Accounts {
		fmt.Fprintf(stdout, "  %s\n", a)
	}
	return nil
}
