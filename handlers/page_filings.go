package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// filingPages are the staff pages of 备案: the filings the procuratorates
// below the user's have made or owe (cases.ListFilings, as GET
// /api/v1/filings), each with its 备案报告 and 检察建议书 once filed. A
// procuratorate's own filings still to make are the dashboard's 待备案 box.
func (s *Server) filingPages(app pages) {
	app.GET("/filings", s.filingsPage, requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager))
}

// filingStatusLabels name the filing statuses.
var filingStatusLabels = map[string]string{cases.FilingPending: "待报备", cases.FilingFiled: "已备案"}

// filingRow is one line of the list.
type filingRow struct {
	cases.FilingView
	StatusLabel string
	Filed       bool
}

func (s *Server) filingsPage(c echo.Context) error {
	q := cases.FilingListQuery{Limit: 50}
	q.Cursor, _ = strconv.ParseInt(c.QueryParam("cursor"), 10, 64)
	a := actorOf(c)
	items, next, err := s.cases.ListFilings(c.Request().Context(), a, q)
	if err != nil {
		return s.errorPage(c, err)
	}
	rows := make([]filingRow, len(items))
	for i, f := range items {
		rows[i] = filingRow{FilingView: f, StatusLabel: filingStatusLabels[f.Status], Filed: f.Status == cases.FilingFiled}
	}
	nextURL := ""
	if next != "" {
		nextURL = "/filings?" + url.Values{"cursor": {next}}.Encode()
	}
	p, err := s.appPage(c, "下级院备案", "filings", map[string]any{
		"Rows": rows, "NextURL": nextURL, "Today": s.clock.Today(), "Paged": q.Cursor > 0,
	})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/filings_list", p)
}
