package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
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
	ctx := c.Request().Context()
	l, err := s.statsService.PrepareLedger(ctx, actorOf(c), q, format)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set("Content-Disposition", contentDisposition("attachment", fmt.Sprintf("工作台账-%s.%s", q.Today, format)))
	h.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	if format == "xlsx" {
		err = l.WriteXLSX(ctx, c.Response())
	} else {
		err = l.WriteCSV(ctx, c.Response())
	}
	if err != nil {
		// The status is sent; the truncated body and the log tell what happened.
		s.log.Error("ledger export failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "format", format, "error", err.Error())
	}
	return nil
}
