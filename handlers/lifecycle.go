package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// staffRoles are the procuratorate roles that handle or oversee cases.
var staffRoles = []org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager}

// lifecycleRoutes are the prosecutor's side of the lifecycle besides the
// actions themselves: fields, experts, investigation records, drafts,
// approval steps, filings upward, the holiday calendar and deadlines.
func (s *Server) lifecycleRoutes(g *echo.Group) {
	staff := requireRole(staffRoles...)
	g.GET("/fields", s.listFields, staff)
	g.GET("/experts", s.listExperts, staff)
	g.POST("/experts", s.createExpert, staff)
	g.POST("/cases/:id/investigation-records", s.addInvestigationRecord)
	g.GET("/cases/:id/investigation-records", s.listInvestigationRecords)
	g.PUT("/cases/:id/draft", s.saveDraft)
	g.GET("/cases/:id/drafts", s.listDrafts)
	g.GET("/cases/:id/approval-steps", s.listApprovalSteps)
	s.checkedGET(g, "/filings", s.listFilings, staff)
	g.GET("/filings/:id", s.getFiling, staff)
	g.GET("/deadlines/reply", s.replyDeadline)
	g.GET("/calendar/years/:year", s.calendarYear)

	admin := g.Group("/admin", requireRole(org.RoleAdmin))
	admin.GET("/fields", s.adminListFields)
	admin.POST("/fields", s.createField)
	admin.PUT("/fields/:id", s.updateField)
	admin.GET("/holidays", s.listHolidays)
	admin.PUT("/holidays/:date", s.putHoliday)
	admin.DELETE("/holidays/:date", s.deleteHoliday)
}

func (s *Server) listFields(c echo.Context) error {
	items, err := cases.ListCaseFields(c.Request().Context(), s.db, false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.CaseField]{Items: items})
}

func (s *Server) adminListFields(c echo.Context) error {
	items, err := cases.ListCaseFields(c.Request().Context(), s.db, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.CaseField]{Items: items})
}

func (s *Server) createField(c echo.Context) error {
	var in cases.CaseFieldInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := cases.CreateCaseField(c.Request().Context(), s.db, actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

func (s *Server) updateField(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in cases.CaseFieldInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := cases.UpdateCaseField(c.Request().Context(), s.db, actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

func (s *Server) listExperts(c echo.Context) error {
	items, err := cases.ListExperts(c.Request().Context(), s.db, actorOf(c), strings.TrimSpace(c.QueryParam("field")))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.Expert]{Items: items})
}

func (s *Server) createExpert(c echo.Context) error {
	var in cases.ExpertInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e, err := cases.CreateExpert(c.Request().Context(), s.db, actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

// addInvestigationRecord takes JSON, or multipart with the record as JSON in
// the "payload" field and the files under "files".
func (s *Server) addInvestigationRecord(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in cases.InvestigationInput
	files, err := s.bindPayloadAndFiles(c, &in)
	if err != nil {
		return err
	}
	rec, err := s.cases.AddInvestigationRecord(c.Request().Context(), actorOf(c), id, in, files)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, rec)
}

func (s *Server) listInvestigationRecords(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.cases.ListInvestigationRecords(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.InvestigationRecord]{Items: items})
}

// draftRequest is a draft save. The content is checked in the domain, which
// accepts an incomplete draft (only submission needs every part).
type draftRequest struct {
	Content      cases.RecommendationContent `json:"content" validate:"-"`
	UrgentDays   int                         `json:"urgent_days"`
	UrgentReason string                      `json:"urgent_reason"`
}

func (s *Server) saveDraft(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req draftRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := s.cases.SaveDraft(c.Request().Context(), actorOf(c), id,
		cases.DraftInput{Content: req.Content, UrgentDays: req.UrgentDays, UrgentReason: req.UrgentReason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) listDrafts(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.cases.ListDrafts(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.DraftView]{Items: items})
}

func (s *Server) listApprovalSteps(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.cases.ListApprovalSteps(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.ApprovalStep]{Items: items})
}

// listFilings is GET /filings, a checked read (checkedGET writes the page).
func (s *Server) listFilings(c echo.Context) (any, error) {
	var q cases.FilingListQuery
	var err error
	if q.Cursor, err = optionalInt(c, "cursor"); err != nil {
		return nil, err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return nil, err
	}
	q.Limit = int(limit)
	items, next, err := s.cases.ListFilings(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return nil, err
	}
	return listResponse[cases.FilingView]{Items: items, NextCursor: next}, nil
}

func (s *Server) getFiling(c echo.Context) error {
	return withID(c, http.StatusOK, s.cases.GetFiling)
}

// replyDeadline is the deadline calculator: the same arithmetic and database
// calendar that SetReplyDeadline stores on delivery.
func (s *Server) replyDeadline(c echo.Context) error {
	received, err := optionalDate(c, "received")
	if err != nil {
		return err
	}
	if received == nil {
		return apperr.InvalidField("received", "请提供收到日期 received（YYYY-MM-DD）")
	}
	days := 0
	if v := c.QueryParam("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 {
			return apperr.InvalidField("days", "紧急回复期限应为正整数（日）")
		}
	}
	d, err := s.cases.ReplyDeadlineFor(c.Request().Context(), *received, days)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// calendarYear tells whether a year's holiday notice is loaded (otherwise
// its deadlines are provisional) and the days the calendar applies.
func (s *Server) calendarYear(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return apperr.InvalidField("year", "年份格式不正确")
	}
	st, err := s.cases.CalendarYear(c.Request().Context(), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) listHolidays(c echo.Context) error {
	year := 0
	if v := c.QueryParam("year"); v != "" {
		var err error
		if year, err = strconv.Atoi(v); err != nil || year < 1900 || year > 2200 {
			return apperr.InvalidField("year", "年份格式不正确")
		}
	}
	items, err := calendar.ListHolidays(c.Request().Context(), s.db, year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[calendar.Holiday]{Items: items})
}

// holidayDate parses the {date} path segment; a malformed date is 400.
func holidayDate(c echo.Context) (calendar.Date, error) {
	d, err := calendar.ParseDate(c.Param("date"))
	if err != nil {
		return calendar.Date{}, apperr.InvalidField("date", "日期格式应为 YYYY-MM-DD")
	}
	return d, nil
}

// calendarChangeResponse reports a calendar edit and the deadlines it moved.
type calendarChangeResponse struct {
	Holiday    *calendar.Holiday      `json:"holiday,omitempty"`
	Recomputed []cases.DeadlineChange `json:"recomputed"`
}

func (s *Server) putHoliday(c echo.Context) error {
	day, err := holidayDate(c)
	if err != nil {
		return err
	}
	var in calendar.HolidayInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, changes, err := s.cases.PutHoliday(c.Request().Context(), actorOf(c), day, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, calendarChangeResponse{Holiday: h, Recomputed: changes})
}

func (s *Server) deleteHoliday(c echo.Context) error {
	day, err := holidayDate(c)
	if err != nil {
		return err
	}
	changes, err := s.cases.DeleteHoliday(c.Request().Context(), actorOf(c), day)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, calendarChangeResponse{Recomputed: changes})
}
