package handlers_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// statsFixture is the known-answer fixture: ten recommendations issued by
// the district's 第八检察部 in November and December 2025, every reply due
// by 2026-02-10, the test clock on 2026-03-02 — 6 replied on time, 2 late,
// 1 on time but returned as perfunctory, 1 never (agency2) — plus one lead
// of prosecutor2 and one on-time case of the city procuratorate.
//
//	due           10 (every reply deadline has passed)
//	reply rate    9 / 10 = 90 %
//	on-time rate  7 / 10 = 70 % (the perfunctory reply came on time)
//	perfunctory   1 / 9 replied = 11.1 %
//	adoption      last unreturned reply: 5 adopted, 2 partly, 1 not, the
//	              returned one none → 7 / 10 = 70 %, fully 5 / 10 = 50 %
//	rectified     4 / 10 = 40 %
//	days to reply (6×30 + 2×70 + 40) / 9 = 40
//	escalations   late1 (report to the people's congress, no result yet),
//	              noreply (public-interest litigation that became 公益诉讼
//	              case 清河检公益立〔2026〕1号) → 2 cases, 1 with a result,
//	              1 公益诉讼
//	filings       ontime1 on time, ontime2 late → 1 / 2 = 50 %
//	宣告送达       ontime1 → 1 of 10 delivered
//	办理周期       ontime1–4 filed 2025-10-01, closed 2026-01-01 → 92 days
func statsFixture(t *testing.T, env *apitest.Env) map[string]*cases.Case {
	t.Helper()
	type row struct {
		name, issued, class, rect, position string
		state                               cases.CaseState
		days                                int
	}
	rows := []row{
		{"ontime1", "2025-11-03", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime2", "2025-11-04", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime3", "2025-11-05", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime4", "2025-11-06", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime5", "2025-11-07", "on_time", "partly_rectified", "partly_adopted", cases.StateFollowingUp, 30},
		{"ontime6", "2025-12-01", "on_time", "partly_rectified", "partly_adopted", cases.StateFollowingUp, 30},
		{"late1", "2025-12-02", "late", "not_rectified", "adopted", cases.StateFollowingUp, 70},
		{"late2", "2025-12-03", "late", "", "not_adopted", cases.StateReplied, 70},
		{"perfunctory", "2025-12-04", "perfunctory", "", "", cases.StateReplied, 40},
		{"noreply", "2025-12-05", "no_reply", "", "", cases.StateDelivered, 0},
	}
	out := map[string]*cases.Case{}
	for _, r := range rows {
		issued, _ := calendar.ParseDate(r.issued)
		delivered := issued.AddDays(2)
		f := caseFixture{Title: r.name, State: r.state, IssuedOn: r.issued, DeliveredOn: delivered.String(), ReplyDue: delivered.AddDays(60).String(),
			ReplyClass: r.class, Rectification: r.rect}
		if r.days > 0 {
			f.RepliedOn = delivered.AddDays(r.days).String()
		}
		if r.name == "noreply" {
			f.Agency = env.Org.Agency2.ID
			f.ReplyDue = "2026-02-10"
		}
		c := insertCase(t, env, f)
		out[r.name] = c
		setCaseState(t, env, c.ID, map[string]any{"case_number": "清河检八立〔2025〕" + r.name})
		if r.days > 0 {
			position := r.position
			returned := r.name == "perfunctory"
			if returned {
				position = "adopted"
			}
			rep := &agency.Reply{CaseID: c.ID, Kind: agency.ReplyKindFinal, Position: position, Content: "回复", SubmittedBy: userID(t, env.DB, "agency1"),
				SubmittedOn: *c.FirstRepliedOn, Returned: returned, CreatedAt: time.Now().UTC()}
			if err := env.DB.Create(rep).Error; err != nil {
				t.Fatal(err)
			}
		}
		method := cases.DeliveryWritten
		if r.name == "ontime1" {
			method = cases.DeliveryAnnounced
		}
		if err := env.DB.Create(&cases.CaseDelivery{CaseID: c.ID, Method: method, DeliveredOn: delivered, ReceivedOn: delivered,
			Attendees: "[]", CreatedBy: c.ProsecutorID, CreatedAt: time.Now().UTC()}).Error; err != nil {
			t.Fatal(err)
		}
	}
	// An earlier, superseded reply does not count: only the last one does.
	first := &agency.Reply{CaseID: out["late2"].ID, Kind: agency.ReplyKindInterim, Position: agency.PositionAdopted, Content: "阶段性回复",
		SubmittedBy: userID(t, env.DB, "agency1"), SubmittedOn: *out["late2"].FirstRepliedOn, CreatedAt: time.Now().UTC()}
	if err := env.DB.Create(first).Error; err != nil {
		t.Fatal(err)
	}
	env.DB.Model(&agency.Reply{}).Where("id = ?", first.ID).Update("id", 1_000_000) // keep it, but make the 不采纳 the latest
	env.DB.Model(&agency.Reply{}).Where("case_id = ? AND position = ?", out["late2"].ID, "not_adopted").Update("id", 2_000_000)
	for name, kind := range map[string]string{"late1": agency.EscalatePartyCongress, "noreply": agency.EscalateLitigation} {
		e := &agency.Escalation{CaseID: out[name].ID, Kind: kind, DecidedOn: calendar.NewDate(2026, 2, 20), Target: "对象",
			Summary: "逾期未整改", DecidedBy: userID(t, env.DB, "chief1"), CreatedAt: time.Now().UTC()}
		if kind == agency.EscalateLitigation {
			on := calendar.NewDate(2026, 2, 25)
			e.ResultReference, e.ResultOn = "清河检公益立〔2026〕1号", &on
		}
		if err := env.DB.Create(e).Error; err != nil {
			t.Fatal(err)
		}
	}
	filedAt := func(d string) *time.Time {
		day, _ := calendar.ParseDate(d)
		at := day.StartIn(env.Config.Location()).Add(10 * time.Hour)
		return &at
	}
	for name, filed := range map[string]string{"ontime1": "2025-11-05", "ontime2": "2025-11-12"} {
		c := out[name]
		due := calendar.DateOf(*c.IssuedAt, env.Config.Location()).AddDays(5)
		if err := env.DB.Create(&cases.Filing{CaseID: c.ID, ProcuratorateID: c.ProcuratorateID, ParentProcuratorateID: env.Org.City.ID,
			DueOn: due, Status: cases.FilingFiled, FiledAt: filedAt(filed), CreatedAt: time.Now().UTC()}).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"ontime1", "ontime2", "ontime3", "ontime4"} {
		env.EventFixture(out[name].ID, "file", "刘主任", "dept_head", "同意立案", "", *filedAt("2025-10-01"))
	}
	out["lead"] = insertCase(t, env, caseFixture{Title: "lead", Prosecutor: "prosecutor2", State: cases.StateLead})
	out["city"] = insertCase(t, env, caseFixture{Title: "city", Prosecutor: "cityprosecutor1", State: cases.StateClosed, IssuedOn: "2026-01-10",
		DeliveredOn: "2026-01-11", ReplyDue: "2026-02-24", RepliedOn: "2026-02-10", ReplyClass: "on_time", Rectification: "rectified"})
	return out
}

