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
// /api/v1/filings), each with its 备案报告 and 检察建议书 once filed; and the
// user's own filings still to make (本院待备案, all of the dashboard's 待备案
// box), which the handling prosecutor or department head files from there.
func (s *Server) filingPages(app pages) {
	app.GET("/filings", s.filingsPage, requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager))
	app.GET("/filings/pending", s.pendingFilingsPage, requireRole(cases.PendingFilingRoles...))
	app.POST("/filings/:id/submit", s.submitFilingForm, requireRole(org.RoleProsecutor, org.RoleDeptHead))
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
		"OwnPending": a.HasRole(cases.PendingFilingRoles...),
	})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/filings_list", p)
}

// pendingFilingsPage is 本院待备案: the filings the user's cases still owe
// the procuratorate above, the earliest due first, each with its 报送备案
// button for those who may file it.
func (s *Server) pendingFilingsPage(c echo.Context) error {
	page, err := s.cases.ListPendingFilings(c.Request().Context(), actorOf(c), c.QueryParam("cursor"), 50)
	if err != nil {
		return s.errorPage(c, err)
	}
	nextURL := ""
	if page.Next != "" {
		nextURL = "/filings/pending?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	p, err := s.appPage(c, "本院待备案", "filings", map[string]any{
		"Page": page, "NextURL": nextURL, "Today": s.clock.Today(), "Paged": c.QueryParam("cursor") != "",
	})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/filings_pending", p)
}

// submitFilingForm is the page's 报送备案 (as POST
// /api/v1/filings/{id}/submit): the 备案报告 is generated and the filing
// goes to the procuratorate above; a refusal (already filed, not the
// handler) comes back as a message on the list.
func (s *Server) submitFilingForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	_, err = s.cases.SubmitFiling(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return s.refusedBack(c, err, "/filings/pending")
	}
	s.setFlash(c, "success", "已报上级院备案，备案报告已生成。")
	return c.Redirect(http.StatusSeeOther, "/filings/pending")
}
