package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestBadRequestBodies sends broken bodies to JSON endpoints: every one is a
// 4xx with a code (and the offending field named where there is one), never 500.
func TestBadRequestBodies(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newEnvWith(t, db, func(cfg *config.Config) { cfg.HTTP.BodyLimit = 2048 })
		big := `{"name":"` + strings.Repeat("院", 1000) + `","short_name":"x","level":"county"}`
		tests := []struct {
			name        string
			path, user  string
			contentType string
			body        string
			wantStatus  int
			wantCode    string
			wantField   string
		}{
			{"malformed JSON", "/api/v1/auth/login", "", "application/json", `{"username": "a",`, http.StatusBadRequest, "malformed_json", ""},
			{"not an object", "/api/v1/auth/login", "", "application/json", `[1,2]`, http.StatusBadRequest, "wrong_type", ""},
			{"two objects", "/api/v1/auth/login", "", "application/json", `{"username":"a","password":"b"}{}`, http.StatusBadRequest, "malformed_json", ""},
			{"wrong type", "/api/v1/auth/login", "", "application/json", `{"username": 42, "password": "x"}`, http.StatusBadRequest, "wrong_type", "username"},
			{"unknown field", "/api/v1/auth/login", "", "application/json", `{"username": "a", "password": "b", "remember": true}`, http.StatusBadRequest, "unknown_field", "remember"},
			{"missing fields", "/api/v1/auth/login", "", "application/json", `{}`, http.StatusBadRequest, "validation_failed", "username"},
			{"unknown role", "/api/v1/admin/users", "admin", "application/json", `{"username":"someone","display_name":"某人","role":"superuser","procuratorate_id":1}`, http.StatusBadRequest, "validation_failed", "role"},
			{"unknown level", "/api/v1/admin/procuratorates", "admin", "application/json", `{"name":"某院","short_name":"某","level":"galactic"}`, http.StatusBadRequest, "validation_failed", "level"},
			{"bad username characters", "/api/v1/admin/users", "admin", "application/json", `{"username":"a b/c","display_name":"某人","role":"prosecutor"}`, http.StatusBadRequest, "validation_failed", "username"},
			{"wrong nested type", "/api/v1/admin/departments", "admin", "application/json", `{"procuratorate_id":"one","name":"x","number_code":"x"}`, http.StatusBadRequest, "wrong_type", "procuratorate_id"},
			{"case with wrong source", "/api/v1/cases", "prosecutor1", "application/json", `{"title":"t","field":"f","source":"rumour","summary":"s"}`, http.StatusBadRequest, "validation_failed", "source"},
			{"action without version", "/api/v1/cases/1/actions/check", "prosecutor1", "application/json", `{}`, http.StatusBadRequest, "invalid_input", "version"},
			{"oversized body", "/api/v1/admin/procuratorates", "admin", "application/json", big, http.StatusRequestEntityTooLarge, "body_too_large", ""},
			{"form instead of JSON", "/api/v1/auth/login", "", "application/x-www-form-urlencoded", `username=a&password=b`, http.StatusUnsupportedMediaType, "unsupported_media_type", ""},
			{"plain text", "/api/v1/admin/agencies", "admin", "text/plain", `name=x`, http.StatusUnsupportedMediaType, "unsupported_media_type", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest("POST", tc.path, strings.NewReader(tc.body))
				req.Header.Set("Content-Type", tc.contentType)
				res := env.DoRequest(req, tc.user).Expect(t, tc.wantStatus)
				var body struct {
					Error struct {
						Code      string            `json:"code"`
						Message   string            `json:"message"`
						Fields    map[string]string `json:"fields"`
						RequestID string            `json:"request_id"`
					} `json:"error"`
				}
				res.Decode(t, &body)
				if body.Error.Code != tc.wantCode {
					t.Fatalf("code %q, want %q; body %s", body.Error.Code, tc.wantCode, res.Body)
				}
				if body.Error.Message == "" || body.Error.RequestID == "" {
					t.Fatalf("error without message or request id: %s", res.Body)
				}
				if tc.wantField != "" && body.Error.Fields[tc.wantField] == "" {
					t.Fatalf("no message for field %q: %s", tc.wantField, res.Body)
				}
			})
		}
	})
}

// TestPathIDBeforeBody checks that a request with both a bad path id and a
// bad body is answered about the id: 404, as if the object did not exist,
// whichever of the two path ids is wrong.
func TestPathIDBeforeBody(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		tests := []struct {
			method, path, user string
		}{
			{"PATCH", "/api/v1/projects/abc", "prosecutor1"},
			{"POST", "/api/v1/projects/0/members", "prosecutor1"},
			{"PATCH", "/api/v1/projects/abc/tasks/1", "prosecutor1"},
			{"PATCH", "/api/v1/projects/1/tasks/abc", "prosecutor1"},
			{"POST", "/api/v1/projects/1/tasks/-1/comments", "prosecutor1"},
			{"POST", "/api/v1/reviews/1/items/abc/score", "prosecutor1"},
			{"PUT", "/api/v1/admin/agencies/abc", "admin"},
		}
		for _, tc := range tests {
			t.Run(tc.method+" "+tc.path, func(t *testing.T) {
				res := env.Do(tc.method, tc.path, tc.user, `{"malformed":`).Expect(t, http.StatusNotFound)
				if code := res.ErrorCode(); code != "not_found" {
					t.Fatalf("code %q, want not_found; body %s", code, res.Body)
				}
			})
		}
	})
}
