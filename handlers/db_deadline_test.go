package handlers_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// freeze installs a test double for a frozen database server: while frozen,
// every statement blocks until its context ends (as the MySQL driver does
// with a server stopped by SIGSTOP: the socket never answers, the context
// deadline closes the connection).
func freeze(t *testing.T, db *database.DB) *atomic.Bool {
	t.Helper()
	var frozen atomic.Bool
	block := func(tx *gorm.DB) {
		if !frozen.Load() {
			return
		}
		<-tx.Statement.Context.Done()
		_ = tx.AddError(tx.Statement.Context.Err())
	}
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().Before("gorm:query").Register("test:freeze_query", block),
		"row":    cb.Row().Before("gorm:row").Register("test:freeze_row", block),
		"create": cb.Create().Before("gorm:begin_transaction").Register("test:freeze_create", block),
		"update": cb.Update().Before("gorm:begin_transaction").Register("test:freeze_update", block),
		"raw":    cb.Raw().Before("gorm:raw").Register("test:freeze_raw", block),
	} {
		if err != nil {
			t.Fatalf("callback %s: %v", name, err)
		}
	}
	return &frozen
}

// TestFrozenDatabaseAnswers503: with the database frozen, list, login,
// create and the public feed answer 503 with Retry-After within the query
// deadline instead of hanging; once it answers again they work, with no
// restart.
func TestFrozenDatabaseAnswers503(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newEnvWith(t, db, func(cfg *config.Config) { cfg.Database.QueryTimeout = 300 * time.Millisecond })
		env.Token("prosecutor1") // logged in before the freeze
		frozen := freeze(t, db)
		requests := []struct {
			name, method, path, user string
			body                     any
			ok                       int
		}{
			{"list", "GET", "/api/v1/cases", "prosecutor1", nil, http.StatusOK},
			{"login", "POST", "/api/v1/auth/login", "", map[string]string{"username": "prosecutor1", "password": apitest.Password}, http.StatusOK},
			{"create", "POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "冻结时创建", "field": "食品药品安全", "source": "case_finding", "summary": "摘要"}, http.StatusCreated},
			{"public feed", "GET", "/api/v1/public/disclosures", "", nil, http.StatusOK},
		}
		do := func(method, path, user string, body any) *apitest.Response {
			t.Helper()
			done := make(chan *apitest.Response, 1)
			go func() { done <- env.Do(method, path, user, body) }()
			select {
			case r := <-done:
				return r
			case <-time.After(30 * time.Second):
				t.Fatalf("%s %s: no answer within 30 s", method, path)
				return nil
			}
		}
		frozen.Store(true)
		for _, r := range requests {
			res := do(r.method, r.path, r.user, r.body)
			if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || res.ErrorCode() != "database_unavailable" {
				t.Errorf("%s while frozen: %d %q %s", r.name, res.Status, res.Header.Get("Retry-After"), res.Body)
			}
			if strings.Contains(string(res.Body), "context") {
				t.Errorf("%s: internal error text reaches the client: %s", r.name, res.Body)
			}
		}
		frozen.Store(false)
		for _, r := range requests {
			if res := do(r.method, r.path, r.user, r.body); res.Status != r.ok {
				t.Errorf("%s after the database is back: %d %s", r.name, res.Status, res.Body)
			}
		}
	})
}
