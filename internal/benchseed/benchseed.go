// Package benchseed fills an empty Jianyi database with a generated province
// for benchmarks: a procuratorate tree (province → cities → districts) with
// departments, staff and local agencies, and N cases spread over several
// years through the whole lifecycle — timelines and audit trail, drafts,
// approvals, 文号 and 备案, deliveries and reply deadlines, replies of every
// class (on time, 慢回复, 粗回复, 不回复), follow-up, closure, citizen
// applications, projects, quality reviews and the public disclosure feed.
//
// It writes rows directly with multi-row INSERTs in large transactions (the
// service's actions would take hours for a million cases), keeping every
// invariant the service's reads rely on: versions count the actions, reply
// classes follow the service's rule, numbers are gap-free per sequence and
// the counters continue them, the audit chain verifies. Output is a pure
// function of the options (the seed and the seeding day), so two runs give
// the same database.
package benchseed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"jianyi/migrations"
)

// Options say what to generate and where.
type Options struct {
	Driver string // sqlite | mysql
	DSN    string
	Cases  int
	Seed   uint64
	// Years of history before Until (default 5).
	Years int
	// Until is the seeding day in Location; zero means now. With a fixed
	// Until the output does not depend on when it runs.
	Until    time.Time
	Location *time.Location
	// Cities and Districts (per city, on average) shape the tree.
	Cities, Districts int
	// Prefix starts every generated username (default "bench").
	Prefix   string
	Password string
	// UnfrozenShare of issued letters, the oldest, have no stored PDF: they
	// were issued before freezing existed (or migrated from an older
	// system), and the service freezes each on its first download.
	UnfrozenShare float64
	// DisclosedShare of issued letters are published (公开).
	DisclosedShare float64
	// AllowNonEmpty adds the generated province to a database that already
	// holds data instead of refusing.
	AllowNonEmpty bool
	// BatchCases is the number of cases per transaction.
	BatchCases int
	// Progress receives a line per batch; nil for none.
	Progress io.Writer
}

// Defaults fills the zero fields.
func (o *Options) Defaults() {
	if o.Years == 0 {
		o.Years = 5
	}
	if o.Cities == 0 {
		o.Cities = 15
	}
	if o.Districts == 0 {
		o.Districts = 10
	}
	if o.Prefix == "" {
		o.Prefix = "bench"
	}
	if o.BatchCases == 0 {
		o.BatchCases = 5000
	}
	if o.Location == nil {
		o.Location = time.FixedZone("CST", 8*3600)
	}
}

func (o *Options) validate() error {
	switch {
	case o.Cases < 1:
		return errors.New("--cases must be at least 1")
	case o.Password == "" || len(o.Password) < 8:
		return errors.New("a password of at least 8 characters is needed for the generated accounts")
	case o.UnfrozenShare < 0 || o.UnfrozenShare > 1 || o.DisclosedShare < 0 || o.DisclosedShare > 1:
		return errors.New("shares must be between 0 and 1")
	case o.Years < 1 || o.Years > 30:
		return errors.New("--years must be between 1 and 30")
	case o.Cities < 1 || o.Districts < 1:
		return errors.New("--cities and --districts must be at least 1")
	case strings.ContainsAny(o.Prefix, " %_"):
		return errors.New("--prefix must not contain spaces, % or _")
	}
	return nil
}

// Report is what a run made.
type Report struct {
	Cases          int
	Procuratorates int
	Users          int
	Agencies       int
	Rows           map[string]int64
	TotalRows      int64
	Elapsed        time.Duration
	Accounts       []string // a few accounts to log in with
	Until          string
}

type generator struct {
	opts      Options
	db        *sql.DB
	dialect   migrations.Dialect
	loc       *time.Location
	cal       *calendar
	org       *org
	next      map[string]int64
	audit     *auditChain
	start     time.Time
	untilTime time.Time
	startDay  day
	untilDay  day

	passwordHash string
	caseSeq      []int32 // 案号 number of case i (0: never filed)
	docSeq       []int32 // 文号 number of case i (0: never issued)
	counters     map[counterKey]int32
	// freezingSince: letters issued before have no frozen PDF.
	freezingSince time.Time

	reviewPool      []reviewCandidate
	disclosures     int64
	lastPublication time.Time
}

type counterKey struct {
	kind       string
	proc, dept int64
	year       int
}

type reviewCandidate struct {
	caseID int64
	proc   *proc
	dept   *dept
	pros   *user
	closed time.Time
}

func (g *generator) nextID(table string) int64 {
	id := g.next[table]
	g.next[table] = id + 1
	return id
}

// dayOf is the legal date of t.
func (g *generator) dayOf(t time.Time) day {
	l := t.In(g.loc)
	return dayOf(l.Year(), l.Month(), l.Day())
}

