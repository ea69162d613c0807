package handlers

import (
	"strings"
	"testing"

	"jianyi/internal/analysis"
	"jianyi/internal/calendar"
	"jianyi/internal/stats"
)

// TestAnalysisViewModels: the charts carry the figures (in their tables),
// a repeated letter links both cases, a similar letter links its case or
// its public page and reads its outcome, the refused rows read as reasons.
func TestAnalysisViewModels(t *testing.T) {
	t.Parallel()
	d := func(s string) calendar.Date {
		v, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r := &analysis.Recurrence{From: d("2026-01-01"), To: d("2026-06-30"), ProblemKinds: analysis.ProblemKinds,
		Fields: []analysis.FieldTrend{{Field: "金融", Current: 7, Previous: 2, Rising: true}, {Field: "生态环境", Current: 3, Previous: 4}},
		Groups: []analysis.RecurrenceGroup{
			{AgencyName: "临江市清河区教育局", ProblemKind: "safety_hazard", ProblemKindLabel: "安全隐患", Letters: 2,
				ReplyFigures: stats.ReplyFigures{ReplyDue: 2, OnTime: 1, NoReply: 1}},
			{AgencyName: "临江市清河区市场监督管理局", ProblemKind: "pollution", ProblemKindLabel: "环境污染与资源破坏", Letters: 5,
				ReplyFigures: stats.ReplyFigures{ReplyDue: 3, LateReply: 3}}},
		Repeated: []analysis.RepeatedLetter{{CaseID: 9, EarlierCaseID: 4, Title: "关于河道采砂", EarlierTitle: "关于河道采砂（前）",
			DaysBetween: 40, IssuedOn: d("2026-03-01"), EarlierIssuedOn: d("2026-01-20"), ProblemKindLabel: "环境污染与资源破坏", Field: "生态环境"}}}
	ch := recurrenceCharts(r)
	if !strings.Contains(string(ch["fields"]), "金融（上升）") || !strings.Contains(string(ch["kinds"]), "环境污染与资源破坏") ||
		!strings.Contains(string(ch["groups"]), "未到期") {
		t.Errorf("charts miss their figures: %v", ch)
	}
	if g := topGroupsByLetters(r.Groups); g[0].Letters != 5 {
		t.Errorf("groups by letters: %+v", g)
	}
	rows := repeatedRows(r)
	if len(rows) != 1 || rows[0].CaseURL != "/cases/9" || rows[0].EarlyURL != "/cases/4" || rows[0].DaysBetween != "相隔 40 天" {
		t.Errorf("repeated rows %+v", rows)
	}

	caseID, discID := int64(3), int64(8)
	issued := d("2025-05-01")
	cards := similarCards(&analysis.SimilarResult{Letters: []analysis.SimilarLetter{
		{Source: analysis.SourceOwn, CaseID: &caseID, Score: 0.764, Title: "甲", DocumentNumber: "清检八建〔2025〕3号", IssuedOn: &issued,
			ReplyClass: "on_time", ReplyClassLabel: "按期回复", PositionLabel: "采纳", RectificationLabel: "整改到位", SharedWords: []string{"尾矿库", "渗漏"}},
		{Source: analysis.SourcePublished, DisclosureID: &discID, Score: 0.5, Title: "乙"}}})
	if len(cards) != 2 || cards[0].URL != "/cases/3" || cards[0].Badge != "本院" || cards[0].Score != "相似度 76%" ||
		cards[0].Outcome != "按期回复 · 采纳 · 整改到位" || cards[0].Tone != "success" || cards[0].Shared != "共同词语：尾矿库、渗漏" ||
		!strings.Contains(cards[0].Meta, "2025-05-01 制发") {
		t.Errorf("own card %+v", cards[0])
	}
	if cards[1].URL != "/disclosures/8" || !cards[1].Published || cards[1].Outcome != "尚无回复" || cards[1].Tone != "muted" {
		t.Errorf("published card %+v", cards[1])
	}

	refused := importRefusedRows([]analysis.PreviewRow{{Row: 2, Status: analysis.RowValid},
		{Row: 3, Status: analysis.RowInvalid, Errors: []analysis.RowError{{Column: "title", Title: "线索标题", Message: "线索标题不能为空"}}},
		{Row: 4, Status: analysis.RowDuplicate, Errors: []analysis.RowError{{Message: "与第2行的模型名称和命中编号相同"}}}})
	if len(refused) != 2 || refused[0].Row != "第 3 行" || refused[0].Reasons != "线索标题：线索标题不能为空" || refused[1].Status != "重复" {
		t.Errorf("refused rows %+v", refused)
	}
	if s := importSummary(1000, 980, 20); !strings.Contains(s, "可导入 980 行，不能导入 20 行") {
		t.Errorf("summary %q", s)
	}
}
