package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestCaseFieldsList: the admin-edited 领域 list decides what a lead may be
// registered under.
func TestCaseFieldsList(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var list struct {
			Items []struct {
				ID     int64  `json:"id"`
				Name   string `json:"name"`
				Active bool   `json:"active"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/fields", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		var names []string
		for _, f := range list.Items {
			names = append(names, f.Name)
		}
		if strings.Join(names, ",") != "食品药品安全,生态环境,安全生产,校园安全,金融,网络治理,其他" {
			t.Fatalf("shipped fields %v", names)
		}
		env.Do("GET", "/api/v1/fields", "agency1", nil).Expect(t, http.StatusForbidden)
		env.Do("POST", "/api/v1/admin/fields", "prosecutor1", map[string]any{"name": "文物保护"}).Expect(t, http.StatusForbidden)

		lead := func(field string) *apitest.Response {
			return env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "领域测试", "field": field, "source": "other", "summary": "摘要"})
		}
		if r := lead("文物保护").Expect(t, http.StatusBadRequest); !strings.Contains(string(r.Body), `"field"`) {
			t.Fatalf("unknown field: %s", r.Body)
		}
		var created struct {
			ID int64 `json:"id"`
		}
		env.Do("POST", "/api/v1/admin/fields", "admin", map[string]any{"name": "文物保护", "sort_order": 65}).Expect(t, http.StatusCreated).Decode(t, &created)
		lead("文物保护").Expect(t, http.StatusCreated)
		if r := env.Do("POST", "/api/v1/admin/fields", "admin", map[string]any{"name": "文物保护"}); r.Status != http.StatusConflict {
			t.Fatalf("duplicate field: %d %s", r.Status, r.Body)
		}
		// Deactivated: no longer offered or accepted, still listed for admins.
		env.Do("PUT", fmt.Sprintf("/api/v1/admin/fields/%d", created.ID), "admin", map[string]any{"name": "文物保护", "active": false, "sort_order": 65}).Expect(t, http.StatusOK)
		lead("文物保护").Expect(t, http.StatusBadRequest)
		env.Do("GET", "/api/v1/fields", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		if len(list.Items) != 7 {
			t.Fatalf("active fields %d, want 7", len(list.Items))
		}
		env.Do("GET", "/api/v1/admin/fields", "admin", nil).Expect(t, http.StatusOK).Decode(t, &list)
		if len(list.Items) != 8 {
			t.Fatalf("all fields %d, want 8", len(list.Items))
		}
		env.Do("PUT", "/api/v1/admin/fields/99999", "admin", map[string]any{"name": "x"}).Expect(t, http.StatusNotFound)
	})
}

// TestInvestigationRecordRules: who may add records, in which states, and
// what the agency sees.
func TestInvestigationRecordRules(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var expert struct {
			ID int64 `json:"id"`
		}
		env.Do("POST", "/api/v1/experts", "prosecutor1", map[string]any{"name": "钱教授", "field": "食品药品安全", "organisation": "临江大学食品学院"}).
			Expect(t, http.StatusCreated).Decode(t, &expert)
		env.Do("POST", "/api/v1/experts", "agency1", map[string]any{"name": "x", "field": "y", "organisation": "z"}).Expect(t, http.StatusForbidden)
		env.Do("POST", "/api/v1/experts", "prosecutor1", map[string]any{"name": "缺单位", "field": "金融"}).Expect(t, http.StatusBadRequest)
		var experts struct {
			Items []struct{ Name string } `json:"items"`
		}
		env.Do("GET", "/api/v1/experts?field=食品药品安全", "chief1", nil).Expect(t, http.StatusOK).Decode(t, &experts)
		if len(experts.Items) != 1 || experts.Items[0].Name != "钱教授" {
			t.Fatalf("experts %+v", experts.Items)
		}

		record := func(internal bool) map[string]any {
			return map[string]any{"kind": "expert_consultation", "date": "2026-03-01", "participants": "张检察官、钱教授",
				"summary": "咨询食品安全风险。", "internal": internal, "expert_ids": []int64{expert.ID}}
		}
		lead := newLead(t, env, "调查核实规则")
		path := func(c caseState) string { return fmt.Sprintf("/api/v1/cases/%d/investigation-records", c.ID) }
		if r := env.Do("POST", path(lead), "prosecutor1", record(true)); r.Status != http.StatusConflict {
			t.Fatalf("record on a lead: %d %s", r.Status, r.Body)
		}
		c := driveTo(t, env, "调查核实规则", "investigating")
		cases := []struct {
			name   string
			user   string
			body   map[string]any
			status int
		}{
			{"prosecutor", "prosecutor1", record(false), http.StatusCreated},
			{"department head", "depthead1", record(true), http.StatusCreated},
			{"chief is not of the department", "chief1", record(true), http.StatusForbidden},
			{"case manager", "casemgr1", record(true), http.StatusForbidden},
			{"other procuratorate", "cityprosecutor1", record(true), http.StatusNotFound},
			{"agency", "agency1", record(true), http.StatusNotFound},
			{"unknown expert", "prosecutor1", map[string]any{"kind": "expert_consultation", "date": "2026-03-01", "participants": "张", "summary": "s", "expert_ids": []int64{expert.ID + 99}}, http.StatusBadRequest},
			{"unknown kind", "prosecutor1", map[string]any{"kind": "telepathy", "date": "2026-03-01", "participants": "张", "summary": "s"}, http.StatusBadRequest},
			{"restricting liberty", "prosecutor1", map[string]any{"kind": "restrict_liberty", "date": "2026-03-01", "participants": "张", "summary": "s"}, http.StatusBadRequest},
			{"future date", "prosecutor1", map[string]any{"kind": "interview", "date": "2027-01-01", "participants": "张", "summary": "s"}, http.StatusBadRequest},
			{"missing summary", "prosecutor1", map[string]any{"kind": "interview", "date": "2026-03-01", "participants": "张"}, http.StatusBadRequest},
		}
		for _, tc := range cases {
			if r := env.Do("POST", path(c), tc.user, tc.body); r.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
			}
		}
		// A disguised executable is refused by content, whatever its name says.
		req := apitest.Multipart("POST", path(c), map[string]string{"payload": `{"kind":"consult_files","date":"2026-03-01","participants":"张","summary":"调阅档案"}`},
			[]apitest.File{{Field: "files", Name: "档案.pdf", ContentType: "application/pdf", Content: []byte("MZ\x90\x00\x03\x00\x00\x00binary")}})
		if r := env.DoRequest(req, "prosecutor1"); r.Status != http.StatusUnsupportedMediaType {
			t.Fatalf("disguised upload: %d %s", r.Status, r.Body)
		}

		// 征求意见 with the agency's written opinion attached (multipart action).
		consult := apitest.Multipart("POST", fmt.Sprintf("/api/v1/cases/%d/actions/consult", c.ID), map[string]string{
			"version": fmt.Sprint(c.Version),
			"payload": `{"date":"2026-03-02","participants":"张检察官、王科长","opinion":"同意整改方向"}`,
		}, []apitest.File{{Field: "files", Name: "书面意见.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n% opinion\n")}})
		env.DoRequest(consult, "prosecutor1").Expect(t, http.StatusOK).Decode(t, &c)

		// After delivery the agency reads only the non-internal record.
		c = driveFrom(t, env, c, "delivered")
		var list struct {
			Items []struct {
				Internal  bool    `json:"internal"`
				ExpertIDs []int64 `json:"expert_ids"`
				Files     []struct {
					Filename string `json:"filename"`
				} `json:"files"`
			} `json:"items"`
		}
		env.Do("GET", path(c), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		// Three records, then the site visit and the 调查终结报告 submission needed.
		if len(list.Items) != 5 || len(list.Items[0].ExpertIDs) != 1 || len(list.Items[2].Files) != 1 || list.Items[2].Files[0].Filename != "书面意见.pdf" {
			t.Fatalf("staff records %+v", list.Items)
		}
		env.Do("GET", path(c), "agency1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Internal {
			t.Fatalf("agency records %+v", list.Items)
		}
		env.Do("GET", path(c), "agency2", nil).Expect(t, http.StatusNotFound)
		if r := env.Do("POST", path(c), "prosecutor1", record(true)); r.Status != http.StatusConflict {
			t.Fatalf("record after delivery: %d", r.Status)
		}
	})
}

// driveFrom continues a case from its state to want with the demo roles.
func driveFrom(t *testing.T, env *apitest.Env, c caseState, want string) caseState {
	t.Helper()
	order := []string{"lead", "checking", "filed", "investigating", "drafting", "reviewing", "approved", "issued", "delivered"}
	next := map[string]func(caseState) caseState{
		"lead":          func(c caseState) caseState { return mustAct(t, env, c, "check", "prosecutor1", nil) },
		"checking":      func(c caseState) caseState { return mustAct(t, env, c, "file", "depthead1", nil) },
		"filed":         func(c caseState) caseState { return mustAct(t, env, c, "investigate", "prosecutor1", nil) },
		"investigating": func(c caseState) caseState { return mustAct(t, env, c, "draft", "prosecutor1", nil) },
		"drafting": func(c caseState) caseState {
			env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
			investigationDone(t, env, c.ID)
			return mustAct(t, env, c, "submit", "prosecutor1", nil)
		},
		"reviewing": func(c caseState) caseState {
			c = mustAct(t, env, c, "approve", "depthead1", map[string]any{"opinion": "同意，报检察长审批"})
			return mustAct(t, env, c, "approve", "chief1", map[string]any{"opinion": "同意"})
		},
		"approved": func(c caseState) caseState { return mustAct(t, env, c, "issue", "prosecutor1", nil) },
		"issued": func(c caseState) caseState {
			return mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": "2026-03-02"})
		},
	}
	for c.State != want {
		step, ok := next[c.State]
		if !ok || strings.Index(strings.Join(order, ","), c.State) > strings.Index(strings.Join(order, ","), want) {
			t.Fatalf("driveFrom: cannot go from %s to %s", c.State, want)
		}
		c = step(c)
	}
	return c
}

// TestDraftVersionsAndUrgentDeadline: saving, versioning and access of drafts;
// an urgent period set on the draft reaches the case at approval and decides
// the stored deadline at delivery; a 检察委员会 decision is recorded.
func TestDraftVersionsAndUrgentDeadline(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "紧急检察建议", "filed")
		draftPath := fmt.Sprintf("/api/v1/cases/%d/draft", c.ID)
		// Not yet investigating: no drafting.
		if r := env.Do("PUT", draftPath, "prosecutor1", completeDraft(0)); r.Status != http.StatusConflict {
			t.Fatalf("draft on a filed case: %d %s", r.Status, r.Body)
		}
		c = driveFrom(t, env, c, "investigating")
		bad := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"urgent without reason", map[string]any{"content": map[string]any{}, "urgent_days": 15}, "urgent_reason"},
			{"urgent too long", map[string]any{"content": map[string]any{}, "urgent_days": 90, "urgent_reason": "急"}, "urgent_days"},
			{"title too long", map[string]any{"content": map[string]any{"title": strings.Repeat("长", 201)}}, "content.title"},
			{"unknown field", map[string]any{"content": map[string]any{}, "colour": "red"}, "colour"},
		}
		for _, tc := range bad {
			r := env.Do("PUT", draftPath, "prosecutor1", tc.body)
			if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"`+tc.field+`"`) {
				t.Errorf("%s: %d %s, want 400 naming %s", tc.name, r.Status, r.Body, tc.field)
			}
		}
		env.Do("PUT", draftPath, "chief1", completeDraft(15)).Expect(t, http.StatusForbidden)
		env.Do("PUT", draftPath, "agency1", completeDraft(15)).Expect(t, http.StatusNotFound)
		env.Do("PUT", draftPath, "prosecutor1", completeDraft(15)).Expect(t, http.StatusOK)
		env.Do("PUT", draftPath, "prosecutor1", completeDraft(15)).Expect(t, http.StatusOK) // same working version
		investigationDone(t, env, c.ID)
		c = mustAct(t, env, c, "submit", "prosecutor1", nil)
		c = mustAct(t, env, c, "approve", "depthead1", map[string]any{"opinion": "同意，报检察长审批"})
		c = mustAct(t, env, c, "approve", "chief1", map[string]any{"opinion": "提请检察委员会讨论", "committee": true,
			"meeting_date": "2026-03-01", "committee_decision": "同意制发检察建议"})
		if c.UrgentDays != 15 {
			t.Fatalf("urgent days after approval %d", c.UrgentDays)
		}
		var drafts struct {
			Items []struct{ Status string } `json:"items"`
		}
		env.Do("GET", draftPath+"s", "depthead1", nil).Expect(t, http.StatusOK).Decode(t, &drafts)
		if len(drafts.Items) != 1 || drafts.Items[0].Status != "approved" {
			t.Fatalf("drafts %+v", drafts.Items)
		}
		var steps struct {
			Items []struct {
				Stage       string  `json:"stage"`
				Decision    string  `json:"decision"`
				MeetingDate *string `json:"meeting_date"`
			} `json:"items"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/approval-steps", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &steps)
		last := steps.Items[len(steps.Items)-1]
		if last.Stage != "committee" || last.Decision != "同意制发检察建议" || last.MeetingDate == nil || *last.MeetingDate != "2026-03-01" {
			t.Fatalf("committee step %+v", last)
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/approval-steps", c.ID), "agency1", nil).Expect(t, http.StatusNotFound)
		c = mustAct(t, env, c, "issue", "prosecutor1", map[string]any{"copy_to": []string{"临江市市场监督管理局", "清河区人民政府"}})
		// Posted on the day of issue, received two days later.
		env.SetNow(time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC))
		if r := actOn(env, c.ID, "deliver", "prosecutor1", c.Version, map[string]any{"method": "written", "delivered_on": "2026-03-01"}); r.Status != http.StatusBadRequest {
			t.Fatalf("delivered before issue: %d %s", r.Status, r.Body)
		}
		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "channel": "post", "delivered_on": "2026-03-02", "received_on": "2026-03-04"})
		// Received Wednesday 2026-03-04 + 15 days = Thursday 2026-03-19.
		if *c.ReplyDue != "2026-03-19" || c.ReplyDueRule != "days:15" || *c.ReceivedOn != "2026-03-04" {
			t.Fatalf("urgent deadline %+v", c)
		}
		// A second filed case of the procuratorate takes the next 案号.
		second := driveTo(t, env, "第二件", "filed")
		if *second.CaseNumber != "清河检八立〔2026〕2号" {
			t.Fatalf("second filed case number %s", *second.CaseNumber)
		}
	})
}
