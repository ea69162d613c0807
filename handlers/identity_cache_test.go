package handlers

import (
	"context"
	"errors"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// A cached identity never outlives the user's standing: a change written
// by another replica (straight into the database, so this process's epoch
// does not move) counts on the very next request.
func TestCachedIdentityFollowsTheStanding(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		s := &Server{db: db, identities: newIdentityCache()}
		ctx := context.Background()
		var u org.User
		if err := db.Where("username = ?", "prosecutor1").First(&u).Error; err != nil {
			t.Fatal(err)
		}
		var otherDept int64
		if err := db.Raw("SELECT id FROM departments WHERE procuratorate_id = ? AND id <> ? ORDER BY id LIMIT 1", *u.ProcuratorateID, *u.DepartmentID).
			Scan(&otherDept).Error; err != nil || otherDept == 0 {
			t.Fatalf("another department: %d, %v", otherDept, err)
		}
		load := func() (*org.Actor, error) { return s.loadActor(ctx, u.ID, u.TokenVersion, "127.0.0.1", "rid") }
		write := func(sql string, args ...any) {
			t.Helper()
			if err := db.Exec(sql, append(args, u.ID)...).Error; err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 2; i++ { // a read, then a cached one
			a, err := load()
			if err != nil {
				t.Fatal(err)
			}
			if a.Username != "prosecutor1" || a.DepartmentID != *u.DepartmentID || a.ProcuratoratePath == "" || a.Role != org.RoleProsecutor {
				t.Fatalf("actor %+v", a)
			}
		}
		if _, ok := s.identities.entries[u.ID]; !ok {
			t.Fatal("the identity was not cached")
		}

		write("UPDATE users SET department_id = ? WHERE id = ?", otherDept)
		if a, err := load(); err != nil || a.DepartmentID != otherDept {
			t.Fatalf("after a department change: %+v, %v", a, err)
		}
		write("UPDATE users SET role = ? WHERE id = ?", string(org.RoleDeptHead))
		if a, err := load(); err != nil || a.Role != org.RoleDeptHead {
			t.Fatalf("after a role change: %+v, %v", a, err)
		}
		write("UPDATE users SET disabled = ? WHERE id = ?", true)
		if _, err := load(); !isRevoked(err) {
			t.Fatalf("a disabled user: %v", err)
		}
		write("UPDATE users SET disabled = ?, token_version = token_version + 1 WHERE id = ?", false)
		if _, err := load(); !isRevoked(err) {
			t.Fatalf("a revoked token version: %v", err)
		}
	})
}

func isRevoked(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Code == "token_revoked"
}

// With auth.standing_cache_ttl, a standing read less than the TTL before
// serves the next requests: a change written by another replica (straight
// into the database) counts after at most the TTL, not later.
func TestStandingCacheBoundsOtherReplicasChanges(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		const ttl = 2 * time.Second
		s := &Server{db: db, identities: newIdentityCache(), standingTTL: ttl}
		ctx := context.Background()
		var u org.User
		if err := db.Where("username = ?", "prosecutor1").First(&u).Error; err != nil {
			t.Fatal(err)
		}
		load := func() (*org.Actor, error) { return s.loadActor(ctx, u.ID, u.TokenVersion, "127.0.0.1", "rid") }
		for i := 0; i < 2; i++ {
			if _, err := load(); err != nil {
				t.Fatal(err)
			}
		}
		read := time.Now()
		if err := db.Exec("UPDATE users SET disabled = ? WHERE id = ?", true, u.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := load(); err != nil && time.Since(read) < ttl {
			t.Fatalf("within the TTL the cached standing serves: %v", err)
		}
		time.Sleep(ttl - time.Since(read) + 50*time.Millisecond)
		if _, err := load(); !isRevoked(err) {
			t.Fatalf("a user disabled by another replica, after the TTL: %v", err)
		}
	})
}
