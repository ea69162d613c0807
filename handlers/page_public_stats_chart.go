package handlers

import (
	"html/template"
	"sort"
	"strconv"

	"jianyi/internal/charts"
	"jianyi/internal/disclosure"
)

// publicChartRows is how many agencies the public chart draws (the table
// lists every one).
const publicChartRows = 12

// publicStatsCharts draws the reply classes of the agencies on the page
// (the ones with most recommendations due first) and their on-time rates.
func publicStatsCharts(agencies []disclosure.AgencyStat) (template.HTML, template.HTML) {
	rows := append([]disclosure.AgencyStat(nil), agencies...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].ReplyDue > rows[j].ReplyDue })
	var due []disclosure.AgencyStat
	for _, a := range rows {
		if a.ReplyDue > 0 && len(due) < publicChartRows {
			due = append(due, a)
		}
	}
	c := charts.Chart{ID: "chart-public-agencies", Title: "各被建议单位回复情况（应回复件数最多的 " + strconv.Itoa(len(due)) + " 家）",
		Unit: "件", TrimPrefix: true, Empty: "暂无回复期限届满的检察建议"}
	rc := charts.Chart{ID: "chart-public-rates", Title: "各被建议单位按期回复率", Unit: "%", Max: 100, TrimPrefix: true,
		Empty: "暂无回复期限届满的检察建议"}
	var on, late, none, rate []float64
	for _, a := range due {
		c.Labels = append(c.Labels, a.Agency)
		rc.Labels = append(rc.Labels, a.Agency)
		on, late, none = append(on, float64(a.OnTime)), append(late, float64(a.Late)), append(none, float64(a.NoReply))
		rate = append(rate, a.OnTimeRate.Percent)
		rc.Notes = append(rc.Notes, strconv.FormatInt(a.OnTimeRate.Numerator, 10)+"/"+strconv.FormatInt(a.OnTimeRate.Denominator, 10))
	}
	c.Series = []charts.Series{{Name: "按期回复", Tone: "success", Values: on}, {Name: "慢回复", Tone: "warning", Values: late}, {Name: "不回复", Tone: "danger", Values: none}}
	rc.Series = []charts.Series{{Name: "按期回复率", Values: rate}}
	return c.Stacked(), rc.Bars()
}
