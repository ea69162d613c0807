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
// concurrency tests start from.
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
			env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		}},
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
