package browsertest_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
)

// chartValues reads a chart's drawn numbers: label → value of its bars,
// points or slices (data-value, the number the drawing is scaled by).
const chartValuesJS = `(id) => {
  const out = {};
  document.querySelectorAll('#' + id + ' svg [data-value]').forEach(e => {
    const k = e.dataset.label + (e.dataset.series ? '|' + e.dataset.series : '');
    out[k] = Number(e.dataset.value);
  });
  return out;
}`

// apiStats is the part of GET /api/v1/stats the dashboard draws.
type apiStats struct {
	Issued        int64 `json:"issued"`
	ReplyDue      int64 `json:"reply_due"`
	IssuedByMonth []struct {
		Label string `json:"label"`
		Count int64  `json:"count"`
	} `json:"issued_by_month"`
	ByState []struct {
		Label string `json:"label"`
		Count int64  `json:"count"`
	} `json:"by_state"`
	ReplyClasses []struct {
		Label string `json:"label"`
		Count int64  `json:"count"`
	} `json:"reply_classes"`
	AdoptionRate struct {
		Percent float64 `json:"percent"`
	} `json:"adoption_rate"`
	RectifiedRate struct {
		Percent float64 `json:"percent"`
	} `json:"rectified_rate"`
	OpenOverdue []struct {
		Title string `json:"title"`
	} `json:"open_overdue"`
}

// A chief opens the statistics, narrows them to a period and an agency, and
// every chart shows the numbers GET /api/v1/stats gives for the same filters.
func TestStatsDashboardChartsMatchTheAPI(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("chief1", apitest.Password)
	p.Open("/stats")
	if p.Status() != http.StatusOK {
		t.Fatalf("/stats: %d", p.Status())
	}
	p.MustSee("统计分析", "统计范围：本院及下级院", "每月制发检察建议件数", "被建议单位回复情况", "逾期未回复", "口径说明", "下载工作台账（Excel）")
	compare(t, p, env, url.Values{})
	p.Screenshot("stats-dashboard")

	// Filters as choices; the charts follow them.
	p.Select("期间", strconv.Itoa(env.Now().Year())+" 年").Select("被建议单位", "临江市清河区市场监督管理局").Click("查询")
	if p.Status() != http.StatusOK {
		t.Fatalf("filtered: %d\n%s", p.Status(), p.Text())
	}
	var q struct{ Query string }
	p.Eval(&q, `() => ({Query: location.search.slice(1)})`)
	v, err := url.ParseQuery(q.Query)
	if err != nil || v.Get("agency_id") == "" {
		t.Fatalf("query %q", q.Query)
	}
	want := url.Values{"agency_id": {v.Get("agency_id")}, "from": {strconv.Itoa(env.Now().Year()) + "-01-01"}, "to": {env.Now().Format("2006-01-02")}}
	compare(t, p, env, want)

	// The ledger link carries the same filters.
	var href string
	p.Eval(&href, `() => document.querySelector('a[href^="/stats/ledger.csv"]').getAttribute('href')`)
	lv, _ := url.ParseQuery(href[len("/stats/ledger.csv?"):])
	for k := range want {
		if lv.Get(k) != want.Get(k) {
			t.Errorf("ledger link %s: %s=%q, want %q", href, k, lv.Get(k), want.Get(k))
		}
	}
	var got struct {
		Status int
		Type   string
		Head   string
	}
	p.Eval(&got, `async (href) => { const r = await fetch(href); const t = await r.text();
	  return {Status: r.status, Type: r.headers.get('content-type'), Head: t.slice(0, 200)}; }`, href)
	if got.Status != http.StatusOK || got.Type != "text/csv; charset=utf-8" {
		t.Fatalf("ledger: %+v", got)
	}
}

// compare checks the dashboard's charts against the API for the filters.
func compare(t *testing.T, p *browsertest.Page, env *apitest.Env, filters url.Values) {
	t.Helper()
	var st apiStats
	env.Do("GET", "/api/v1/stats?"+filters.Encode(), "chief1", nil).Expect(t, http.StatusOK).Decode(t, &st)
	if st.Issued == 0 {
		t.Fatalf("no issued recommendations for %v: the test proves nothing", filters)
	}
	var months, states, classes, rates map[string]float64
	p.Eval(&months, chartValuesJS, "chart-months")
	p.Eval(&states, chartValuesJS, "chart-states")
	p.Eval(&classes, chartValuesJS, "chart-classes")
	p.Eval(&rates, chartValuesJS, "chart-rates")
	sum := 0.0
	for _, m := range st.IssuedByMonth {
		if months[m.Label] != float64(m.Count) {
			t.Errorf("%v: month %s drawn %v, API %d", filters, m.Label, months[m.Label], m.Count)
		}
		sum += months[m.Label]
	}
	if sum != float64(st.Issued) { // the months between are drawn as 0
		t.Errorf("%v: months %v, API %+v", filters, months, st.IssuedByMonth)
	}
	for _, s := range st.ByState {
		if states[s.Label] != float64(s.Count) {
			t.Errorf("%v: state %s drawn %v, API %d", filters, s.Label, states[s.Label], s.Count)
		}
	}
	if st.ReplyDue > 0 {
		for _, c := range st.ReplyClasses {
			if classes[c.Label] != float64(c.Count) {
				t.Errorf("%v: %s drawn %v, API %d", filters, c.Label, classes[c.Label], c.Count)
			}
		}
		if rates["采纳率"] != st.AdoptionRate.Percent || rates["整改到位率"] != st.RectifiedRate.Percent {
			t.Errorf("%v: rates %v, API %v / %v", filters, rates, st.AdoptionRate, st.RectifiedRate)
		}
	}
	var kpi string
	p.Eval(&kpi, `() => document.querySelector('.kpi[data-key="issued"] .kpi-value').textContent`)
	if kpi != strconv.FormatInt(st.Issued, 10) {
		t.Errorf("%v: 制发 tile %q, API %d", filters, kpi, st.Issued)
	}
	for _, o := range st.OpenOverdue {
		p.MustSee(o.Title)
	}
}

// The public statistics page draws the agencies' reply classes with the
// numbers of GET /api/v1/public/stats and still fits a phone.
func TestPublicStatsChartMatchesTheAPI(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	var pub struct {
		Agencies []struct {
			Agency   string `json:"agency"`
			ReplyDue int64  `json:"reply_due"`
			OnTime   int64  `json:"on_time"`
			Late     int64  `json:"late"`
			NoReply  int64  `json:"no_reply"`
		} `json:"agencies"`
	}
	env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, http.StatusOK).Decode(t, &pub)
	p := browsertest.Get(t).NewPage(t, base)
	p.Open("/public/stats")
	var drawn map[string]float64
	p.Eval(&drawn, chartValuesJS, "chart-public-agencies")
	checked := 0
	for _, a := range pub.Agencies {
		if a.ReplyDue == 0 {
			continue
		}
		for series, want := range map[string]int64{"按期回复": a.OnTime, "慢回复": a.Late, "不回复": a.NoReply} {
			if got := drawn[a.Agency+"|"+series]; got != float64(want) {
				t.Errorf("%s %s drawn %v, API %d", a.Agency, series, got, want)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no agency with recommendations due: the test proves nothing")
	}
	p.Screenshot("public-stats-chart")
}
