package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

func TestWebLoginSetsASessionCookieAndLandsOnTheRolesHome(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		for user, home := range map[string]string{"prosecutor1": "/dashboard", "chief1": "/dashboard", "agency1": "/agency"} {
			b := env.Browser(t)
			page := b.Get("/login").Expect(t, http.StatusOK)
			for _, want := range []string{`name="username"`, `type="password"`, `name="_csrf"`, "工作人员登录"} {
				if !strings.Contains(string(page.Body), want) {
					t.Fatalf("login page lacks %s", want)
				}
			}
			res := b.PostForm("/login", url.Values{"username": {user}, "password": {apitest.Password}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != home {
				t.Fatalf("%s: %d → %q, want 303 → %s", user, res.Status, res.Header.Get("Location"), home)
			}
			ck := cookieNamed(t, res, "jianyi_session")
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Fatalf("session cookie flags: %+v", ck)
			}
			if want := int(env.Config.Auth.TokenTTL / time.Second); ck.MaxAge != want {
				t.Fatalf("cookie Max-Age %d, want the token's lifetime %d", ck.MaxAge, want)
			}
			// The session opens the pages, not the API: the API keeps bearer tokens.
			b.Get("/account/password").Expect(t, http.StatusOK)
			b.Get("/api/v1/me").Expect(t, http.StatusUnauthorized)
		}
	})
}

func TestWebLoginOverTLSMarksTheCookieSecure(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.Browser(t)
		b.Get("/login").Expect(t, http.StatusOK)
		form := url.Values{"username": {"prosecutor1"}, "password": {apitest.Password}, "_csrf": {b.CSRF()}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		res := b.Do(req)
		if ck := cookieNamed(t, res, "jianyi_session"); !ck.Secure {
			t.Fatalf("session cookie over https is not Secure: %+v", ck)
		}
	})
}

func TestWebLoginRefusesBadInputWithTheAPIsMessages(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.Browser(t)
		b.Get("/login")
		res := b.PostForm("/login", url.Values{"username": {""}, "password": {""}}).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(string(res.Body), "请输入用户名") || !strings.Contains(string(res.Body), "请输入密码") {
			t.Fatalf("empty form: %s", res.Body)
		}
		res = b.PostForm("/login", url.Values{"username": {"prosecutor1"}, "password": {"wrong-password-1"}}).Expect(t, http.StatusUnauthorized)
		if !strings.Contains(string(res.Body), "用户名或密码错误") || b.Cookie("jianyi_session") != "" {
			t.Fatalf("bad password: %s", res.Body)
		}
		if !strings.Contains(string(res.Body), `value="prosecutor1"`) {
			t.Fatal("the username typed is not kept in the form")
		}
		// The same throttling as the API's login.
		var last *apitest.Response
		for i := 0; i < env.Config.Auth.MaxFailuresPerUser+1; i++ {
			last = b.PostForm("/login", url.Values{"username": {"prosecutor1"}, "password": {"wrong-password-1"}})
		}
		if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
			t.Fatalf("after repeated failures: %d, Retry-After %q", last.Status, last.Header.Get("Retry-After"))
		}
	})
}

func TestWebFormsNeedTheCSRFToken(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.Browser(t)
		b.Get("/login")
		for _, token := range []string{"", "forged-token"} {
			res := b.PostForm("/login", url.Values{"username": {"prosecutor1"}, "password": {apitest.Password}, "_csrf": {token}})
			if res.Status != http.StatusForbidden || b.Cookie("jianyi_session") != "" {
				t.Fatalf("csrf %q: %d", token, res.Status)
			}
			if !strings.Contains(string(res.Body), "表单已失效") {
				t.Fatalf("csrf page: %s", res.Body)
			}
		}
		signed := env.WebLogIn(t, "prosecutor1")
		res := signed.PostForm("/account/password", url.Values{"_csrf": {"x"}, "current_password": {apitest.Password},
			"new_password": {"another-pass-2026"}, "confirm_password": {"another-pass-2026"}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("password change without the token: %d", res.Status)
		}
	})
}