func TestStatsKnownAnswers(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		cases := statsFixture(t, env)

		var st stats.Stats
		env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &st)
		if st.Total != 11 || st.Issued != 10 || st.ReplyDue != 10 || st.Replied != 9 || st.AwaitingReply != 0 {
			t.Fatalf("total %d issued %d due %d replied %d awaiting %d", st.Total, st.Issued, st.ReplyDue, st.Replied, st.AwaitingReply)
		}
		rate := func(name string, r stats.Rate, num, den int64, pct float64) {
			t.Helper()
			if r.Numerator != num || r.Denominator != den || r.Percent != pct {
				t.Errorf("%s %+v, want %d / %d = %.1f", name, r, num, den, pct)
			}
		}
		rate("reply rate", st.ReplyRate, 9, 10, 90)
		rate("on-time rate", st.OnTimeRate, 7, 10, 70)
		rate("perfunctory rate", st.PerfunctoryRate, 1, 9, 11.1)
		rate("adoption rate", st.AdoptionRate, 7, 10, 70)
		rate("full adoption rate", st.FullAdoptionRate, 5, 10, 50)
		rate("rectified rate", st.RectifiedRate, 4, 10, 40)
		rate("filing on-time rate", st.FilingOnTimeRate, 1, 2, 50)
		rate("announced rate", st.AnnouncedRate, 1, 10, 10)
		rate("lead conversion", st.LeadConversion, 10, 10, 100)
		if st.LateReply != 2 || st.Perfunctory != 1 || st.NoReply != 1 || st.OnTime != 7 {
			t.Fatalf("late %d perfunctory %d no reply %d on time %d", st.LateReply, st.Perfunctory, st.NoReply, st.OnTime)
		}
		if st.AvgDaysToReply == nil || *st.AvgDaysToReply != 40 {
			t.Fatalf("avg days %v", st.AvgDaysToReply)
		}
		if st.EscalatedCases != 2 || st.PublicInterestCases != 1 || st.AnnouncedDeliveries != 1 || st.Delivered != 10 {
			t.Fatalf("escalated %d public interest %d announced %d delivered %d", st.EscalatedCases, st.PublicInterestCases, st.AnnouncedDeliveries, st.Delivered)
		}
		if st.Closed != 4 || st.AvgHandlingDays == nil || *st.AvgHandlingDays != 92 {
			t.Fatalf("closed %d, handling days %v", st.Closed, st.AvgHandlingDays)
		}
		counts := func(cs []stats.Count) map[string]int64 {
			m := map[string]int64{}
			for _, c := range cs {
				m[c.Key] = c.Count
			}
			return m
		}
		e, results := map[string]int64{}, map[string]int64{}
		for _, c := range st.Escalations {
			e[c.Key], results[c.Key] = c.Count, c.WithResult
		}
		if e["public_interest_litigation"] != 1 || e["report_party_congress"] != 1 || len(e) != 5 ||
			results["public_interest_litigation"] != 1 || results["report_party_congress"] != 0 || st.EscalationResults != 1 {
			t.Fatalf("escalations %v, with a result %v (%d)", e, results, st.EscalationResults)
		}
		if p := counts(st.Positions); p["adopted"] != 5 || p["partly_adopted"] != 2 || p["not_adopted"] != 1 {
			t.Fatalf("positions %v", p)
		}
		if s := counts(st.ByState); s["closed"] != 4 || s["following_up"] != 3 || s["replied"] != 2 || s["delivered"] != 1 || s["lead"] != 1 {
			t.Fatalf("by state %v", s)
		}
		if m := counts(st.IssuedByMonth); len(m) != 2 || m["2025-11"] != 5 || m["2025-12"] != 5 {
			t.Fatalf("issued by month %v", m)
		}
		if s := counts(st.BySource); s["case_finding"] != 11 {
			t.Fatalf("by source %v", s)
		}
		if len(st.OpenOverdue) != 1 || st.OpenOverdue[0].ID != cases["noreply"].ID || st.OpenOverdue[0].DaysOverdue != 20 {
			t.Fatalf("open overdue %+v", st.OpenOverdue)
		}
		if len(st.NonResponders) != 1 || st.NonResponders[0].AgencyID != env.Org.Agency2.ID || st.NonResponders[0].NoReply != 1 {
			t.Fatalf("non-responders %+v", st.NonResponders)
		}
		for _, key := range []string{"reply_rate", "on_time_rate", "no_reply", "adoption_rate", "rectified_rate", "filing_on_time_rate",
			"lead_conversion_rate", "avg_handling_days", "announced_deliveries", "public_interest_cases", "applications"} {
			if st.Definitions[key] != stats.Definitions[key] || st.Definitions[key] == "" {
				t.Errorf("definition of %s missing", key)
			}
		}

		// A city's chief reads the breakdown of its subtree; the rows add
		// up to the totals.
		var city stats.Stats
		env.Do("GET", "/api/v1/stats", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &city)
		if len(city.ByProcuratorate) != 2 || city.ByProcuratorate[0].ProcuratorateID != env.Org.City.ID ||
			city.ByProcuratorate[1].ProcuratorateID != env.Org.District.ID {
			t.Fatalf("breakdown %+v", city.ByProcuratorate)
		}
		var sumDue, sumOnTime, sumIssued int64
		for _, p := range city.ByProcuratorate {
			sumDue += p.ReplyDue
			sumOnTime += p.OnTime
			sumIssued += p.Issued
		}
		if district := city.ByProcuratorate[1]; district.ReplyDue != 10 || district.OnTimeRate.Percent != 70 || district.NoReply != 1 ||
			district.Issued != 10 || district.EscalatedCases != 2 || city.ByProcuratorate[0].ReplyDue != 1 {
			t.Fatalf("district row %+v", district)
		}
		if sumDue != city.ReplyDue || sumOnTime != city.OnTime || sumIssued != city.Issued || city.ReplyDue != 11 {
			t.Fatalf("rows add up to due %d on time %d issued %d; totals %d %d %d", sumDue, sumOnTime, sumIssued, city.ReplyDue, city.OnTime, city.Issued)
		}

		// Scope by role and filters. The period counts cases by their
		// issued date and reply figures by their reply due date.
		for _, tc := range []struct {
			name, user, query  string
			status             int
			total, issued, due int64
			onTime             float64
		}{
			{"chief reads the district", "chief1", "", 200, 11, 10, 10, 70},
			{"dept head reads own department", "depthead1", "", 200, 11, 10, 10, 70},
			{"prosecutor reads own cases", "prosecutor2", "", 200, 1, 0, 0, 0},
			{"city chief reads the subtree", "citychief1", "", 200, 12, 11, 11, 72.7},
			{"city chief narrows to the district", "citychief1", fmt.Sprintf("?procuratorate_id=%d", env.Org.District.ID), 200, 11, 10, 10, 70},
			{"district cannot read the city", "casemgr1", fmt.Sprintf("?procuratorate_id=%d", env.Org.City.ID), 400, 0, 0, 0, 0},
			{"issued in December; due in December", "casemgr1", "?from=2025-12-01&to=2025-12-31", 200, 5, 5, 0, 0},
			{"due in January (issued in November)", "casemgr1", "?from=2026-01-01&to=2026-01-31", 200, 0, 0, 5, 100},
			{"due in February", "casemgr1", "?from=2026-02-01&to=2026-02-28", 200, 0, 0, 5, 40},
			{"field filter", "casemgr1", "?field=不存在", 200, 0, 0, 0, 0},
			{"agency filter", "casemgr1", fmt.Sprintf("?agency_id=%d", env.Org.Agency2.ID), 200, 1, 1, 1, 0},
			{"dept head of another department", "depthead1", "?department_id=999", 403, 0, 0, 0, 0},
			{"bad date", "casemgr1", "?from=2026-13-01", 400, 0, 0, 0, 0},
			{"reversed period", "casemgr1", "?from=2026-02-01&to=2026-01-01", 400, 0, 0, 0, 0},
			{"agency", "agency1", "", 403, 0, 0, 0, 0},
			{"admin", "admin", "", 403, 0, 0, 0, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := env.Do("GET", "/api/v1/stats"+tc.query, tc.user, nil).Expect(t, tc.status)
				if tc.status != 200 {
					return
				}
				var s stats.Stats
				res.Decode(t, &s)
				if s.Total != tc.total || s.Issued != tc.issued || s.ReplyDue != tc.due || s.OnTimeRate.Percent != tc.onTime {
					t.Fatalf("total %d issued %d due %d on-time %.1f; want %d %d %d %.1f", s.Total, s.Issued, s.ReplyDue, s.OnTimeRate.Percent,
						tc.total, tc.issued, tc.due, tc.onTime)
				}
			})
		}
	})
}

