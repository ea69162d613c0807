package audit_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// auditedDB returns a database whose audit trail holds the demo seeding and a
// few more actions.
func auditedDB(t *testing.T, db *database.DB) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), "audit-test-password"); err != nil {
		t.Fatal(err)
	}
	actor := &org.Actor{UserID: 1, Username: "admin", Role: org.RoleAdmin, IP: "127.0.0.1", RequestID: "r1"}
	for i, action := range []string{"user.update", "agency.update", "user.disable"} {
		err := db.WithTx(ctx, func(tx *gorm.DB) error {
			return audit.Record(tx, actor, action, "user", int64(i+1), map[string]any{"step": i, "说明": "测试"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var entries []audit.Entry
	if err := db.Order("id").Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	if len(entries) < 10 {
		t.Fatalf("only %d audit entries", len(entries))
	}
	return entries
}

func TestAuditChain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		tamper     func(db *database.DB, entries []audit.Entry) error
		wantBreaks bool
		wantReason string
		wantAt     func(entries []audit.Entry) int64
	}{
		{
			name:   "untouched",
			tamper: func(*database.DB, []audit.Entry) error { return nil },
		},
		{
			name: "summary edited",
			tamper: func(db *database.DB, e []audit.Entry) error {
				return db.Exec("UPDATE audit_entries SET summary = ? WHERE id = ?", `{"username":"someone-else"}`, e[3].ID).Error
			},
			wantBreaks: true, wantReason: "edited",
			wantAt: func(e []audit.Entry) int64 { return e[3].ID },
		},
		{
			name: "actor edited",
			tamper: func(db *database.DB, e []audit.Entry) error {
				return db.Exec("UPDATE audit_entries SET actor_name = ? WHERE id = ?", "nobody", e[len(e)-1].ID).Error
			},
			wantBreaks: true, wantReason: "edited",
			wantAt: func(e []audit.Entry) int64 { return e[len(e)-1].ID },
		},
		{
			name: "row deleted",
			tamper: func(db *database.DB, e []audit.Entry) error {
				return db.Exec("DELETE FROM audit_entries WHERE id = ?", e[4].ID).Error
			},
			wantBreaks: true, wantReason: "removed",
			wantAt: func(e []audit.Entry) int64 { return e[5].ID },
		},
		{
			name: "last row deleted",
			tamper: func(db *database.DB, e []audit.Entry) error {
				return db.Exec("DELETE FROM audit_entries WHERE id = ?", e[len(e)-1].ID).Error
			},
			wantBreaks: true, wantReason: "head",
			wantAt: func(e []audit.Entry) int64 { return e[len(e)-1].ID },
		},
		{
			name: "edited row rehashed",
			tamper: func(db *database.DB, e []audit.Entry) error {
				// Whoever edits a row and recomputes its own hash still breaks
				// the link from the next entry.
				return db.Exec("UPDATE audit_entries SET hash = ? WHERE id = ?", strings.Repeat("0", 64), e[2].ID).Error
			},
			wantBreaks: true, wantReason: "prev_hash",
			wantAt: func(e []audit.Entry) int64 { return e[3].ID },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *database.DB) {
				entries := auditedDB(t, db)
				if err := tc.tamper(db, entries); err != nil {
					t.Fatal(err)
				}
				checked, breaks, err := audit.VerifyChain(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				if checked == 0 {
					t.Fatal("nothing checked")
				}
				if !tc.wantBreaks {
					if len(breaks) != 0 {
						t.Fatalf("intact chain reported breaks: %+v", breaks)
					}
					if checked != len(entries) {
						t.Fatalf("checked %d of %d entries", checked, len(entries))
					}
					return
				}
				want := tc.wantAt(entries)
				for _, b := range breaks {
					if b.EntryID == want && strings.Contains(b.Reason, tc.wantReason) {
						return
					}
				}
				t.Fatalf("breaks %+v, want one at entry %d mentioning %q", breaks, want, tc.wantReason)
			})
		})
	}
}

// TestAuditChainAfterConcurrentWrites checks that parallel transactions queue
// on the chain head instead of forking the chain.
func TestAuditChainAfterConcurrentWrites(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func(i int) {
				errs <- db.WithTx(ctx, func(tx *gorm.DB) error {
					return audit.Record(tx, &org.Actor{Username: "worker"}, "test.write", "test", int64(i+1), map[string]int{"i": i})
				})
			}(i)
		}
		for i := 0; i < 8; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		checked, breaks, err := audit.VerifyChain(ctx, db)
		if err != nil || len(breaks) != 0 || checked != 8 {
			t.Fatalf("checked %d, breaks %+v, err %v", checked, breaks, err)
		}
	})
}

func TestSeedDemoIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		first, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), "first-password-1")
		if err != nil {
			t.Fatal(err)
		}
		counts := func() map[string]int64 {
			out := map[string]int64{}
			for _, table := range []string{"procuratorates", "departments", "agencies", "users"} {
				var n int64
				if err := db.Table(table).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				out[table] = n
			}
			return out
		}
		before := counts()
		for table, n := range before {
			if n == 0 {
				t.Errorf("%s: empty after the first seed", table)
			}
		}
		if len(first.Accounts) == 0 || before["users"] != int64(len(first.Accounts)) {
			t.Fatalf("first seed: %d accounts reported, %d users stored", len(first.Accounts), before["users"])
		}
		for _, a := range first.Accounts {
			if !a.Created {
				t.Errorf("account %s not created by the first seed", a.Username)
			}
		}
		second, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), "second-password-2")
		if err != nil {
			t.Fatalf("second seed: %v", err)
		}
		after := counts()
		for table, n := range before {
			if after[table] != n {
				t.Errorf("%s: %d rows after the second seed, %d before", table, after[table], n)
			}
		}
		if first.District.ID != second.District.ID || first.Agency1.ID != second.Agency1.ID {
			t.Fatal("second seed returned different objects")
		}
		if len(second.Accounts) != len(first.Accounts) {
			t.Fatalf("second seed reported %d accounts, the first %d", len(second.Accounts), len(first.Accounts))
		}
		for _, a := range second.Accounts {
			if a.Created {
				t.Errorf("account %s created again", a.Username)
			}
		}
		// Passwords are left as they were.
		var u org.User
		if err := db.Where("username = ?", "prosecutor1").First(&u).Error; err != nil {
			t.Fatal(err)
		}
		if !org.CheckPassword(u.PasswordHash, "first-password-1") {
			t.Fatal("the second seed changed an existing password")
		}
		if _, breaks, err := audit.VerifyChain(ctx, db); err != nil || len(breaks) != 0 {
			t.Fatalf("audit chain after seeding: %v %+v", err, breaks)
		}
	})
}
