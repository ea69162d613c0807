package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/handlers"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// TestAgencySignRules: receipt date defaults to today, may not be in the
// future or before delivery; signing twice is a conflict.
func TestAgencySignRules(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, false)
		today := svcToday(env)
		tests := []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"no signer", map[string]any{}, http.StatusBadRequest, "signer_name"},
			{"future", map[string]any{"signer_name": "王科长", "received_on": today.AddDays(1).String()}, http.StatusBadRequest, "received_on"},
			{"before delivery", map[string]any{"signer_name": "王科长", "received_on": today.AddDays(-1).String()}, http.StatusBadRequest, "received_on"},
			{"bad date", map[string]any{"signer_name": "王科长", "received_on": "2026-02-30"}, http.StatusBadRequest, ""},
			{"default today", map[string]any{"signer_name": "王科长"}, http.StatusOK, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.body["version"] = 1
				_, res := act(t, env, fx.ID, "sign", "agency1", tt.body, tt.status)
				if tt.field != "" && !strings.Contains(string(res.Body), `"`+tt.field+`"`) {
					t.Fatalf("error does not name %s: %s", tt.field, res.Body)
				}
			})
		}
		var c cases.Case
		db.First(&c, fx.ID)
		if c.ReceivedOn == nil || *c.ReceivedOn != today || c.SignedBy == nil || c.SignedAt == nil || c.SignerName != "王科长" || c.ReplyDue == nil {
			t.Fatalf("signed case %+v", c)
		}
		_, res := act(t, env, fx.ID, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "又一人"}, http.StatusConflict)
		if res.ErrorCode() != "already_signed" {
			t.Fatalf("second sign: %s", res.Body)
		}
		// The prosecutor sees who signed on the case.
		v := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", fx.ID), "prosecutor1", nil).Expect(t, http.StatusOK).JSON()
		if v["signer_name"] != "王科长" || v["signed_at"] == nil {
			t.Fatalf("case view %v", v)
		}
	})
}

