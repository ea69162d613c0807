package handlers_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// statsFixture is the known-answer fixture: ten recommendations issued by the
// district's 第八检察部 — 6 replied on time, 2 late, 1 perfunctory, 1 never
// (agency2, overdue) — plus one lead of prosecutor2 and one on-time case of
// the city procuratorate.
//
//	on-time rate   6 / 10 = 60 %
//	adoption       last unreturned reply: 5 adopted, 2 partly, 1 not → 7 / 8 = 87.5 %
//	rectified      4 rectified, 2 partly, 1 not → 4 / 7 = 57.1 %
//	days to reply  (6×30 + 2×70 + 1×40) / 9 = 40
func statsFixture(t *testing.T, env *apitest.Env) map[string]*cases.Case {
	t.Helper()
	type row struct {
		name, issued, class, rect, position string
		state                               cases.CaseState
		days                                int
	}
	rows := []row{
		{"ontime1", "2025-12-03", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime2", "2025-12-04", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime3", "2025-12-05", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime4", "2025-12-06", "on_time", "rectified", "adopted", cases.StateClosed, 30},
		{"ontime5", "2025-12-07", "on_time", "partly_rectified", "partly_adopted", cases.StateFollowingUp, 30},
		{"ontime6", "2026-01-05", "on_time", "partly_rectified", "partly_adopted", cases.StateFollowingUp, 30},
		{"late1", "2026-01-06", "late", "not_rectified", "adopted", cases.StateFollowingUp, 70},
		{"late2", "2026-01-07", "late", "", "not_adopted", cases.StateReplied, 70},
		{"perfunctory", "2026-01-08", "perfunctory", "", "", cases.StateReplied, 40},
		{"noreply", "2026-01-09", "no_reply", "", "", cases.StateDelivered, 0},
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
	}
	// An earlier, superseded reply does not count: only the last one does.
	first := &agency.Reply{CaseID: out["late2"].ID, Kind: agency.ReplyKindInterim, Position: agency.PositionAdopted, Content: "阶段性回复",
		SubmittedBy: userID(t, env.DB, "agency1"), SubmittedOn: *out["late2"].FirstRepliedOn, CreatedAt: time.Now().UTC()}
	if err := env.DB.Create(first).Error; err != nil {
		t.Fatal(err)
	}
	env.DB.Model(&agency.Reply{}).Where("id = ?", first.ID).Update("id", 1_000_000) // keep it, but make the 不采纳 the latest
	env.DB.Model(&agency.Reply{}).Where("case_id = ? AND position = ?", out["late2"].ID, "not_adopted").Update("id", 2_000_000)
	out["lead"] = insertCase(t, env, caseFixture{Title: "lead", Prosecutor: "prosecutor2", State: cases.StateLead})
	out["city"] = insertCase(t, env, caseFixture{Title: "city", Prosecutor: "cityprosecutor1", State: cases.StateClosed, IssuedOn: "2026-01-10",
		DeliveredOn: "2026-01-11", RepliedOn: "2026-02-10", ReplyClass: "on_time", Rectification: "rectified"})
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
		if st.Total != 11 || st.Issued != 10 {
			t.Fatalf("total %d issued %d", st.Total, st.Issued)
		}
		if st.OnTimeRate.Percent != 60 || st.OnTimeRate.Numerator != 6 || st.OnTimeRate.Denominator != 10 {
			t.Fatalf("on-time rate %+v", st.OnTimeRate)
		}
		if st.LateReply != 2 || st.Perfunctory != 1 || st.NoReply != 1 {
			t.Fatalf("late %d perfunctory %d no reply %d", st.LateReply, st.Perfunctory, st.NoReply)
		}
		if st.AdoptionRate.Percent != 87.5 || st.FullAdoptionRate.Percent != 62.5 || st.AdoptionRate.Denominator != 8 {
			t.Fatalf("adoption %+v full %+v", st.AdoptionRate, st.FullAdoptionRate)
		}
		if st.RectifiedRate.Percent != 57.1 || st.RectifiedRate.Denominator != 7 {
			t.Fatalf("rectified %+v", st.RectifiedRate)
		}
		if st.AvgDaysToReply == nil || *st.AvgDaysToReply != 40 {
			t.Fatalf("avg days %v", st.AvgDaysToReply)
		}
		counts := func(cs []stats.Count) map[string]int64 {
			m := map[string]int64{}
			for _, c := range cs {
				m[c.Key] = c.Count
			}
			return m
		}
		if s := counts(st.ByState); s["closed"] != 4 || s["following_up"] != 3 || s["replied"] != 2 || s["delivered"] != 1 || s["lead"] != 1 {
			t.Fatalf("by state %v", s)
		}
		if m := counts(st.IssuedByMonth); len(m) != 2 || m["2025-12"] != 5 || m["2026-01"] != 5 {
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

		// Scope by role and filters.
		for _, tc := range []struct {
			name, user, query string
			status            int
			total, issued     int64
			onTime            float64
		}{
			{"chief reads the district", "chief1", "", 200, 11, 10, 60},
			{"dept head reads own department", "depthead1", "", 200, 11, 10, 60},
			{"prosecutor reads own cases", "prosecutor2", "", 200, 1, 0, 0},
			{"city chief reads the subtree", "citychief1", "", 200, 12, 11, 63.6},
			{"city chief narrows to the district", "citychief1", fmt.Sprintf("?procuratorate_id=%d", env.Org.District.ID), 200, 11, 10, 60},
			{"district cannot read the city", "casemgr1", fmt.Sprintf("?procuratorate_id=%d", env.Org.City.ID), 400, 0, 0, 0},
			{"period on the issued date", "casemgr1", "?from=2026-01-01&to=2026-01-31", 200, 5, 5, 20},
			{"field filter", "casemgr1", "?field=不存在", 200, 0, 0, 0},
			{"agency filter", "casemgr1", fmt.Sprintf("?agency_id=%d", env.Org.Agency2.ID), 200, 1, 1, 0},
			{"dept head of another department", "depthead1", "?department_id=999", 403, 0, 0, 0},
			{"bad date", "casemgr1", "?from=2026-13-01", 400, 0, 0, 0},
			{"reversed period", "casemgr1", "?from=2026-02-01&to=2026-01-01", 400, 0, 0, 0},
			{"agency", "agency1", "", 403, 0, 0, 0},
			{"admin", "admin", "", 403, 0, 0, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := env.Do("GET", "/api/v1/stats"+tc.query, tc.user, nil).Expect(t, tc.status)
				if tc.status != 200 {
					return
				}
				var s stats.Stats
				res.Decode(t, &s)
				if s.Total != tc.total || s.Issued != tc.issued || s.OnTimeRate.Percent != tc.onTime {
					t.Fatalf("total %d issued %d on-time %.1f; want %d %d %.1f", s.Total, s.Issued, s.OnTimeRate.Percent, tc.total, tc.issued, tc.onTime)
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
		var row []string
		rowNo := 0
		for i, r := range rows {
			if len(r) > 1 && r[col("文号")] == *known.DocumentNumber {
				row, rowNo = r, i+1
			}
		}
		if row == nil {
			t.Fatalf("row for %s not found", *known.DocumentNumber)
		}
		want := map[string]string{"建议名称": "late1", "被建议单位": env.Org.Agency1.Name, "领域": "食品药品安全", "线索来源": "办案发现",
			"案件状态": "督促落实", "制发日期": "2026-01-06", "送达日期": "2026-01-08", "回复期限": "2026-03-09", "回复日期": "2026-03-19",
			"回复情况": "慢回复", "整改情况": "未整改", "承办检察官": "张检察官", "承办部门": "第八检察部"}
		for k, v := range want {
			if got := row[col(k)]; got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
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
		if got, _ := excelize.ExcelDateToTime(serial, false); got.Format("2006-01-02") != "2026-01-06" {
			t.Fatalf("issued serial %v is %v", serial, got)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Fatalf("panes %+v %v", panes, err)
		}
		if w, _ := f.GetColWidth(sheet, "B"); w != 26 {
			t.Fatalf("column B width %v", w)
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
		if len(recs) != 11 || recs[0][1] != "文号" {
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
			{"casemgr1", "?from=2026-01-01", 200, 6},
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
