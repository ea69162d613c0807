package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

func TestOperationsEndpoints(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		env.Do("GET", "/api/v1/me", "prosecutor1", nil).Expect(t, http.StatusOK)
		tests := []struct {
			path        string
			wantStatus  int
			wantContain []string
		}{
			{"/healthz", http.StatusOK, []string{`"status":"ok"`}},
			{"/readyz", http.StatusOK, []string{`"database":"up"`}},
			{"/openapi.yaml", http.StatusOK, []string{"openapi: 3", "/api/v1/auth/login"}},
			{"/metrics", http.StatusOK, []string{
				`jianyi_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1`,
				"jianyi_http_request_duration_seconds",
				`go_sql_max_open_connections{db_name="jianyi"}`, `go_sql_in_use_connections{db_name="jianyi"}`,
			}},
			// A browser-facing address answers an HTML page, the API JSON.
			{"/no/such/page", http.StatusNotFound, []string{`<html lang="zh-CN">`, "页面不存在", "返回首页"}},
			{"/api/no/such/thing", http.StatusNotFound, []string{`"code":"not_found"`}},
		}
		for _, tc := range tests {
			t.Run(tc.path, func(t *testing.T) {
				res := env.Do("GET", tc.path, "", nil).Expect(t, tc.wantStatus)
				for _, s := range tc.wantContain {
					if !strings.Contains(string(res.Body), s) {
						t.Fatalf("%s lacks %q:\n%.2000s", tc.path, s, res.Body)
					}
				}
				if len(res.Header.Get("X-Request-Id")) != 16 {
					t.Fatalf("X-Request-Id %q", res.Header.Get("X-Request-Id"))
				}
			})
		}
		// Request ids are on error responses too, and differ per request.
		a := env.Do("GET", "/api/v1/me", "", nil).Expect(t, http.StatusUnauthorized)
		b := env.Do("POST", "/api/v1/auth/login", "", "{").Expect(t, http.StatusBadRequest)
		if a.Header.Get("X-Request-Id") == "" || a.Header.Get("X-Request-Id") == b.Header.Get("X-Request-Id") {
			t.Fatalf("request ids %q and %q", a.Header.Get("X-Request-Id"), b.Header.Get("X-Request-Id"))
		}
		// With the database gone the service is alive but not ready.
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		env.Do("GET", "/healthz", "", nil).Expect(t, http.StatusOK)
		if res := env.Do("GET", "/readyz", "", nil).Expect(t, http.StatusServiceUnavailable); !strings.Contains(string(res.Body), `"database":"down"`) {
			t.Fatalf("readyz body %s", res.Body)
		}
	})
}