// TestAgencyObjection: an objection within the period, its review (keep,
// amend, withdraw), one open objection at a time, none after the period.
func TestAgencyObjection(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		agencyUsers := func(caseID int64, kind string) int64 {
			var n int64
			db.Model(&notify.Notification{}).Where("case_id = ? AND kind = ? AND user_id IN (?)", caseID, kind,
				db.Model(&org.User{}).Select("id").Where("agency_id = ?", env.Org.Agency1.ID)).Count(&n)
			return n
		}

		// keep: back to delivered, the reply clock untouched, the agency told why.
		keep := createDeliveredCaseFixture(t, env, 1, true)
		res := actMultipart(t, env, keep.ID, "object", "agency1", 1, map[string]any{"reason": "建议第二项超出我局职责"},
			[]apitest.File{{Field: "files", Name: "职责依据.pdf", Content: pdfBytes("duty")}}).Expect(t, http.StatusOK)
		var c caseState
		res.Decode(t, &c)
		_, r := act(t, env, keep.ID, "object", "agency1", map[string]any{"version": c.Version, "reason": "再提一次"}, http.StatusConflict)
		if r.ErrorCode() != "objection_pending" {
			t.Fatalf("second objection: %s", r.Body)
		}
		_, r = act(t, env, keep.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "ignore", "reason": "x"}, http.StatusBadRequest)
		c, _ = act(t, env, keep.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "keep", "reason": "属于法定职责"}, http.StatusOK)
		if c.State != "delivered" || c.ReplyDue == nil || *c.ReplyDue != keep.ReplyDue.String() {
			t.Fatalf("after keep %+v", c)
		}
		if agencyUsers(keep.ID, "objection_reviewed") != 1 {
			t.Fatal("agency not told the review outcome")
		}
		_, r = act(t, env, keep.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "keep", "reason": "x"}, http.StatusConflict)
		if r.ErrorCode() != "no_pending_objection" {
			t.Fatalf("review without objection: %s", r.Body)
		}
		d, _ := detail(t, env, keep.ID, "agency1")
		if len(d.Objections) != 1 || d.Objections[0]["status"] != "keep" || d.Objections[0]["decision_reason"] != "属于法定职责" ||
			len(d.Objections[0]["files"].([]any)) != 1 {
			t.Fatalf("objection as the agency sees it %+v", d.Objections)
		}

		// amend: back to drafting, 文号 recorded as superseded and cleared, the
		// clock cleared until the amended letter is received.
		amend := createDeliveredCaseFixture(t, env, 2, true)
		c, _ = act(t, env, amend.ID, "request_extension", "agency1", map[string]any{"version": 1, "reason": "需要时间", "requested_days": 10}, http.StatusOK)
		c, _ = act(t, env, amend.ID, "object", "agency1", map[string]any{"version": c.Version, "reason": "事实认定有误"}, http.StatusOK)
		c, _ = act(t, env, amend.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "amend", "reason": "部分事实需补正"}, http.StatusOK)
		if c.State != "drafting" || c.DocumentNumber != nil || c.ReplyDue != nil {
			t.Fatalf("after amend %+v", c)
		}
		var o agency.Objection
		db.Where("case_id = ?", amend.ID).First(&o)
		if o.Status != agency.ObjectionAmend || o.SupersededDocumentNumber != *amend.DocumentNumber {
			t.Fatalf("objection after amend %+v", o)
		}
		var ext agency.ExtensionRequest
		db.Where("case_id = ?", amend.ID).First(&ext)
		if ext.Status != agency.ExtensionLapsed {
			t.Fatalf("extension after amend %+v", ext)
		}
		// The agency still reads the letter it objected to and the outcome.
		d, _ = detail(t, env, amend.ID, "agency1")
		if d.State != "drafting" || len(d.Content.Items) != 3 || d.Objections[0]["superseded_document_number"] != *amend.DocumentNumber {
			t.Fatalf("agency view after amend %+v", d)
		}

		// The amended letter is issued and delivered again (written directly: the
		// prosecutor-side actions belong to another feature) ten days later; the
		// agency signs it and a new clock starts from the new receipt.
		later := svcToday(env).AddDays(10)
		newNo := "清河检八建〔2026〕5号"
		if err := db.Model(&cases.Case{}).Where("id = ?", amend.ID).Updates(map[string]any{"state": cases.StateDelivered,
			"document_number": newNo, "delivered_on": later, "version": c.Version + 1}).Error; err != nil {
			t.Fatal(err)
		}
		env.SetNow(shanghaiNoon(t, later.String()))
		c, _ = act(t, env, amend.ID, "sign", "agency1", map[string]any{"version": c.Version + 1, "signer_name": "王科长"}, http.StatusOK)
		wantDue := calendar.ReplyDeadline(later, 2, calendar.DefaultHolidayCalendar()).Due
		if c.ReplyDue == nil || *c.ReplyDue != wantDue.String() {
			t.Fatalf("new clock after amendment: due %v, want %s", c.ReplyDue, wantDue)
		}
		env.SetNow(shanghaiNoon(t, svcToday(env).AddDays(-10).String()))

		// withdraw.
		wd := createDeliveredCaseFixture(t, env, 3, true)
		c, _ = act(t, env, wd.ID, "object", "agency1", map[string]any{"version": 1, "reason": "问题已整改完毕"}, http.StatusOK)
		c, _ = act(t, env, wd.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "withdraw", "reason": "问题已消除"}, http.StatusOK)
		if c.State != "withdrawn" {
			t.Fatalf("after withdraw %+v", c)
		}

		// After the objection period: refused.
		late := createDeliveredCaseFixture(t, env, 4, true)
		env.SetNow(shanghaiNoon(t, late.ObjectionDue.AddDays(1).String()))
		_, r = act(t, env, late.ID, "object", "agency1", map[string]any{"version": 1, "reason": "逾期异议"}, http.StatusConflict)
		if r.ErrorCode() != "objection_period_over" {
			t.Fatalf("late objection: %s", r.Body)
		}
	})
}

