package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/analysis"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/projects"
	"jianyi/internal/stats"
	"jianyi/templates"
)

// analysisPages are the pages of the data analysis model (数据分析模型,
// issue 15): the recurrence analysis with its charts and the project it can
// start, the model-hit import (page_analysis_import.go) and the 类案参考
// panel's refresh beside the draft editor. The same service calls as the
// API's /api/v1/analysis/….
func (s *Server) analysisPages(app pages) {
	staff := requireRole(staffRoles...)
	app.GET("/analysis", s.analysisPage, staff)
	app.POST("/analysis/projects", s.analysisProjectSubmit, staff)
	app.GET("/cases/:id/draft/similar", s.draftSimilarFragment, staff)
	s.modelImportPages(app)
}

// analysisFilters is the filter form as the user filled it in.
type analysisFilters struct {
	ProcuratorateID, AgencyID int64
	Field, From, To           string
}

// query is the filters as a query string ("" when none).
func (f analysisFilters) query(extra url.Values) string {
	v := url.Values{}
	for k, n := range map[string]int64{"procuratorate_id": f.ProcuratorateID, "agency_id": f.AgencyID} {
		if n != 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	for k, s := range map[string]string{"field": f.Field, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for k, vs := range extra {
		v[k] = vs
	}
	return v.Encode()
}

// analysisCase is one case of a group, with its box in the project form.
type analysisCase struct {
	ID      int64
	Title   string
	Checked bool
}

// analysisGroup is one row of the recurrence table.
type analysisGroup struct {
	analysis.RecurrenceGroup
	Key     string // the row's anchor
	Cases   []analysisCase
	More    int // cases of the group not listed
	Picked  bool
	PickURL string // the page again with this group's cases chosen for a project
	Outcome []stats.Count
}

// analysisTrend is a rising field.
type analysisTrend struct {
	analysis.FieldTrend
	Text, URL string
}

type analysisPageData struct {
	R           *analysis.Recurrence
	Filters     analysisFilters
	ScopeLabel  string
	PeriodLabel string
	ShowProcs   bool
	Procs       []org.Procuratorate
	Fields      []cases.CaseField
	Agencies    []org.Agency
	KPIs        []statsKPI
	Charts      map[string]template.HTML
	Groups      []analysisGroup
	Repeated    []repeatedRow
	Rising      []analysisTrend
	Definitions []stats.Definition
	Kinds       []analysis.ProblemKind
	// The start-project form: who may use it, its values, the filters it
	// returns to.
	CanStart    bool
	CanImport   bool
	Project     url.Values
	FieldOpts   []templates.Option
	FilterQuery url.Values
	Picked      int
	ClassTones  map[string]string
}

// analysisGroupCases bounds the cases listed per group, but for the group
// picked for a project (all of them, as the project form takes them: 200
// at most); analysisPageGroups the groups listed (the API's order: repeated
// first, then by letters).
const (
	analysisGroupCases = 10
	analysisPickCases  = 200
	analysisPageGroups = 50
)

func (s *Server) analysisPage(c echo.Context) error {
	return s.renderAnalysis(c, http.StatusOK, nil, templates.FormErrors{})
}

// renderAnalysis shows the analysis for the filters of the request's query;
// project holds the start-project form as posted (after an error).
func (s *Server) renderAnalysis(c echo.Context, status int, project url.Values, projectErrs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	acc := stats.StatsAccess(a)
	if acc == stats.StatsNone {
		return s.errorPage(c, apperr.Forbidden("当前角色无权查看分析"))
	}
	f := analysisFilters{Field: c.QueryParam("field"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	d := &analysisPageData{Filters: f, ScopeLabel: scopeLabels[acc], Definitions: recurrenceDefinitions(), Kinds: analysis.ProblemKinds,
		CanStart: projects.CanCreateProject(a), CanImport: a.HasRole(org.RoleCaseManager, org.RoleChief, org.RoleDeptHead),
		ClassTones: replyClassTones}
	fields := map[string]string{}
	q, err := s.recurrenceQuery(c)
	if q.Limit == 0 {
		q.Limit = analysisPageGroups
	}
	if err == nil {
		d.Filters.ProcuratorateID, d.Filters.AgencyID = q.ProcuratorateID, q.AgencyID
		d.R, err = s.analysis.Recurrence(ctx, a, q)
	}
	if err != nil {
		if !addFieldErrors(err, fields) {
			return s.errorPage(c, err)
		}
	}
	var sd statsDashboardData
	sd.Filters.ProcuratorateID = d.Filters.ProcuratorateID
	if err := s.statsChoices(c, a, acc, &sd); err != nil {
		return err
	}
	d.ShowProcs, d.Procs, d.Fields, d.Agencies = sd.ShowProcs, sd.Procs, sd.Fields, sd.Agencies
	p, err := s.appPage(c, "重复问题分析", "analysis", d)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		p.Errors = templates.NewFormErrors("筛选条件有误，请修改后重新查询", fields, "procuratorate_id", "field", "agency_id", "from", "to")
		return s.renderPage(c, http.StatusBadRequest, "staff/analysis_recurrence", p)
	}
	r := d.R
	d.Filters.From, d.Filters.To = r.From.String(), r.To.String()
	d.PeriodLabel = r.From.Chinese() + "至" + r.To.Chinese()
	d.FilterQuery = url.Values{}
	for k, vs := range c.QueryParams() {
		if k == "field" || k == "from" || k == "to" || k == "agency_id" || k == "procuratorate_id" {
			d.FilterQuery["f_"+k] = vs
		}
	}
	d.KPIs = recurrenceKPIs(r)
	d.Charts = recurrenceCharts(r)
	d.Repeated = repeatedRows(r)
	for _, t := range r.Fields {
		if !t.Rising {
			continue
		}
		text := fmt.Sprintf("本期 %d 件，上期 %d 件", t.Current, t.Previous)
		if t.Percent != nil {
			text += fmt.Sprintf("，增长 %s%%", strconv.FormatFloat(*t.Percent, 'f', -1, 64))
		}
		ft := d.Filters
		ft.Field = t.Field
		d.Rising = append(d.Rising, analysisTrend{FieldTrend: t, Text: text, URL: "/analysis?" + ft.query(nil) + "#groups"})
	}

	// The project form: as posted, or filled in from the group picked.
	picked := map[int64]bool{}
	pick := c.QueryParam("pick")
	if project != nil {
		for _, v := range project["case_ids"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				picked[id] = true
			}
		}
	}
	if d.Groups, err = s.analysisGroups(c, d, picked, pick); err != nil {
		return err
	}
	d.Picked = len(picked)
	if project == nil {
		project = url.Values{}
		today := s.clock.Today()
		project.Set("project_start_on", today.String())
		project.Set("project_planned_end_on", calendar.DateOf(today.MidnightUTC().AddDate(0, 6, 0), time.UTC).String())
		for _, g := range d.Groups {
			if g.Picked {
				project.Set("project_title", g.AgencyName+g.ProblemKindLabel+"问题专项监督")
				project.Set("project_field", g.Field)
				problem := fmt.Sprintf("%s，本院就%s领域%s问题向%s制发检察建议 %d 件", d.PeriodLabel, g.Field, g.ProblemKindLabel, g.AgencyName, g.Letters)
				if g.Repeated > 0 {
					problem += fmt.Sprintf("，其中 %d 件是在%d天内就同一问题再次制发（回头看）", g.Repeated, r.RepeatWindowDays)
				}
				project.Set("project_problem", problem+"。")
				project.Set("project_goals", "推动"+g.AgencyName+"查找同类问题反复发生的原因，建立长效机制，从源头解决"+g.ProblemKindLabel+"问题。")
			}
		}
	}
	d.Project = project
	for _, fl := range d.Fields {
		d.FieldOpts = append(d.FieldOpts, templates.Option{Value: fl.Name, Label: fl.Name})
	}
	p.Errors = projectErrs
	return s.renderPage(c, status, "staff/analysis_recurrence", p)
}

// recurrenceQuery reads the recurrence filters of the request's query (the
// statistics filters' reader, plus limit).
func (s *Server) recurrenceQuery(c echo.Context) (analysis.RecurrenceQuery, error) {
	sq, err := s.statsQuery(c)
	q := analysis.RecurrenceQuery{ProcuratorateID: sq.ProcuratorateID, Field: sq.Field, AgencyID: sq.AgencyID, From: sq.From, To: sq.To}
	if err != nil {
		return q, err
	}
	limit, err := optionalInt(c, "limit")
	q.Limit = int(limit)
	return q, err
}

// analysisGroups are the table's rows with their cases' titles; the group
// named by pick ("agency.kind.field") has its cases chosen, and so are the
// cases in picked.
func (s *Server) analysisGroups(c echo.Context, d *analysisPageData, picked map[int64]bool, pick string) ([]analysisGroup, error) {
	out := make([]analysisGroup, 0, len(d.R.Groups))
	var ids []int64
	for _, g := range d.R.Groups {
		key := fmt.Sprintf("%d.%s.%s", g.AgencyID, g.ProblemKind, g.Field)
		v := analysisGroup{RecurrenceGroup: g, Key: fmt.Sprintf("group-%d-%s-%d", g.AgencyID, g.ProblemKind, len(out)), Picked: pick == key,
			PickURL: "/analysis?" + d.Filters.query(url.Values{"pick": {key}}) + "#start-project"}
		listed := g.CaseIDs[:min(len(g.CaseIDs), analysisGroupCases)]
		if v.Picked || slices.ContainsFunc(g.CaseIDs, func(id int64) bool { return picked[id] }) {
			// Every ticked case stays on the form (after an error too).
			listed = g.CaseIDs[:min(len(g.CaseIDs), analysisPickCases)]
		}
		if v.Picked {
			for _, id := range listed {
				picked[id] = true
			}
		}
		v.More = len(g.CaseIDs) - len(listed)
		for _, id := range listed {
			v.Cases = append(v.Cases, analysisCase{ID: id})
		}
		ids = append(ids, listed...)
		for _, list := range [][]stats.Count{g.Positions, g.Rectifications} {
			for _, x := range list {
				if x.Count > 0 {
					v.Outcome = append(v.Outcome, x)
				}
			}
		}
		out = append(out, v)
	}
	titles, err := cases.TitlesByID(s.db.WithContext(c.Request().Context()), ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range out[i].Cases {
			x := &out[i].Cases[j]
			x.Title, x.Checked = titles[x.ID], picked[x.ID]
		}
	}
	return out, nil
}

// recurrenceKPIs are the headline figures above the charts.
func recurrenceKPIs(r *analysis.Recurrence) []statsKPI {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	out := []statsKPI{
		{Label: "制发检察建议", Value: n(r.Letters), Note: "分为 " + strconv.Itoa(r.GroupsTotal) + " 组（单位 × 领域 × 问题）", Key: "letters"},
		{Label: "重复建议（回头看）", Value: strconv.Itoa(r.RepeatedTotal), Note: strconv.Itoa(r.RepeatWindowDays) + " 天内同一单位同一问题再次制发", Key: "repeated"},
		{Label: "上升领域", Value: strconv.Itoa(len(r.RisingFields)), Note: "与上期（" + r.PreviousFrom.String() + " 起）相比", Key: "rising"},
	}
	if r.RepeatedTotal > 0 {
		out[1].Tone = "warning"
	}
	if len(r.RisingFields) > 0 {
		out[2].Tone = "warning"
	}
	v, note := rateText(r.OnTimeRate)
	out = append(out, statsKPI{Label: "按期回复率", Value: v, Note: note, Key: "on_time_rate"})
	return out
}

// recurrenceDefinitions are the analysis's definitions in a fixed order.
func recurrenceDefinitions() []stats.Definition {
	labels := []struct{ key, label string }{{"letters", "制发件数与分组"}, {"problem_kind", "问题类型"}, {"repeated", "重复建议（回头看）"},
		{"rising", "领域上升"}, {"reply_figures", "回复与整改情况"}}
	out := make([]stats.Definition, 0, len(labels))
	for _, l := range labels {
		out = append(out, stats.Definition{Label: l.label, Text: analysis.RecurrenceDefinitions[l.key]})
	}
	return out
}

// analysisProjectSubmit starts a project from the cases ticked on the
// analysis page (the API's POST /analysis/projects) and opens it.
func (s *Server) analysisProjectSubmit(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return s.errorPage(c, apperr.Invalid("无法读取表单", nil))
	}
	in := analysis.ProjectFromCasesInput{ProjectInput: projects.ProjectInput{Title: strings.TrimSpace(form.Get("project_title")),
		Field: form.Get("project_field"), Problem: strings.TrimSpace(form.Get("project_problem")), Goals: strings.TrimSpace(form.Get("project_goals"))}}
	for _, v := range form["case_ids"] {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || id <= 0 {
			return s.errorPage(c, apperr.InvalidField("case_ids", "案件编号有误"))
		}
		in.CaseIDs = append(in.CaseIDs, id)
	}
	if in.StartOn, err = formDate(c, "project_start_on"); err == nil {
		in.PlannedEndOn, err = formDate(c, "project_planned_end_on")
	}
	if err == nil {
		err = c.Validate(&in.ProjectInput) // the cases are the service's to check
	}
	var p *projects.Project
	if err == nil {
		p, err = s.analysis.StartProject(c.Request().Context(), actorOf(c), in)
	}
	if err == nil {
		s.setFlash(c, "success", fmt.Sprintf("项目已创建，关联了 %d 件案件。请添加团队成员和任务。", len(in.CaseIDs)))
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/projects/%d", p.ID))
	}
	// The form's fields carry a prefix (the filter form has a 领域 too);
	// a message about one of the cases is about the case list.
	var ae *apperr.Error
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		renamed := map[string]string{}
		for k, v := range ae.Fields {
			switch {
			case strings.HasPrefix(k, "case_ids"):
				if renamed["case_ids"] != "" {
					v = renamed["case_ids"] + "；" + v
				}
				renamed["case_ids"] = v
			case strings.HasPrefix(k, "project_"):
				renamed[k] = v
			default:
				renamed["project_"+k] = v
			}
		}
		cp := *ae
		cp.Fields = renamed
		err = &cp
	}
	errs, status, ok := formError(err, nil, "case_ids", "project_title", "project_field", "project_problem", "project_goals",
		"project_start_on", "project_planned_end_on")
	if !ok {
		return s.errorPage(c, err)
	}
	// Back to the analysis the form was posted from.
	q := url.Values{}
	for k, vs := range form {
		if name, ok := strings.CutPrefix(k, "f_"); ok {
			q[name] = vs
		}
	}
	c.Request().URL.RawQuery = q.Encode()
	return s.renderAnalysis(c, status, form, errs)
}