func TestLedgerExport(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		cases := statsFixture(t, env)
		known := cases["late1"]
		res := env.Do("GET", "/api/v1/stats/ledger.xlsx", "casemgr1", nil).Expect(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("content type %s", ct)
		}
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("open xlsx: %v", err)
		}
		defer f.Close()
		const sheet = "工作台账"
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 11 {
			t.Fatalf("rows %d, want header + 10", len(rows))
		}
		headers := stats.LedgerHeaders()
		for i, h := range headers {
			if rows[0][i] != h {
				t.Fatalf("header %d = %q, want %q", i, rows[0][i], h)
			}
		}
		col := func(name string) int {
			for i, h := range headers {
				if h == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		rowOf := func(number string) ([]string, int) {
			for i, r := range rows {
				if len(r) > 2 && r[col("文号")] == number {
					return r, i + 1
				}
			}
			t.Fatalf("row for %s not found", number)
			return nil, 0
		}
		cellOf := func(r []string, name string) string {
			if i := col(name); i < len(r) {
				return r[i]
			}
			return "" // GetRows drops trailing empty cells
		}
		row, rowNo := rowOf(*known.DocumentNumber)
		want := map[string]string{"案号": "清河检八立〔2025〕late1", "建议名称": "late1", "被建议单位": env.Org.Agency1.Name, "领域": "食品药品安全",
			"线索来源": "办案发现", "案件状态": "督促落实", "制发日期": "2025-12-02", "送达方式": "书面送达", "送达日期": "2025-12-04",
			"签收日期": "2025-12-04", "回复期限": "2026-02-02", "回复日期": "2026-02-12", "回复情况": "慢回复", "回复质量": "", "采纳情况": "采纳",
			"整改情况": "未整改", "报告/通报/移送": "报告同级党委、人大（2026-02-20）", "备案期限": "", "结案日期": "", "承办检察官": "张检察官",
			"承办部门": "第八检察部"}
		for k, v := range want {
			if got := cellOf(row, k); got != v {
				t.Errorf("late1 %s = %q, want %q", k, got, v)
			}
		}
		closed, _ := rowOf(*cases["ontime1"].DocumentNumber)
		perfunctory, _ := rowOf(*cases["perfunctory"].DocumentNumber)
		noReply, _ := rowOf(*cases["noreply"].DocumentNumber)
		for _, c := range []struct {
			row         []string
			name, value string
		}{
			{closed, "送达方式", "宣告送达"}, {closed, "备案期限", "2025-11-08"}, {closed, "备案日期", "2025-11-05"}, {closed, "结案日期", "2026-01-01"},
			{closed, "回复情况", "按期回复"}, {perfunctory, "回复情况", "按期回复"}, {perfunctory, "回复质量", "粗回复"}, {perfunctory, "采纳情况", ""},
			{noReply, "回复情况", "不回复"}, {noReply, "报告/通报/移送", "依法提起公益诉讼（2026-02-20，清河检公益立〔2026〕1号）"}, {noReply, "回复期限", "2026-02-10"},
		} {
			if got := cellOf(c.row, c.name); got != c.value {
				t.Errorf("%s of %s = %q, want %q", c.name, c.row[col("建议名称")], got, c.value)
			}
		}
		// The 口径说明 sheet explains the columns with the definitions.
		notes, err := f.GetRows("口径说明")
		if err != nil || len(notes) < 10 {
			t.Fatalf("notes sheet: %d rows, %v", len(notes), err)
		}
		explained := map[string]string{}
		for _, n := range notes {
			if len(n) == 2 {
				explained[n[0]] = n[1]
			}
		}
		if !strings.Contains(explained["回复期限"], stats.Definitions["reply_due_date"]) || !strings.Contains(explained["回复情况"], stats.Definitions["no_reply"]) {
			t.Fatalf("notes %v", explained)
		}
		// Dates are real date cells: a serial number shown through a date format.
		cell, _ := excelize.CoordinatesToCellName(col("制发日期")+1, rowNo)
		raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		serial, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Fatalf("issued cell raw value %q is not a number", raw)
		}
		if got, _ := excelize.ExcelDateToTime(serial, false); got.Format("2006-01-02") != "2025-12-02" {
			t.Fatalf("issued serial %v is %v", serial, got)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Fatalf("panes %+v %v", panes, err)
		}
		if w, _ := f.GetColWidth(sheet, "C"); w != 26 { // 文号
			t.Fatalf("column C width %v", w)
		}

		// CSV: a BOM, a header and one line per recommendation.
		res = env.Do("GET", "/api/v1/stats/ledger.csv", "casemgr1", nil).Expect(t, http.StatusOK)
		if !bytes.HasPrefix(res.Body, []byte("\xEF\xBB\xBF")) {
			t.Fatalf("no BOM: % x", res.Body[:3])
		}
		recs, err := csv.NewReader(bytes.NewReader(res.Body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 11 || recs[0][2] != "文号" {
			t.Fatalf("csv rows %d, header %v", len(recs), recs[0])
		}

		// Scope and access as for the statistics.
		for _, tc := range []struct {
			user  string
			query string
			code  int
			lines int
		}{
			{"prosecutor2", "", 200, 1},
			{"citychief1", "", 200, 12},
			{"casemgr1", "?from=2025-12-01", 200, 6},
			{"agency1", "", 403, 0},
		} {
			r := env.Do("GET", "/api/v1/stats/ledger.csv"+tc.query, tc.user, nil).Expect(t, tc.code)
			if tc.code == 200 {
				recs, _ := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
				if len(recs) != tc.lines {
					t.Errorf("%s%s: %d lines, want %d", tc.user, tc.query, len(recs), tc.lines)
				}
			}
		}
		var n int64
		env.DB.Model(&audit.Entry{}).Where("action = ?", "ledger.export").Count(&n)
		if n != 5 {
			t.Fatalf("ledger export audit entries %d", n)
		}
	})
}

