package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"jianyi/internal/analysis"
	"jianyi/internal/benchseed"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
	"jianyi/internal/stats"
)

// The analysis benchmarks run on a generated province (internal/benchseed)
// of 129,000 cases, about 100,000 of them issued letters over five years,
// with the full-text index filled. The database is made once and kept:
//
//	go test ./internal/analysis/ -run '^$' -bench . -benchtime 50x -timeout 60m
//
// JIANYI_ANALYSIS_BENCH_DB names the SQLite file (default: analysis-bench-100k.db
// in the temporary directory); JIANYI_ANALYSIS_BENCH_CASES the number of
// cases to seed it with. docs/search.md records the results.
const (
	envBenchDB = "JIANYI_ANALYSIS_BENCH_DB"
	// JIANYI_ANALYSIS_BENCH_DRIVER=mysql runs them on MariaDB/MySQL: then
	// JIANYI_ANALYSIS_BENCH_DB is the DSN of a database (empty: seeded).
	envBenchDriver = "JIANYI_ANALYSIS_BENCH_DRIVER"
	envBenchCases  = "JIANYI_ANALYSIS_BENCH_CASES"
	// JIANYI_ANALYSIS_BENCH_NOINDEX=1 skips filling the index (the
	// recurrence does not read it).
	envBenchNoIndex = "JIANYI_ANALYSIS_BENCH_NOINDEX"
	// JIANYI_ANALYSIS_BENCH_LETTERS=1 times the recurrence letter by letter
	// (the path of a prosecutor's own cases), for comparison.
	envBenchLetters = "JIANYI_ANALYSIS_BENCH_LETTERS"
)

var benchUntil = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

type benchEnv struct {
	svc     *analysis.Service
	chief   *org.Actor // province case manager: the whole province
	pros    []*org.Actor
	letters int64
}

