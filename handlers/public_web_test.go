package handlers_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/applications"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// postForm sends an urlencoded form, with cookies.
func postForm(env *apitest.Env, path string, form url.Values, cookies ...*http.Cookie) *apitest.Response {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return env.DoRequest(req, "")
}

func getWith(env *apitest.Env, path string, cookies ...*http.Cookie) *apitest.Response {
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return env.DoRequest(req, "")
}

func cookieNamed(t *testing.T, res *apitest.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, res.Header["Set-Cookie"])
	return nil
}

// The status page asks for the secret once: the look-up leaves a sealed,
// HttpOnly, SameSite=Strict cookie scoped to /apply that opens the
// application, its notice and its material form for 15 minutes — and
// nothing else: tampered, expired or forgotten, it opens nothing.
func TestStatusPageRemembersTheLookUp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		s := submit(t, env, solvedApplication(t, env, applicantID, problemText))
		res := postForm(env, "/apply/status", url.Values{"tracking_no": {s.TrackingNo}, "secret": {s.Secret}}).Expect(t, http.StatusOK)
		if bytes.Contains(res.Body, []byte(s.Secret)) || bytes.Contains(res.Body, []byte(`name="secret"`)) {
			t.Fatal("the status page holds the secret or asks for it again")
		}
		ck := cookieNamed(t, res, "jianyi_applicant")
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/apply" || ck.MaxAge != 900 ||
			strings.Contains(ck.Value, s.Secret) || strings.Contains(ck.Value, s.TrackingNo) {
			t.Fatalf("cookie %+v", ck)
		}
		// The cookie alone shows the application.
		if r := getWith(env, "/apply/status", ck).Expect(t, http.StatusOK); !bytes.Contains(r.Body, []byte(s.TrackingNo)) {
			t.Fatal("the remembered look-up does not show the application")
		}
		// The notice form needs no secret.
		var app applications.Application
		db.Where("tracking_no = ?", s.TrackingNo).First(&app)
		env.Do("POST", fmt.Sprintf("/api/v1/applications/%d/answer", app.ID), "casemgr1", map[string]any{"version": app.Version, "kind": "accepted"}).Expect(t, 200)
		if r := postForm(env, "/apply/notice", url.Values{"tracking_no": {s.TrackingNo}}, ck).Expect(t, http.StatusOK); !bytes.HasPrefix(r.Body, []byte("%PDF")) {
			t.Fatal("notice by cookie is not a PDF")
		}
		// Another tracking number in the form does not ride on the cookie.
		postForm(env, "/apply/notice", url.Values{"tracking_no": {"SQ2026030211111111"}}, ck).Expect(t, http.StatusBadRequest)
		// Tampered: one byte changed.
		bad := *ck
		raw := []byte(bad.Value)
		raw[len(raw)/2] ^= 1
		if raw[len(raw)/2] == '-' || raw[len(raw)/2] == '_' || raw[len(raw)/2] < '0' {
			raw[len(raw)/2] = 'A'
		}
		bad.Value = string(raw)
		if r := postForm(env, "/apply/notice", url.Values{}, &bad).Expect(t, http.StatusBadRequest); !bytes.Contains(r.Body, []byte("15 分钟")) {
			t.Fatalf("tampered cookie: %s", r.Body)
		}
		if r := getWith(env, "/apply/status", &bad).Expect(t, http.StatusOK); bytes.Contains(r.Body, []byte(s.TrackingNo)) {
			t.Fatal("a tampered cookie opened the application")
		}
		// Expired on the server's clock, whatever the browser keeps.
		env.SetNow(env.Now().Add(16 * time.Minute))
		if r := getWith(env, "/apply/status", ck).Expect(t, http.StatusOK); bytes.Contains(r.Body, []byte(s.TrackingNo)) {
			t.Fatal("an expired cookie opened the application")
		}
		// 结束查询 deletes it.
		end := postForm(env, "/apply/status/end", url.Values{}, ck).Expect(t, http.StatusSeeOther)
		if c := cookieNamed(t, end, "jianyi_applicant"); c.MaxAge >= 0 {
			t.Fatalf("not deleted: %+v", c)
		}
	})
}