// similarPanel is the 类案参考 beside the draft editor.
type similarPanel struct {
	CaseID  int64
	Cards   []similarCard
	Words   []string
	Message string // why there is nothing to show
}

// similarPanelFor finds the letters like the draft: the editor's values
// when given (as shown, after an error as posted), else the case's latest
// saved draft. A draft with no words to compare, or a user the search does
// not serve, gets a message instead of an error page.
func (s *Server) similarPanelFor(c echo.Context, caseID int64, v url.Values) (*similarPanel, error) {
	in := analysis.SimilarInput{CaseID: caseID}
	if v != nil {
		in.Title, in.Facts, in.Illegality = v.Get("content.title"), v.Get("content.facts"), v.Get("content.illegality")
		for _, it := range draftItems(v) {
			if strings.TrimSpace(it.Text) != "" {
				in.Items = append(in.Items, analysis.SimilarItem{Text: it.Text})
			}
		}
	}
	out := &similarPanel{CaseID: caseID}
	res, err := s.analysis.Similar(c.Request().Context(), actorOf(c), in)
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || (ae.Kind != apperr.ErrInvalid && ae.Kind != apperr.ErrForbidden) {
			return nil, err
		}
		out.Message = "填写标题、查明的事实或建议事项并保存后，这里列出以往相似的检察建议。"
		if ae.Kind == apperr.ErrForbidden {
			out.Message = ae.Message
		}
		return out, nil
	}
	out.Cards, out.Words = similarCards(res), res.Words
	if len(out.Cards) == 0 {
		out.Message = "没有找到相似的检察建议。"
	}
	return out, nil
}

// draftSimilarFragment is the panel's list for the case's latest saved
// draft: the editor's script fetches it after each autosave.
func (s *Server) draftSimilarFragment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	if _, err := s.cases.LoadCase(c.Request().Context(), actorOf(c), id); err != nil {
		return s.errorPage(c, err)
	}
	panel, err := s.similarPanelFor(c, id, nil)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/cases_similar", &templates.Page{Data: panel})
}