// dayStart is midnight of d in the legal zone.
func (g *generator) dayStart(d day) time.Time {
	t := d.time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, g.loc).UTC()
}

// idTables are the tables whose ids the generator assigns.
var idTables = []string{"procuratorates", "departments", "agencies", "users", "projects", "project_stages", "project_members",
	"project_tasks", "project_events", "cases", "case_events", "recommendation_drafts", "approval_steps", "investigation_records",
	"case_deliveries", "stored_files", "filings", "replies", "reply_items", "reply_returns", "follow_ups", "progress_reports",
	"escalations", "notifications", "reminders", "urging_letters", "disclosures", "applications", "application_answers",
	"case_ratings", "review_batches", "review_items", "audit_entries"}

// Run generates the database. It migrates first, and refuses a database
// that already holds cases, users or procuratorates unless AllowNonEmpty.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts.Defaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	began := time.Now()
	// The generator allocates millions of short-lived rows; collecting less
	// often trades memory (plenty) for CPU (scarce).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	db, dialect, err := openDB(opts.Driver, opts.DSN)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// Refuse before touching anything, migrations included.
	if err := checkEmpty(ctx, db, opts.AllowNonEmpty); err != nil {
		return nil, err
	}
	if _, err := migrations.Apply(ctx, db, dialect, time.Now); err != nil {
		return nil, err
	}
	g := &generator{opts: opts, db: db, dialect: dialect, loc: opts.Location, next: map[string]int64{}, counters: map[counterKey]int32{}}
	if err := g.prepare(ctx); err != nil {
		return nil, err
	}
	indexes, err := g.secondaryIndexes(ctx)
	if err != nil {
		return nil, err
	}
	var w writer
	if dialect == migrations.MySQL {
		if w, err = openMySQLWriter(ctx, db, opts.AllowNonEmpty); err != nil {
			return nil, err
		}
		defer w.close()
	} else {
		// The service's driver is done: the load goes through the SQLite
		// library with no journal, no fsync and an exclusive lock. A seed
		// that dies half-way leaves a database to delete (the audit head is
		// written last, so `server audit verify` fails on it).
		db.Close()
		raw, err := openRawSQLite(strings.SplitN(opts.DSN, "?", 2)[0])
		if err != nil {
			return nil, err
		}
		defer raw.close()
		for _, pragma := range []string{"PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA locking_mode=EXCLUSIVE",
			"PRAGMA cache_size=-1048576", "PRAGMA temp_store=MEMORY", "PRAGMA foreign_keys=ON"} {
			if err := raw.exec(pragma); err != nil {
				return nil, err
			}
		}
		w = raw
	}
	for _, ix := range indexes {
		if err := w.exec("DROP INDEX " + ix.name); err != nil {
			return nil, err
		}
	}
	counts := map[string]int64{}
	if err := g.generate(ctx, w, counts); err != nil {
		return nil, err
	}
	if err := g.finalize(ctx, w, counts, indexes); err != nil {
		return nil, err
	}
	rep := &Report{Cases: opts.Cases, Procuratorates: len(g.org.procs), Agencies: len(g.org.agencies), Users: len(g.org.users),
		Rows: counts, Elapsed: time.Since(began), Until: g.untilDay.String()}
	for _, n := range counts {
		rep.TotalRows += n
	}
	p := g.org.province
	rep.Accounts = []string{p.casemgr.username + " (province case manager)", p.chief.username + " (province chief)",
		opts.Prefix + "-p-admin (admin)"}
	return rep, nil
}

// checkEmpty refuses a database that holds cases, users or procuratorates,
// unless allowed. A database without the tables yet is empty.
func checkEmpty(ctx context.Context, db *sql.DB, allowed bool) error {
	if allowed {
		return nil
	}
	var n [3]int64
	for i, t := range []string{"cases", "users", "procuratorates"} {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n[i]); err != nil {
			if err := db.PingContext(ctx); err != nil {
				return err
			}
			n[i] = 0 // no such table yet
		}
	}
	if n[0] > 0 || n[1] > 0 || n[2] > 0 {
		return fmt.Errorf("the database is not empty (%d cases, %d users, %d procuratorates): seed-bench fills an empty database; "+
			"pass --allow-non-empty to add a generated province next to what is there", n[0], n[1], n[2])
	}
	return nil
}

