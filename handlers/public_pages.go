package handlers

import (
	"fmt"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/applications"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

func (s *Server) publicPageRoutes(e *echo.Echo) {
	s.webRoutes(e)
	e.GET("/", s.homePage)
	e.GET("/apply", s.applyForm)
	e.POST("/apply", s.applySubmit)
	e.GET("/apply/status", s.statusForm)
	e.POST("/apply/status", s.statusLookUp)
	e.POST("/apply/status/end", s.statusEnd)
	e.POST("/apply/materials", s.materialsSubmit)
	e.POST("/apply/notice", s.noticeDownload)
	e.GET("/disclosures", s.disclosuresPage)
	e.GET("/disclosures.atom", s.feedAtom)
	e.GET("/disclosures/:id", s.disclosurePage)
	e.GET("/public/stats", s.statsPage)
}

func setRetryAfter(c echo.Context, body ErrorBody) {
	if sec, ok := body.Error.Details["retry_after_seconds"].(int); ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(sec))
	}
}

// applyFields are the application form's fields in page order (the error
// summary lists them so).
var applyFields = []string{"procuratorate_id", "problem", "place", "agency_name", "files",
	"applicant_name", "id_type", "id_number", "phone", "consent_privacy"}

type applyPage struct {
	Input          applications.ApplicationInput
	Procuratorates []disclosure.PublicProcuratorate
	FormToken      string
	MaxFiles       int
	AnswerWorkdays int
}

func (s *Server) showApplyForm(c echo.Context, status int, in applications.ApplicationInput, errs templates.FormErrors) error {
	procs, err := disclosure.PublicProcuratorates(c.Request().Context(), s.db)
	if err != nil {
		return err
	}
	tok, err := s.pub.apps.NewFormToken()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := s.newPage(c, "提出申请", "apply", applyPage{Input: in, Procuratorates: procs, FormToken: tok,
		MaxFiles: s.cfg.Public.MaxEvidenceFiles, AnswerWorkdays: s.cfg.Deadlines.ApplicationAnswerWorkdays})
	p.Errors = errs
	return s.renderPage(c, status, "public/apply", p)
}

func (s *Server) applyForm(c echo.Context) error {
	return s.showApplyForm(c, http.StatusOK, applications.ApplicationInput{IDType: applications.IDTypeResident}, templates.FormErrors{})
}