// TestAgencyReplyRules: positions per item, reasons for not adopting,
// interim replies keep the case delivered, a refused extension leaves the
// deadline alone, a reply before the deadline is on time.
func TestAgencyReplyRules(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, true)
		base := func(items []map[string]any) map[string]any {
			return map[string]any{"version": 1, "kind": "final", "items": items, "contact_person": "王科长", "contact_phone": "1"}
		}
		bad := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"missing item", base(allItems("adopted", "adopted")), "items"},
			{"no items", base(nil), "items"},
			{"item out of range", base(append(allItems("adopted", "adopted", "adopted"), map[string]any{"item_no": 4, "position": "adopted"})), "items[3].item_no"},
			{"duplicate item", base([]map[string]any{{"item_no": 1, "position": "adopted"}, {"item_no": 1, "position": "adopted"}, {"item_no": 2, "position": "adopted"}, {"item_no": 3, "position": "adopted"}}), "items[1].item_no"},
			{"not adopted without reason", base([]map[string]any{{"item_no": 1, "position": "adopted"}, {"item_no": 2, "position": "adopted"}, {"item_no": 3, "position": "not_adopted"}}), "items[2].reason"},
			{"overall contradicts items", func() map[string]any {
				b := base(allItems("adopted", "adopted", "adopted"))
				b["position"] = "not_adopted"
				return b
			}(), "position"},
			{"unknown position", base([]map[string]any{{"item_no": 1, "position": "maybe"}}), "items[0].position"},
			{"no contact", map[string]any{"version": 1, "kind": "final", "items": allItems("adopted", "adopted", "adopted")}, "contact_person"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				_, res := act(t, env, fx.ID, "reply", "agency1", tt.body, http.StatusBadRequest)
				if !strings.Contains(string(res.Body), `"`+tt.field+`"`) {
					t.Fatalf("error does not name %s: %s", tt.field, res.Body)
				}
			})
		}
		var n int64
		db.Model(&agency.Reply{}).Where("case_id = ?", fx.ID).Count(&n)
		if n != 0 {
			t.Fatalf("refused replies stored: %d", n)
		}
		// A supplement before any final reply makes no sense.
		_, res := act(t, env, fx.ID, "reply", "agency1", map[string]any{"version": 1, "kind": "supplement", "items": allItems("adopted", "adopted", "adopted"),
			"contact_person": "王科长", "contact_phone": "1"}, http.StatusConflict)
		if res.ErrorCode() != "no_final_reply" {
			t.Fatalf("early supplement: %s", res.Body)
		}
		// Interim keeps delivered and does not classify.
		c, _ := act(t, env, fx.ID, "reply", "agency1", map[string]any{"version": 1, "kind": "interim", "text": "已部署整改",
			"contact_person": "王科长", "contact_phone": "1"}, http.StatusOK)
		if c.State != "delivered" || c.ReplyClass != "" || c.FirstRepliedOn != nil {
			t.Fatalf("after interim %+v", c)
		}
		// A refused extension keeps the deadline and is recorded.
		c, _ = act(t, env, fx.ID, "request_extension", "agency1", map[string]any{"version": c.Version, "reason": "需请示上级",
			"requested_due": fx.ReplyDue.AddDays(20).String()}, http.StatusOK)
		_, res = act(t, env, fx.ID, "decide_extension", "prosecutor1", map[string]any{"version": c.Version, "decision": "refuse"}, http.StatusBadRequest)
		c, _ = act(t, env, fx.ID, "decide_extension", "prosecutor1", map[string]any{"version": c.Version, "decision": "refuse", "reason": "期限充足"}, http.StatusOK)
		if *c.ReplyDue != fx.ReplyDue.String() {
			t.Fatalf("refusal moved the deadline to %s", *c.ReplyDue)
		}
		_, res = act(t, env, fx.ID, "decide_extension", "prosecutor1", map[string]any{"version": c.Version, "decision": "grant"}, http.StatusConflict)
		if res.ErrorCode() != "no_pending_extension" {
			t.Fatalf("deciding twice: %s", res.Body)
		}
		// An on-time final reply.
		c, _ = act(t, env, fx.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": "final", "position": "partly_adopted",
			"items": allItems("adopted", "partly_adopted", "adopted"), "measures_taken": "已整改", "contact_person": "王科长", "contact_phone": "1"}, http.StatusOK)
		if c.State != "replied" || c.ReplyClass != cases.ReplyClassOnTime {
			t.Fatalf("after on-time reply %+v", c)
		}
	})
}

