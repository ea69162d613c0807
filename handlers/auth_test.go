package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		tests := []struct {
			name       string
			body       any
			wantStatus int
			wantCode   string
		}{
			{"correct password", map[string]string{"username": "prosecutor1", "password": apitest.Password}, http.StatusOK, ""},
			{"wrong password", map[string]string{"username": "prosecutor1", "password": "wrong-password"}, http.StatusUnauthorized, "bad_credentials"},
			{"unknown user", map[string]string{"username": "nobody", "password": apitest.Password}, http.StatusUnauthorized, "bad_credentials"},
			{"missing password", map[string]string{"username": "prosecutor1"}, http.StatusBadRequest, "validation_failed"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := env.Do("POST", "/api/v1/auth/login", "", tc.body).Expect(t, tc.wantStatus)
				if res.ErrorCode() != tc.wantCode {
					t.Fatalf("error code %q, want %q; body %s", res.ErrorCode(), tc.wantCode, res.Body)
				}
				if tc.wantStatus != http.StatusOK {
					return
				}
				var out struct {
					Token string `json:"token"`
					User  struct {
						Username string `json:"username"`
						Role     string `json:"role"`
					} `json:"user"`
				}
				res.Decode(t, &out)
				if out.Token == "" || out.User.Username != "prosecutor1" || out.User.Role != "prosecutor" {
					t.Fatalf("login answer %s", res.Body)
				}
				me := env.Do("GET", "/api/v1/me", "Bearer "+out.Token, nil).Expect(t, http.StatusOK).JSON()
				if me["username"] != "prosecutor1" || me["procuratorate_name"] != "临江市清河区人民检察院" {
					t.Fatalf("/me %v", me)
				}
			})
		}
		// Every attempt is a login_attempts row; failures are audited.
		if n := countRows(t, db, "login_attempts", "username = ? AND success = ?", "prosecutor1", false); n != 1 {
			t.Fatalf("failed attempts for prosecutor1 = %d, want 1", n)
		}
		if n := countRows(t, db, "login_attempts", "username = ? AND success = ?", "prosecutor1", true); n != 1 {
			t.Fatalf("successful attempts for prosecutor1 = %d, want 1", n)
		}
		if n := countRows(t, db, "audit_entries", "action = ?", "auth.login_failed"); n != 2 {
			t.Fatalf("auth.login_failed audit entries = %d, want 2", n)
		}
		if n := countRows(t, db, "audit_entries", "action = ?", "auth.login"); n != 1 {
			t.Fatalf("auth.login audit entries = %d, want 1", n)
		}
	})
}

