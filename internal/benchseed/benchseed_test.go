package benchseed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jianyi/migrations"
)

// invariantCases is the province the invariants are checked on: enough for
// every state, reply class, escalation and publication, small enough that the
// package's tests take a couple of seconds (the 10^5 and 10^6 runs are
// benchmarks, docs/scale.md).
const invariantCases = 700

var testUntil = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func testOptions(driver, dsn string, cases int) Options {
	return Options{Driver: driver, DSN: dsn, Cases: cases, Seed: 7, Password: "bench-pass-2026", Until: testUntil,
		Cities: 3, Districts: 3, UnfrozenShare: 0.2, DisclosedShare: 0.11, BatchCases: 700}
}

// seeded returns a database filled with cases for each available driver:
// SQLite always, MariaDB/MySQL when JIANYI_TEST_MYSQL_DSN is set.
func seeded(t *testing.T, cases int) map[string]*sql.DB {
	t.Helper()
	out := map[string]*sql.DB{}
	path := filepath.Join(t.TempDir(), "bench.db")
	if _, err := Run(context.Background(), testOptions("sqlite", path, cases)); err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	db, _, err := openDB("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	out["sqlite"] = db
	if dsn := os.Getenv("JIANYI_TEST_MYSQL_DSN"); dsn != "" {
		mdsn := mysqlDatabase(t, dsn)
		if _, err := Run(context.Background(), testOptions("mysql", mdsn, cases)); err != nil {
			t.Fatalf("mysql: %v", err)
		}
		mdb, _, err := openDB("mysql", mdsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mdb.Close() })
		out["mysql"] = mdb
	}
	return out
}

// mysqlDatabase creates a fresh database through dsn and returns its DSN.
func mysqlDatabase(t *testing.T, dsn string) string { return TestMySQLDatabase(t, dsn) }

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

