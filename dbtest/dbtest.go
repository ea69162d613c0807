// Package dbtest gives tests a real, migrated database: SQLite in a temporary
// directory always, and MariaDB/MySQL too when JIANYI_TEST_MYSQL_DSN is set
// (each test gets its own database, dropped afterwards).
//
// A database state a test starts from is a Template: it is built once per
// test binary and database kind (migrated, then filled by the template's
// build function) and every test gets a copy — on SQLite the built file's
// bytes, written to the test's temporary directory; on MySQL a template
// database copied table by table (SHOW CREATE TABLE, INSERT … SELECT). A copy
// costs milliseconds where migrating costs a few hundred and seeding through
// the services seconds, so a fixture that several tests start from belongs in
// a Template:
//
//	var withCases = dbtest.NewTemplate("with_cases", func(ctx context.Context, db *database.DB) error {
//		if err := dbtest.SeedOrg(ctx, db); err != nil {
//			return err
//		}
//		return addCases(ctx, db) // whatever the tests need
//	})
//
//	func TestX(t *testing.T) {
//		t.Parallel()
//		withCases.Each(t, func(t *testing.T, db *database.DB) { … }) // one subtest per driver
//		// or: db := withCases.Open(t, "sqlite")
//	}
//
// Empty (migrated only) and Seeded (with the demo organisation) are the two
// templates every package has; Each, EachSeeded, Open and OpenSeeded are
// their shorthands. apitest.DemoCases adds the demo cases.
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"jianyi/config"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// EnvMySQLDSN names the variable holding a MySQL DSN for the MariaDB leg.
const EnvMySQLDSN = "JIANYI_TEST_MYSQL_DSN"

// DemoPassword is every demo account's password in a seeded database.
const DemoPassword = "test-password-2026"

var counter atomic.Int64

// Drivers lists the databases the suite runs on here.
func Drivers() []string {
	if os.Getenv(EnvMySQLDSN) != "" {
		return []string{"sqlite", "mysql"}
	}
	return []string{"sqlite"}
}

// Each runs fn once per available database as a parallel subtest named after
// it, on a migrated, empty database.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	Empty.Each(t, fn)
}

// EachSeeded is Each on a database that also holds the demo organisation
// (demo.SeedDemo with DemoPassword).
func EachSeeded(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	Seeded.Each(t, fn)
}

// Open returns a migrated, empty database of the given driver, closed (and on
// MySQL dropped) when the test ends.
func Open(t testing.TB, driver string) *database.DB {
	t.Helper()
	return Empty.Open(t, driver)
}

// OpenSeeded is Open with the demo organisation.
func OpenSeeded(t testing.TB, driver string) *database.DB {
	t.Helper()
	return Seeded.Open(t, driver)
}

// Template is a database state tests start from, built once per test binary
// and driver and copied for each test (see the package comment). Declare
// templates as package-level variables with NewTemplate.
type Template struct {
	name   string
	build  func(ctx context.Context, db *database.DB) error
	sqlite func() ([]byte, error)
	mysql  func() (string, error)
}

// The two templates of every test binary.
var (
	// Empty is a migrated database with no rows but the migrations' own.
	Empty = NewTemplate("empty", nil)
	// Seeded holds the demo organisation (SeedOrg).
	Seeded = NewTemplate("seeded", SeedOrg)
)

var templateName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// NewTemplate declares a template. name ([a-z][a-z0-9_]*, unique in the test
// binary) names the MySQL template database; build (nil: nothing) fills a
// freshly migrated database, once per driver, on first use. Everything the
// state depends on must come from build itself, not from a test: the same
// template serves every test of the binary, in any order.
func NewTemplate(name string, build func(ctx context.Context, db *database.DB) error) *Template {
	if !templateName.MatchString(name) {
		panic("dbtest.NewTemplate: bad name " + name)
	}
	tp := &Template{name: name, build: build}
	tp.sqlite = sync.OnceValues(tp.buildSQLite)
	tp.mysql = sync.OnceValues(tp.buildMySQL)
	return tp
}

// Each runs fn once per available database as a parallel subtest named after
// the driver, each on its own copy of the template.
func (tp *Template) Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, d := range Drivers() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, tp.Open(t, d))
		})
	}
}