// TestLoginThrottling: failures slow the (username, address) pair with
// growing waits and never lock the account: the right password from another
// address gets in at once, a burst of throttled tries writes one audit row,
// the per-user ceiling only spaces tries out, and an administrator's unlock
// clears the waits. The clock is moved, never slept on.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newEnvWith(t, db, func(cfg *config.Config) {
			cfg.Auth.MaxFailuresPerUser = 3
			cfg.Auth.MaxFailuresPerIP = 50
			cfg.Auth.FailureWindow = 10 * time.Minute
		})
		login := func(username, password, ip string) *apitest.Response {
			req := httptest.NewRequest("POST", "/api/v1/auth/login",
				jsonReader(map[string]string{"username": username, "password": password}))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = ip + ":5555"
			return env.DoRequest(req, "")
		}
		throttledRows := func() int64 { return countRows(t, db, "audit_entries", "action = ?", "auth.login_throttled") }
		retryAfter := func(res *apitest.Response) int {
			t.Helper()
			ra, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if err != nil || res.ErrorCode() != "login_throttled" {
				t.Fatalf("429 %s without Retry-After: %q", res.ErrorCode(), res.Header.Get("Retry-After"))
			}
			return ra
		}
		advance := func(d time.Duration) { env.SetNow(env.Now().Add(d)) }

		for i := 0; i < 3; i++ {
			login("chief1", "wrong-password", "198.51.100.1").Expect(t, http.StatusUnauthorized)
		}
		// The pair waits 1 s; a burst of tries meanwhile is one audit row.
		for i := 0; i < 10; i++ {
			if ra := retryAfter(login("chief1", apitest.Password, "198.51.100.1").Expect(t, http.StatusTooManyRequests)); ra != 1 {
				t.Fatalf("Retry-After %d, want 1", ra)
			}
		}
		if n := throttledRows(); n != 1 {
			t.Fatalf("%d audit rows for one throttled burst", n)
		}
		// No lock-out: the right password from another address gets in.
		login("chief1", apitest.Password, "198.51.100.2").Expect(t, http.StatusOK)
		// After the wait, another failure doubles it: a new burst, a new row.
		advance(time.Second)
		login("chief1", "wrong-password", "198.51.100.1").Expect(t, http.StatusUnauthorized)
		if ra := retryAfter(login("chief1", apitest.Password, "198.51.100.1").Expect(t, http.StatusTooManyRequests)); ra != 2 {
			t.Fatalf("second wait %d, want 2", ra)
		}
		if n := throttledRows(); n != 2 {
			t.Fatalf("%d audit rows after two bursts", n)
		}
		// An administrator's unlock clears the waits.
		env.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/unlock", userID(t, db, "chief1")), "admin", nil).Expect(t, http.StatusOK)
		login("chief1", apitest.Password, "198.51.100.1").Expect(t, http.StatusOK)
		if n := countRows(t, db, "audit_entries", "action = ?", "user.unlock_login"); n != 1 {
			t.Fatalf("unlock audited %d times", n)
		}

		// The per-user ceiling (4 × 3 failures from anywhere) spaces tries on
		// depthead1 2 s apart, even from a fresh address; then it gets in.
		for i := 0; i < 12; i++ {
			login("depthead1", "wrong-password", fmt.Sprintf("203.0.113.%d", i+1)).Expect(t, http.StatusUnauthorized)
		}
		if ra := retryAfter(login("depthead1", apitest.Password, "192.0.2.77").Expect(t, http.StatusTooManyRequests)); ra > 2 {
			t.Fatalf("fresh address waits %d s", ra)
		}
		advance(2 * time.Second)
		login("depthead1", apitest.Password, "192.0.2.77").Expect(t, http.StatusOK)

		// Usernames compare the same on every database: case folded, spaces refused.
		login("PROSECUTOR1", apitest.Password, "192.0.2.1").Expect(t, http.StatusOK)
		login("prosecutor1 ", apitest.Password, "192.0.2.1").Expect(t, http.StatusUnauthorized)
	})
}

