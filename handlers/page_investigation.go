package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
	"jianyi/templates"
)

// investigationPages: the 调查核实 records of a case and the form that adds
// one (the 调查终结报告 included), through the same service call and the same
// strict decoding as POST /api/v1/cases/{id}/investigation-records.
func (s *Server) investigationPages(app pages) {
	staff := requireRole(staffRoles...)
	app.GET("/cases/:id/investigation", s.investigationPage, staff)
	app.POST("/cases/:id/investigation", s.investigationSubmit, staff)
}

// investigationForm is what the form shows (the input kept after an error).
type investigationForm struct {
	Kind, Date, Place, Participants, Summary string
	Facts, Evidence, Problems, Opinion       string
	Internal                                 bool
}

type investigationPageData struct {
	Case    CaseView
	Today   calendar.Date
	Records []cases.InvestigationRecord
	Open    bool
	Kinds   []templates.Option
	Form    investigationForm
}

// investigationKindOptions lists the methods in a stable order, the report last.
func investigationKindOptions() []templates.Option {
	var out []templates.Option
	for k, label := range cases.InvestigationKindLabels {
		if k != cases.InvestigationReport {
			out = append(out, templates.Option{Value: k, Label: label})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return append(out, templates.Option{Value: cases.InvestigationReport, Label: cases.InvestigationKindLabels[cases.InvestigationReport]})
}

func (s *Server) investigationPage(c echo.Context) error {
	f := investigationForm{Date: s.cases.Today().String(), Internal: true, Kind: c.QueryParam("kind")}
	return s.renderInvestigation(c, http.StatusOK, f, templates.FormErrors{})
}

func (s *Server) renderInvestigation(c echo.Context, status int, f investigationForm, errs templates.FormErrors) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	ctx, a := c.Request().Context(), actorOf(c)
	cs, err := s.cases.LoadCase(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	records, err := s.cases.ListInvestigationRecords(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	v, err := s.caseView(ctx, a, cs)
	if err != nil {
		return err
	}
	d := investigationPageData{Case: v, Today: s.cases.Today(), Records: records, Open: cases.InvestigationOpen(cs.State),
		Kinds: investigationKindOptions(), Form: f}
	p, err := s.appPage(c, "调查核实 - "+cs.Title, "cases", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/cases_investigation", p)
}

// investigationFields maps the API's field paths to the form's names.
var investigationFields = map[string]string{"report.facts": "facts", "report.evidence": "evidence",
	"report.problems": "problems", "report.opinion": "opinion", "report": "facts", "files": "files"}

func (s *Server) investigationSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	var uploads []files.Upload
	var value func(string) string
	if isMultipart(c) {
		form, err := c.MultipartForm()
		if err != nil {
			return s.errorPage(c, multipartError(err))
		}
		defer form.RemoveAll()
		if err := checkFormText(form.Value); err != nil {
			return s.errorPage(c, err)
		}
		value = func(k string) string {
			if v := form.Value[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		if uploads, err = s.readUploads(form.File["files"]); err != nil {
			return s.renderInvestigation(c, http.StatusRequestEntityTooLarge, investigationForm{}, templates.NewFormErrors(err.Error(), nil))
		}
	} else {
		value = c.FormValue
	}
	f := investigationForm{Kind: value("kind"), Date: value("date"), Place: value("place"), Participants: value("participants"),
		Summary: value("summary"), Facts: value("facts"), Evidence: value("evidence"), Problems: value("problems"),
		Opinion: value("opinion"), Internal: value("internal") != ""}
	body := map[string]any{"kind": f.Kind, "place": f.Place, "participants": f.Participants, "summary": f.Summary, "internal": f.Internal}
	if f.Date != "" {
		body["date"] = f.Date
	}
	if f.Kind == cases.InvestigationReport {
		body["report"] = map[string]string{"facts": f.Facts, "evidence": f.Evidence, "problems": f.Problems, "opinion": f.Opinion}
	}
	raw, _ := json.Marshal(body)
	var in cases.InvestigationInput
	err = decodeStrictValid(c, raw, &in)
	if err == nil {
		_, err = s.cases.AddInvestigationRecord(c.Request().Context(), actorOf(c), id, in, uploads)
	}
	if err == nil {
		s.setFlash(c, "success", "已登记"+cases.InvestigationKindLabels[f.Kind]+"。")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/investigation", id))
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	fields := map[string]string{}
	for k, msg := range ae.Fields {
		if name, ok := investigationFields[k]; ok {
			k = name
		}
		fields[strings.TrimPrefix(k, "report.")] = msg
	}
	status, _ := errorResponse(err)
	return s.renderInvestigation(c, status, f, templates.NewFormErrors(ae.Message, fields,
		"kind", "date", "place", "participants", "summary", "facts", "evidence", "problems", "opinion", "files"))
}
