package handlers

import (
	"bytes"
	"errors"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"jianyi/internal/applications"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// The public pages are parsed once per process.
var (
	pagesOnce sync.Once
	pages     map[string]*template.Template
	pagesErr  error
)

func (s *Server) publicPageRoutes(e *echo.Echo) {
	e.GET("/apply", s.applyForm)
	e.POST("/apply", s.applySubmit)
	e.GET("/apply/status", s.statusForm)
	e.POST("/apply/status", s.statusLookUp)
	e.POST("/apply/materials", s.materialsSubmit)
	e.POST("/apply/notice", s.noticeDownload)
	e.GET("/disclosures", s.disclosuresPage)
	e.GET("/disclosures.atom", s.feedAtom)
	e.GET("/disclosures/:id", s.disclosurePage)
	e.GET("/public/stats", s.statsPage)
}

// render executes a page into a buffer first, so a template error never
// leaves a half-written page.
func (s *Server) render(c echo.Context, status int, page string, data any) error {
	pagesOnce.Do(func() { pages, pagesErr = templates.Parse() })
	if pagesErr != nil {
		return pagesErr
	}
	t, ok := pages[page]
	if !ok {
		return errors.New("no page " + page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// pageError shows a domain error as an HTML page with the status the JSON
// API would give.
func (s *Server) pageError(c echo.Context, err error) error {
	status, body := errorResponse(err)
	if status >= 500 {
		return err // logged by the error handler, generic body
	}
	setRetryAfter(c, body)
	title := map[int]string{http.StatusNotFound: "未找到", http.StatusTooManyRequests: "请求过于频繁"}[status]
	if title == "" {
		title = "请求有误"
	}
	return s.render(c, status, "error", map[string]string{"Title": title, "Message": body.Error.Message})
}

func setRetryAfter(c echo.Context, body ErrorBody) {
	if sec, ok := body.Error.Details["retry_after_seconds"].(int); ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(sec))
	}
}

type applyPage struct {
	Input          applications.ApplicationInput
	Procuratorates []disclosure.PublicProcuratorate
	FormToken      string
	Error          string
	Fields         map[string]string
	MaxFiles       int
}

func (s *Server) showApplyForm(c echo.Context, status int, in applications.ApplicationInput, msg string, fields map[string]string) error {
	procs, err := disclosure.PublicProcuratorates(c.Request().Context(), s.db)
	if err != nil {
		return err
	}
	tok, err := s.pub.apps.NewFormToken()
	if err != nil {
		return err
	}
	if fields == nil {
		fields = map[string]string{}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, status, "apply", applyPage{Input: in, Procuratorates: procs, FormToken: tok, Error: msg, Fields: fields,
		MaxFiles: s.cfg.Public.MaxEvidenceFiles})
}

func (s *Server) applyForm(c echo.Context) error {
	return s.showApplyForm(c, http.StatusOK, applications.ApplicationInput{IDType: applications.IDTypeResident}, "", nil)
}

// applySubmit takes the HTML form (urlencoded or multipart with files). The
// form token, not a cookie, proves the form came from this site's page.
func (s *Server) applySubmit(c echo.Context) error {
	var files []*multipart.FileHeader
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		form, err := c.MultipartForm()
		if err != nil {
			return s.pageError(c, multipartError(err))
		}
		defer form.RemoveAll()
		for _, fh := range form.File["files"] {
			if fh.Filename != "" && fh.Size > 0 {
				files = append(files, fh)
			}
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
		return s.showApplyForm(c, status, in, body.Error.Message, body.Error.Fields)
	}
	if err := c.Validate(&in); err != nil {
		// ApplicationInput's label tags name the fields as the form does.
		if status, body := errorResponse(err); status == http.StatusBadRequest && body.Error.Fields != nil {
			return s.showApplyForm(c, status, in, "申请信息有误，请按字段提示修改", body.Error.Fields)
		}
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
	return s.render(c, http.StatusCreated, "apply_done", res)
}

type statusPage struct {
	TrackingNo string
	View       *applications.ApplicantView
	Error      string
}

func (s *Server) statusForm(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, http.StatusOK, "status", statusPage{})
}

// statusLookUp takes the secret in the POST body so it never appears in a
// URL, a log line or the browser history.
func (s *Server) statusLookUp(c echo.Context) error {
	no := strings.TrimSpace(c.FormValue("tracking_no"))
	c.Response().Header().Set("Cache-Control", "no-store")
	v, err := s.pub.apps.LookUp(c.Request().Context(), no, c.FormValue("secret"), c.RealIP())
	if err != nil {
		return s.statusError(c, no, err)
	}
	return s.render(c, http.StatusOK, "status", statusPage{TrackingNo: v.TrackingNo, View: v})
}

type disclosuresPage struct {
	Query          disclosure.FeedQuery
	Procuratorates []disclosure.PublicProcuratorate
	Items          []disclosure.PublicDisclosure
	NextURL        string
	Error          string
}

func (s *Server) disclosuresPage(c echo.Context) error {
	q, err := feedQuery(c)
	if err != nil {
		return s.pageError(c, err)
	}
	if done, err := s.notModified(c, "html"); done || err != nil {
		return err
	}
	procs, err := disclosure.PublicProcuratorates(c.Request().Context(), s.db)
	if err != nil {
		return err
	}
	items, next, err := s.pub.disclosures.ListPublished(c.Request().Context(), q)
	if err != nil {
		return s.pageError(c, err)
	}
	p := disclosuresPage{Query: q, Procuratorates: procs, Items: items}
	if next != "" {
		v := url.Values{}
		for k, vals := range c.QueryParams() {
			if k != "cursor" && len(vals) > 0 {
				v.Set(k, vals[0])
			}
		}
		v.Set("cursor", next)
		p.NextURL = "/disclosures?" + v.Encode()
	}
	return s.render(c, http.StatusOK, "disclosures", p)
}

// disclosurePage serves /disclosures/{id} (HTML) and /disclosures/{id}.pdf.
func (s *Server) disclosurePage(c echo.Context) error {
	raw := c.Param("id")
	pdf := strings.HasSuffix(raw, ".pdf")
	id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".pdf"), 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != strings.TrimSuffix(raw, ".pdf") {
		return s.pageError(c, apperr.NotFound("公开信息"))
	}
	if pdf {
		return s.disclosurePDF(c, id)
	}
	if done, err := s.notModified(c, "html-item"); done || err != nil {
		return err
	}
	d, err := s.pub.disclosures.GetPublished(c.Request().Context(), id)
	if err != nil {
		return s.pageError(c, err)
	}
	return s.render(c, http.StatusOK, "disclosure", map[string]any{"Item": d})
}

func (s *Server) statsPage(c echo.Context) error {
	st, err := s.pub.disclosures.AgencyStats(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return s.render(c, http.StatusOK, "stats", StatsResponse{Agencies: st, GeneratedAt: s.clock.Now()})
}

// statusError re-renders the status page with the error the API would give.
func (s *Server) statusError(c echo.Context, no string, err error) error {
	status, body := errorResponse(err)
	if status >= 500 {
		return err
	}
	setRetryAfter(c, body)
	return s.render(c, status, "status", statusPage{TrackingNo: no, Error: body.Error.Message})
}

// materialsSubmit takes supplementary material from the status page.
func (s *Server) materialsSubmit(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	form, err := c.MultipartForm()
	if err != nil {
		return s.statusError(c, "", multipartError(err))
	}
	defer form.RemoveAll()
	no := strings.TrimSpace(c.FormValue("tracking_no"))
	var headers []*multipart.FileHeader
	for _, fh := range form.File["files"] {
		if fh.Filename != "" && fh.Size > 0 {
			headers = append(headers, fh)
		}
	}
	files, err := s.readUploads(headers)
	if err != nil {
		return s.statusError(c, no, err)
	}
	v, err := s.pub.apps.AddMaterials(c.Request().Context(), no, c.FormValue("secret"), c.RealIP(), c.FormValue("note"), files)
	if err != nil {
		return s.statusError(c, no, err)
	}
	return s.render(c, http.StatusOK, "status", statusPage{TrackingNo: v.TrackingNo, View: v})
}

// noticeDownload serves the notice PDF from a form post (the secret stays
// out of the URL).
func (s *Server) noticeDownload(c echo.Context) error {
	no := strings.TrimSpace(c.FormValue("tracking_no"))
	c.Response().Header().Set("Cache-Control", "no-store")
	n, err := s.pub.apps.Notice(c.Request().Context(), no, c.FormValue("secret"), c.RealIP())
	if err != nil {
		return s.statusError(c, no, err)
	}
	pdf, err := s.renderApplicantNotice(n)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", noticeTitle(n)+".pdf"))
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