// signToken signs claims for a user the way the server does, with the given key.
func signToken(t *testing.T, key string, userID int64, tokenVersion int, exp time.Time) string {
	t.Helper()
	claims := jwt.MapClaims{
		"sub": strconv.FormatInt(userID, 10),
		"tv":  tokenVersion,
		"iss": "jianyi",
		"iat": exp.Add(-time.Hour).Unix(),
		"exp": exp.Unix(),
	}
	if exp.IsZero() {
		delete(claims, "exp")
		claims["iat"] = time.Now().Add(-time.Minute).Unix()
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokensRejected(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		id := userID(t, db, "prosecutor1")
		u, err := org.UserByID(db.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		valid := signToken(t, env.Config.Auth.SigningKey, id, u.TokenVersion, env.Now().Add(time.Hour))
		good := env.Token("prosecutor1")
		tampered := []byte(good)
		// Flip one character of the signature.
		if tampered[len(tampered)-3] == 'A' {
			tampered[len(tampered)-3] = 'B'
		} else {
			tampered[len(tampered)-3] = 'A'
		}
		tests := []struct {
			name       string
			auth       string
			wantStatus int
		}{
			{"self-signed with the configured key", "Bearer " + valid, http.StatusOK},
			{"login token", "Bearer " + good, http.StatusOK},
			{"expired", "Bearer " + signToken(t, env.Config.Auth.SigningKey, id, u.TokenVersion, env.Now().Add(-time.Minute)), http.StatusUnauthorized},
			{"tampered signature", "Bearer " + string(tampered), http.StatusUnauthorized},
			{"another key", "Bearer " + signToken(t, "another-signing-key-0123456789-abcdefgh", id, u.TokenVersion, env.Now().Add(time.Hour)), http.StatusUnauthorized},
			{"stale token version", "Bearer " + signToken(t, env.Config.Auth.SigningKey, id, u.TokenVersion-1, env.Now().Add(time.Hour)), http.StatusUnauthorized},
			{"unknown user", "Bearer " + signToken(t, env.Config.Auth.SigningKey, 999999, 1, env.Now().Add(time.Hour)), http.StatusUnauthorized},
			{"garbage", "Bearer not.a.token", http.StatusUnauthorized},
			{"without exp", "Bearer " + signToken(t, env.Config.Auth.SigningKey, id, u.TokenVersion, time.Time{}), http.StatusUnauthorized},
			{"the retired built-in key", "Bearer " + signToken(t, "jianyi-development-signing-key-not-for-production", id, u.TokenVersion, env.Now().Add(time.Hour)), http.StatusUnauthorized},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest("GET", "/api/v1/me", nil)
				req.Header.Set("Authorization", tc.auth)
				res := env.DoRequest(req, "").Expect(t, tc.wantStatus)
				if tc.wantStatus == http.StatusUnauthorized && res.ErrorCode() == "" {
					t.Fatalf("401 without an error code: %s", res.Body)
				}
			})
		}
		env.Do("GET", "/api/v1/me", "", nil).Expect(t, http.StatusUnauthorized)
	})
}

func TestDisabledUserTokenRevoked(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		tok := "Bearer " + env.Token("prosecutor2")
		env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusOK)
		id := userID(t, db, "prosecutor2")
		env.Do("POST", "/api/v1/admin/users/"+strconv.FormatInt(id, 10)+"/disable", "admin", nil).Expect(t, http.StatusOK)
		res := env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusUnauthorized)
		if res.ErrorCode() != "token_revoked" {
			t.Fatalf("code %q, want token_revoked", res.ErrorCode())
		}
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "prosecutor2", "password": apitest.Password}).
			Expect(t, http.StatusUnauthorized)
		// Enabling again does not revive the old token, but a new login works.
		env.Do("POST", "/api/v1/admin/users/"+strconv.FormatInt(id, 10)+"/enable", "admin", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusUnauthorized)
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "prosecutor2", "password": apitest.Password}).
			Expect(t, http.StatusOK)
	})
}

func TestPasswordChangeRevokesTokens(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		tok := "Bearer " + env.Token("casemgr1")
		const next = "a-brand-new-password-2026"
		tests := []struct {
			name       string
			body       any
			wantStatus int
		}{
			{"wrong current password", map[string]string{"current_password": "nope-nope-nope", "new_password": next}, http.StatusBadRequest},
			{"too short", map[string]string{"current_password": apitest.Password, "new_password": "short"}, http.StatusBadRequest},
			{"changed", map[string]string{"current_password": apitest.Password, "new_password": next}, http.StatusNoContent},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				env.Do("POST", "/api/v1/me/password", tok, tc.body).Expect(t, tc.wantStatus)
			})
		}
		if res := env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusUnauthorized); res.ErrorCode() != "token_revoked" {
			t.Fatalf("old token after password change: %s", res.Body)
		}
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "casemgr1", "password": apitest.Password}).Expect(t, http.StatusUnauthorized)
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "casemgr1", "password": next}).Expect(t, http.StatusOK)
	})
}

