// Package migrations holds Jianyi's versioned schema as embedded SQL files and
// applies them in order on SQLite or MySQL/MariaDB/TiDB.
//
// Each file is named NNNN_name.sql. The SQL is written once for both dialects;
// the few spellings that differ are placeholders:
//
//	{{ID}}             auto-increment primary key column type
//	{{BLOB}}           binary content (LONGBLOB on MySQL)
//	{{LONGTEXT}}       long text (LONGTEXT on MySQL)
//	{{TABLE_OPTIONS}}  engine and character set on MySQL, nothing on SQLite
//	{{CLUSTERED}}      the table options of a table stored in primary-key order:
//	                   WITHOUT ROWID on SQLite (InnoDB always is)
//	{{JSON_VALUE}}     the scalar at a JSON path as SQL text, unquoted
//	                   (json_extract on SQLite, JSON_VALUE on MySQL/MariaDB)
//
// A statement that exists in one dialect only (an FTS5 virtual table, a
// FULLTEXT index) starts with {{SQLITE}} or {{MYSQL}}; the other dialect
// skips it.
//
// DATETIME(6) (microseconds on MySQL) is written as plain DATETIME for SQLite.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed *.sql
var files embed.FS

// Dialect names the SQL flavour of the target database.
type Dialect string

// The supported dialects.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// ErrSchemaTooNew means the database was migrated by a newer Jianyi; running an
// older binary on it could corrupt data, so start-up stops.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary knows")

// Migration is one versioned step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// All returns the embedded migrations in version order.
func All() ([]Migration, error) {
	entries, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, name := range entries {
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %q and %q share version %d", prev, name, v)
		}
		seen[v] = name
		body, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Latest is the highest version this binary knows.
func Latest() int {
	all, err := All()
	if err != nil || len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Version
}

// Statements renders a migration for a dialect and splits it into statements.
func (m Migration) Statements(d Dialect) []string {
	repl := map[Dialect]*strings.Replacer{
		SQLite: strings.NewReplacer(
			"{{ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT",
			"{{BLOB}}", "BLOB",
			"{{LONGTEXT}}", "TEXT",
			"{{TABLE_OPTIONS}}", "",
			"{{CLUSTERED}}", " WITHOUT ROWID",
			"{{JSON_VALUE}}", "json_extract",
			// The SQLite driver turns values into time.Time only for the bare type names.
			"DATETIME(6)", "DATETIME"),
		MySQL: strings.NewReplacer(
			"{{ID}}", "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
			"{{BLOB}}", "LONGBLOB",
			"{{LONGTEXT}}", "LONGTEXT",
			"{{TABLE_OPTIONS}}", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
			"{{CLUSTERED}}", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
			"{{JSON_VALUE}}", "JSON_VALUE"),
	}[d]
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(m.SQL, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			stmt := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			if stmt, ok := forDialect(stmt, d); ok {
				out = append(out, repl.Replace(stmt))
			}
			cur.Reset()
		}
	}
	if s, ok := forDialect(strings.TrimSpace(cur.String()), d); ok && s != "" {
		out = append(out, repl.Replace(s))
	}
	return out
}

// dialectMarkers start a statement that only one dialect runs.
var dialectMarkers = map[string]Dialect{"{{SQLITE}}": SQLite, "{{MYSQL}}": MySQL}

// forDialect strips a statement's dialect marker; ok is false when the
// statement belongs to the other dialect.
func forDialect(stmt string, d Dialect) (string, bool) {
	for marker, only := range dialectMarkers {
		if rest, found := strings.CutPrefix(stmt, marker); found {
			return strings.TrimSpace(rest), only == d
		}
	}
	return stmt, true
}

// Status reports the applied and known versions.
type Status struct {
	Applied int
	Latest  int
	Pending []Migration
}

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER NOT NULL PRIMARY KEY,
	name VARCHAR(200) NOT NULL,
	applied_at VARCHAR(40) NOT NULL
)`

// Check reports where the database stands without changing it. It returns
// ErrSchemaTooNew when the database has a version this binary does not know.
func Check(ctx context.Context, db *sql.DB) (Status, error) {
	all, err := All()
	if err != nil {
		return Status{}, err
	}
	st := Status{Latest: Latest()}
	var exists int
	row := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations")
	if err := row.Scan(&exists); err != nil {
		// No version table yet: an empty database, everything pending.
		st.Pending = all
		return st, nil
	}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&st.Applied); err != nil {
		return st, err
	}
	if st.Applied > st.Latest {
		return st, fmt.Errorf("%w: database at version %d, binary knows up to %d", ErrSchemaTooNew, st.Applied, st.Latest)
	}
	applied := map[int]bool{}
	rows, err := db.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return st, err
		}
		applied[v] = true
	}
	for _, m := range all {
		if !applied[m.Version] {
			st.Pending = append(st.Pending, m)
		}
	}
	return st, rows.Err()
}

// Apply runs every pending migration, each in its own transaction, and records
// it. On MySQL a named lock keeps two replicas starting together from both
// migrating; the second waits, then finds nothing pending. (MySQL commits DDL
// implicitly, so there a failed migration can leave part of its statements
// applied; the version row is written last, so a fixed binary retries it.)
func Apply(ctx context.Context, db *sql.DB, d Dialect, now func() time.Time) ([]Migration, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if d == MySQL {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('jianyi_migrate', 120)").Scan(&got); err != nil {
			return nil, fmt.Errorf("taking the migration lock: %w", err)
		}
		if !got.Valid || got.Int64 != 1 {
			return nil, errors.New("could not take the migration lock within 120s")
		}
		defer conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK('jianyi_migrate')")
	}
	if _, err := conn.ExecContext(ctx, createVersionTable); err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}
	st, err := Check(ctx, db)
	if err != nil {
		return nil, err
	}
	var done []Migration
	for _, m := range st.Pending {
		if err := applyOne(ctx, conn, d, m, now); err != nil {
			return done, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		done = append(done, m)
	}
	return done, nil
}

func applyOne(ctx context.Context, conn *sql.Conn, d Dialect, m Migration, now func() time.Time) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range m.Statements(d) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.Version, m.Name, now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}
