package audit_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

const testKey = "audit-chain-key-kept-outside-the-database-0123"

// TestKeyedChainDetectsRewrite: with a key, entries are keyed; an edit
// rehashed end to end without the key passes the plain check but not the
// keyed one, and a head recorded before the rewrite is no longer found.
func TestKeyedChainDetectsRewrite(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		auditedDB(t, db) // unkeyed entries written before the key was set
		if err := audit.UseKey(db, testKey); err != nil {
			t.Fatal(err)
		}
		actor := &org.Actor{UserID: 1, Username: "admin", Role: org.RoleAdmin}
		for i := 0; i < 3; i++ {
			if err := db.WithTx(ctx, func(tx *gorm.DB) error {
				return audit.Record(tx, actor, "user.update", "user", int64(i+1), map[string]any{"step": i})
			}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := audit.Verify(ctx, db, testKey, "")
		if err != nil || len(r.Breaks) != 0 || r.Keyed != 3 || r.Head.Hash == "" || !strings.HasPrefix(r.Head.Hash, "k1:") {
			t.Fatalf("keyed chain: %+v %v", r, err)
		}
		head := r.Head.Hash
		// Without the key the keyed entries are reported unchecked, not broken.
		if r, _ := audit.Verify(ctx, db, "", head); len(r.Breaks) != 0 || r.Unchecked != 3 || r.AnchorFound == nil || !*r.AnchorFound {
			t.Fatalf("without key: %+v", r)
		}

		// Someone with database access edits an entry and rehashes the chain.
		if err := db.Exec("UPDATE audit_entries SET summary = ? WHERE id = 2", `{"name":"forged"}`).Error; err != nil {
			t.Fatal(err)
		}
		if err := audit.RehashWithoutKey(ctx, db); err != nil {
			t.Fatal(err)
		}
		if _, breaks, _ := audit.VerifyChain(ctx, db); len(breaks) != 0 {
			t.Fatalf("the plain check should be fooled by a full rehash: %v", breaks)
		}
		r, err = audit.Verify(ctx, db, testKey, "")
		if err != nil || len(r.Breaks) == 0 {
			t.Fatalf("keyed check missed the rewrite: %+v %v", r, err)
		}
		// Without the key, the head recorded outside the database catches it.
		r, _ = audit.Verify(ctx, db, "", head)
		if r.AnchorFound == nil || *r.AnchorFound || len(r.Breaks) == 0 {
			t.Fatalf("recorded head still found after the rewrite: %+v", r)
		}
	})
}
