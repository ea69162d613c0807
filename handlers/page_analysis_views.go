package handlers

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"jianyi/internal/analysis"
	"jianyi/internal/charts"
)

// View models for the analysis page and the similar-letter panel beside
// the draft editor (issue 15). The pages themselves come with the staff web
// interface; these functions turn the API's answers into what they show.

// analysisChartRows bounds the groups drawn; the table lists them all.
const analysisChartRows = 12

// recurrenceCharts draws the analysis page's charts: the fields against the
// previous period, the letters per problem kind, and the groups with most
// letters by reply class.
func recurrenceCharts(r *analysis.Recurrence) map[string]template.HTML {
	out := map[string]template.HTML{}
	fc := charts.Chart{ID: "chart-field-trend", Title: fmt.Sprintf("各领域制发件数：本期（%s 至 %s）与上期", r.From, r.To), Unit: "件",
		Empty: "两个期间都没有制发的检察建议", LabelChars: 10}
	var cur, prev []float64
	for _, f := range r.Fields {
		label := f.Field
		if f.Rising {
			label += "（上升）"
		}
		fc.Labels = append(fc.Labels, label)
		cur, prev = append(cur, float64(f.Current)), append(prev, float64(f.Previous))
	}
	fc.Series = []charts.Series{{Name: "上期", Tone: "muted", Values: prev}, {Name: "本期", Values: cur}}
	out["fields"] = fc.Stacked()

	kinds := map[string]int64{}
	for _, g := range r.Groups {
		kinds[g.ProblemKind] += g.Letters
	}
	kc := charts.Chart{ID: "chart-problem-kinds", Title: "各问题类型制发件数", Unit: "件", Empty: "期间内没有制发的检察建议", LabelChars: 10}
	var kv []float64
	for _, k := range r.ProblemKinds {
		if kinds[k.Key] == 0 {
			continue
		}
		kc.Labels = append(kc.Labels, k.Label)
		kv = append(kv, float64(kinds[k.Key]))
	}
	kc.Series = []charts.Series{{Name: "件数", Values: kv}}
	out["kinds"] = kc.Bars()

	gc := charts.Chart{ID: "chart-groups", Title: "收到检察建议最多的单位与问题（前 " + strconv.Itoa(min(analysisChartRows, len(r.Groups))) + " 组）",
		Unit: "件", Empty: "期间内没有制发的检察建议", TrimPrefix: true, LabelChars: 13}
	var on, late, none, pending []float64
	for i, g := range topGroupsByLetters(r.Groups) {
		if i == analysisChartRows {
			break
		}
		gc.Labels = append(gc.Labels, g.AgencyName+"·"+g.ProblemKindLabel)
		on, late, none = append(on, float64(g.OnTime)), append(late, float64(g.LateReply)), append(none, float64(g.NoReply))
		pending = append(pending, float64(g.Letters-g.ReplyDue))
	}
	gc.Series = []charts.Series{{Name: "按期回复", Tone: "success", Values: on}, {Name: "慢回复", Tone: "warning", Values: late},
		{Name: "不回复", Tone: "danger", Values: none}, {Name: "未到期", Tone: "muted", Values: pending}}
	out["groups"] = gc.Stacked()
	return out
}

