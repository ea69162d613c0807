package handlers

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/charts"
	"jianyi/internal/org"
	"jianyi/internal/stats"
	"jianyi/templates"
)

// statsPages is the statistics dashboard (统计): the figures of
// GET /api/v1/stats for the user's scope, drawn as charts, with the filters
// and the ledger download.
func (s *Server) statsPages(app pages) {
	staff := requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager)
	app.GET("/stats", s.statsDashboard, staff)
	app.GET("/stats/ledger.xlsx", s.ledgerXLSX, staff)
	app.GET("/stats/ledger.csv", s.ledgerCSV, staff)
}

// statsFilters is the filter form as the user filled it in.
type statsFilters struct {
	ProcuratorateID, DepartmentID, AgencyID int64
	Field, Period, From, To                 string
}

// statsDashboardData is the dashboard's data.
type statsDashboardData struct {
	Stats         *stats.Stats
	Filters       statsFilters
	ScopeLabel    string
	ShowProcs     bool // the scope has procuratorates below the user's
	ShowDepts     bool
	Procs         []org.Procuratorate
	Depts         []org.Department
	Fields        []cases.CaseField
	Agencies      []org.Agency
	Periods       []templates.Option
	PeriodLabel   string
	Query         string // the filters as a query string, for the ledger links
	KPIs          []statsKPI
	Charts        map[string]template.HTML
	ByAgency      []stats.AgencyReply
	AgencyTotal   int
	Definitions   []stats.Definition
	Today         calendar.Date
	ComputedAt    time.Time
	OverdueShown  int
	OverdueCapped bool
}

// statsKPI is one headline figure.
type statsKPI struct {
	Label, Value, Note, Tone, Key string
}

// scopeLabels name what the figures cover, by access level.
var scopeLabels = map[stats.StatsAccessLevel]string{
	stats.StatsSubtree:    "本院及下级院",
	stats.StatsDepartment: "本部门",
	stats.StatsOwnCases:   "本人承办的案件",
}

// agencyChartRows is how many agencies the reply chart draws (the table
// under it lists them all).
const agencyChartRows = 10

// statsPeriod turns the period choice into dates: this year, last year, the
// last 12 months, or the dates typed in (custom).
func statsPeriod(choice string, today calendar.Date, from, to string) (string, string) {
	y := today.Year()
	switch choice {
	case "this_year":
		return calendar.NewDate(y, time.January, 1).String(), today.String()
	case "last_year":
		return calendar.NewDate(y-1, time.January, 1).String(), calendar.NewDate(y-1, time.December, 31).String()
	case "last_12m":
		return calendar.DateOf(today.MidnightUTC().AddDate(-1, 0, 1), time.UTC).String(), today.String()
	case "custom":
		return from, to
	}
	return "", ""
}

func (s *Server) statsDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	today := s.clock.Today()
	f := statsFilters{Field: c.QueryParam("field"), Period: c.QueryParam("period"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	if f.Period == "" && (f.From != "" || f.To != "") {
		f.Period = "custom"
	}
	from, to := statsPeriod(f.Period, today, f.From, f.To)
	if f.Period == "custom" {
		f.From, f.To = from, to
	}
	// The API's reader of the filters, on the resolved period.
	qv := c.QueryParams()
	qv.Set("from", from)
	qv.Set("to", to)
	c.Request().URL.RawQuery = qv.Encode()
	fields := map[string]string{}
	q, err := s.statsQuery(c)
	if err != nil {
		if !addFieldErrors(err, fields) {
			return s.errorPage(c, err)
		}
	}
	f.ProcuratorateID, f.DepartmentID, f.AgencyID = q.ProcuratorateID, q.DepartmentID, q.AgencyID

	acc := stats.StatsAccess(a)
	d := &statsDashboardData{Filters: f, ScopeLabel: scopeLabels[acc], Today: today, Definitions: stats.DefinitionList,
		Periods: []templates.Option{{Value: "", Label: "全部期间"}, {Value: "this_year", Label: strconv.Itoa(today.Year()) + " 年"},
			{Value: "last_year", Label: strconv.Itoa(today.Year()-1) + " 年"}, {Value: "last_12m", Label: "近 12 个月"}, {Value: "custom", Label: "自定义起止日期"}}}
	if err := s.statsChoices(c, a, acc, d); err != nil {
		return err
	}
	var st *stats.Stats
	if len(fields) == 0 {
		st, err = s.statsService.Compute(ctx, a, q)
		if err == nil {
			d.ByAgency, err = s.statsService.ReplyByAgency(ctx, a, q, 0)
		}
		if err != nil {
			if !addFieldErrors(err, fields) {
				return s.errorPage(c, err)
			}
			st = nil
		}
	}
	p, err := s.appPage(c, "统计分析", "stats", d)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		p.Errors = templates.NewFormErrors("筛选条件有误，请修改后重新查询", fields, "procuratorate_id", "department_id", "field", "agency_id", "period", "from", "to")
		return s.renderPage(c, http.StatusBadRequest, "staff/stats_dashboard", p)
	}
	d.Stats, d.ComputedAt = st, st.ComputedAt
	d.Query = statsLedgerQuery(q)
	d.PeriodLabel = periodLabel(q)
	d.KPIs = statsKPIs(st)
	d.AgencyTotal = len(d.ByAgency)
	d.Charts = statsCharts(st, d.ByAgency)
	d.OverdueShown = len(st.OpenOverdue)
	d.OverdueCapped = d.OverdueShown >= 100
	return s.renderPage(c, http.StatusOK, "staff/stats_dashboard", p)
}