// applySubmit takes the HTML form (urlencoded or multipart with files). The
// form token, not a cookie, proves the form came from this site's page.
func (s *Server) applySubmit(c echo.Context) error {
	var files []*multipart.FileHeader
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		form, err := c.MultipartForm()
		if err != nil {
			return s.errorPage(c, multipartError(err))
		}
		defer form.RemoveAll()
		for _, fh := range form.File["files"] {
			if fh.Filename != "" && fh.Size > 0 {
				files = append(files, fh)
			}
		}
	}
	if params, err := c.FormParams(); err == nil {
		if err := checkFormText(params); err != nil {
			return s.errorPage(c, err)
		}
	}
	pid, _ := strconv.ParseInt(c.FormValue("procuratorate_id"), 10, 64)
	consent := c.FormValue("consent_privacy")
	in := applications.ApplicationInput{
		ApplicantName: c.FormValue("applicant_name"), IDType: c.FormValue("id_type"), IDNumber: c.FormValue("id_number"),
		Phone: c.FormValue("phone"), Problem: c.FormValue("problem"), Place: c.FormValue("place"), AgencyName: c.FormValue("agency_name"),
		ProcuratorateID: pid, ConsentPrivacy: consent == "true" || consent == "on", Website: c.FormValue("website"),
		FormToken: c.FormValue("form_token"),
	}
	if in.FormToken == "" {
		in.FormToken = "missing"
	}
	fail := func(err error) error {
		status, body := errorResponse(err)
		if status >= 500 {
			return err
		}
		setRetryAfter(c, body)
		msg := body.Error.Message
		if len(body.Error.Fields) > 0 {
			msg = "申请信息有误，请按提示修改"
		}
		return s.showApplyForm(c, status, in, templates.NewFormErrors(msg, body.Error.Fields, applyFields...))
	}
	if err := c.Validate(&in); err != nil {
		// ApplicationInput's label tags name the fields as the form does.
		return fail(err)
	}
	uploads, err := s.readUploads(files)
	if err != nil {
		return fail(err)
	}
	res, err := s.pub.apps.Submit(c.Request().Context(), in, uploads, c.RealIP())
	if err != nil {
		return fail(err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderPage(c, http.StatusCreated, "public/apply_done", s.newPage(c, "申请已提交", "apply", map[string]any{
		"TrackingNo": res.TrackingNo, "Secret": res.Secret, "AnswerWorkdays": s.cfg.Deadlines.ApplicationAnswerWorkdays}))
}

// disclosuresPage is the public feed as HTML: filters as choices (the fields
// and years that have published items), the items, the next page.
type disclosuresPage struct {
	Query          disclosure.FeedQuery
	Filtered       bool // any filter set: an empty result says so
	Procuratorates []disclosure.PublicProcuratorate
	Fields         []string
	Years          []int
	Items          []disclosure.PublicDisclosure
	NextURL        string
}

func (s *Server) disclosuresPage(c echo.Context) error {
	q, err := feedQuery(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	if done, err := s.notModified(c, "html"); done || err != nil {
		return err
	}
	ctx := c.Request().Context()
	procs, err := disclosure.PublicProcuratorates(ctx, s.db)
	if err != nil {
		return err
	}
	facets, err := s.feedFacets(ctx)
	if err != nil {
		return err
	}
	items, next, err := s.pub.disclosures.ListPublished(ctx, q)
	if err != nil {
		return s.errorPage(c, err)
	}
	p := disclosuresPage{Query: q, Procuratorates: procs, Items: items, Fields: facets.Fields, Years: facets.Years,
		Filtered: q.ProcuratorateID != 0 || q.Field != "" || q.AgencyID != 0 || q.Year != 0 || q.ReplyStatus != "" || strings.TrimSpace(q.Q) != ""}
	// A filter from an old link that matches no choice stays visible (and
	// selected) so the empty result explains itself.
	if q.Field != "" && !containsString(p.Fields, q.Field) {
		p.Fields = append(p.Fields, q.Field)
	}
	if q.Year != 0 && !containsInt(p.Years, q.Year) {
		p.Years = append(p.Years, q.Year)
	}
	if next != "" {
		v := url.Values{}
		for k, vals := range c.QueryParams() {
			if k != "cursor" && len(vals) > 0 && vals[0] != "" {
				v.Set(k, vals[0])
			}
		}
		v.Set("cursor", next)
		p.NextURL = "/disclosures?" + v.Encode()
	}
	return s.renderPage(c, http.StatusOK, "public/disclosures", s.newPage(c, "检察建议公开", "disclosures", p))
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// disclosurePage serves /disclosures/{id} (HTML) and /disclosures/{id}.pdf.
func (s *Server) disclosurePage(c echo.Context) error {
	raw := c.Param("id")
	pdf := strings.HasSuffix(raw, ".pdf")
	id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".pdf"), 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != strings.TrimSuffix(raw, ".pdf") {
		return s.errorPage(c, apperr.NotFound("公开信息"))
	}
	if pdf {
		return s.disclosurePDF(c, id)
	}
	if done, err := s.notModified(c, "html-item"); done || err != nil {
		return err
	}
	// The stored PDF is read for its size: the download link shows it.
	d, file, err := s.pub.disclosures.PublishedPDF(c.Request().Context(), id)
	if err != nil {
		if d, err = s.pub.disclosures.GetPublished(c.Request().Context(), id); err != nil {
			return s.errorPage(c, err)
		}
	}
	data := map[string]any{"Item": d, "PDFSize": int64(len(file)), "HasPDF": file != nil}
	return s.renderPage(c, http.StatusOK, "public/disclosure", s.newPage(c, d.Title, "disclosures", data))
}

func (s *Server) statsPage(c echo.Context) error {
	out, done, err := s.publicStatsPage(c, publicStatsPageSize)
	if done || err != nil {
		return err
	}
	data := statsPageData{StatsResponse: *out}
	data.Chart, data.Rates = publicStatsCharts(out.Agencies)
	if out.NextOffset != nil {
		data.NextURL = fmt.Sprintf("/public/stats?offset=%d", *out.NextOffset)
	}
	if out.Offset > 0 {
		data.PrevURL = fmt.Sprintf("/public/stats?offset=%d", max(out.Offset-out.Limit, 0))
	}
	if out.Total > out.Limit {
		data.PageInfo = fmt.Sprintf("第 %d–%d 个，共 %d 个单位", out.Offset+1, out.Offset+len(out.Agencies), out.Total)
	}
	return s.renderPage(c, http.StatusOK, "public/stats", s.newPage(c, "被建议单位回复情况统计", "stats", data))
}

// publicStatsPageSize is how many agencies the public page lists at a time.
const publicStatsPageSize = 100

// statsPageData is the public statistics page: a page of the table and the
// links to the pages around it.
type statsPageData struct {
	StatsResponse
	PrevURL, NextURL, PageInfo string
	Chart, Rates               template.HTML // page_public_stats_chart.go
}