// TestAgencyInbox: newest delivery first, filters, cursor pages, days left.
func TestAgencyInbox(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var ids []int64
		for i := 1; i <= 3; i++ {
			env.SetNow(shanghaiNoon(t, fmt.Sprintf("2026-03-0%d", i)))
			ids = append(ids, createDeliveredCaseFixture(t, env, i, true).ID)
		}
		// A case delivered to agency2 and a lead for agency1 never show.
		env.SetNow(shanghaiNoon(t, "2026-03-04"))
		other := createDeliveredCaseFixture(t, env, 9, true)
		db.Model(&cases.Case{}).Where("id = ?", other.ID).Update("agency_id", env.Org.Agency2.ID)
		env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "未送达线索", "field": "食品药品安全", "source": "case_finding",
			"summary": "x", "agency_id": env.Org.Agency1.ID}).Expect(t, http.StatusCreated)

		type page struct {
			Items []struct {
				ID       int64 `json:"id"`
				DaysLeft *int  `json:"days_left"`
				Overdue  bool  `json:"overdue"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		var got []int64
		cursor := ""
		for pages := 0; pages < 5; pages++ {
			var p page
			env.Do("GET", "/api/v1/agency/recommendations?limit=2&cursor="+cursor, "agency1", nil).Expect(t, http.StatusOK).Decode(t, &p)
			for _, it := range p.Items {
				got = append(got, it.ID)
				if it.DaysLeft == nil || *it.DaysLeft <= 0 {
					t.Fatalf("days left %v", it.DaysLeft)
				}
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if fmt.Sprint(got) != fmt.Sprint([]int64{ids[2], ids[1], ids[0]}) {
			t.Fatalf("inbox order %v, want %v", got, []int64{ids[2], ids[1], ids[0]})
		}
		// Overdue: move past the deadlines; one case replied is not overdue.
		var c cases.Case
		db.First(&c, ids[0])
		db.Model(&cases.Case{}).Where("id = ?", ids[0]).Update("state", cases.StateReplied)
		env.SetNow(shanghaiNoon(t, c.ReplyDue.AddDays(10).String()))
		var p page
		env.Do("GET", "/api/v1/agency/recommendations?overdue=true", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 2 || !p.Items[0].Overdue || *p.Items[0].DaysLeft >= 0 {
			t.Fatalf("overdue page %+v", p.Items)
		}
		env.Do("GET", "/api/v1/agency/recommendations?state=replied", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 1 || p.Items[0].ID != ids[0] {
			t.Fatalf("state filter %+v", p.Items)
		}
		env.Do("GET", "/api/v1/agency/recommendations?year=2025", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 0 {
			t.Fatalf("year filter %+v", p.Items)
		}
		env.Do("GET", "/api/v1/agency/recommendations?year=2026", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 3 {
			t.Fatalf("year 2026 %+v", p.Items)
		}
		for _, q := range []string{"state=nope", "year=abc", "overdue=maybe", "cursor=xyz"} {
			env.Do("GET", "/api/v1/agency/recommendations?"+q, "agency1", nil).Expect(t, http.StatusBadRequest)
		}
	})
}

// TestAgencyEscalateAndReopen: the chief records several measures with one
// document each (internal to the procuratorate); closure and reopening.
func TestAgencyEscalateAndReopen(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, true)
		today := svcToday(env).String()
		measures := []map[string]any{
			{"kind": "report_higher_procuratorate", "decided_on": today, "target": "临江市人民检察院", "summary": "逾期未回复，报告上级院"},
			{"kind": "notify_superior_regulator", "decided_on": today, "target": "临江市市场监督管理局", "summary": "通报主管机关"},
		}
		res := actMultipart(t, env, fx.ID, "escalate", "chief1", 1, map[string]any{"measures": measures},
			[]apitest.File{{Field: "files", Name: "报告.pdf", Content: pdfBytes("a")}}).Expect(t, http.StatusBadRequest)
		if !strings.Contains(string(res.Body), `"files"`) {
			t.Fatalf("missing document: %s", res.Body)
		}
		res = actMultipart(t, env, fx.ID, "escalate", "chief1", 1, map[string]any{"measures": measures},
			[]apitest.File{{Field: "files", Name: "报告.pdf", Content: pdfBytes("a")}, {Field: "files", Name: "通报.pdf", Content: pdfBytes("b")}}).Expect(t, http.StatusOK)
		var c caseState
		res.Decode(t, &c)
		var es []agency.Escalation
		db.Where("case_id = ?", fx.ID).Order("id").Find(&es)
		if len(es) != 2 {
			t.Fatalf("escalations %+v", es)
		}
		for _, e := range es {
			var f files.StoredFile
			if err := db.Omit("content").Where("owner_type = ? AND owner_id = ?", cases.OwnerEscalation, e.ID).First(&f).Error; err != nil || !f.Internal {
				t.Fatalf("escalation %d document %+v %v", e.ID, f, err)
			}
			env.Do("GET", fmt.Sprintf("/api/v1/files/%d", f.ID), "agency1", nil).Expect(t, http.StatusNotFound)
		}
		var told int64
		db.Model(&notify.Notification{}).Where("case_id = ? AND user_id = ? AND kind = ?", fx.ID, fx.ProsecutorID, "case_escalated").Count(&told)
		if told != 1 {
			t.Fatalf("prosecutor told of the escalation %d times", told)
		}
		staff := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/agency-records", fx.ID), "prosecutor1", nil).Expect(t, http.StatusOK).JSON()
		if len(staff["escalations"].([]any)) != 2 {
			t.Fatalf("staff records %v", staff["escalations"])
		}
		ev := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", fx.ID), "agency1", nil).Expect(t, http.StatusOK)
		if strings.Contains(string(ev.Body), "escalate") {
			t.Fatalf("agency sees the escalation: %s", ev.Body)
		}

		c, _ = act(t, env, fx.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": "final", "items": allItems("adopted", "adopted", "adopted"),
			"contact_person": "王科长", "contact_phone": "1"}, http.StatusOK)
		c, _ = act(t, env, fx.ID, "close", "depthead1", map[string]any{"version": c.Version, "outcome": "rectified", "summary": "整改到位"}, http.StatusOK)
		if c.State != "closed" || c.Outcome != "rectified" {
			t.Fatalf("closed %+v", c)
		}
		act(t, env, fx.ID, "reopen", "prosecutor1", map[string]any{"version": c.Version, "reason": "问题反弹"}, http.StatusForbidden)
		act(t, env, fx.ID, "reopen", "chief1", map[string]any{"version": c.Version}, http.StatusBadRequest)
		c, _ = act(t, env, fx.ID, "reopen", "chief1", map[string]any{"version": c.Version, "reason": "问题反弹"}, http.StatusOK)
		if c.State != "following_up" || c.Outcome != "" {
			t.Fatalf("reopened %+v", c)
		}
	})
}

// TestAgencyOpenAPI: the fragment merges and documents every agency route.
func TestAgencyOpenAPI(t *testing.T) {
	t.Parallel()
	doc, err := handlers.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/agency/recommendations:", "/api/v1/agency/recommendations/{id}:", "/api/v1/cases/{id}/agency-records:", "AgencyReplyPayload:"} {
		if !strings.Contains(string(doc), p) {
			t.Fatalf("openapi lacks %s", p)
		}
	}
}

// TestAgencyReplyWithOpenRequests: a final reply waits for an open
// objection's review; it makes an open extension request lapse; the class is
// 不回复 as soon as the deadline has passed without a final reply.
func TestAgencyReplyWithOpenRequests(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, true)
		final := func(version int) map[string]any {
			return map[string]any{"version": version, "kind": "final", "items": allItems("adopted", "adopted", "adopted"), "contact_person": "王科长", "contact_phone": "1"}
		}
		c, _ := act(t, env, fx.ID, "object", "agency1", map[string]any{"version": 1, "reason": "第三项不属于我局职责"}, http.StatusOK)
		_, r := act(t, env, fx.ID, "reply", "agency1", final(c.Version), http.StatusConflict)
		if r.ErrorCode() != "objection_pending" {
			t.Fatalf("final reply during objection: %s", r.Body)
		}
		c, _ = act(t, env, fx.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": "interim", "text": "整改已启动",
			"contact_person": "王科长", "contact_phone": "1"}, http.StatusOK)
		c, _ = act(t, env, fx.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "keep", "reason": "属于法定职责"}, http.StatusOK)
		c, _ = act(t, env, fx.ID, "request_extension", "agency1", map[string]any{"version": c.Version, "reason": "需要协调", "requested_days": 15}, http.StatusOK)

		// Past the deadline with no final reply: 不回复 in the inbox.
		env.SetNow(shanghaiNoon(t, fx.ReplyDue.AddDays(1).String()))
		var inbox struct {
			Items []struct {
				ReplyClass string `json:"reply_class"`
				Overdue    bool   `json:"overdue"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/agency/recommendations", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ReplyClass != cases.ReplyClassNoReply || !inbox.Items[0].Overdue {
			t.Fatalf("overdue inbox %+v", inbox.Items)
		}

		c, _ = act(t, env, fx.ID, "reply", "agency1", final(c.Version), http.StatusOK)
		if c.ReplyClass != cases.ReplyClassLate {
			t.Fatalf("late final reply class %q", c.ReplyClass)
		}
		var ext agency.ExtensionRequest
		db.Where("case_id = ?", fx.ID).First(&ext)
		if ext.Status != agency.ExtensionLapsed || ext.DecisionReason == nil || *ext.DecisionReason == "" {
			t.Fatalf("extension after reply %+v", ext)
		}
	})
}