// prepare reads where ids and the audit chain continue, and builds the
// organisation.
func (g *generator) prepare(ctx context.Context) error {
	var clash int64
	if err := g.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username LIKE ?", g.opts.Prefix+"-%").Scan(&clash); err != nil {
		return err
	}
	if clash > 0 {
		return fmt.Errorf("%d users named %s-… exist already: choose another --prefix", clash, g.opts.Prefix)
	}
	for _, t := range idTables {
		var max sql.NullInt64
		if err := g.db.QueryRowContext(ctx, "SELECT MAX(id) FROM "+t).Scan(&max); err != nil {
			return fmt.Errorf("reading %s: %w", t, err)
		}
		g.next[t] = max.Int64 + 1
	}
	var headID int64
	var headHash string
	if err := g.db.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&headID, &headHash); err != nil {
		return fmt.Errorf("reading the audit head: %w", err)
	}
	if headID != g.next["audit_entries"]-1 {
		return fmt.Errorf("the audit head (%d) is not the last audit entry (%d): run `server audit verify`", headID, g.next["audit_entries"]-1)
	}
	taken := map[string]bool{}
	for _, q := range []string{"SELECT name FROM procuratorates", "SELECT short_name FROM procuratorates", "SELECT name FROM agencies"} {
		rows, err := g.db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			taken[strings.TrimSuffix(s, "人民检察院")] = true
			taken[s] = true
		}
		rows.Close()
	}
	cal, err := loadCalendar(ctx, g.db)
	if err != nil {
		return err
	}
	g.cal = cal
	until := g.opts.Until
	if until.IsZero() {
		g.untilTime = time.Now().UTC().Truncate(time.Microsecond)
	} else {
		u := until.In(g.loc)
		g.untilTime = time.Date(u.Year(), u.Month(), u.Day(), 18, 0, 0, 0, g.loc).UTC()
	}
	g.untilDay = g.dayOf(g.untilTime)
	g.startDay = g.untilDay - day(365*g.opts.Years+g.opts.Years/4)
	g.start = g.dayStart(g.startDay).Add(9 * time.Hour)
	hash, err := bcrypt.GenerateFromPassword([]byte(g.opts.Password), 11)
	if err != nil {
		return err
	}
	g.passwordHash = string(hash)
	r := rand.New(rand.NewPCG(g.opts.Seed, 0x0a9))
	g.org = buildOrg(r, &g.opts, g.next, taken)
	g.planProjects(r)
	g.audit = &auditChain{nextID: g.next["audit_entries"], lastID: headID, lastHash: headHash}
	g.number()
	return nil
}

// number assigns 案号 and 文号: each sequence (per procuratorate and year;
// per procuratorate, department and year) counts from 1 in the order the
// cases were filed or issued, without gaps.
func (g *generator) number() {
	type event struct {
		key counterKey
		at  int64
		idx int32
	}
	var filed, issued []event
	p := &plan{}
	for i := 0; i < g.opts.Cases; i++ {
		g.simulate(i, p)
		for _, s := range p.steps {
			switch s.kind {
			case stFile:
				filed = append(filed, event{counterKey{"case", p.proc.id, 0, g.dayOf(s.at).year()}, s.at.UnixMicro(), int32(i)})
			case stIssue:
				issued = append(issued, event{counterKey{"document", p.proc.id, p.dept.id, g.dayOf(s.at).year()}, s.at.UnixMicro(), int32(i)})
			}
		}
	}
	g.caseSeq = make([]int32, g.opts.Cases)
	g.docSeq = make([]int32, g.opts.Cases)
	assign := func(evs []event, seq []int32) {
		sort.Slice(evs, func(a, b int) bool {
			x, y := evs[a], evs[b]
			if x.key != y.key {
				return keyLess(x.key, y.key)
			}
			if x.at != y.at {
				return x.at < y.at
			}
			return x.idx < y.idx
		})
		for _, e := range evs {
			g.counters[e.key]++
			seq[e.idx] = g.counters[e.key]
		}
	}
	times := make([]int64, len(issued))
	for i, e := range issued {
		times[i] = e.at
	}
	slices.Sort(times)
	if k := int(g.opts.UnfrozenShare * float64(len(times))); k >= len(times) {
		g.freezingSince = g.untilTime.Add(time.Hour)
	} else if k > 0 {
		g.freezingSince = time.UnixMicro(times[k])
	}
	assign(filed, g.caseSeq)
	assign(issued, g.docSeq)
}

func keyLess(a, b counterKey) bool {
	switch {
	case a.kind != b.kind:
		return a.kind < b.kind
	case a.proc != b.proc:
		return a.proc < b.proc
	case a.dept != b.dept:
		return a.dept < b.dept
	}
	return a.year < b.year
}

