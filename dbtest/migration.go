package dbtest

import (
	"testing"

	"jianyi/internal/platform/database"
	"jianyi/migrations"
)

// RunMigration runs the statements of one migration again on a migrated
// database: to test a data migration, or to bring rows a fixture wrote
// straight into the tables to what that migration makes of them.
func RunMigration(t testing.TB, db *database.DB, version int) {
	t.Helper()
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Version != version {
			continue
		}
		for _, stmt := range m.Statements(migrations.Dialect(db.Dialect)) {
			if err := db.Exec(stmt).Error; err != nil {
				t.Fatalf("migration %04d: %v", version, err)
			}
		}
		return
	}
	t.Fatalf("no migration %04d", version)
}
