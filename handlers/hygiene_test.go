package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestInputHygiene: control characters (other than newline and tab) and
// bytes that are not UTF-8 are refused with 400 naming the field, in JSON
// bodies, action payloads and multipart fields; a body without a JSON
// Content-Type is 415; token and personal-data responses are no-store.
func TestInputHygiene(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		raw := func(method, path, ctype, body, user string) *apitest.Response {
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			if ctype != "" {
				req.Header.Set("Content-Type", ctype)
			}
			return env.DoRequest(req, user)
		}
		caseBody := func(summary string) string {
			return `{"title":"控制字符测试","field":"食品药品安全","source":"case_finding","summary":"` + summary + `"}`
		}
		for _, tt := range []struct {
			name, body, field string
		}{
			{"NUL", caseBody(`有\u0000空字符`), "summary"},
			{"ESC", caseBody(`有\u001b[31m转义`), "summary"},
			{"BEL", caseBody(`响铃\u0007`), "summary"},
			{"bare CR", caseBody(`回车\r`), "summary"},
			{"invalid UTF-8", caseBody("坏\xff\xfe字节"), "summary"},
		} {
			res := raw("POST", "/api/v1/cases", "application/json", tt.body, "prosecutor1").Expect(t, http.StatusBadRequest)
			if res.ErrorCode() != "invalid_text" || !strings.Contains(string(res.Body), `"`+tt.field+`"`) {
				t.Errorf("%s: %s", tt.name, res.Body)
			}
		}
		// Newlines and tabs are text.
		raw("POST", "/api/v1/cases", "application/json", caseBody(`第一行\n第二行\t缩进`), "prosecutor1").Expect(t, http.StatusCreated)
		// An action payload names its field too.
		var c caseState
		env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "动作控制字符", "field": "食品药品安全", "source": "case_finding",
			"summary": "摘要", "agency_id": env.Org.Agency1.ID}).Expect(t, http.StatusCreated).Decode(t, &c)
		res := raw("POST", "/api/v1/cases/"+itoa(c.ID)+"/actions/check", "application/json", `{"version":1,"note":"备注\u001b"}`, "prosecutor1").
			Expect(t, http.StatusBadRequest)
		if !strings.Contains(string(res.Body), `"note"`) {
			t.Errorf("action note: %s", res.Body)
		}
		// Multipart fields.
		req := apitest.Multipart("POST", "/api/v1/cases/"+itoa(c.ID)+"/actions/check", map[string]string{"version": "1", "note": "x\x00y"}, nil)
		if res := env.DoRequest(req, "prosecutor1").Expect(t, http.StatusBadRequest); !strings.Contains(string(res.Body), `"note"`) {
			t.Errorf("multipart note: %s", res.Body)
		}
		// 415 without a JSON Content-Type, for plain and action bodies.
		raw("POST", "/api/v1/cases", "", caseBody("无类型"), "prosecutor1").Expect(t, http.StatusUnsupportedMediaType)
		raw("POST", "/api/v1/cases", "text/plain", caseBody("纯文本"), "prosecutor1").Expect(t, http.StatusUnsupportedMediaType)
		raw("POST", "/api/v1/cases/"+itoa(c.ID)+"/actions/check", "", `{"version":1}`, "prosecutor1").Expect(t, http.StatusUnsupportedMediaType)
		// no-store on the token and on personal data.
		login := env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "prosecutor1", "password": apitest.Password}).Expect(t, http.StatusOK)
		me := env.Do("GET", "/api/v1/me", "prosecutor1", nil).Expect(t, http.StatusOK)
		for name, r := range map[string]*apitest.Response{"login": login, "me": me} {
			if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("%s: Cache-Control %q", name, r.Header.Get("Cache-Control"))
			}
		}
	})
}

// TestMetricsOnlyForScrapers: /metrics answers the configured addresses or
// the token, and 404 to anyone else.
func TestMetricsOnlyForScrapers(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenSeeded(t, "sqlite")
	cfg := apitest.TestConfig(t, func(c *config.Config) {
		c.HTTP.MetricsAllow = []string{"127.0.0.1/32"}
		c.HTTP.MetricsToken = "metrics-scraper-token-0123456789"
	})
	env := apitest.NewWithConfig(t, db, cfg)
	get := func(addr, auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = addr
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return env.DoRequest(req, "").Status
	}
	if s := get("203.0.113.5:4000", ""); s != http.StatusNotFound {
		t.Errorf("outsider: %d", s)
	}
	if s := get("203.0.113.5:4000", "Bearer wrong"); s != http.StatusNotFound {
		t.Errorf("wrong token: %d", s)
	}
	if s := get("127.0.0.1:4000", ""); s != http.StatusOK {
		t.Errorf("allowed address: %d", s)
	}
	if s := get("203.0.113.5:4000", "Bearer metrics-scraper-token-0123456789"); s != http.StatusOK {
		t.Errorf("token: %d", s)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
