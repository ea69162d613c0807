// Package dbtest gives tests a real, freshly migrated database: SQLite in a
// temporary directory always, and MariaDB/MySQL too when JIANYI_TEST_MYSQL_DSN
// is set (each test gets its own database, dropped afterwards).
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"jianyi/internal/platform/database"
)

// EnvMySQLDSN names the variable holding a MySQL DSN for the MariaDB leg.
const EnvMySQLDSN = "JIANYI_TEST_MYSQL_DSN"

var counter atomic.Int64

// Drivers lists the databases the suite runs on here.
func Drivers() []string {
	if os.Getenv(EnvMySQLDSN) != "" {
		return []string{"sqlite", "mysql"}
	}
	return []string{"sqlite"}
}

// Each runs fn once per available database as a subtest named after it.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, d := range Drivers() {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a migrated, empty database of the given driver, closed (and on
// MySQL dropped) when the test ends.
func Open(t testing.TB, driver string) *database.DB {
	t.Helper()
	db, _ := OpenUnmigrated(t, driver)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", driver, err)
	}
	return db
}

// OpenUnmigrated returns an empty database and its options (to open a second
// handle on the same database, e.g. a second replica).
func OpenUnmigrated(t testing.TB, driver string) (*database.DB, database.OpenOptions) {
	t.Helper()
	var opts database.OpenOptions
	switch driver {
	case "sqlite":
		opts = database.OpenOptions{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "test.db"), MaxOpenConns: 8}
	case "mysql":
		base := os.Getenv(EnvMySQLDSN)
		if base == "" {
			t.Skip(EnvMySQLDSN + " not set")
		}
		cfg, err := mysqldriver.ParseDSN(base)
		if err != nil {
			t.Fatalf("%s: %v", EnvMySQLDSN, err)
		}
		name := fmt.Sprintf("jt_%d_%d", os.Getpid(), counter.Add(1))
		admin, err := sql.Open("mysql", base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			admin.Close()
			t.Fatalf("create test database: %v", err)
		}
		t.Cleanup(func() {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name)
			admin.Close()
		})
		cfg.DBName = name
		opts = database.OpenOptions{Driver: "mysql", DSN: cfg.FormatDSN(), MaxOpenConns: 20}
	default:
		t.Fatalf("unknown driver %q", driver)
	}
	db, err := database.Open(opts)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return db, opts
}