// Browser-facing addresses answer HTML, the API JSON; the stylesheet is
// served from the binary with a cache-busting version.
func TestPagesNeverAnswerJSON(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, "sqlite")
	env := newPublicEnv(t, db)
	home := env.Do("GET", "/", "", nil).Expect(t, http.StatusOK)
	css := string(regexp.MustCompile(`/static/jianyi\.css\?v=[0-9a-f]+`).Find(home.Body))
	if css == "" {
		t.Fatalf("the home page links no stylesheet: %s", home.Body)
	}
	for _, tc := range []struct {
		method, path string
		status       int
		wantType     string
	}{
		{"GET", "/no/such/page", http.StatusNotFound, "text/html"},
		{"DELETE", "/apply", http.StatusMethodNotAllowed, "text/html"},
		{"GET", "/disclosures/abc", http.StatusNotFound, "text/html"},
		{"GET", "/disclosures?year=1890", http.StatusBadRequest, "text/html"},
		{"GET", "/static/", http.StatusNotFound, "text/html"},
		{"GET", "/static/../config.yaml", http.StatusNotFound, "text/html"},
		{"GET", "/api/v1/nothing", http.StatusUnauthorized, "application/json"},
		{"GET", "/api/v1/public/disclosures/424242", http.StatusNotFound, "application/json"},
		{"GET", css, http.StatusOK, "text/css"},
		{"GET", "/static/favicon.svg", http.StatusOK, "image/svg+xml"},
	} {
		res := env.Do(tc.method, tc.path, "", nil)
		if res.Status != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.wantType) {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.path, res.Status, res.Header.Get("Content-Type"), tc.status, tc.wantType)
		}
		if tc.wantType == "text/html" && !bytes.Contains(res.Body, []byte(`<html lang="zh-CN">`)) {
			t.Errorf("%s %s: not a page: %.200s", tc.method, tc.path, res.Body)
		}
	}
	if cc := env.Do("GET", css, "", nil).Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("stylesheet Cache-Control %q", cc)
	}
}

// The disclosure filters offer the fields and years that have published
// items, and say so when a filter matches nothing.
func TestDisclosureFiltersAreChoices(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		page := env.Do("GET", "/disclosures", "", nil).Expect(t, http.StatusOK)
		if bytes.Contains(page.Body, []byte(`<option value="食品药品安全"`)) || !bytes.Contains(page.Body, []byte("暂无公开的检察建议")) {
			t.Fatal("an empty feed offers a field, or does not say it is empty")
		}
		c := createCaseFixture(t, env, publicCaseFixture{Marker: "筛", State: cases.StateDelivered, Issued: true, Seq: 1})
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID), "chief1", publishBody(c.Version)).Expect(t, 200)
		year := c.IssuedAt.In(time.FixedZone("CST", 8*3600)).Year()
		page = env.Do("GET", "/disclosures", "", nil).Expect(t, http.StatusOK)
		for _, want := range []string{`<option value="` + c.Field + `">`, fmt.Sprintf(`<option value="%d">`, year)} {
			if !bytes.Contains(page.Body, []byte(want)) {
				t.Errorf("filters lack %s", want)
			}
		}
		if bytes.Contains(page.Body, []byte(`<option value="生态环境">`)) {
			t.Error("a field without published items is offered")
		}
		none := env.Do("GET", "/disclosures?field=%E9%A3%9F%E5%93%81", "", nil).Expect(t, http.StatusOK)
		if !bytes.Contains(none.Body, []byte("没有符合条件的检察建议")) || !bytes.Contains(none.Body, []byte(`<option value="食品" selected>`)) {
			t.Fatalf("free-text field filter: %s", none.Body)
		}
	})
}
