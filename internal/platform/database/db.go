package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"jianyi/internal/platform/apperr"
	"jianyi/migrations"
)

// DB wraps the GORM handle with the dialect it talks to.
type DB struct {
	*gorm.DB
	Dialect migrations.Dialect
	// writers admits one WithTx transaction at a time on SQLite, in arrival
	// order (a channel's waiting senders are served first come, first
	// served). SQLite has one writer anyway; without the queue the
	// transactions that find it busy poll with growing sleeps, and under a
	// burst (32 concurrent first downloads) some lose every round until
	// their request's deadline passes. nil: no queue (MySQL).
	writers chan struct{}
}

// OpenOptions say which database to open and how.
type OpenOptions struct {
	Driver          string // "sqlite" or "mysql"
	DSN             string
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	// Prepared is, on MySQL, the number of statement texts kept prepared
	// on the connections (an LRU; the evicted are closed); 0: each
	// statement is sent as text with its arguments interpolated. SQLite
	// ignores it. Kept prepared, a statement that answers with rows must
	// be read as a query: executed (gorm's Exec of ANALYZE TABLE, say) its
	// rows leave the driver waiting until the read timeout — send such
	// administration as text on SQL(), without arguments.
	Prepared int
}

// Open connects to SQLite (a file, created with its directory) or MySQL.
// SQLite runs in WAL mode with a busy timeout, foreign keys on and
// transactions that take the write lock when they begin, so concurrent writers
// queue instead of failing.
func Open(opts OpenOptions) (*DB, error) {
	gcfg := &gorm.Config{
		Logger: logger.Default.LogMode(logger.Silent),
		// Until UseClock: the system clock, for commands that run no services.
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
	var (
		gdb     *gorm.DB
		err     error
		dialect migrations.Dialect
	)
	switch opts.Driver {
	case "sqlite":
		dialect = migrations.SQLite
		dsn := opts.DSN
		if !strings.HasPrefix(dsn, "file::memory:") && dsn != ":memory:" {
			path := strings.SplitN(dsn, "?", 2)[0]
			if dir := filepath.Dir(path); dir != "." {
				if err := os.MkdirAll(dir, 0o750); err != nil {
					return nil, fmt.Errorf("creating database directory: %w", err)
				}
			}
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		// No _time_format: the driver's default write format is already
		// "sqlite", and glebarez/go-sqlite stops reading options after
		// _time_format, which would silently drop _txlock=immediate.
		dsn += sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		gdb, err = gorm.Open(sqlite.Open(dsn), gcfg)
	case "mysql":
		dialect = migrations.MySQL
		dsn, derr := normaliseMySQLDSN(opts.DSN)
		if derr != nil {
			return nil, derr
		}
		if opts.Prepared > 0 {
			// A list's statement is parsed once per connection, and its
			// rows come back in the binary protocol (numbers and times not
			// formatted as text by mariadbd and parsed again here): at 10^6
			// cases the lists cost mariadbd about a tenth less each.
			gcfg.PrepareStmt, gcfg.PrepareStmtMaxSize = true, opts.Prepared
		}
		gdb, err = gorm.Open(mysql.Open(dsn), gcfg)
	default:
		return nil, fmt.Errorf("unknown database driver %q", opts.Driver)
	}
	if err != nil {
		return nil, err
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	if opts.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(opts.MaxOpenConns)
	}
	if opts.MaxIdleConns > 0 {
		sqlDB.SetMaxIdleConns(opts.MaxIdleConns)
	}
	if opts.ConnMaxLifetime > 0 {
		sqlDB.SetConnMaxLifetime(opts.ConnMaxLifetime)
	}
	out := &DB{DB: gdb, Dialect: dialect}
	if dialect == migrations.SQLite {
		out.writers = make(chan struct{}, 1)
	}
	return out, nil
}

// normaliseMySQLDSN forces the settings Jianyi relies on: utf8mb4, parsed
// times in UTC, strict SQL mode, timeouts, and arguments interpolated by the
// client in statements that are not kept prepared.
func normaliseMySQLDSN(dsn string) (string, error) {
	cfg, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("database.dsn: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["charset"] = "utf8mb4"
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Params["sql_mode"] = "'STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'"
	// A server that stops answering must not hold a connection forever:
	// dialling, and each read and write on the socket, give up (the
	// request's own deadline is shorter still; see handlers dbDeadline).
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	// A statement not kept prepared (database.prepared_statements 0, or
	// one sent on a connection of its own) has its arguments written in by
	// the driver (escaped for utf8mb4, the only character set it is given)
	// unless the DSN says interpolateParams=false: otherwise every
	// statement with an argument costs a prepare, an execute and a close —
	// three round trips and a server-side parse each time. Statements kept
	// prepared are one execute each, their arguments bound.
	if !strings.Contains(dsn, "interpolateParams=false") {
		cfg.InterpolateParams = true
	}
	return cfg.FormatDSN(), nil
}

// UseClock makes now the time rows are stamped with (gorm's autoCreateTime and
// autoUpdateTime, Now); the composition root hands it the application clock.
func (db *DB) UseClock(now func() time.Time) {
	db.Config.NowFunc = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}

// Now is the time of the database's clock, for rows stamped inside a
// transaction that has no service clock at hand (audit entries, timeline
// events, notifications).
func Now(tx *gorm.DB) time.Time { return tx.NowFunc() }

// Migrate applies pending migrations.
func (db *DB) Migrate(ctx context.Context) ([]migrations.Migration, error) {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	return migrations.Apply(ctx, sqlDB, db.Dialect, db.NowFunc)
}

// CheckSchema refuses a database that is newer than this binary or still has
// pending migrations.
func (db *DB) CheckSchema(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	st, err := migrations.Check(ctx, sqlDB)
	if err != nil {
		return err
	}
	if len(st.Pending) > 0 {
		return fmt.Errorf("database schema at version %d, %d migration(s) pending: run `server migrate`", st.Applied, len(st.Pending))
	}
	return nil
}

// Optimize lets the query planner know the data: on SQLite it runs PRAGMA
// optimize (ANALYZE of the tables whose statistics are missing or stale,
// each sampled with analysis_limit rows per index, so it takes moments even
// on a large file). The service calls it at start, after migrations and after
// large changes; without statistics SQLite's planner picked a province-wide
// index for the overdue list (docs/scale.md). MySQL/MariaDB keep InnoDB's
// persistent statistics themselves: nothing to do.
func (db *DB) Optimize(ctx context.Context) error {
	if db.Dialect != migrations.SQLite {
		return nil
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA analysis_limit=1000"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "PRAGMA optimize=0x10002")
	return err
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// SQL exposes the pool for metrics and shutdown.
func (db *DB) SQL() *sql.DB {
	sqlDB, _ := db.DB.DB()
	return sqlDB
}

// Close closes the pool.
func (db *DB) Close() error {
	return db.SQL().Close()
}

// TxAttempts is how many times WithTx runs a transaction that the database
// aborted to break a deadlock, timed out on a lock or found busy.
const TxAttempts = 4

// WithTx runs fn in one transaction: everything fn writes commits together or
// not at all. A transaction the database rolled back for a deadlock or a lock
// wait timeout (MySQL 1213, 1205) or that found SQLite busy is run again from
// the start, up to TxAttempts times with a short growing pause, so fn must
// only set its results (not append to them) and do nothing outside the
// database it cannot repeat.
func (db *DB) WithTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := db.transaction(ctx, fn)
		if err == nil || attempt >= TxAttempts || !IsRetryable(err) || ctx.Err() != nil {
			return err
		}
		// 2, 8, 18 ms and a random part, so the contenders do not meet again.
		pause := time.Duration(2*attempt*attempt)*time.Millisecond + time.Duration(rand.Int64N(int64(4*time.Millisecond)))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// transaction runs fn in one transaction, first waiting for its turn in
// the writers' queue when there is one.
func (db *DB) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if db.writers != nil {
		select {
		case db.writers <- struct{}{}:
			defer func() { <-db.writers }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return db.DB.WithContext(ctx).Transaction(fn)
}

// IsRetryable reports an error after which the database rolled the
// transaction back (or never began it) and running it again may succeed:
// MySQL's deadlock (1213) and lock wait timeout (1205), SQLite busy/locked.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") ||
		strings.Contains(msg, "database table is locked")
}

// LockRow takes a write lock on the rows the query selects, for read-modify-write
// sequences (counters, the audit head). SQLite transactions already hold the
// database write lock from BEGIN IMMEDIATE, so there it is a plain select.
func LockRow(tx *gorm.DB) *gorm.DB {
	if tx.Dialector.Name() == "mysql" {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// IsUniqueViolation reports a duplicate-key error from either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "Duplicate entry")
}

// LikePattern turns user text into a "contains" pattern for
// `col LIKE ? ESCAPE '!'`, neutralising wildcards. '!' is the escape character
// because a backslash means different things to SQLite and MySQL.
func LikePattern(s string) string {
	return "%" + strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(s) + "%"
}

func NotFoundOr(err error, what string) error {
	if err == gorm.ErrRecordNotFound {
		return apperr.NotFound(what)
	}
	return err
}

func UniqueOr(err error, field, msg string) error {
	if IsUniqueViolation(err) {
		return &apperr.Error{Kind: apperr.ErrConflict, Code: "duplicate", Message: msg, Fields: map[string]string{field: msg}}
	}
	return err
}

// IsNotFound reports gorm's not-found.
func IsNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// WithNamedLock runs fn while holding a database-wide named lock, so only
// one process at a time does it (two demo replicas seeding an empty
// database at once, say): MySQL's GET_LOCK on a connection of its own,
// waiting up to wait. On SQLite, whose writers are serialised by the file
// lock, fn simply runs.
func (db *DB) WithNamedLock(ctx context.Context, name string, wait time.Duration, fn func() error) error {
	if db.Dialect != migrations.MySQL {
		return fn()
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, int(wait.Seconds())).Scan(&got); err != nil {
		return err
	}
	if !got.Valid || got.Int64 != 1 {
		return fmt.Errorf("lock %s not obtained within %s", name, wait)
	}
	defer conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK(?)", name)
	return fn()
}

// IsUnavailable reports an error that means the database is unreachable,
// frozen or too slow — a deadline passed, a connection lost or refused —
// rather than a fault of the request: the caller answers 503 and the client
// retries. The pool replaces broken connections, so the service recovers
// by itself once the database answers again.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysqldriver.ErrInvalidConn) ||
		errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "i/o timeout", "bad connection", "database is locked", "driver: bad connection"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// MaxAllowedPacket is MySQL's max_allowed_packet (the largest statement,
// so the largest file row, the server accepts), 0 on SQLite.
func (db *DB) MaxAllowedPacket(ctx context.Context) (int64, error) {
	return db.mysqlLimit(ctx, "max_allowed_packet")
}

// MaxPreparedStatements is MySQL's max_prepared_stmt_count (the statements
// all connections to the server may hold prepared at once), 0 on SQLite.
func (db *DB) MaxPreparedStatements(ctx context.Context) (int64, error) {
	return db.mysqlLimit(ctx, "max_prepared_stmt_count")
}

// mysqlLimit reads the MySQL server's numeric system variable name (a
// constant of this package, never user input), 0 on SQLite.
func (db *DB) mysqlLimit(ctx context.Context, name string) (int64, error) {
	if db.Dialect != migrations.MySQL {
		return 0, nil
	}
	var n int64
	err := db.SQL().QueryRowContext(ctx, "SELECT @@"+name).Scan(&n)
	return n, err
}

// IsPacketTooLarge reports a statement MySQL refused for exceeding
// max_allowed_packet (a file larger than the server keeps in one row).
func IsPacketTooLarge(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, mysqldriver.ErrPktTooLarge) {
		return true
	}
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && (me.Number == 1153 || me.Number == 1301)
}
