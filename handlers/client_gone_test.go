package handlers

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestClientGoneIsLogged499: a request whose client went away (its context
// cancelled, the database answering "context canceled") is logged as 499 at
// info level, not as a 500 "request failed"; a real failure still is a 500.
func TestClientGoneIsLogged499(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	e := echo.New()
	e.HTTPErrorHandler = NewHTTPErrorHandler(log)
	e.Use(requestLogger(log))
	e.GET("/gone", func(c echo.Context) error {
		return fmt.Errorf("query: %w", c.Request().Context().Err())
	})
	e.GET("/broken", func(c echo.Context) error { return fmt.Errorf("disk on fire") })

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/gone", nil).WithContext(ctx))
	out := buf.String()
	if !strings.Contains(out, "status=499") || strings.Contains(out, "request failed") || strings.Contains(out, "level=ERROR") {
		t.Fatalf("a client that went away is logged as:\n%s", out)
	}
	buf.Reset()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/broken", nil))
	if out := buf.String(); rec.Code != http.StatusInternalServerError || !strings.Contains(out, "status=500") || !strings.Contains(out, "request failed") {
		t.Fatalf("a server error is answered %d and logged as:\n%s", rec.Code, out)
	}
}
