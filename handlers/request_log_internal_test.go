package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
)

// TestRequestLogLine: the request's line (logRequest, which hands its
// record to the handler itself) is the line slog.Logger.Log writes of the
// same attributes, with and without a user, at INFO and at ERROR — only the
// time and the duration differ.
func TestRequestLogLine(t *testing.T) {
	for _, tc := range []struct {
		status int
		actor  *org.Actor
	}{{http.StatusOK, &org.Actor{UserID: 42}}, {http.StatusOK, nil}, {http.StatusInternalServerError, &org.Actor{UserID: 7}}} {
		e := echo.New()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/cases?state=delivered", nil)
		req.Header.Set(echo.HeaderXRealIP, "192.0.2.7")
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		c.SetPath("/api/v1/cases")
		c.Response().Header().Set(echo.HeaderXRequestID, "rid-1")
		c.Response().Status = tc.status
		if tc.actor != nil {
			c.Set(actorKey, tc.actor)
		}
		var got, want bytes.Buffer
		logRequest(slog.New(slog.NewJSONHandler(&got, &slog.HandlerOptions{Level: slog.LevelInfo})), c, time.Now())
		attrs := []any{"request_id", "rid-1", "method", "GET", "route", "/api/v1/cases", "status", tc.status, "duration_ms", 0.0,
			"ip", "192.0.2.7"}
		if tc.actor != nil {
			attrs = append(attrs, "user_id", tc.actor.UserID)
		}
		level := slog.LevelInfo
		if tc.status >= 500 {
			level = slog.LevelError
		}
		slog.New(slog.NewJSONHandler(&want, &slog.HandlerOptions{Level: slog.LevelInfo})).Log(req.Context(), level, "http request", attrs...)
		varying := regexp.MustCompile(`"time":"[^"]*"|"duration_ms":[0-9.e-]+`)
		if g, w := varying.ReplaceAllString(got.String(), ""), varying.ReplaceAllString(want.String(), ""); g != w {
			t.Fatalf("request line\n%s\nwant (as slog.Logger.Log writes it)\n%s", got.String(), want.String())
		}
	}
}
