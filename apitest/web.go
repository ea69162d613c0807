package apitest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Browser is a signed-in (or anonymous) browser for the HTML pages: it keeps
// cookies like a browser does and posts forms with the CSRF token the pages
// carry, without running a real browser.
type Browser struct {
	env     *Env
	t       testing.TB
	cookies map[string]*http.Cookie
}

// Browser starts a browser with no cookies.
func (e *Env) Browser(t testing.TB) *Browser {
	return &Browser{env: e, t: t, cookies: map[string]*http.Cookie{}}
}

// WebLogIn opens a browser signed in as a demo user through the login page.
func (e *Env) WebLogIn(t testing.TB, username string) *Browser {
	t.Helper()
	b := e.Browser(t)
	b.Get("/login").Expect(t, http.StatusOK)
	res := b.PostForm("/login", url.Values{"username": {username}, "password": {Password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("web login %s: %d %s", username, res.Status, res.Body)
	}
	return b
}

// Get opens a page (redirects are not followed: the response says where).
func (b *Browser) Get(path string) *Response {
	b.t.Helper()
	return b.Do(httptest.NewRequest(http.MethodGet, path, nil))
}

// PostForm submits a form with this browser's CSRF token (as the page's
// hidden _csrf field would) unless the form sets _csrf itself.
func (b *Browser) PostForm(path string, form url.Values) *Response {
	b.t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form = cloneValues(form)
		form.Set("_csrf", b.CSRF())
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Do sends a prepared request (multipart, say) with the browser's cookies and
// keeps the cookies the answer sets. Add the _csrf field to multipart forms
// yourself (b.CSRF()).
func (b *Browser) Do(req *http.Request) *Response {
	b.t.Helper()
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	res := b.env.DoRequest(req, "")
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
	}
	return res
}

// CSRF is the token this browser's forms carry (its CSRF cookie, which the
// server compares with the _csrf field); a page must have been opened first.
func (b *Browser) CSRF() string {
	if c, ok := b.cookies["jianyi_csrf"]; ok {
		return c.Value
	}
	return ""
}

// Cookie is the value of one of the browser's cookies ("" when absent).
func (b *Browser) Cookie(name string) string {
	if c, ok := b.cookies[name]; ok {
		return c.Value
	}
	return ""
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
