package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/reviews"
)

// publicServices are the services behind the citizen and public routes.
type publicServices struct {
	apps        *applications.Service
	disclosures *disclosure.Service
}

// publicRoutes wires citizen applications, the disclosure feed, the public
// pages and the staff endpoints that handle applications and publication.
// Public routes hang off the root and the api group without requireAuth.
func (s *Server) publicRoutes(e *echo.Echo, api, authed *echo.Group) {
	api.GET("/public/procuratorates", s.publicProcuratorates)
	api.GET("/public/challenge", s.publicChallenge)
	api.POST("/public/applications", s.submitApplication)
	api.GET("/public/applications/:tracking_no", s.lookUpApplication)
	api.POST("/public/applications/:tracking_no/materials", s.addApplicationMaterials)
	api.GET("/public/applications/:tracking_no/notice.pdf", s.applicationNoticePDF)
	api.POST("/public/applications/:tracking_no/rating", s.rateAsApplicant)

	staff := authed.Group("/applications", requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleCaseManager))
	staff.GET("", s.listApplications)
	staff.GET("/:id", s.getApplication)
	staff.GET("/:id/files/:file_id", s.downloadApplicationFile)
	staff.POST("/:id/answer", s.answerApplication)
	staff.POST("/:id/decide", s.decideApplication)
	staff.POST("/:id/progress", s.applicationProgress)

	s.disclosureRoutes(api, authed)
	s.publicPageRoutes(e)
}

func (s *Server) publicProcuratorates(c echo.Context) error {
	items, err := disclosure.PublicProcuratorates(c.Request().Context(), s.db)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, listResponse[disclosure.PublicProcuratorate]{Items: items})
}

func (s *Server) publicChallenge(c echo.Context) error {
	ch, err := s.pub.apps.NewChallenge()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, ch)
}

// submitApplication takes JSON, or multipart with the JSON under "payload"
// and evidence files under "files".
func (s *Server) submitApplication(c echo.Context) error {
	var in applications.ApplicationInput
	files, err := s.bindPayloadAndFiles(c, &in)
	if err != nil {
		return err
	}
	in.FormToken = ""
	res, err := s.pub.apps.Submit(c.Request().Context(), in, files, c.RealIP())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, res)
}

// decodeStrict decodes one JSON object, refusing unknown fields.
func decodeStrict(raw []byte, dst any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	if err := checkJSONText(raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeErrorIn(err, raw, dst)
	}
	return nil
}

// decodeStrictValid decodes strictly and validates the result.
func decodeStrictValid(c echo.Context, raw []byte, dst any) error {
	if err := decodeStrict(raw, dst); err != nil {
		return err
	}
	return c.Validate(dst)
}

// applicationSecret is read from the header only, so it never lands in URLs
// or access logs.
func applicationSecret(c echo.Context) string {
	return c.Request().Header.Get("X-Application-Secret")
}

func (s *Server) lookUpApplication(c echo.Context) error {
	v, err := s.pub.apps.LookUp(c.Request().Context(), c.Param("tracking_no"), applicationSecret(c), c.RealIP())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, v)
}

func (s *Server) addApplicationMaterials(c echo.Context) error {
	form, err := c.MultipartForm()
	if err != nil {
		return multipartError(err)
	}
	defer form.RemoveAll()
	if err := checkFormText(form.Value); err != nil {
		return err
	}
	files, err := s.readUploads(form.File["files"])
	if err != nil {
		return err
	}
	note := ""
	if n := form.Value["note"]; len(n) > 0 {
		note = n[0]
	}
	v, err := s.pub.apps.AddMaterials(c.Request().Context(), c.Param("tracking_no"), applicationSecret(c), c.RealIP(), note, files)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, v)
}