// topGroupsByLetters orders the groups by their letters, most first (the
// API orders repeated groups first).
func topGroupsByLetters(groups []analysis.RecurrenceGroup) []analysis.RecurrenceGroup {
	out := append([]analysis.RecurrenceGroup(nil), groups...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Letters > out[j-1].Letters; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// repeatedRow is one line of the page's 重复建议 table.
type repeatedRow struct {
	Agency, Problem   string
	Case, Earlier     string // titles
	CaseURL, EarlyURL string
	IssuedOn, EarlyOn string
	DaysBetween       string
}

// repeatedRows lists the repeated letters for the page's table.
func repeatedRows(r *analysis.Recurrence) []repeatedRow {
	out := make([]repeatedRow, 0, len(r.Repeated))
	for _, x := range r.Repeated {
		out = append(out, repeatedRow{Agency: x.AgencyName, Problem: x.Field + " · " + x.ProblemKindLabel,
			Case: x.Title, CaseURL: fmt.Sprintf("/cases/%d", x.CaseID), IssuedOn: x.IssuedOn.String(),
			Earlier: x.EarlierTitle, EarlyURL: fmt.Sprintf("/cases/%d", x.EarlierCaseID), EarlyOn: x.EarlierIssuedOn.String(),
			DaysBetween: fmt.Sprintf("相隔 %d 天", x.DaysBetween)})
	}
	return out
}

// similarCard is one letter of the 类案参考 panel.
type similarCard struct {
	Title     string
	URL       string // the case page for own letters, the public page for published ones
	Badge     string // 本院 / 已公开
	Meta      string // 文号 · 院 · 单位 · 制发日期
	Outcome   string // 按期回复 · 采纳 · 整改到位
	Tone      string // the outcome's colour: success, warning, danger, muted
	Score     string // 相似度 76%
	Shared    string // 共同词语：尾矿库、渗漏、地下水
	Summary   string
	Published bool
}

// similarCards turns the similar letters into the panel's cards.
func similarCards(res *analysis.SimilarResult) []similarCard {
	out := make([]similarCard, 0, len(res.Letters))
	for _, l := range res.Letters {
		c := similarCard{Title: l.Title, Summary: l.Summary, Score: fmt.Sprintf("相似度 %d%%", int(l.Score*100+0.5))}
		if l.Source == analysis.SourcePublished && l.DisclosureID != nil {
			c.URL, c.Badge, c.Published = fmt.Sprintf("/disclosures/%d", *l.DisclosureID), "已公开", true
		} else if l.CaseID != nil {
			c.URL, c.Badge = fmt.Sprintf("/cases/%d", *l.CaseID), "本院"
		}
		var meta []string
		for _, s := range []string{l.DocumentNumber, l.ProcuratorateName, l.AgencyName} {
			if s != "" {
				meta = append(meta, s)
			}
		}
		if l.IssuedOn != nil {
			meta = append(meta, l.IssuedOn.String()+" 制发")
		}
		c.Meta = strings.Join(meta, " · ")
		var outcome []string
		for _, s := range []string{l.ReplyClassLabel, l.PositionLabel, l.RectificationLabel} {
			if s != "" {
				outcome = append(outcome, s)
			}
		}
		c.Outcome = strings.Join(outcome, " · ")
		if c.Outcome == "" {
			c.Outcome = "尚无回复"
		}
		c.Tone = replyClassTones[l.ReplyClass]
		if c.Tone == "" {
			c.Tone = "muted"
		}
		if len(l.SharedWords) > 0 {
			c.Shared = "共同词语：" + strings.Join(l.SharedWords, "、")
		}
		out = append(out, c)
	}
	return out
}

// importSummary is the headline of an import preview or result.
func importSummary(total, valid, refused int) string {
	if refused == 0 {
		return fmt.Sprintf("共 %d 行，全部可以导入。", total)
	}
	return fmt.Sprintf("共 %d 行：可导入 %d 行，不能导入 %d 行（原因见下表，修改后可重新上传）。", total, valid, refused)
}

// importRefusedRows lists the refused rows of a preview, one line each:
// the row number and every reason.
func importRefusedRows(rows []analysis.PreviewRow) []struct{ Row, Status, Reasons string } {
	var out []struct{ Row, Status, Reasons string }
	for _, r := range rows {
		if r.Status == analysis.RowValid {
			continue
		}
		status := "有误"
		if r.Status == analysis.RowDuplicate {
			status = "重复"
		}
		var reasons []string
		for _, e := range r.Errors {
			if e.Title != "" {
				reasons = append(reasons, e.Title+"："+e.Message)
			} else {
				reasons = append(reasons, e.Message)
			}
		}
		out = append(out, struct{ Row, Status, Reasons string }{fmt.Sprintf("第 %d 行", r.Row), status, strings.Join(reasons, "；")})
	}
	return out
}