func TestPagesSendStrangersToLoginAndBack(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.Browser(t)
		res := b.Get("/account/password?x=1")
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape("/account/password?x=1") {
			t.Fatalf("stranger: %d → %q", res.Status, res.Header.Get("Location"))
		}
		page := b.Get(res.Header.Get("Location")).Expect(t, http.StatusOK)
		if !strings.Contains(string(page.Body), `name="next" value="/account/password?x=1"`) {
			t.Fatalf("login page does not carry next: %s", page.Body)
		}
		res = b.PostForm("/login", url.Values{"username": {"prosecutor1"}, "password": {apitest.Password}, "next": {"/account/password?x=1"}})
		if res.Header.Get("Location") != "/account/password?x=1" {
			t.Fatalf("after login → %q", res.Header.Get("Location"))
		}
		// Another site is never a target.
		for _, evil := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			other := env.Browser(t)
			other.Get("/login")
			res := other.PostForm("/login", url.Values{"username": {"prosecutor1"}, "password": {apitest.Password}, "next": {evil}})
			if res.Header.Get("Location") != "/dashboard" {
				t.Fatalf("next %q → %q", evil, res.Header.Get("Location"))
			}
		}
		// A tampered cookie is no session.
		req := httptest.NewRequest(http.MethodGet, "/account/password", nil)
		req.AddCookie(&http.Cookie{Name: "jianyi_session", Value: b.Cookie("jianyi_session") + "x"})
		if res := env.DoRequest(req, ""); res.Status != http.StatusSeeOther {
			t.Fatalf("tampered session: %d", res.Status)
		}
		// An unknown address is a 404 page, signed in or not, never a login.
		b.Get("/no-such-page").Expect(t, http.StatusNotFound)
		env.Browser(t).Get("/no-such-page").Expect(t, http.StatusNotFound)
	})
}

func TestLogoutAndPasswordChangeEndTheSession(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "prosecutor2")
		res := b.PostForm("/logout", url.Values{})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login" || b.Cookie("jianyi_session") != "" {
			t.Fatalf("logout: %d → %q", res.Status, res.Header.Get("Location"))
		}
		b.Get("/account/password").Expect(t, http.StatusSeeOther)

		b = env.WebLogIn(t, "prosecutor2")
		old := b.Cookie("jianyi_session")
		res = b.PostForm("/account/password", url.Values{"current_password": {apitest.Password},
			"new_password": {"new-pass-2026-x"}, "confirm_password": {"new-pass-2026-y"}}).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(string(res.Body), "两次输入的新密码不一致") {
			t.Fatalf("mismatch: %s", res.Body)
		}
		res = b.PostForm("/account/password", url.Values{"current_password": {"wrong-pass-2026"},
			"new_password": {"new-pass-2026-x"}, "confirm_password": {"new-pass-2026-x"}}).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(string(res.Body), "当前密码不正确") {
			t.Fatalf("wrong current: %s", res.Body)
		}
		res = b.PostForm("/account/password", url.Values{"current_password": {apitest.Password},
			"new_password": {"new-pass-2026-x"}, "confirm_password": {"new-pass-2026-x"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("change: %d %s", res.Status, res.Body)
		}
		// The old session (in this or any other browser) is revoked.
		req := httptest.NewRequest(http.MethodGet, "/account/password", nil)
		req.AddCookie(&http.Cookie{Name: "jianyi_session", Value: old})
		if res := env.DoRequest(req, ""); res.Status != http.StatusSeeOther {
			t.Fatalf("old session after password change: %d", res.Status)
		}
		n := env.Browser(t)
		n.Get("/login")
		res = n.PostForm("/login", url.Values{"username": {"prosecutor2"}, "password": {"new-pass-2026-x"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("login with the new password: %d", res.Status)
		}
	})
}
