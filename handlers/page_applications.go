package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/templates"
)

// applicationPages are the staff pages of citizen applications (公民申请):
// the queue, one application with its answer, decision and progress forms,
// the evidence and the notice. The same service methods as the API.
func (s *Server) applicationPages(app pages) {
	handlers := requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleCaseManager)
	app.GET("/applications", s.applicationsPage, handlers)
	app.GET("/applications/:id", s.applicationPage, handlers)
	app.GET("/applications/:id/files/:file_id", s.applicationFilePage, handlers)
	app.GET("/applications/:id/notice.pdf", s.applicationNoticePage, handlers)
	app.POST("/applications/:id/answer", s.applicationAnswerSubmit, handlers)
	app.POST("/applications/:id/decide", s.applicationDecideSubmit, handlers)
	app.POST("/applications/:id/progress", s.applicationProgressSubmit, handlers)
}

// applicationRow is one line of the queue.
type applicationRow struct {
	applications.Application
	StatusLabel string
	Problem     string
	// Due is the date that matters now: the procedural answer while it is
	// awaited, then the next progress update; DueLabel says which.
	Due      *calendar.Date
	DueLabel string
}

func (s *Server) applicationsPage(c echo.Context) error {
	q := applications.ApplicationListQuery{Status: c.QueryParam("status"), Duplicate: c.QueryParam("duplicate") == "true", Limit: 50}
	q.Cursor, _ = strconv.ParseInt(c.QueryParam("cursor"), 10, 64)
	items, next, err := s.pub.apps.ListApplications(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return s.errorPage(c, err)
	}
	rows := make([]applicationRow, 0, len(items))
	for _, a := range items {
		r := applicationRow{Application: a, StatusLabel: applications.ApplicationStatusLabels[a.Status], Problem: cut(a.Problem, 40)}
		switch a.Status {
		case applications.AppSubmitted:
			d := a.AnswerDue
			r.Due, r.DueLabel = &d, "答复期限"
		case applications.AppNeedsSupplement:
			r.DueLabel = "等待补正"
		default:
			if a.NextUpdateDue != nil {
				r.Due, r.DueLabel = a.NextUpdateDue, "下次告知进展"
			}
		}
		rows = append(rows, r)
	}
	statuses := []templates.Option{}
	for _, st := range []applications.ApplicationStatus{applications.AppSubmitted, applications.AppNeedsSupplement, applications.AppUnderReview,
		applications.AppAccepted, applications.AppDeclined, applications.AppTransferred} {
		statuses = append(statuses, templates.Option{Value: string(st), Label: applications.ApplicationStatusLabels[st]})
	}
	nextURL := ""
	if next != "" {
		v := url.Values{"cursor": {next}}
		if q.Status != "" {
			v.Set("status", q.Status)
		}
		if q.Duplicate {
			v.Set("duplicate", "true")
		}
		nextURL = "/applications?" + v.Encode()
	}
	p, err := s.appPage(c, "公民申请", "applications", map[string]any{
		"Rows": rows, "Status": q.Status, "Duplicate": q.Duplicate, "Statuses": statuses, "NextURL": nextURL,
		"Filtered": q.Status != "" || q.Duplicate, "Today": s.clock.Today(),
	})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/applications_list", p)
}

// applicationView is what the application page shows.
type applicationView struct {
	App         *applications.ApplicationDetail
	Answers     []applicationAnswerView
	Today       calendar.Date
	Prosecutors []templates.Option
	Fields      []templates.Option
	// Form keeps what was typed into the form that failed (Failed names it).
	Form       url.Values
	Failed     string
	HasNotice  bool
	IsProsecut bool
}

type applicationAnswerView struct {
	applications.ApplicationAnswer
	KindLabel string
}