// heldWriter is a client that stops reading at its first write until
// released.
type heldWriter struct {
	*httptest.ResponseRecorder
	writing chan struct{} // closed at the first write
	release chan struct{}
	once    sync.Once
}

func (w *heldWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.writing) })
	<-w.release
	return w.ResponseRecorder.Write(p)
}

// TestLedgerExportSlots: with http.export_slots downloads streaming, the
// next waits for a slot and, after http.export_wait, gets 429 exports_busy
// with Retry-After; once a download ends its slot serves the next.
func TestLedgerExportSlots(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenSeeded(t, "sqlite")
	env := apitest.NewWithConfig(t, db, apitest.TestConfig(t, func(cfg *config.Config) {
		cfg.HTTP.ExportSlots, cfg.HTTP.ExportWait = 1, 100*time.Millisecond
	}))
	statsFixture(t, env)
	held := &heldWriter{ResponseRecorder: httptest.NewRecorder(), writing: make(chan struct{}), release: make(chan struct{})}
	req := httptest.NewRequest("GET", "/api/v1/stats/ledger.csv", nil)
	req.Header.Set("Authorization", "Bearer "+env.Token("casemgr1"))
	req.RemoteAddr = "127.0.0.1:40000"
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.Echo.ServeHTTP(held, req)
	}()
	<-held.writing
	res := env.Do("GET", "/api/v1/stats/ledger.xlsx", "casemgr1", nil)
	if res.Status != http.StatusTooManyRequests || res.ErrorCode() != "exports_busy" || res.Header.Get("Retry-After") == "" {
		t.Fatalf("a download while the only slot streams: %d %s %q", res.Status, res.Body, res.Header.Get("Retry-After"))
	}
	close(held.release)
	<-done
	if held.Code != http.StatusOK || !bytes.HasPrefix(held.Body.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("the held download: %d", held.Code)
	}
	env.Do("GET", "/api/v1/stats/ledger.xlsx", "casemgr1", nil).Expect(t, http.StatusOK)
}