// generate builds batches and writes them in a second goroutine, so
// generating the next batch overlaps with the database writing this one.
func (g *generator) generate(ctx context.Context, w writer, counts map[string]int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free := make(chan *batch, 2)
	full := make(chan *batch, 1)
	free <- newBatch()
	free <- newBatch()
	errc := make(chan error, 1)
	began := time.Now()
	go func() {
		defer close(errc)
		written := 0
		for b := range full {
			n := b.caseCount
			if err := w.writeBatch(b, counts); err != nil {
				errc <- err
				cancel()
				for range full {
				}
				return
			}
			written += n
			if g.opts.Progress != nil && n > 0 {
				el := time.Since(began)
				fmt.Fprintf(g.opts.Progress, "  %d/%d cases written, %s elapsed, %.0f cases/s\n", written, g.opts.Cases,
					el.Round(time.Second), float64(written)/el.Seconds())
			}
			free <- b
		}
	}()
	send := func(b *batch) bool {
		select {
		case full <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	take := func() (*batch, bool) {
		select {
		case b := <-free:
			return b, true
		case <-ctx.Done():
			return nil, false
		}
	}
	b, ok := take()
	if !ok {
		close(full)
		return <-errc
	}
	g.audit.tbl = b.audit
	orgTime := g.start.Add(-24 * time.Hour)
	g.writeOrg(b, orgTime)
	g.writeProjects(b, rand.New(rand.NewPCG(g.opts.Seed, 0x9e0)))
	if !send(b) {
		close(full)
		return <-errc
	}
	p := &plan{}
	for start := 0; start < g.opts.Cases; start += g.opts.BatchCases {
		if b, ok = take(); !ok {
			break
		}
		g.audit.tbl = b.audit
		end := min(start+g.opts.BatchCases, g.opts.Cases)
		for i := start; i < end; i++ {
			g.simulate(i, p)
			g.build(b, p, g.nextID("cases"))
		}
		b.caseCount = end - start
		if !send(b) {
			break
		}
	}
	close(full)
	if err := <-errc; err != nil {
		return err
	}
	return ctx.Err()
}

// index is a secondary index as the migrations made it.
type index struct{ name, ddl string }

// secondaryIndexes lists the indexes of the big tables that an SQLite load
// drops first and makes again at the end, with the migrations' own DDL:
// building an index once from the loaded rows is several times cheaper than
// keeping a dozen up to date row by row. Only on an empty database
// (appending would rebuild the existing rows' indexes too); MySQL keeps its
// indexes (InnoDB needs them for the foreign keys and buffers secondary
// index changes itself).
func (g *generator) secondaryIndexes(ctx context.Context) ([]index, error) {
	if g.dialect != migrations.SQLite || g.opts.AllowNonEmpty {
		return nil, nil
	}
	rows, err := g.db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('cases', 'case_events', 'audit_entries', 'notifications', 'stored_files', 'replies', 'reply_items',
		'recommendation_drafts', 'approval_steps', 'investigation_records', 'reminders', 'filings', 'disclosures', 'applications')
		ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []index
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.ddl); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}

// finalize writes what depends on all cases: the number counters, quality
// reviews, the projects' case counts, the audit head and the feed revision;
// then finishes the load
// (SQLite: WAL mode; MySQL: statistics).
func (g *generator) finalize(ctx context.Context, w writer, counts map[string]int64, indexes []index) error {
	b := newBatch()
	g.audit.tbl = b.audit
	keys := make([]counterKey, 0, len(g.counters))
	for k := range g.counters {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b counterKey) int {
		if keyLess(a, b) {
			return -1
		}
		return 1
	})
	for _, k := range keys {
		b.counters.add(k.kind, k.proc, k.dept, k.year, g.counters[k])
	}
	g.writeReviews(b)
	if err := w.writeBatch(b, counts); err != nil {
		return err
	}
	for _, ix := range indexes {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.exec(ix.ddl); err != nil {
			return fmt.Errorf("making index %s again: %w", ix.name, err)
		}
	}
	fill, err := projectCountsFill(g.dialect)
	if err != nil {
		return err
	}
	if err := w.exec("DELETE FROM project_case_counts"); err != nil {
		return err
	}
	if err := w.exec(fill); err != nil {
		return err
	}
	if g.disclosures > 0 {
		if err := w.exec("UPDATE disclosure_feed SET revision = revision + ?, updated_at = ? WHERE id = 1", g.disclosures, g.lastPublication); err != nil {
			return err
		}
	}
	// Last: until the head names the last entry, the chain does not verify.
	if err := w.exec("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", g.audit.lastID, g.audit.lastHash); err != nil {
		return err
	}
	return w.finish()
}

// projectCountsMigration is the migration that made project_case_counts; its
// last statement counts every project's cases in one pass over the index.
const projectCountsMigration = 25

// projectCountsFill is the statement that fills project_case_counts from the
// cases: migration 0025's own, so the definitions are written once in SQL.
func projectCountsFill(d migrations.Dialect) (string, error) {
	all, err := migrations.All()
	if err != nil {
		return "", err
	}
	for _, m := range all {
		if st := m.Statements(d); m.Version == projectCountsMigration && len(st) > 0 && strings.HasPrefix(st[len(st)-1], "INSERT INTO project_case_counts") {
			return st[len(st)-1], nil
		}
	}
	return "", fmt.Errorf("migration %04d does not fill project_case_counts", projectCountsMigration)
}