// Authentication keeps users' identities between requests: a user disabled
// or renamed by an administrator of this process counts on the very next
// request (the identity's standing is read every time; a rename drops it).
func TestCachedIdentityFollowsAdminChanges(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "prosecutor2")
		if res := b.Get("/cases").Expect(t, http.StatusOK); !strings.Contains(string(res.Body), "陈检察官") {
			t.Fatal("the page does not name the user")
		}
		tok := "Bearer " + env.Token("prosecutor2")
		for i := 0; i < 2; i++ {
			env.Do("GET", "/api/v1/cases", tok, nil).Expect(t, http.StatusOK)
		}
		id := userID(t, db, "prosecutor2")
		u, err := org.UserByID(db.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		env.Do("PUT", "/api/v1/admin/users/"+strconv.FormatInt(id, 10), "admin", map[string]any{
			"username": u.Username, "display_name": "陈新名", "role": u.Role, "procuratorate_id": u.ProcuratorateID,
			"department_id": u.DepartmentID, "email": u.Email, "phone": u.Phone,
		}).Expect(t, http.StatusOK)
		if res := b.Get("/cases").Expect(t, http.StatusOK); !strings.Contains(string(res.Body), "陈新名") {
			t.Fatal("the page still shows the old name after the rename")
		}
		env.Do("POST", "/api/v1/admin/users/"+strconv.FormatInt(id, 10)+"/disable", "admin", nil).Expect(t, http.StatusOK)
		if res := env.Do("GET", "/api/v1/cases", tok, nil).Expect(t, http.StatusUnauthorized); res.ErrorCode() != "token_revoked" {
			t.Fatalf("a disabled user's next request: %s", res.Body)
		}
		b.Get("/cases").Expect(t, http.StatusSeeOther)
	})
}

// A token already verified by an earlier request still expires on time:
// the server keeps verified tokens, but judges their validity times anew.
func TestVerifiedTokenStillExpires(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		tok := "Bearer " + env.Token("prosecutor1")
		for i := 0; i < 2; i++ {
			env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusOK)
		}
		env.SetNow(env.Now().Add(env.Config.Auth.TokenTTL - time.Minute))
		env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusOK)
		env.SetNow(env.Now().Add(2 * time.Minute))
		if res := env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusUnauthorized); res.ErrorCode() != "invalid_token" {
			t.Fatalf("an expired token: %s", res.Body)
		}
	})
}

// With auth.standing_cache_ttl set, what this process changes about a
// user still counts on the very next request: a disable, a password change
// and a role change drop the cached standings at once.
func TestStandingCacheKeepsThisReplicasRevocations(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.NewWithConfig(t, db, apitest.TestConfig(t, func(c *config.Config) { c.Auth.StandingCacheTTL = 10 * time.Second }))
		tok := "Bearer " + env.Token("prosecutor2")
		for i := 0; i < 2; i++ {
			env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusOK)
		}
		id := strconv.FormatInt(userID(t, db, "prosecutor2"), 10)
		env.Do("POST", "/api/v1/admin/users/"+id+"/disable", "admin", nil).Expect(t, http.StatusOK)
		if res := env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusUnauthorized); res.ErrorCode() != "token_revoked" {
			t.Fatalf("a disabled user's next request: %s", res.Body)
		}
		env.Do("POST", "/api/v1/admin/users/"+id+"/enable", "admin", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/me", tok, nil).Expect(t, http.StatusUnauthorized)

		own := "Bearer " + env.Token("casemgr1")
		for i := 0; i < 2; i++ {
			env.Do("GET", "/api/v1/me", own, nil).Expect(t, http.StatusOK)
		}
		env.Do("POST", "/api/v1/me/password", own, map[string]string{"current_password": apitest.Password, "new_password": "a-brand-new-password-2026"}).
			Expect(t, http.StatusNoContent)
		if res := env.Do("GET", "/api/v1/me", own, nil).Expect(t, http.StatusUnauthorized); res.ErrorCode() != "token_revoked" {
			t.Fatalf("after a password change: %s", res.Body)
		}
	})
}