// TestSeededDatabaseKeepsTheServiceInvariants checks what the service's
// reads rely on, on every database the suite runs on.
func TestSeededDatabaseKeepsTheServiceInvariants(t *testing.T) {
	t.Parallel()
	for driver, db := range seeded(t, invariantCases) {
		t.Run(driver, func(t *testing.T) {
			if n := count(t, db, "SELECT COUNT(*) FROM cases"); n != invariantCases {
				t.Fatalf("%d cases", n)
			}
			// Every case is at the state its last state-changing event led to,
			// and its version counts its actions.
			recordOnly := "('register','draft_saved','investigation_record','filing_submitted','project_link','disclosure_publish','disclosure_refresh','disclosure_withdraw','rate')"
			if n := count(t, db, `SELECT COUNT(*) FROM cases c WHERE c.version <> 1 + (SELECT COUNT(*) FROM case_events e
				WHERE e.case_id = c.id AND e.action NOT IN `+recordOnly+`)`); n != 0 {
				t.Errorf("%d cases whose version does not count their actions", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM cases c WHERE c.state <> (SELECT e.to_state FROM case_events e
				WHERE e.case_id = c.id ORDER BY e.id DESC LIMIT 1)`); n != 0 {
				t.Errorf("%d cases not in the state of their last event", n)
			}
			// 文号 and 案号: unique, gap-free per sequence, continued by the counters.
			if n := count(t, db, `SELECT COUNT(*) FROM (SELECT procuratorate_id, department_id, doc_year FROM cases WHERE doc_seq IS NOT NULL
				GROUP BY procuratorate_id, department_id, doc_year HAVING COUNT(*) <> MAX(doc_seq) OR COUNT(DISTINCT doc_seq) <> COUNT(*)) g`); n != 0 {
				t.Errorf("%d 文号 sequences with gaps or duplicates", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM (SELECT procuratorate_id, department_id, doc_year, MAX(doc_seq) AS m FROM cases
				WHERE doc_seq IS NOT NULL GROUP BY procuratorate_id, department_id, doc_year) g LEFT JOIN number_counters n
				ON n.kind = 'document' AND n.procuratorate_id = g.procuratorate_id AND n.department_id = g.department_id AND n.year = g.doc_year
				WHERE n.last_value IS NULL OR n.last_value <> g.m`); n != 0 {
				t.Errorf("%d 文号 counters that do not continue their sequence", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM (SELECT case_number FROM cases WHERE case_number IS NOT NULL GROUP BY procuratorate_id, case_number HAVING COUNT(*) > 1) g`); n != 0 {
				t.Errorf("%d duplicate 案号", n)
			}
			casesNumbered := count(t, db, "SELECT COUNT(*) FROM cases WHERE case_number IS NOT NULL")
			if n := count(t, db, "SELECT SUM(last_value) FROM number_counters WHERE kind = 'case'"); n != casesNumbered {
				t.Errorf("案号 counters sum to %d for %d numbered cases", n, casesNumbered)
			}
			// Reply classes follow the service's rule over the stored replies.
			if n := count(t, db, `SELECT COUNT(*) FROM cases c WHERE EXISTS (SELECT 1 FROM replies r WHERE r.case_id = c.id AND r.returned = TRUE)
				AND c.reply_class <> 'perfunctory'`); n != 0 {
				t.Errorf("%d cases with a returned reply not classed perfunctory", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM cases c JOIN replies r ON r.case_id = c.id AND r.kind = 'final'
				WHERE c.reply_class NOT IN ('perfunctory', CASE WHEN r.submitted_on > r.due_on THEN 'late' ELSE 'on_time' END)`); n != 0 {
				t.Errorf("%d cases whose class disagrees with their final reply", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM cases c WHERE c.first_replied_on IS NOT NULL AND c.first_replied_on <>
				(SELECT MIN(submitted_on) FROM replies r WHERE r.case_id = c.id AND r.kind = 'final')`); n != 0 {
				t.Errorf("%d cases whose first_replied_on is not their first final reply", n)
			}
			for _, class := range []string{"on_time", "late", "perfunctory"} {
				if count(t, db, "SELECT COUNT(*) FROM cases WHERE reply_class = ?", class) == 0 {
					t.Errorf("no case of reply class %s", class)
				}
			}
			if count(t, db, `SELECT COUNT(*) FROM cases WHERE state = 'delivered' AND first_replied_on IS NULL AND reply_due < ?`, "2026-06-30") == 0 {
				t.Error("no unanswered overdue letter (不回复)")
			}
			for _, st := range []string{"lead", "checking", "not_filed", "investigating", "drafting", "reviewing", "issued", "delivered",
				"replied", "following_up", "closed", "withdrawn", "terminated"} {
				if count(t, db, "SELECT COUNT(*) FROM cases WHERE state = ?", st) == 0 {
					t.Errorf("no case in state %s", st)
				}
			}
			// Nothing happens after the seeding day.
			if n := count(t, db, "SELECT COUNT(*) FROM case_events WHERE created_at > ?", testUntil.Add(10*time.Hour)); n != 0 {
				t.Errorf("%d events after the seeding day", n)
			}
			// Dates run forward: issued, delivered, replied, closed.
			if n := count(t, db, `SELECT COUNT(*) FROM cases WHERE delivered_on < reply_due AND first_replied_on < delivered_on`); n != 0 {
				t.Errorf("%d replies before delivery", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM cases WHERE delivered_on IS NOT NULL AND (received_on IS NULL OR reply_due IS NULL OR reply_due_rule = '' OR reply_due_explanation = '')`); n != 0 {
				t.Errorf("%d delivered cases without their reply deadline", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM cases WHERE reply_due_rule = 'months:2' AND reply_due < received_on`); n != 0 {
				t.Errorf("%d deadlines before receipt", n)
			}
			// Shares asked for.
			issued := count(t, db, "SELECT COUNT(*) FROM cases WHERE issued_at IS NOT NULL")
			unfrozen := count(t, db, `SELECT COUNT(*) FROM cases c WHERE c.issued_at IS NOT NULL AND NOT EXISTS
				(SELECT 1 FROM stored_files f WHERE f.owner_type = 'recommendation_pdf' AND f.owner_id = c.id)`)
			if n := count(t, db, `SELECT COUNT(*) FROM cases u WHERE u.issued_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stored_files f
				WHERE f.owner_type = 'recommendation_pdf' AND f.owner_id = u.id) AND u.issued_at > (SELECT MIN(c.issued_at) FROM cases c
				JOIN stored_files f ON f.owner_type = 'recommendation_pdf' AND f.owner_id = c.id)`); n != 0 {
				t.Errorf("%d unfrozen letters issued after the first frozen one", n)
			}
			disclosed := count(t, db, "SELECT COUNT(*) FROM disclosures")
			if f := float64(unfrozen) / float64(issued); f < 0.15 || f > 0.25 {
				t.Errorf("%.3f of issued letters unfrozen, want about 0.2", f)
			}
			if f := float64(disclosed) / float64(issued); f < 0.08 || f > 0.14 {
				t.Errorf("%.3f of issued letters disclosed, want about 0.11", f)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM disclosures d JOIN cases c ON c.id = d.case_id WHERE c.involves_state_secret = TRUE
				OR c.involves_trade_secret = TRUE OR c.involves_privacy = TRUE OR c.involves_minors = TRUE`); n != 0 {
				t.Errorf("%d disclosures of cases that must not be published", n)
			}
			// Every issued letter can be frozen: its newest draft is issued.
			if n := count(t, db, `SELECT COUNT(*) FROM cases c WHERE c.issued_at IS NOT NULL AND 'issued' <> (SELECT d.status FROM recommendation_drafts d
				WHERE d.case_id = c.id ORDER BY d.version_no DESC LIMIT 1)`); n != 0 {
				t.Errorf("%d issued cases whose newest draft is not the issued one", n)
			}
			// Only delivered letters reach an agency's inbox with a filing upward.
			if n := count(t, db, `SELECT COUNT(*) FROM cases c JOIN procuratorates p ON p.id = c.procuratorate_id
				WHERE c.issued_at IS NOT NULL AND p.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM filings f WHERE f.case_id = c.id)`); n != 0 {
				t.Errorf("%d issued letters without their 备案", n)
			}
			// The audit chain is linked and its head names the last entry.
			if n := count(t, db, `SELECT COUNT(*) FROM audit_entries a JOIN audit_entries b ON b.id = a.id + 1 WHERE b.prev_hash <> a.hash`); n != 0 {
				t.Errorf("%d audit entries not linked to the one before", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_head h JOIN audit_entries a ON a.id = h.last_id AND a.hash = h.last_hash
				WHERE a.id = (SELECT MAX(id) FROM audit_entries)`); n != 1 {
				t.Error("the audit head is not the last entry")
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_entries WHERE action LIKE 'case.%' AND object_id IS NULL`); n != 0 {
				t.Errorf("%d case audit entries without their case", n)
			}
			if n := count(t, db, "SELECT revision FROM disclosure_feed WHERE id = 1"); n != disclosed {
				t.Errorf("feed revision %d for %d disclosures", n, disclosed)
			}
		})
	}
}

// TestSeededProjectsCountTheirCases: every project's case counts
// (project_case_counts, migration 0025, read by the projects list) are what
// its cases give, counted here another way. A project comes with about
// every 5,000 cases, so this seeds 10,000 (some 15 s).
func TestSeededProjectsCountTheirCases(t *testing.T) {
	t.Parallel()
	for driver, db := range seeded(t, 10000) {
		t.Run(driver, func(t *testing.T) {
			if n := count(t, db, `SELECT COUNT(*) FROM projects p LEFT JOIN project_case_counts k ON k.project_id = p.id
				WHERE k.project_id IS NULL
				OR k.cases_total <> (SELECT COUNT(*) FROM cases c WHERE c.project_id = p.id AND c.state NOT IN ('withdrawn', 'terminated', 'not_filed'))
				OR k.cases_assessed <> (SELECT COUNT(*) FROM cases c WHERE c.project_id = p.id AND c.state IN ('following_up', 'closed') AND c.rectification <> '')
				OR k.cases_replied <> (SELECT COUNT(*) FROM cases c WHERE c.project_id = p.id
					AND (c.state = 'replied' OR c.state IN ('following_up', 'closed') AND c.rectification = ''))`); n != 0 {
				t.Errorf("%d projects whose case counts are not their cases'", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM project_case_counts
				WHERE cases_assessed > 0 AND cases_replied > 0 AND cases_total > cases_assessed + cases_replied`); n == 0 {
				t.Errorf("no project with cases of every kind counted (%d projects, %d linked cases)",
					count(t, db, "SELECT COUNT(*) FROM projects"), count(t, db, "SELECT COUNT(*) FROM cases WHERE project_id IS NOT NULL"))
			}
		})
	}
}

// TestSeededSQLiteHasTheMigrationsIndexesAndForeignKeys: indexes dropped
// for the load come back as the migrations define them, every reference
// points at a row, and the database is in WAL mode as the service runs it.
func TestSeededSQLiteHasTheMigrationsIndexesAndForeignKeys(t *testing.T) {
	t.Parallel()
	db := seeded(t, 150)["sqlite"]
	fresh, _, err := openDB("sqlite", filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if _, err := migrations.Apply(context.Background(), fresh, migrations.SQLite, time.Now); err != nil {
		t.Fatal(err)
	}
	schema := func(db *sql.DB) string {
		rows, err := db.Query("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var n, s string
			rows.Scan(&n, &s)
			fmt.Fprintf(&b, "%s %s\n", n, s)
		}
		return b.String()
	}
	if got, want := schema(db), schema(fresh); got != want {
		t.Errorf("indexes after seeding:\n%s\nmigrations define:\n%s", got, want)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, parent string
		var rowid, fk sql.NullInt64
		rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("row %d of %s references a missing %s", rowid.Int64, table, parent)
	}
	rows.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
}

// TestSeedIsDeterministic: the same options give the same rows, whichever
// database they go to.
func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	digest := func(db *sql.DB) string {
		h := sha256.New()
		for _, q := range []string{
			"SELECT id, state, version, COALESCE(document_number, ''), COALESCE(reply_due, ''), reply_class, title FROM cases ORDER BY id",
			"SELECT id, hash FROM audit_entries ORDER BY id",
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				rows.Scan(ptrs...)
				for _, v := range vals {
					fmt.Fprintf(h, "%s\x1f", v.String)
				}
			}
			rows.Close()
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	first := seeded(t, 120)
	second := seeded(t, 120)
	for driver := range first {
		if a, b := digest(first[driver]), digest(second[driver]); a != b {
			t.Errorf("%s: two seeds differ", driver)
		}
		if a, b := digest(first[driver]), digest(first["sqlite"]); a != b {
			t.Errorf("%s and sqlite seeds differ", driver)
		}
	}
}

// TestMySQLLoadWritesTheSQLiteRows: the MySQL loader (prepared statements,
// binary protocol) and the SQLite loader (the library, text times) store the
// same values in every column of every table the generator writes, not just
// the same hashes: each row is read back through database/sql and compared
// as text, times as instants. Only the password hash differs (bcrypt salts
// it at random). The tables keep no option of the load.
func TestMySQLLoadWritesTheSQLiteRows(t *testing.T) {
	if os.Getenv("JIANYI_TEST_MYSQL_DSN") == "" {
		t.Skip("JIANYI_TEST_MYSQL_DSN not set")
	}
	t.Parallel()
	dbs := seeded(t, 150)
	// The automatic statistics paused during the load are back on.
	var name, ddl string
	if err := dbs["mysql"].QueryRow("SHOW CREATE TABLE cases").Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ddl, "STATS_AUTO_RECALC") {
		t.Errorf("cases keeps an option of the load: %s", ddl)
	}
	for _, table := range append(slices.Clone(idTables), "number_counters", "audit_head", "disclosure_feed") {
		order := "id"
		if table == "number_counters" {
			order = "kind, procuratorate_id, department_id, year"
		}
		lite, my := tableRows(t, dbs["sqlite"], table, order), tableRows(t, dbs["mysql"], table, order)
		if len(lite) != len(my) {
			t.Errorf("%s: %d rows on SQLite, %d on MySQL", table, len(lite), len(my))
			continue
		}
		diffs := 0
		for i := range lite {
			for col, v := range lite[i] {
				if my[i][col] != v && diffs < 3 && !(table == "users" && col == "password_hash") {
					t.Errorf("%s row %d, %s: SQLite %.80q, MySQL %.80q", table, i, col, v, my[i][col])
					diffs++
				}
			}
		}
	}
}

// tableRows reads a whole table as text per column: NULL as "<nil>", times
// as UTC instants with microseconds, everything else as the driver gives it.
func tableRows(t *testing.T, db *sql.DB, table, order string) []map[string]string {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + table + " ORDER BY " + order)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []map[string]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				row[cols[i]] = "<nil>"
			case time.Time:
				row[cols[i]] = x.UTC().Format("2006-01-02 15:04:05.000000")
			case []byte:
				row[cols[i]] = string(x)
			default:
				row[cols[i]] = fmt.Sprint(x)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRefusesANonEmptyDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bench.db")
	opts := testOptions("sqlite", path, 30)
	opts.Cities, opts.Districts = 1, 1
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second run on a seeded database: %v", err)
	}
	// Allowed, it adds a second province next to the first; a clashing
	// prefix is refused.
	opts.AllowNonEmpty = true
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "--prefix") {
		t.Fatalf("same prefix: %v", err)
	}
	opts.Prefix = "again"
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	// Opened only now: the SQLite load leaves WAL mode, which needs the
	// file to itself.
	db, _, err := openDB("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT COUNT(*) FROM cases"); n != 60 {
		t.Errorf("%d cases after two runs", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM audit_entries a JOIN audit_entries b ON b.id = a.id + 1 WHERE b.prev_hash <> a.hash`); n != 0 {
		t.Errorf("the appended audit entries do not continue the chain (%d breaks)", n)
	}
}

// TestRefusalComesBeforeMigrating: a database with data on an older schema
// is left as it is.
func TestRefusalComesBeforeMigrating(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "old.db")
	db, _, err := openDB("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at VARCHAR(40) NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for _, m := range all[:len(all)-1] {
		for _, st := range m.Statements(migrations.SQLite) {
			if _, err := db.Exec(st); err != nil {
				t.Fatal(err)
			}
		}
		db.Exec("INSERT INTO schema_migrations VALUES (?, ?, 'x')", m.Version, m.Name)
	}
	if _, err := db.Exec("INSERT INTO procuratorates (name, short_name, level, path, created_at, updated_at) VALUES ('某院', '某', 'county', '/1/', '2026-01-01', '2026-01-01')"); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), testOptions("sqlite", path, 10))
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("run on a database with data: %v", err)
	}
	if n := count(t, db, "SELECT MAX(version) FROM schema_migrations"); n != int64(all[len(all)-2].Version) {
		t.Errorf("the refused run migrated the database to version %d", n)
	}
}

func TestReplyDeadlineFollowsTheCalendar(t *testing.T) {
	t.Parallel()
	c := &calendar{kinds: map[day]string{dayOf(2026, 10, 1): "holiday", dayOf(2026, 10, 2): "holiday", dayOf(2026, 10, 10): "workday"},
		names: map[day]string{dayOf(2026, 10, 1): "国庆节", dayOf(2026, 10, 2): "国庆节"}, years: map[int]bool{2026: true}}
	for _, tc := range []struct {
		received day
		urgent   int
		want     day
	}{
		{dayOf(2026, 7, 31), 0, dayOf(2026, 9, 30)},  // the month has no 31st: its last day
		{dayOf(2026, 8, 1), 0, dayOf(2026, 10, 5)},   // 10-01 and 02 holidays, 03/04 weekend
		{dayOf(2026, 8, 10), 0, dayOf(2026, 10, 10)}, // a Saturday made a working day (调休)
		{dayOf(2026, 9, 16), 15, dayOf(2026, 10, 5)}, // 15 days → 10-01, a holiday
	} {
		got := c.replyDeadline(tc.received, tc.urgent)
		if got.due != tc.want {
			t.Errorf("received %s urgent %d: due %s, want %s (%s)", tc.received, tc.urgent, got.due, tc.want, got.explanation)
		}
	}
}
