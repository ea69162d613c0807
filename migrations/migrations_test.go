package migrations_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/platform/database"
	"jianyi/migrations"
)

func TestMigrationsApplyOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	for _, driver := range dbtest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			db, _ := dbtest.OpenUnmigrated(t, driver)
			ctx := context.Background()
			done, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if len(done) == 0 || done[len(done)-1].Version != migrations.Latest() {
				t.Fatalf("applied %d migrations, want up to %d", len(done), migrations.Latest())
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("schema check after migrate: %v", err)
			}
			// A second run finds nothing to do.
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second migrate: %d applied, err %v", len(again), err)
			}
			// A version from the future makes the binary refuse the database.
			if err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')", migrations.Latest()+1).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.CheckSchema(ctx); !errors.Is(err, migrations.ErrSchemaTooNew) {
				t.Fatalf("CheckSchema on newer schema = %v, want ErrSchemaTooNew", err)
			}
			if _, err := db.Migrate(ctx); !errors.Is(err, migrations.ErrSchemaTooNew) {
				t.Fatalf("Migrate on newer schema = %v, want ErrSchemaTooNew", err)
			}
		})
	}
}

func TestPendingMigrationsStopStart(t *testing.T) {
	t.Parallel()
	db, _ := dbtest.OpenUnmigrated(t, "sqlite")
	if err := db.CheckSchema(context.Background()); err == nil {
		t.Fatal("CheckSchema on an empty database should report pending migrations")
	}
}

func TestStatementsRenderDialects(t *testing.T) {
	t.Parallel()
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
			for _, s := range m.Statements(d) {
				for _, ph := range []string{"{{ID}}", "{{BLOB}}", "{{LONGTEXT}}", "{{TABLE_OPTIONS}}"} {
					if contains(s, ph) {
						t.Errorf("%04d %s: placeholder %s left in %q", m.Version, d, ph, s)
					}
				}
			}
		}
	}
}

// TestDialectMarkers: a statement marked {{SQLITE}} or {{MYSQL}} reaches
// its own dialect only, without the marker.
func TestDialectMarkers(t *testing.T) {
	t.Parallel()
	m := migrations.Migration{SQL: "{{SQLITE}} CREATE VIRTUAL TABLE a USING fts5(x);\n{{MYSQL}} CREATE TABLE a (x TEXT);\nCREATE TABLE b (y TEXT);\n"}
	lite, my := m.Statements(migrations.SQLite), m.Statements(migrations.MySQL)
	if len(lite) != 2 || lite[0] != "CREATE VIRTUAL TABLE a USING fts5(x)" || lite[1] != "CREATE TABLE b (y TEXT)" {
		t.Errorf("sqlite statements: %q", lite)
	}
	if len(my) != 2 || my[0] != "CREATE TABLE a (x TEXT)" || my[1] != "CREATE TABLE b (y TEXT)" {
		t.Errorf("mysql statements: %q", my)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestConcurrentReplicasMigrateOnce starts several "replicas" on one empty
// MariaDB/MySQL database at once: the named lock lets exactly one apply each
// migration, and nobody fails.
func TestConcurrentReplicasMigrateOnce(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	if os.Getenv(dbtest.EnvMySQLDSN) == "" {
		t.Skip(dbtest.EnvMySQLDSN + " not set (SQLite is one file in one process: no replicas)")
	}
	first, opts := dbtest.OpenUnmigrated(t, "mysql")
	dbs := []*database.DB{first}
	for i := 0; i < 3; i++ {
		db, err := database.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	applied := make([]int, len(dbs))
	errs := make([]error, len(dbs))
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := db.Migrate(context.Background())
			applied[i], errs[i] = len(done), err
		}()
	}
	wg.Wait()
	total := 0
	for i := range dbs {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	if total != len(all) {
		t.Fatalf("replicas applied %v migrations in total, want %d once each", applied, len(all))
	}
	var rows int64
	if err := first.Table("schema_migrations").Count(&rows).Error; err != nil || rows != int64(len(all)) {
		t.Fatalf("schema_migrations has %d rows (err %v), want %d", rows, err, len(all))
	}
}