// TestAgencyConcurrentRequests: two extension requests sent at once on the
// same version: exactly one is stored, the other gets 409.
func TestAgencyConcurrentRequests(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, true)
		env.Token("agency1")
		statuses := make([]int, 4)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				statuses[i] = env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/request_extension", fx.ID), "agency1",
					map[string]any{"version": 1, "reason": fmt.Sprintf("申请%d", i), "requested_days": 10 + i}).Status
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
			default:
				t.Fatalf("statuses %v", statuses)
			}
		}
		var n int64
		db.Model(&agency.ExtensionRequest{}).Where("case_id = ?", fx.ID).Count(&n)
		if ok != 1 || n != 1 {
			t.Fatalf("statuses %v, %d stored; want exactly one", statuses, n)
		}
	})
}

// TestAgencyPayloadValidation: each action names the field it needs, in a
// 400, and writes nothing.
func TestAgencyPayloadValidation(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, true)
		today := svcToday(env)
		tests := []struct {
			action, user string
			body         map[string]any
			field        string
		}{
			{"object", "agency1", map[string]any{}, "reason"},
			{"request_extension", "agency1", map[string]any{"reason": "x"}, "requested_days"},
			{"request_extension", "agency1", map[string]any{"reason": "x", "requested_due": fx.ReplyDue.String()}, "requested_due"},
			{"request_extension", "agency1", map[string]any{"reason": "x", "requested_days": 0, "requested_due": "2026-13-01"}, ""},
			{"decide_extension", "prosecutor1", map[string]any{"decision": "maybe"}, "decision"},
			{"review_objection", "chief1", map[string]any{"outcome": "keep"}, "reason"},
			{"follow_up", "prosecutor1", map[string]any{"kind": "visit", "participants": "x", "findings": "x"}, "held_on"},
			{"follow_up", "prosecutor1", map[string]any{"kind": "party", "held_on": today.String(), "participants": "x", "findings": "x"}, "kind"},
			{"follow_up", "prosecutor1", map[string]any{"kind": "visit", "held_on": today.AddDays(1).String(), "participants": "x", "findings": "x"}, "held_on"},
			{"sign", "agency1", map[string]any{"signer_name": "王", "extra": 1}, "extra"},
			{"escalate", "chief1", map[string]any{"measures": []any{map[string]any{"kind": "report_higher_procuratorate", "decided_on": today.String(), "target": "上级院"}}}, "measures[0].summary"},
		}
		for _, tt := range tests {
			t.Run(tt.action+" "+tt.field, func(t *testing.T) {
				tt.body["version"] = 1
				_, res := act(t, env, fx.ID, tt.action, tt.user, tt.body, http.StatusBadRequest)
				if tt.field != "" && !strings.Contains(string(res.Body), `"`+tt.field+`"`) {
					t.Fatalf("error does not name %s: %s", tt.field, res.Body)
				}
			})
		}
		var c cases.Case
		db.First(&c, fx.ID)
		var n int64
		db.Model(&agency.ExtensionRequest{}).Count(&n)
		if c.Version != 1 || n != 0 {
			t.Fatalf("refused actions changed something: version %d, %d extension requests", c.Version, n)
		}
	})
}
