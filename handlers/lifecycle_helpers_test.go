package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"jianyi/apitest"
)

// caseState is the part of a case response the lifecycle and agency tests look at.
type caseState struct {
	ID                  int64    `json:"id"`
	State               string   `json:"state"`
	Version             int      `json:"version"`
	CaseNumber          *string  `json:"case_number"`
	DocumentNumber      *string  `json:"document_number"`
	ReceivedOn          *string  `json:"received_on"`
	ReplyDue            *string  `json:"reply_due"`
	ReplyDueRule        string   `json:"reply_due_rule"`
	ReplyDueExplanation string   `json:"reply_due_explanation"`
	UrgentDays          int      `json:"urgent_days"`
	EndReason           string   `json:"end_reason"`
	AllowedActions      []string `json:"allowed_actions"`
	ReplyClass          string   `json:"reply_class"`
	Rectification       string   `json:"rectification"`
	FirstRepliedOn      *string  `json:"first_replied_on"`
	Outcome             string   `json:"outcome"`
	ApprovalStage       string   `json:"approval_stage"`
	LookbackDue         *string  `json:"lookback_due"`
}

// newLead registers a lead as prosecutor1 addressed to agency1.
func newLead(t *testing.T, env *apitest.Env, title string) caseState {
	t.Helper()
	var c caseState
	env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{
		"title": title, "field": "食品药品安全", "source": "case_finding", "summary": "校园周边流动摊贩无证经营，存在食品安全隐患。",
		"agency_id": env.Org.Agency1.ID,
	}).Expect(t, http.StatusCreated).Decode(t, &c)
	return c
}

// actOn takes an action on a case and returns the response.
func actOn(env *apitest.Env, id int64, action, user string, version int, payload map[string]any) *apitest.Response {
	body := map[string]any{"version": version}
	for k, v := range payload {
		body[k] = v
	}
	return env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), user, body)
}

// mustAct takes an action that must succeed and returns the new case.
func mustAct(t *testing.T, env *apitest.Env, c caseState, action, user string, payload map[string]any) caseState {
	t.Helper()
	var out caseState
	actOn(env, c.ID, action, user, c.Version, payload).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// completeDraft is a 检察建议书 draft that passes submission checks.
func completeDraft(urgentDays int) map[string]any {
	d := map[string]any{
		"content": map[string]any{
			"addressee":      "临江市清河区市场监督管理局",
			"problem_source": "本院在履行职责中发现",
			"facts":          "经查，辖区三所小学周边存在流动摊贩无证经营。",
			"illegality":     "上述情形违反《中华人民共和国食品安全法》第三十五条，存在食品安全隐患。",
			"items":          []map[string]any{{"text": "依法开展校园周边食品经营专项整治。", "legal_basis": "《中华人民共和国食品安全法》第一百一十条"}},
			"copy_to":        []string{"临江市市场监督管理局"},
		},
		"urgent_days": urgentDays,
	}
	if urgentDays > 0 {
		d["urgent_reason"] = "隐患紧迫，须尽快整改"
	}
	return d
}

// driveTo takes a new lead through the lifecycle up to state want (one of
// checking, filed, investigating, drafting, reviewing, approved, issued,
// delivered) with the demo roles; it is the fixture the table and
// concurrency tests start from. A "reviewing" case waits for the 部门负责人
// 审核; approval takes depthead1's review and chief1's approval.
func driveTo(t *testing.T, env *apitest.Env, title, want string) caseState {
	t.Helper()
	c := newLead(t, env, title)
	steps := []struct {
		state, action, user string
		payload             map[string]any
		before              func(c caseState)
	}{
		{"checking", "check", "prosecutor1", nil, nil},
		{"filed", "file", "depthead1", nil, nil},
		{"investigating", "investigate", "prosecutor1", nil, nil},
		{"drafting", "draft", "prosecutor1", nil, nil},
		{"reviewing", "submit", "prosecutor1", nil, func(c caseState) {
			investigationDone(t, env, c.ID)
			env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		}},
		{"reviewing", "approve", "depthead1", map[string]any{"opinion": "同意，报检察长审批"}, nil},
		{"approved", "approve", "chief1", map[string]any{"opinion": "同意制发"}, nil},
		{"issued", "issue", "prosecutor1", nil, nil},
		{"delivered", "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": "2026-03-02"}, nil},
	}
	for _, st := range steps {
		if c.State == want {
			return c
		}
		if st.before != nil {
			st.before(c)
		}
		c = mustAct(t, env, c, st.action, st.user, st.payload)
		if c.State != st.state {
			t.Fatalf("after %s: state %s, want %s", st.action, c.State, st.state)
		}
	}
	if c.State != want {
		t.Fatalf("driveTo: cannot reach %s", want)
	}
	return c
}

// investigationDone records a site visit and the 调查终结报告 on a case as
// prosecutor1, which submission requires.
func investigationDone(t *testing.T, env *apitest.Env, id int64) {
	t.Helper()
	path := fmt.Sprintf("/api/v1/cases/%d/investigation-records", id)
	env.Do("POST", path, "prosecutor1", map[string]any{"kind": "site_visit", "date": "2026-03-01", "place": "清河区实验小学门口",
		"participants": "张检察官", "summary": "现场查看，流动摊贩无证经营属实。"}).Expect(t, http.StatusCreated)
	env.Do("POST", path, "prosecutor1", investigationReport()).Expect(t, http.StatusCreated)
}

// investigationReport is a complete 调查终结报告 record.
func investigationReport() map[string]any {
	return map[string]any{"kind": "investigation_report", "date": "2026-03-01", "participants": "张检察官",
		"summary": "调查终结，建议制发检察建议。", "report": map[string]any{
			"facts": "辖区三所小学周边存在流动摊贩无证经营。", "evidence": "现场检查笔录、照片。",
			"problems": "市场监管部门未依法查处。", "opinion": "建议向市场监管局制发检察建议。"}}
}

// submitApproved submits a saved draft (recording the investigation first)
// and takes it through the default chain: depthead1 reviews, chief1 approves.
func submitApproved(t *testing.T, env *apitest.Env, c caseState, submitPayload map[string]any, opinion string) caseState {
	t.Helper()
	investigationDone(t, env, c.ID)
	c = mustAct(t, env, c, "submit", "prosecutor1", submitPayload)
	c = mustAct(t, env, c, "approve", "depthead1", map[string]any{"opinion": "同意，报检察长审批"})
	return mustAct(t, env, c, "approve", "chief1", map[string]any{"opinion": opinion})
}

// fileUpward submits a case's pending 备案 as prosecutor1 (a case closes only
// once filed).
func fileUpward(t *testing.T, env *apitest.Env, id int64) {
	t.Helper()
	var f struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/filing", id), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &f)
	if f.Status == "pending" {
		env.Do("POST", fmt.Sprintf("/api/v1/filings/%d/submit", f.ID), "prosecutor1", nil).Expect(t, http.StatusOK)
	}
}