func openBench(b *testing.B) *benchEnv {
	b.Helper()
	driver, path := os.Getenv(envBenchDriver), os.Getenv(envBenchDB)
	if driver == "" {
		driver = "sqlite"
	}
	if path == "" {
		if driver != "sqlite" {
			b.Fatalf("%s=%s needs %s (the DSN of an existing database)", envBenchDriver, driver, envBenchDB)
		}
		path = filepath.Join(os.TempDir(), "analysis-bench-100k.db")
	}
	ctx := context.Background()
	if !benchSeeded(b, driver, path) {
		n := 129000
		if v := os.Getenv(envBenchCases); v != "" {
			if _, err := fmtSscan(v, &n); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("seeding %d cases into %s (once)", n, path)
		if _, err := benchseed.Run(ctx, benchseed.Options{Driver: driver, DSN: path, Cases: n, Seed: 15,
			Password: "bench-pass-2026", Until: benchUntil}); err != nil {
			b.Fatal(err)
		}
	}
	db, err := database.Open(database.OpenOptions{Driver: driver, DSN: path, MaxOpenConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if n, err := cases.ClassifyMissingProblems(ctx, db); err != nil {
		b.Fatal(err)
	} else if n > 0 {
		b.Logf("stored the problem kinds of %d cases (once)", n)
	}
	if os.Getenv(envBenchNoIndex) != "" {
		return benchServices(b, db)
	}
	began := time.Now()
	nc, err := cases.IndexAll(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	nd, err := disclosure.IndexAll(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if nc+nd > 0 {
		b.Logf("indexed %d cases and %d disclosures in %s (once)", nc, nd, time.Since(began))
	}
	return benchServices(b, db)
}

// benchServices builds the services over the benchmark database.
func benchServices(b *testing.B, db *database.DB) *benchEnv {
	loc := time.FixedZone("CST", 8*3600)
	clock := calendar.NewClock(loc, func() time.Time { return benchUntil.Add(10 * time.Hour) })
	st := &stats.Service{DB: db, Clock: clock}
	// The recurrence reads the statistics' per-case rows: bring them up
	// first (after migration 0022, the first catch-up rebuilds them all).
	began := time.Now()
	if err := st.CatchUp(context.Background()); err != nil {
		b.Fatal(err)
	}
	if took := time.Since(began); took > time.Second {
		b.Logf("caught the statistics up in %s (once)", took.Round(time.Millisecond))
	}
	env := &benchEnv{svc: &analysis.Service{DB: db, Clock: clock, Stats: st, Projects: &projects.Service{DB: db, Clock: clock},
		Settings:    analysis.Settings{RepeatWindowDays: 365, RisePercent: 20, RiseMinCases: 3, ImportMaxRows: 5000},
		LetterLevel: os.Getenv(envBenchLetters) != ""}}
	actor := func(u *org.User) *org.Actor {
		a := org.ActorFor(u, "", "")
		var p org.Procuratorate
		if err := db.First(&p, a.ProcuratorateID).Error; err != nil {
			b.Fatal(err)
		}
		a.ProcuratoratePath = p.Path
		return a
	}
	var mgr org.User
	if err := db.Where("username = ?", "bench-p-casemgr").First(&mgr).Error; err != nil {
		b.Fatal(err)
	}
	env.chief = actor(&mgr)
	// The prosecutors of the ten busiest procuratorates draft the letters.
	var busy []struct{ ProcuratorateID int64 }
	db.Table("cases").Select("procuratorate_id").Group("procuratorate_id").Order("COUNT(*) DESC").Limit(10).Scan(&busy)
	for _, p := range busy {
		var u org.User
		if err := db.Where("procuratorate_id = ? AND role = ?", p.ProcuratorateID, org.RoleProsecutor).First(&u).Error; err == nil {
			env.pros = append(env.pros, actor(&u))
		}
	}
	db.Table("cases").Where("issued_at IS NOT NULL").Count(&env.letters)
	return env
}

// BenchmarkRecurrence times the recurrence analysis of the whole province:
// the last twelve months (the default period) and the five years.
func BenchmarkRecurrence(b *testing.B) {
	env := openBench(b)
	today := calendar.DateOf(benchUntil, time.UTC)
	for _, tc := range []struct {
		name string
		q    analysis.RecurrenceQuery
	}{
		{"province_12_months", analysis.RecurrenceQuery{}},
		{"province_5_years", analysis.RecurrenceQuery{From: today.AddDays(-5 * 365), To: today}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var letters int64
			before := env.svc.RowsAnswers()
			cpu := processCPU()
			for b.Loop() {
				r, err := env.svc.Recurrence(context.Background(), env.chief, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				letters = r.Letters
			}
			// The CPU time per call (user and system, every thread): on a
			// shared machine the time per call grows with the load, this
			// much less.
			b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu_ms/op")
			if env.svc.RowsAnswers() == before && !env.svc.LetterLevel {
				b.Fatal("not answered from the statistics' per-case rows")
			}
			b.ReportMetric(float64(letters), "letters")
			b.ReportMetric(float64(env.letters), "letters_in_db")
		})
	}
}

// BenchmarkSimilar times the similar-letter search for drafts taken from
// letters of the ten busiest procuratorates (each finds its own letter
// among about 100,000), reporting the median and the 95th percentile.
func BenchmarkSimilar(b *testing.B) {
	env := openBench(b)
	ctx := context.Background()
	type draft struct {
		a  *org.Actor
		in analysis.SimilarInput
	}
	var drafts []draft
	for _, a := range env.pros {
		var list []cases.RecommendationDraft
		env.svc.DB.Table("recommendation_drafts").Joins("JOIN cases ON cases.id = recommendation_drafts.case_id").
			Where("cases.procuratorate_id = ? AND cases.issued_at IS NOT NULL", a.ProcuratorateID).
			Select("recommendation_drafts.*").Order("recommendation_drafts.id").Limit(10).Find(&list)
		for _, d := range list {
			rc, err := cases.ParseRecommendationContent(d.Content)
			if err != nil {
				b.Fatal(err)
			}
			in := analysis.SimilarInput{Title: rc.Title, Facts: rc.Facts, Illegality: rc.Illegality}
			var c cases.Case
			env.svc.DB.First(&c, d.CaseID)
			in.Title = rc.TitleFor(&c)
			for _, it := range rc.Items {
				in.Items = append(in.Items, analysis.SimilarItem{Text: it.Text})
			}
			drafts = append(drafts, draft{a, in})
		}
	}
	if len(drafts) == 0 {
		b.Fatal("no drafts")
	}
	// Warm the segmenter (loaded once per process).
	if _, err := env.svc.Similar(ctx, drafts[0].a, drafts[0].in); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	i := 0
	for b.Loop() {
		d := drafts[i%len(drafts)]
		i++
		t0 := time.Now()
		r, err := env.svc.Similar(ctx, d.a, d.in)
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
		if len(r.Letters) == 0 {
			b.Fatal("nothing similar")
		}
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95_ms")
	b.ReportMetric(float64(env.letters), "letters_in_db")
}

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }

// benchSeeded reports the benchmark database holds the generated province.
func benchSeeded(b *testing.B, driver, path string) bool {
	if driver == "sqlite" {
		_, err := os.Stat(path)
		return !errors.Is(err, os.ErrNotExist)
	}
	db, err := database.Open(database.OpenOptions{Driver: driver, DSN: path, MaxOpenConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.Raw("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'cases'").
		Scan(&n).Error; err != nil {
		b.Fatal(err)
	}
	if n > 0 {
		db.Table("cases").Count(&n)
	}
	return n > 0
}
