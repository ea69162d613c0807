package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestStreamContextHasNoDatabaseDeadline: a streaming export (the ledger)
// runs past database.query_timeout as long as each batch keeps to it — its
// context is the request's without the deadline, still cancelled when the
// client goes away.
func TestStreamContextHasNoDatabaseDeadline(t *testing.T) {
	e := echo.New()
	var plain, stream context.Context
	h := dbDeadline(time.Second)(func(c echo.Context) error {
		plain, stream = c.Request().Context(), streamContext(c)
		return nil
	})
	parent, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, "/api/v1/stats/ledger.csv", nil).WithContext(parent)
	if err := h(e.NewContext(req, httptest.NewRecorder())); err != nil {
		t.Fatal(err)
	}
	if _, ok := plain.Deadline(); !ok {
		t.Fatal("the request's context has no database deadline")
	}
	if _, ok := stream.Deadline(); ok {
		t.Fatal("the stream's context has the database deadline")
	}
	cancel()
	if stream.Err() == nil {
		t.Fatal("the stream's context is not cancelled with the request")
	}
}