// Open returns a copy of the template on the given driver ("sqlite" or
// "mysql"), closed (and on MySQL dropped) when the test ends. A test skips on
// "mysql" when JIANYI_TEST_MYSQL_DSN is not set.
func (tp *Template) Open(t testing.TB, driver string) *database.DB {
	t.Helper()
	switch driver {
	case "sqlite":
		img, err := tp.sqlite()
		if err != nil {
			t.Fatalf("sqlite template %s: %v", tp.name, err)
		}
		path := filepath.Join(t.TempDir(), "test.db")
		if err := os.WriteFile(path, img, 0o600); err != nil {
			t.Fatal(err)
		}
		return openTest(t, database.OpenOptions{Driver: "sqlite", DSN: path, MaxOpenConns: 8, MaxIdleConns: 8})
	case "mysql":
		if os.Getenv(EnvMySQLDSN) == "" {
			t.Skip(EnvMySQLDSN + " not set")
		}
		tmpl, err := tp.mysql()
		if err != nil {
			t.Fatalf("mysql template %s: %v", tp.name, err)
		}
		db, _ := newMySQL(t)
		if err := copyMySQL(context.Background(), db, tmpl); err != nil {
			t.Fatalf("copy the template database %s: %v", tp.name, err)
		}
		return db
	}
	t.Fatalf("unknown driver %q", driver)
	return nil
}

// OpenUnmigrated returns an empty database and its options (to open a second
// handle on the same database, e.g. a second replica).
func OpenUnmigrated(t testing.TB, driver string) (*database.DB, database.OpenOptions) {
	t.Helper()
	switch driver {
	case "sqlite":
		opts := database.OpenOptions{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "test.db"), MaxOpenConns: 8, MaxIdleConns: 8}
		return openTest(t, opts), opts
	case "mysql":
		return newMySQL(t)
	}
	t.Fatalf("unknown driver %q", driver)
	return nil, database.OpenOptions{}
}