// statsChoices fills the filters' choices the user's scope allows.
func (s *Server) statsChoices(c echo.Context, a *org.Actor, acc stats.StatsAccessLevel, d *statsDashboardData) error {
	ctx := c.Request().Context()
	var err error
	if acc == stats.StatsSubtree {
		if d.Procs, err = s.org.ListProcuratorates(ctx, a); err != nil {
			return err
		}
		d.ShowProcs = len(d.Procs) > 1
		pid := d.Filters.ProcuratorateID
		if pid == 0 && !d.ShowProcs {
			pid = a.ProcuratorateID
		}
		if pid != 0 {
			if d.Depts, err = s.org.ListDepartments(ctx, a, pid); err != nil {
				return err
			}
		}
		d.ShowDepts = len(d.Depts) > 0
	}
	if d.Fields, err = cases.ListCaseFields(ctx, s.db, true); err != nil {
		return err
	}
	d.Agencies, err = s.org.ListAgencies(ctx, "")
	return err
}

// statsLedgerQuery is the query string of the ledger links: the same filters.
func statsLedgerQuery(q stats.StatsQuery) string {
	v := url.Values{}
	for k, n := range map[string]int64{"procuratorate_id": q.ProcuratorateID, "department_id": q.DepartmentID, "agency_id": q.AgencyID} {
		if n != 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	if q.Field != "" {
		v.Set("field", q.Field)
	}
	if !q.From.IsZero() {
		v.Set("from", q.From.String())
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.String())
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func periodLabel(q stats.StatsQuery) string {
	switch {
	case q.From.IsZero() && q.To.IsZero():
		return "全部期间"
	case q.To.IsZero():
		return q.From.Chinese() + "起"
	case q.From.IsZero():
		return "截至" + q.To.Chinese()
	}
	return q.From.Chinese() + "至" + q.To.Chinese()
}

func rateText(r stats.Rate) (string, string) {
	if r.Denominator == 0 {
		return "—", "暂无应回复"
	}
	return strconv.FormatFloat(r.Percent, 'f', -1, 64) + "%", strconv.FormatInt(r.Numerator, 10) + " / " + strconv.FormatInt(r.Denominator, 10)
}

// statsKPIs are the headline figures above the charts.
func statsKPIs(st *stats.Stats) []statsKPI {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	out := []statsKPI{
		{Label: "制发检察建议", Value: n(st.Issued), Note: "案件 " + n(st.Total) + " 件", Key: "issued"},
		{Label: "应回复", Value: n(st.ReplyDue), Note: "未到期 " + n(st.AwaitingReply) + " 件", Key: "reply_due"},
	}
	for _, r := range []struct {
		label, key string
		rate       stats.Rate
	}{{"回复率", "reply_rate", st.ReplyRate}, {"按期回复率", "on_time_rate", st.OnTimeRate},
		{"采纳率", "adoption_rate", st.AdoptionRate}, {"整改到位率", "rectified_rate", st.RectifiedRate}} {
		v, note := rateText(r.rate)
		out = append(out, statsKPI{Label: r.label, Value: v, Note: note, Key: r.key})
	}
	tone := ""
	if st.NoReply > 0 {
		tone = "danger"
	}
	out = append(out, statsKPI{Label: "不回复", Value: n(st.NoReply), Note: "粗回复 " + n(st.Perfunctory) + " 件", Tone: tone, Key: "no_reply"})
	tone = ""
	if len(st.OpenOverdue) > 0 {
		tone = "danger"
	}
	out = append(out, statsKPI{Label: "逾期未回复", Value: n(int64(len(st.OpenOverdue))), Note: "当前待督办", Tone: tone, Key: "open_overdue"})
	return out
}

// replyClassTones colour the reply classes by what they are.
var replyClassTones = map[string]string{
	cases.ReplyClassOnTime: "success", cases.ReplyClassLate: "warning", cases.ReplyClassPerfunctory: "orange", cases.ReplyClassNoReply: "danger",
}

// statsCharts draws the dashboard's charts from the figures.
func statsCharts(st *stats.Stats, byAgency []stats.AgencyReply) map[string]template.HTML {
	out := map[string]template.HTML{}
	counts := func(cs []stats.Count, skipZero bool) ([]string, []float64) {
		var l []string
		var v []float64
		for _, c := range cs {
			if skipZero && c.Count == 0 {
				continue
			}
			l = append(l, c.Label)
			v = append(v, float64(c.Count))
		}
		return l, v
	}

	l, v := issuedMonths(st.IssuedByMonth)
	out["months"] = charts.Chart{ID: "chart-months", Title: "每月制发检察建议件数", Unit: "件", Labels: l,
		Series: []charts.Series{{Name: "制发件数", Values: v}}, Empty: "期间内没有制发的检察建议"}.Line()

	l, v = counts(st.ByState, true)
	out["states"] = charts.Chart{ID: "chart-states", Title: "案件所处状态", Unit: "件", Labels: l,
		Series: []charts.Series{{Name: "件数", Values: v}}, Empty: "没有符合条件的案件"}.Donut()

	l, v = counts(st.ByField, true)
	out["fields"] = charts.Chart{ID: "chart-fields", Title: "各领域案件件数", Unit: "件", Labels: l,
		Series: []charts.Series{{Name: "件数", Values: v}}, Empty: "没有符合条件的案件"}.Bars()

	var tones []string
	l, v = nil, nil
	for _, c := range st.ReplyClasses {
		l = append(l, c.Label)
		v = append(v, float64(c.Count))
		tones = append(tones, replyClassTones[c.Key])
	}
	out["classes"] = charts.Chart{ID: "chart-classes", Title: "被建议单位回复情况（按期 / 慢回复 / 粗回复 / 不回复）", Unit: "件", Labels: l,
		Series: []charts.Series{{Name: "件数", Tone: joinTones(tones), Values: v}},
		Desc:   replyClassDesc(st), Empty: "期间内没有回复期限届满的检察建议"}.Bars()

	rates := []struct {
		label string
		r     stats.Rate
	}{{"回复率", st.ReplyRate}, {"按期回复率", st.OnTimeRate}, {"采纳率", st.AdoptionRate}, {"完全采纳率", st.FullAdoptionRate}, {"整改到位率", st.RectifiedRate}}
	rc := charts.Chart{ID: "chart-rates", Title: "回复、采纳与整改到位率", Unit: "%", Max: 100, Empty: "期间内没有回复期限届满的检察建议"}
	var rv []float64
	for _, r := range rates {
		rc.Labels = append(rc.Labels, r.label)
		rv = append(rv, r.r.Percent)
		rc.Notes = append(rc.Notes, strconv.FormatInt(r.r.Numerator, 10)+"/"+strconv.FormatInt(r.r.Denominator, 10))
	}
	rc.Series = []charts.Series{{Name: "比率", Values: rv}}
	if st.ReplyDue == 0 {
		rc.Series[0].Values = make([]float64, len(rv))
	}
	out["rates"] = rc.Bars()

	ac := charts.Chart{ID: "chart-agencies", Title: "各被建议单位回复情况（应回复件数最多的 " + strconv.Itoa(min(agencyChartRows, len(byAgency))) + " 家）",
		Unit: "件", Empty: "期间内没有回复期限届满的检察建议", TrimPrefix: true}
	var on, late, none []float64
	for i, r := range byAgency {
		if i == agencyChartRows {
			break
		}
		ac.Labels = append(ac.Labels, r.Agency)
		on, late, none = append(on, float64(r.OnTime)), append(late, float64(r.LateReply)), append(none, float64(r.NoReply))
	}
	ac.Series = []charts.Series{{Name: "按期回复", Tone: "success", Values: on}, {Name: "慢回复", Tone: "warning", Values: late}, {Name: "不回复", Tone: "danger", Values: none}}
	out["agencies"] = ac.Stacked()
	return out
}

func joinTones(t []string) string {
	s := ""
	for i, x := range t {
		if i > 0 {
			s += ","
		}
		s += x
	}
	return s
}

func replyClassDesc(st *stats.Stats) string {
	return "应回复 " + strconv.FormatInt(st.ReplyDue, 10) + " 件，其中按期回复 " + strconv.FormatInt(st.OnTime, 10) + " 件、慢回复 " +
		strconv.FormatInt(st.LateReply, 10) + " 件、不回复 " + strconv.FormatInt(st.NoReply, 10) + " 件；另有粗回复（被退回补充）" +
		strconv.FormatInt(st.Perfunctory, 10) + " 件，与按期、慢回复重叠计数。"
}

// issuedMonths lists every month from the first to the last with issued
// recommendations, the months without any as 0 (the API leaves them out),
// so the line does not skip over them.
func issuedMonths(cs []stats.Count) ([]string, []float64) {
	var l []string
	var v []float64
	have := map[string]int64{}
	for _, c := range cs {
		have[c.Key] = c.Count
	}
	if len(cs) == 0 {
		return nil, nil
	}
	first, err1 := time.Parse("2006-01", cs[0].Key)
	last, err2 := time.Parse("2006-01", cs[len(cs)-1].Key)
	if err1 != nil || err2 != nil || last.Sub(first) > 50*366*24*time.Hour {
		for _, c := range cs {
			l, v = append(l, c.Label), append(v, float64(c.Count))
		}
		return l, v
	}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		l, v = append(l, k), append(v, float64(have[k]))
	}
	return l, v
}
