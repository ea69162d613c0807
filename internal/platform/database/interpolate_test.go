package database_test

import (
	"slices"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/platform/database"
	"jianyi/migrations"
)

// TestArgumentsRoundTrip: arguments come back from the database exactly as
// they were bound — on MySQL/MariaDB bound to prepared statements (the
// shipped database.prepared_statements) and, with that at 0, written into
// the statement by the driver (interpolateParams), so quotes, backslashes,
// the LIKE escape, a NUL byte, non-BMP characters and times must survive its
// escaping, in values and in a WHERE that finds them.
func TestArgumentsRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, roundTrip)
	if slices.Contains(dbtest.Drivers(), "mysql") {
		t.Run("mysql interpolated", func(t *testing.T) {
			t.Parallel()
			_, opts := dbtest.OpenUnmigrated(t, "mysql")
			if opts.Prepared == 0 {
				t.Fatal("the tests' MySQL handle keeps no statements prepared")
			}
			opts.Prepared = 0
			db, err := database.Open(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			roundTrip(t, db)
		})
	}
}

func roundTrip(t *testing.T, db *database.DB) {
	texts := []string{
		"O'Brien \"引号\" `反引号`", `反斜杠 \ 与 \' 与 \\`, "百分号 % 下划线 _ 感叹号 !", "NUL\x00字节",
		"换行\n回车\r制表\t", "𠀀𪚥 emoji 😀", "", "'; DROP TABLE arg_probe; --",
	}
	at := time.Date(2026, 12, 6, 16, 45, 1, 123456000, time.UTC)
	{
		stamp := "DATETIME"
		if db.Dialect == migrations.MySQL {
			stamp = "DATETIME(6)"
		}
		if err := db.Exec("CREATE TABLE arg_probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at " + stamp + " NOT NULL, b BLOB)").Error; err != nil {
			t.Fatal(err)
		}
		for i, s := range texts {
			if err := db.Exec("INSERT INTO arg_probe (id, body, at, b) VALUES (?, ?, ?, ?)", i+1, s, at, []byte(s)).Error; err != nil {
				t.Fatalf("insert %q: %v", s, err)
			}
		}
		for i, s := range texts {
			var got struct {
				ID   int64
				Body string
				At   time.Time
				B    []byte
			}
			if err := db.Raw("SELECT id, body, at, b FROM arg_probe WHERE body = ? AND b = ? AND at = ?", s, []byte(s), at).Scan(&got).Error; err != nil {
				t.Fatalf("select %q: %v", s, err)
			}
			if got.ID != int64(i+1) || got.Body != s || string(got.B) != s || !got.At.Equal(at) {
				t.Errorf("row %d: got id %d, body %q, blob %q, at %v; want %q at %v", i+1, got.ID, got.Body, got.B, got.At, s, at)
			}
		}
		var n int64
		if err := db.Raw("SELECT COUNT(*) FROM arg_probe WHERE body LIKE ? ESCAPE '!'", database.LikePattern("百分号 %")).Scan(&n).Error; err != nil || n != 1 {
			t.Errorf("LIKE of an escaped pattern: %d rows, %v; want 1", n, err)
		}
	}
}

// TestMaxPreparedStatements reads MySQL's max_prepared_stmt_count (the
// start-up check weighs database.prepared_statements against it); SQLite
// has none.
func TestMaxPreparedStatements(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		n, err := db.MaxPreparedStatements(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if (db.Dialect == migrations.MySQL) != (n > 0) {
			t.Fatalf("%s: max_prepared_stmt_count %d", db.Dialect, n)
		}
	})
}