func openTest(t testing.TB, opts database.OpenOptions) *database.DB {
	t.Helper()
	db, err := database.Open(opts)
	if err != nil {
		t.Fatalf("open %s: %v", opts.Driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SeedOrg adds the demo organisation (demo.SeedDemo, every account with
// DemoPassword, hashed at bcrypt's lowest cost): the Seeded template's build,
// for templates that start from it.
func SeedOrg(ctx context.Context, db *database.DB) error {
	if _, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), DemoPassword); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// prepare migrates db and runs the template's build on it.
func (tp *Template) prepare(db *database.DB) error {
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if tp.build != nil {
		if err := tp.build(ctx, db); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	return nil
}

// buildSQLite makes the template's SQLite file and returns its bytes.
func (tp *Template) buildSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "jianyi-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	db, err := database.Open(database.OpenOptions{Driver: "sqlite", DSN: path, MaxOpenConns: 4})
	if err != nil {
		return nil, err
	}
	if err := tp.prepare(db); err != nil {
		db.Close()
		return nil, err
	}
	// Fold the write-ahead log into the file so the file alone is the database.
	if err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// newMySQL creates an empty database for the test through JIANYI_TEST_MYSQL_DSN
// and drops it when the test ends.
func newMySQL(t testing.TB) (*database.DB, database.OpenOptions) {
	t.Helper()
	base := os.Getenv(EnvMySQLDSN)
	if base == "" {
		t.Skip(EnvMySQLDSN + " not set")
	}
	name := fmt.Sprintf("jt_%d_%d", os.Getpid(), counter.Add(1))
	dsn, drop, err := createMySQL(base, name)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(drop)
	opts := database.OpenOptions{Driver: "mysql", DSN: dsn, MaxOpenConns: 20, Prepared: shippedPrepared(t)}
	return openTest(t, opts), opts
}

// shippedPrepared is database.prepared_statements of the shipped
// config.yaml: the tests keep MySQL statements prepared as a deployment does.
func shippedPrepared(t testing.TB) int {
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database.PreparedStatements
}

// createMySQL creates database name on the server of base and returns its DSN
// and a function that drops it.
func createMySQL(base, name string) (string, func(), error) {
	cfg, err := mysqldriver.ParseDSN(base)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", EnvMySQLDSN, err)
	}
	admin, err := sql.Open("mysql", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		admin.Close()
		return "", nil, err
	}
	drop := func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name)
		admin.Close()
	}
	cfg.DBName = name
	return cfg.FormatDSN(), drop, nil
}

// buildMySQL makes the template database of this test binary and returns
// its name; it is left for a later run to drop (dropStaleTemplates).
func (tp *Template) buildMySQL() (string, error) {
	base := os.Getenv(EnvMySQLDSN)
	name := fmt.Sprintf("jt_%d_template_%s", os.Getpid(), tp.name)
	dsn, _, err := createMySQL(base, name)
	if err != nil {
		return "", err
	}
	db, err := database.Open(database.OpenOptions{Driver: "mysql", DSN: dsn, MaxOpenConns: 4})
	if err != nil {
		return "", err
	}
	defer db.Close()
	if err := tp.prepare(db); err != nil {
		return "", err
	}
	dropStaleTemplates(db)
	return name, nil
}

// dropStaleTemplates drops the test databases (templates included) left by
// test processes that are no longer running on this machine — their names
// carry the process id. Databases of live processes (other packages' test
// binaries run at the same time) are left alone.
func dropStaleTemplates(db *database.DB) {
	var names []string
	if err := db.Raw("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'jt\\_%'").Scan(&names).Error; err != nil {
		return
	}
	for _, n := range names {
		var pid int
		if _, err := fmt.Sscanf(n, "jt_%d_", &pid); err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		_ = db.Exec("DROP DATABASE IF EXISTS `" + n + "`").Error
	}
}

// processAlive reports whether a process with the id runs on this machine.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// copyMySQL fills the empty database db with the tables and rows of the
// template database. Each table is made from the template's own SHOW CREATE
// TABLE (columns, indexes, foreign keys, AUTO_INCREMENT position); foreign
// keys are checked off while the tables and rows arrive.
func copyMySQL(ctx context.Context, db *database.DB, template string) error {
	var tables []string
	if err := db.WithContext(ctx).Raw("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name", template).
		Scan(&tables).Error; err != nil {
		return err
	}
	if len(tables) == 0 {
		return errors.New("the template database has no tables")
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET foreign_key_checks = 0"); err != nil {
		return err
	}
	for _, tbl := range tables {
		var name, ddl string
		if err := conn.QueryRowContext(ctx, fmt.Sprintf("SHOW CREATE TABLE `%s`.`%s`", template, tbl)).Scan(&name, &ddl); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("%s: %w", tbl, err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("INSERT INTO `%s` SELECT * FROM `%s`.`%s`", tbl, template, tbl)); err != nil {
			return fmt.Errorf("%s: %w", tbl, err)
		}
	}
	_, err = conn.ExecContext(ctx, "SET foreign_key_checks = 1")
	return err
}

// EnvBenchDB names a SQLite copy of a database made by `server seed-bench`
// for the benchmarks that measure on a generated province; they are
// skipped without it. Use a copy: the benchmarks migrate it and write.
const EnvBenchDB = "JIANYI_BENCH_DB"

// OpenBenchDB opens and migrates the database EnvBenchDB names, closed when
// the benchmark ends, or skips the benchmark when it names none.
func OpenBenchDB(b *testing.B) *database.DB {
	b.Helper()
	path := os.Getenv(EnvBenchDB)
	if path == "" {
		b.Skip(EnvBenchDB + " names no copy of a seeded database")
	}
	db, err := database.Open(database.OpenOptions{Driver: "sqlite", DSN: path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

// ActorNamed is the actor of a seeded user (dbtest.EachSeeded's accounts:
// casemgr1, prosecutor1, agency1, …), as a request from 127.0.0.1 makes it.
func ActorNamed(t testing.TB, db *database.DB, username string) *org.Actor {
	t.Helper()
	var u org.User
	if err := db.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatalf("%s: %v", username, err)
	}
	return org.ActorFor(&u, "127.0.0.1", "test")
}

// EnvBenchUser names the user a benchmark on a generated province acts as
// instead of its own choice.
const EnvBenchUser = "JIANYI_BENCH_USER"

// BenchActor is the actor of the user EnvBenchUser names (else user) in the
// database OpenBenchDB opened, with its procuratorate's path.
func BenchActor(b *testing.B, db *database.DB, user string) *org.Actor {
	b.Helper()
	if v := os.Getenv(EnvBenchUser); v != "" {
		user = v
	}
	var u org.User
	if err := db.Where("username = ?", user).First(&u).Error; err != nil {
		b.Fatalf("%s: %v", user, err)
	}
	a := org.ActorFor(&u, "127.0.0.1", "bench")
	if err := db.Table("procuratorates").Select("path").Where("id = ?", a.ProcuratorateID).Scan(&a.ProcuratoratePath).Error; err != nil {
		b.Fatal(err)
	}
	return a
}
