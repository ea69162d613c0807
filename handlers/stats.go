package handlers

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
	"jianyi/internal/stats"
)

func (s *Server) statsRoutes(g *echo.Group) {
	g.GET("/stats", s.stats)
	g.GET("/stats/ledger.xlsx", s.ledgerXLSX)
	g.GET("/stats/ledger.csv", s.ledgerCSV)
}

// statsQuery reads the statistics filters from the query string.
func (s *Server) statsQuery(c echo.Context) (stats.StatsQuery, error) {
	q := stats.StatsQuery{Field: c.QueryParam("field"), Today: s.clock.Today()}
	var err error
	if q.ProcuratorateID, err = optionalInt(c, "procuratorate_id"); err != nil {
		return q, err
	}
	if q.DepartmentID, err = optionalInt(c, "department_id"); err != nil {
		return q, err
	}
	if q.AgencyID, err = optionalInt(c, "agency_id"); err != nil {
		return q, err
	}
	for name, dst := range map[string]*calendar.Date{"from": &q.From, "to": &q.To} {
		d, err := optionalDate(c, name)
		if err != nil {
			return q, err
		}
		if d != nil {
			*dst = *d
		}
	}
	return q, nil
}

func (s *Server) stats(c echo.Context) error {
	q, err := s.statsQuery(c)
	if err != nil {
		return err
	}
	st, err := s.statsService.Compute(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// ledgerXLSX streams the 工作台账 workbook; the scope is checked before the
// first byte, so access errors still come back as JSON.
func (s *Server) ledgerXLSX(c echo.Context) error {
	return s.ledger(c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
}

func (s *Server) ledgerCSV(c echo.Context) error {
	return s.ledger(c, "csv", "text/csv; charset=utf-8")
}

func (s *Server) ledger(c echo.Context, format, contentType string) error {
	q, err := s.statsQuery(c)
	if err != nil {
		return err
	}
	// The export runs as long as it makes progress: each batch's database
	// work has database.query_timeout, not the whole export.
	ctx := streamContext(c)
	release, err := s.exportSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	// The request's database deadline ran while it waited: the export's
	// preparation has one of its own.
	pctx, cancel := context.WithTimeout(ctx, s.cfg.Database.QueryTimeout)
	l, err := s.statsService.PrepareLedger(pctx, actorOf(c), q, format)
	cancel()
	if err != nil {
		return err
	}
	l.BatchTimeout = s.cfg.Database.QueryTimeout
	// A long export keeps the connection as long as it makes progress: each
	// batch moves the write deadline (http.write_timeout) forward — the
	// first from now, after the wait for a slot.
	rc := http.NewResponseController(c.Response().Writer)
	timeout := s.cfg.HTTP.WriteTimeout
	if timeout > 0 {
		_ = rc.SetWriteDeadline(time.Now().Add(timeout))
	}
	l.Progress = func() {
		if timeout > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(timeout))
		}
		runtime.Gosched() // let the other requests run between batches
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set("Content-Disposition", contentDisposition("attachment", ledgerFilename(l.Scope, q.Today.String(), format)))
	h.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	if format == "xlsx" {
		err = l.WriteXLSX(ctx, c.Response())
	} else {
		err = l.WriteCSV(ctx, c.Response())
	}
	if err != nil {
		// The status is sent: end the response without its last chunk, so
		// the client sees a broken download rather than a short file that
		// looks complete, and log the request as failed (499 when the
		// client went away, 500 otherwise).
		status := http.StatusInternalServerError
		if ctx.Err() != nil {
			status = StatusClientClosedRequest
		}
		c.Response().Status = status
		s.log.Error("ledger export failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "format", format,
			"rows", l.Rows, "status", status, "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	return nil
}

// exportSlot waits for one of the http.export_slots slots of ledger
// downloads and returns its release. An export keeps a core busy while it
// streams: more at once would only share the cores, slow every other
// request and multiply the memory the exports churn through; the next
// download waits its turn (the client sees the download start when it
// comes), at most http.export_wait, then gets 429 with Retry-After.
func (s *Server) exportSlot(ctx context.Context) (func(), error) {
	release := func() { <-s.exports }
	select {
	case s.exports <- struct{}{}:
		return release, nil
	default:
	}
	wait := time.NewTimer(s.cfg.HTTP.ExportWait)
	defer wait.Stop()
	select {
	case s.exports <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-wait.C:
		return nil, &apperr.Error{Kind: apperr.ErrTooMany, Code: "exports_busy", Message: "台账导出繁忙，请稍后再试",
			Details: map[string]any{"retry_after_seconds": 30}}
	}
}

// ledgerFilename is 工作台账-<scope>-<date>.<format>.
func ledgerFilename(scope, date, format string) string {
	name := "工作台账"
	if scope != "" {
		name += "-" + scope
	}
	return files.SanitizeFilename(fmt.Sprintf("%s-%s.%s", name, date, format))
}