// rateAsApplicant sends POST /public/applications/{tracking_no}/rating: the
// applicant rates the closed case the application led to (公民评价).
func (s *Server) rateAsApplicant(c echo.Context) error {
	var in reviews.RatingInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := s.pub.apps.RateCase(c.Request().Context(), c.Param("tracking_no"), applicationSecret(c), c.RealIP(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, r)
}

func (s *Server) applicationNoticePDF(c echo.Context) error {
	n, err := s.pub.apps.Notice(c.Request().Context(), c.Param("tracking_no"), applicationSecret(c), c.RealIP())
	if err != nil {
		return err
	}
	pdf, err := s.renderApplicantNotice(n)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", noticeTitle(n)+".pdf"))
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

func (s *Server) listApplications(c echo.Context) error {
	q := applications.ApplicationListQuery{Status: c.QueryParam("status")}
	var err error
	if q.Cursor, err = optionalInt(c, "cursor"); err != nil {
		return err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return err
	}
	q.Limit = int(limit)
	if v := c.QueryParam("duplicate"); v != "" {
		if q.Duplicate, err = strconv.ParseBool(v); err != nil {
			return apperr.InvalidField("duplicate", "应为 true 或 false")
		}
	}
	q.Summary = true
	items, next, err := s.pub.apps.ListApplications(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return err
	}
	out := make([]ApplicationListItem, len(items))
	for i := range items {
		a := &items[i]
		out[i] = ApplicationListItem{ID: a.ID, TrackingNo: a.TrackingNo, ProcuratorateID: a.ProcuratorateID, ApplicantName: a.ApplicantName,
			Problem: a.Problem, AgencyName: a.AgencyName, AgencyID: a.AgencyID, Status: a.Status,
			StatusLabel: applications.ApplicationStatusLabels[a.Status], Version: a.Version, SubmittedOn: a.SubmittedOn,
			AnswerDue: a.AnswerDue, AnsweredOn: a.AnsweredOn, ResultDue: a.ResultDue, NextUpdateDue: a.NextUpdateDue,
			DecidedOn: a.DecidedOn, CaseID: a.CaseID, DuplicateOf: a.DuplicateOf, CreatedAt: a.CreatedAt}
	}
	return c.JSON(http.StatusOK, listResponse[ApplicationListItem]{Items: out, NextCursor: next})
}

// ApplicationListItem is an application as the staff list gives it: who
// asked about what, its status and deadlines. The applicant's contact data
// and ID number, the deadline's explanation and the decision's reasons are
// in GET /applications/{id}; a page of 50 whole applications was 62 KB.
type ApplicationListItem struct {
	ID              int64                          `json:"id"`
	TrackingNo      string                         `json:"tracking_no"`
	ProcuratorateID int64                          `json:"procuratorate_id"`
	ApplicantName   string                         `json:"applicant_name"`
	Problem         string                         `json:"problem"`
	AgencyName      string                         `json:"agency_name"`
	AgencyID        *int64                         `json:"agency_id"`
	Status          applications.ApplicationStatus `json:"status"`
	StatusLabel     string                         `json:"status_label"`
	Version         int                            `json:"version"`
	SubmittedOn     calendar.Date                  `json:"submitted_on"`
	AnswerDue       calendar.Date                  `json:"answer_due"`
	AnsweredOn      *calendar.Date                 `json:"answered_on"`
	ResultDue       *calendar.Date                 `json:"result_due"`
	NextUpdateDue   *calendar.Date                 `json:"next_update_due"`
	DecidedOn       *calendar.Date                 `json:"decided_on"`
	CaseID          *int64                         `json:"case_id"`
	DuplicateOf     *int64                         `json:"duplicate_of"`
	CreatedAt       time.Time                      `json:"created_at"`
}

func (s *Server) getApplication(c echo.Context) error {
	return withID(c, http.StatusOK, s.pub.apps.LoadApplication)
}

func (s *Server) downloadApplicationFile(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(c, "file_id")
	if err != nil {
		return err
	}
	f, err := s.pub.apps.LoadApplicationFile(c.Request().Context(), actorOf(c), id, fid)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", f.Filename))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Content)
}

func (s *Server) answerApplication(c echo.Context) error {
	return withIDBody(c, http.StatusOK, s.pub.apps.Answer)
}

func (s *Server) decideApplication(c echo.Context) error {
	return withIDBody(c, http.StatusOK, s.pub.apps.Decide)
}

func (s *Server) applicationProgress(c echo.Context) error {
	return withIDBody(c, http.StatusOK, s.pub.apps.Progress)
}

// noticeDate is the notice's date as a time for the PDF layout.
func noticeDate(d calendar.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}