// renderApplication shows the application page, with a failed form's input
// and errors when errs is set.
func (s *Server) renderApplication(c echo.Context, status int, id int64, failed string, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	d, err := s.pub.apps.LoadApplication(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	v := &applicationView{App: d, Today: s.clock.Today(), Failed: failed, IsProsecut: a.Role == org.RoleProsecutor}
	if failed != "" {
		_ = c.Request().ParseForm()
		v.Form = c.Request().PostForm
	}
	for _, ans := range d.Answers {
		v.Answers = append(v.Answers, applicationAnswerView{ApplicationAnswer: ans, KindLabel: applications.AnswerKindLabels[ans.Kind]})
		switch ans.Kind {
		case applications.AnswerAccepted, applications.AnswerDeclined, applications.AnswerStarted:
			v.HasNotice = true
		}
	}
	if d.Status == applications.AppUnderReview {
		if v.Prosecutors, err = s.prosecutorOptions(c, d.ProcuratorateID); err != nil {
			return err
		}
		fields, err := cases.ListCaseFields(ctx, s.db, false)
		if err != nil {
			return err
		}
		for _, f := range fields {
			v.Fields = append(v.Fields, templates.Option{Value: f.Name, Label: f.Name})
		}
	}
	p, err := s.appPage(c, "公民申请 "+d.TrackingNo, "applications", v)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/applications_show", p)
}

// prosecutorOptions are the serving prosecutors of a procuratorate, the
// choices for who handles the lead an application becomes.
func (s *Server) prosecutorOptions(c echo.Context, procuratorateID int64) ([]templates.Option, error) {
	tx := s.db.WithContext(c.Request().Context())
	ids, err := org.UsersWithRole(tx, procuratorateID, org.RoleProsecutor)
	if err != nil {
		return nil, err
	}
	users, err := org.UsersByID(tx, ids)
	if err != nil {
		return nil, err
	}
	out := []templates.Option{}
	for _, id := range ids {
		if u, ok := users[id]; ok && !u.Disabled && u.DepartmentID != nil {
			out = append(out, templates.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.DisplayName})
		}
	}
	return out, nil
}

func (s *Server) applicationPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderApplication(c, http.StatusOK, id, "", templates.FormErrors{})
}

func (s *Server) applicationFilePage(c echo.Context) error {
	return s.downloadApplicationFile(c)
}

func (s *Server) applicationNoticePage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	n, err := s.pub.apps.StaffNotice(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return s.errorPage(c, err)
	}
	pdf, err := s.renderApplicantNotice(n)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	c.Response().Header().Set("Content-Disposition", contentDisposition("inline", noticeTitle(n)+".pdf"))
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// applicationAction runs one form of the application page: validate as the
// API does, call the service (run returns the message to show), then
// redirect or show the form again with its errors.
func (s *Server) applicationAction(c echo.Context, form string, in any, run func(id int64) (string, error),
	rename map[string]string, order ...string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	msg := ""
	err = c.Validate(in)
	if err == nil {
		msg, err = run(id)
	}
	if err == nil {
		s.setFlash(c, "success", msg)
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/applications/%d", id))
	}
	errs, status, ok := formError(err, rename, order...)
	if !ok {
		return s.errorPage(c, err)
	}
	return s.renderApplication(c, status, id, form, errs)
}

func (s *Server) applicationAnswerSubmit(c echo.Context) error {
	in := applications.AnswerInput{Version: int(formInt(c, "version")), Kind: c.FormValue("kind"), Text: c.FormValue("answer_text"),
		Missing: c.FormValue("missing"), TransferredTo: c.FormValue("transferred_to")}
	return s.applicationAction(c, "answer", &in, func(id int64) (string, error) {
		_, err := s.pub.apps.Answer(c.Request().Context(), actorOf(c), id, in)
		return map[string]string{applications.AnswerAccepted: "已受理，已告知申请人", applications.AnswerNeedsSupplement: "已告知申请人补正材料",
			applications.AnswerTransferred: "已移送，已告知申请人"}[in.Kind], err
	}, map[string]string{"text": "answer_text"}, "kind", "missing", "transferred_to", "answer_text")
}

func (s *Server) applicationDecideSubmit(c echo.Context) error {
	in := applications.DecideInput{Version: int(formInt(c, "version")), Decision: c.FormValue("decision"), Reasons: c.FormValue("reasons"),
		ProsecutorID: formInt(c, "prosecutor_id"), Field: c.FormValue("field"), Title: strings.TrimSpace(c.FormValue("title"))}
	return s.applicationAction(c, "decide", &in, func(id int64) (string, error) {
		d, err := s.pub.apps.Decide(c.Request().Context(), actorOf(c), id, in)
		if err != nil {
			return "", err
		}
		if d.CaseID != nil {
			return "已决定启动检察建议程序，线索已登记，已告知申请人", nil
		}
		return "已决定不予启动，已告知申请人", nil
	}, nil, "decision", "prosecutor_id", "field", "title", "reasons")
}

func (s *Server) applicationProgressSubmit(c echo.Context) error {
	in := applications.ProgressInput{Version: int(formInt(c, "version")), Text: c.FormValue("progress_text")}
	return s.applicationAction(c, "progress", &in, func(id int64) (string, error) {
		_, err := s.pub.apps.Progress(c.Request().Context(), actorOf(c), id, in)
		return "已告知申请人办理进展", err
	}, map[string]string{"text": "progress_text"}, "progress_text")
}
