package benchseed

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"jianyi/migrations"
)

// openDB opens the database with the driver the service uses, for migrating
// and reading what is there; on MySQL also for loading (mysqlWriter). MySQL
// gets the session settings the service relies on, client-side parameter
// interpolation for the few statements outside the load, and no foreign-key
// checks for the session (the generator writes parents first).
func openDB(driver, dsn string) (*sql.DB, migrations.Dialect, error) {
	switch driver {
	case "sqlite":
		path := strings.SplitN(dsn, "?", 2)[0]
		if dir := filepath.Dir(path); dir != "." && dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, "", fmt.Errorf("creating database directory: %w", err)
			}
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		gdb, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
		if err != nil {
			return nil, "", err
		}
		db, err := gdb.DB()
		if err != nil {
			return nil, "", err
		}
		return db, migrations.SQLite, nil
	case "mysql":
		cfg, err := mysqldriver.ParseDSN(dsn)
		if err != nil {
			return nil, "", fmt.Errorf("database.dsn: %w", err)
		}
		cfg.ParseTime = true
		cfg.Loc = time.UTC
		cfg.InterpolateParams = true
		cfg.MaxAllowedPacket = 0 // ask the server
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		cfg.Params["charset"] = "utf8mb4"
		cfg.Collation = "utf8mb4_unicode_ci"
		cfg.Params["time_zone"] = "'+00:00'"
		cfg.Params["sql_mode"] = "'STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'"
		cfg.Params["foreign_key_checks"] = "0"
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			return nil, "", err
		}
		db.SetMaxOpenConns(4)
		return db, migrations.MySQL, nil
	}
	return nil, "", fmt.Errorf("unknown database driver %q (sqlite or mysql)", driver)
}

// table buffers the rows of one table for one batch as a flat argument
// list; write sends them as multi-row INSERTs.
type table struct {
	name    string
	cols    []string
	perStmt int // rows per INSERT
	args    []any
	stmts   map[int]string
}

// maxParams stays under SQLite's 32,766 host parameters and MySQL's 65,535.
const maxParams = 30000

// newTable makes a table buffer; perStmt bounds the rows of one INSERT for
// tables with long values (letters, files), so a statement stays far below
// MySQL's max_allowed_packet; 0 means as many as the parameters allow.
func newTable(name string, perStmt int, cols ...string) *table {
	n := maxParams / len(cols)
	if perStmt > 0 && perStmt < n {
		n = perStmt
	}
	return &table{name: name, cols: cols, perStmt: n, stmts: map[int]string{}}
}

// add appends one row; values must match cols in number and order.
func (t *table) add(vals ...any) {
	if len(vals) != len(t.cols) {
		panic(fmt.Sprintf("benchseed: %s: %d values for %d columns", t.name, len(vals), len(t.cols)))
	}
	t.args = append(t.args, vals...)
}

func (t *table) rows() int { return len(t.args) / len(t.cols) }

func (t *table) statement(n int) string {
	if s, ok := t.stmts[n]; ok {
		return s
	}
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(t.name)
	b.WriteString(" (")
	b.WriteString(strings.Join(t.cols, ", "))
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	s := b.String()
	if n == t.perStmt || len(t.stmts) < 4 {
		t.stmts[n] = s
	}
	return s
}

// reset empties the buffer, keeping its capacity for the next batch.
func (t *table) reset() {
	clear(t.args)
	t.args = t.args[:0]
}

// sqliteTimeFormat is how the SQLite driver writes a time.Time parameter.
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// writer loads batches: with prepared statements over one connection on
// MySQL (mysqlWriter), through the SQLite library directly on SQLite
// (rawSQLite).
type writer interface {
	writeBatch(b *batch, counts map[string]int64) error
	exec(query string, args ...any) error
	// finish runs after the last row: the SQLite file goes to WAL mode,
	// MySQL gathers the statistics the load did not keep current.
	finish() error
	close()
}
