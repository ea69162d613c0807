// Package apitest drives the real program in tests: the app assembled by the
// composition root (server/app) on a migrated database with the demo
// organisation, a test clock, logins for each demo account and small helpers
// for JSON requests and assertions.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/documents"
	"jianyi/handlers"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/server/app"
)

// Password is every demo account's password in tests.
const Password = dbtest.DemoPassword

// Env is one test's running API.
type Env struct {
	T      testing.TB
	DB     *database.DB
	Config *config.Config
	App    *app.App
	Echo   *echo.Echo
	Server *handlers.Server
	Org    *demo.DemoOrg
	// Clock is the time the server sees; tests move it with SetNow.
	mu     sync.Mutex
	now    time.Time
	tokens map[string]token
	// Observe, when set, sees every request and response (the OpenAPI
	// conformance test uses it).
	Observe func(req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder)
}

// New starts the API on db with the demo organisation (seeded unless db
// already holds it, as dbtest.EachSeeded's databases do).
func New(t testing.TB, db *database.DB) *Env {
	t.Helper()
	return NewWithConfig(t, db, TestConfig(t, nil))
}

// TestConfig is the configuration New uses — the shipped defaults in dev mode
// with jobs off — after change (when not nil) adjusted it, validated.
func TestConfig(t testing.TB, change func(cfg *config.Config)) *config.Config {
	t.Helper()
	cfg, err := testConfig(change)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func testConfig(change func(cfg *config.Config)) (*config.Config, error) {
	cfg, err := config.Defaults()
	if err != nil {
		return nil, err
	}
	cfg.Mode = "dev"
	cfg.Database.DSN = "test"
	cfg.Jobs.Enabled = false
	// Hashing at bcrypt's lowest cost keeps the logins of a test cheap.
	cfg.Auth.PasswordCost = org.MinPasswordCost
	// Tests share a loaded machine: a request deadline long enough that
	// load alone never trips it (TestFrozenDatabaseAnswers503 sets a short
	// one to test it); httptest does not use the HTTP timeouts.
	LongDeadlines(cfg)
	// httptest requests come from 192.0.2.1: the test scraper.
	cfg.HTTP.MetricsAllow = append(cfg.HTTP.MetricsAllow, "192.0.2.1/32")
	if change != nil {
		change(cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Start is where the test clock of a new Env stands: 2026-03-02 10:00 in
// Shanghai, a Monday.
var Start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// NewWithConfig starts the API with a caller-adjusted configuration.
func NewWithConfig(t testing.TB, db *database.DB, cfg *config.Config) *Env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	env := &Env{T: t, DB: db, Config: cfg, tokens: map[string]token{}, now: Start}
	a, err := newApp(cfg, db, log, env.Now)
	if err != nil {
		t.Fatalf("build the app: %v", err)
	}
	env.App, env.Echo, env.Server = a, a.Router.(*echo.Echo), a.Server
	if env.Org, err = demo.SeedDemo(context.Background(), db, a.Passwords, Password); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	return env
}

// newApp assembles the program as the server does, with the shared
// renderer unless cfg configures fonts.
func newApp(cfg *config.Config, db *database.DB, log *slog.Logger, now func() time.Time) (*app.App, error) {
	opts := app.Options{Config: cfg, DB: db, Logger: log, Now: now}
	if cfg.Documents == (config.DocumentConfig{}) {
		r, err := shippedFonts()
		if err != nil {
			return nil, err
		}
		opts.Renderer = r
	}
	a, err := app.New(opts)
	if err != nil {
		return nil, err
	}
	// Tests read the statistics right after the actions (or the day) that
	// change them: the requests wait for the aggregates' catch-up to the end.
	// The service's bound (stats.RequestCatchUpWait) would serve them from
	// the aggregates as they were when a loaded machine makes a catch-up
	// outlast it; internal/stats tests the bound.
	a.Stats.CatchUpWait = 0
	return a, nil
}

// shippedFonts is one renderer with the shipped fonts for every test of the
// process: parsing the fonts once is what makes a Renderer cheap to share.
var shippedFonts = sync.OnceValues(func() (*documents.Renderer, error) {
	return documents.NewRenderer(documents.FontConfig{})
})

// token is a login's bearer token and when (by the test clock) it was issued.
type token struct {
	value    string
	issuedAt time.Time
}

// Now is the test clock.
func (e *Env) Now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// SetNow moves the test clock.
func (e *Env) SetNow(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map.
func (r *Response) JSON() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Decode decodes the body into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode is the error.code of an error body.
func (r *Response) ErrorCode() string {
	var b struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// Token logs a demo user in (once) and returns the bearer token.
func (e *Env) Token(username string) string {
	e.T.Helper()
	// A token is reused while the test clock stays within the first half of
	// its lifetime; a test that moves the clock further logs in again.
	now := e.Now()
	if tok, ok := e.tokens[username]; ok && !now.Before(tok.issuedAt) && now.Sub(tok.issuedAt) < e.Config.Auth.TokenTTL/2 {
		return tok.value
	}
	res := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": Password})
	if res.Status != http.StatusOK {
		e.T.Fatalf("login %s: %d %s", username, res.Status, res.Body)
	}
	var out struct {
		Token string `json:"token"`
	}
	res.Decode(e.T, &out)
	e.tokens[username] = token{value: out.Token, issuedAt: now}
	return out.Token
}

// Do sends a request through the router. body may be nil, a string (sent as
// is), []byte, or any value (sent as JSON). user is a demo username ("" for
// none) or "Bearer <token>".
func (e *Env) Do(method, path, user string, body any) *Response {
	e.T.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		raw, err = json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.send(req, raw, user)
}

// DoRequest sends a prepared request (custom headers, multipart).
func (e *Env) DoRequest(req *http.Request, user string) *Response {
	e.T.Helper()
	var raw []byte
	if req.Body != nil {
		raw, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(raw))
	}
	return e.send(req, raw, user)
}

func (e *Env) send(req *http.Request, raw []byte, user string) *Response {
	switch {
	case strings.HasPrefix(user, "Bearer "):
		req.Header.Set("Authorization", user)
	case user != "":
		req.Header.Set("Authorization", "Bearer "+e.Token(user))
	}
	if req.RemoteAddr == "" || req.RemoteAddr == "192.0.2.1:1234" {
		req.RemoteAddr = "127.0.0.1:40000"
	}
	rec := httptest.NewRecorder()
	e.Echo.ServeHTTP(rec, req)
	if e.Observe != nil {
		req.Body = io.NopCloser(bytes.NewReader(raw))
		e.Observe(req, raw, rec)
	}
	return &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// File is one part of a multipart request.
type File struct {
	Field, Name, ContentType string
	Content                  []byte
}

// Multipart builds a multipart/form-data request.
func Multipart(method, path string, fields map[string]string, files []File) *http.Request {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", `form-data; name="`+f.Field+`"; filename="`+strings.ReplaceAll(f.Name, `"`, `\"`)+`"`)
		if f.ContentType != "" {
			h.Set("Content-Type", f.ContentType)
		}
		p, _ := w.CreatePart(h)
		_, _ = p.Write(f.Content)
	}
	_ = w.Close()
	req := httptest.NewRequest(method, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req
}

// Expect fails the test when the status differs, printing the body.
func (r *Response) Expect(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// LongDeadlines sets the request deadline (and the HTTP timeouts it must
// stay under) far beyond what a test needs, for configurations made outside
// TestConfig: a request slowed by a loaded machine must not answer 503.
func LongDeadlines(cfg *config.Config) {
	cfg.HTTP.ReadTimeout, cfg.HTTP.WriteTimeout = 10*time.Minute, 10*time.Minute
	cfg.Database.QueryTimeout = 5 * time.Minute
}
