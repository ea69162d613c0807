package handlers_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// prosecutorSide are the actions this suite covers: the procuratorate's own
// steps from lead to delivery, withdrawal and termination.
var prosecutorSide = []string{"check", "decline", "file", "investigate", "consult", "draft", "submit", "return", "approve", "issue", "deliver", "withdraw", "terminate"}

// validPayload is a payload that passes binding for each action, so the
// state and role checks are what the table tests see.
var validPayload = map[string]map[string]any{
	"decline":   {"reason": "线索不属实"},
	"withdraw":  {"reason": "情况已变化"},
	"terminate": {"reason": "被建议单位已撤销"},
	"consult":   {"date": "2026-03-02", "participants": "张检察官、王科长", "opinion": "无异议"},
	"return":    {"comments": "请修改"},
	"approve":   {"opinion": "同意"},
	"deliver":   {"method": "written", "delivered_on": "2026-03-02"},
}

// userFor is a demo user holding a role.
var userFor = map[org.Role]string{
	org.RoleProsecutor: "prosecutor1", org.RoleDeptHead: "depthead1", org.RoleChief: "chief1", org.RoleCaseManager: "casemgr1",
}

// caseIn prepares a case in any prosecutor-side state.
func caseIn(t *testing.T, env *apitest.Env, state string) caseState {
	t.Helper()
	switch state {
	case "not_filed":
		return mustAct(t, env, newLead(t, env, "不立案线索"), "decline", "prosecutor1", validPayload["decline"])
	case "withdrawn":
		return mustAct(t, env, driveTo(t, env, "撤回案件", "issued"), "withdraw", "chief1", validPayload["withdraw"])
	case "terminated":
		return mustAct(t, env, driveTo(t, env, "终结案件", "filed"), "terminate", "prosecutor1", validPayload["terminate"])
	}
	return driveTo(t, env, "状态表测试 "+state, state)
}

// TestLifecycleActionsByState tries every prosecutor-side action in every
// state a case can reach on this side: where the lifecycle table allows it the
// answer is not a state conflict; elsewhere it is 409 naming the actions that
// are allowed.
func TestLifecycleActionsByState(t *testing.T) {
	t.Parallel()
	states := []string{"lead", "checking", "not_filed", "filed", "investigating", "drafting", "reviewing", "approved", "issued", "delivered", "withdrawn", "terminated"}
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		for _, state := range states {
			shared := caseIn(t, env, state)
			for _, action := range prosecutorSide {
				spec, _ := cases.ActionByName(action)
				user := userFor[spec.Roles[0]]
				c := shared
				allowed := spec.StartsFrom(cases.CaseState(state))
				if allowed {
					c = caseIn(t, env, state) // the action may change it
				}
				res := actOn(env, c.ID, action, user, c.Version, validPayload[action])
				if allowed {
					if res.Status == http.StatusConflict || res.Status >= 500 {
						t.Errorf("%s from %s by %s: %d %s, want it allowed", action, state, user, res.Status, res.Body)
					}
					continue
				}
				var body struct {
					Error struct {
						Code    string `json:"code"`
						Message string `json:"message"`
						Details struct {
							AllowedActions []string `json:"allowed_actions"`
						} `json:"details"`
					} `json:"error"`
				}
				res.Decode(t, &body)
				var view caseState
				env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), user, nil).Expect(t, http.StatusOK).Decode(t, &view)
				if res.Status != http.StatusConflict || body.Error.Code != "action_not_allowed_in_state" ||
					!slices.Equal(body.Error.Details.AllowedActions, view.AllowedActions) || !strings.Contains(body.Error.Message, cases.StateLabels[cases.CaseState(state)]) {
					t.Errorf("%s from %s by %s: %d %s, want 409 listing %v", action, state, user, res.Status, res.Body, view.AllowedActions)
				}
			}
		}
	})
}

// TestLifecycleRoles: a staff member of the right procuratorate whose role the
// lifecycle table does not list gets 403 for every action; users who may not
// see the case at all get 404.
func TestLifecycleRoles(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := newLead(t, env, "角色测试")
		for _, action := range prosecutorSide {
			spec, _ := cases.ActionByName(action)
			for role, user := range userFor {
				if spec.AllowsRole(role) {
					continue
				}
				res := actOn(env, c.ID, action, user, c.Version, validPayload[action])
				if res.Status != http.StatusForbidden || res.ErrorCode() != "role_not_allowed" {
					t.Errorf("%s by %s (%s): %d %s, want 403 role_not_allowed", action, user, role, res.Status, res.Body)
				}
			}
			for _, outsider := range []string{"agency1", "admin", "cityprosecutor1", "citychief1"} {
				if res := actOn(env, c.ID, action, outsider, c.Version, validPayload[action]); res.Status != http.StatusNotFound {
					t.Errorf("%s by %s: %d %s, want 404", action, outsider, res.Status, res.Body)
				}
			}
		}
	})
}

// TestLifecycleRequiredFields: missing payload fields are 400 with a Chinese
// message per field, and nothing changes.
func TestLifecycleRequiredFields(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		lead := newLead(t, env, "必填项测试")
		investigating := caseIn(t, env, "investigating")
		reviewing := caseIn(t, env, "reviewing")
		atChief := mustAct(t, env, caseIn(t, env, "reviewing"), "approve", "depthead1", map[string]any{"opinion": "同意"})
		issued := caseIn(t, env, "issued")
		cases := []struct {
			name    string
			c       caseState
			action  string
			user    string
			payload map[string]any
			fields  []string
		}{
			{"decline without reason", lead, "decline", "prosecutor1", nil, []string{"reason"}},
			{"decline with blank reason", lead, "decline", "prosecutor1", map[string]any{"reason": "  "}, []string{"reason"}},
			{"withdraw without reason", issued, "withdraw", "chief1", nil, []string{"reason"}},
			{"propose withdrawal without reason", issued, "propose_withdraw", "prosecutor1", nil, []string{"reason"}},
			{"withdraw by committee without meeting", issued, "withdraw", "chief1", map[string]any{"reason": "情况变化", "committee": true}, []string{"meeting_date", "committee_decision"}},
			{"waiver without reason", investigating, "waive_investigation", "chief1", nil, []string{"reason"}},
			{"reject without kind", issued, "reject_proposal", "chief1", map[string]any{"opinion": "不同意"}, []string{"kind"}},
			{"terminate without reason", lead, "terminate", "prosecutor1", nil, []string{"reason"}},
			{"consult without opinion", investigating, "consult", "prosecutor1", nil, []string{"participants", "opinion"}},
			{"consult without date", investigating, "consult", "prosecutor1", map[string]any{"participants": "张", "opinion": "同意"}, []string{"date"}},
			{"consult in the future", investigating, "consult", "prosecutor1", map[string]any{"date": "2026-12-01", "participants": "张", "opinion": "同意"}, []string{"date"}},
			{"submit without draft", investigating, "submit", "prosecutor1", nil, []string{"draft"}},
			{"return without comments", reviewing, "return", "depthead1", nil, []string{"comments"}},
			{"approve without opinion", reviewing, "approve", "depthead1", nil, []string{"opinion"}},
			{"committee at the department head's review", reviewing, "approve", "depthead1", map[string]any{"opinion": "提交检委会", "committee": true}, []string{"committee"}},
			{"committee without meeting", atChief, "approve", "chief1", map[string]any{"opinion": "提交检委会", "committee": true}, []string{"meeting_date", "committee_decision"}},
			{"deliver without method", issued, "deliver", "prosecutor1", nil, []string{"method"}},
			{"deliver without date", issued, "deliver", "prosecutor1", map[string]any{"method": "written"}, []string{"delivered_on"}},
			{"deliver by post without receipt", issued, "deliver", "prosecutor1", map[string]any{"method": "written", "channel": "post", "delivered_on": "2026-03-02"}, []string{"received_on"}},
			{"announce without place and attendees", issued, "deliver", "prosecutor1", map[string]any{"method": "announced", "delivered_on": "2026-03-02"}, []string{"place", "attendees"}},
			{"attendee without kind", issued, "deliver", "prosecutor1", map[string]any{"method": "announced", "delivered_on": "2026-03-02", "place": "清河区人民检察院",
				"attendees": []map[string]any{{"name": "李代表"}}}, []string{"attendees[0].kind"}},
			{"unknown method", issued, "deliver", "prosecutor1", map[string]any{"method": "pigeon", "delivered_on": "2026-03-02"}, []string{"method"}},
		}
		for _, tc := range cases {
			res := actOn(env, tc.c.ID, tc.action, tc.user, tc.c.Version, tc.payload)
			var body struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			res.Decode(t, &body)
			if res.Status != http.StatusBadRequest {
				t.Errorf("%s: %d %s, want 400", tc.name, res.Status, res.Body)
				continue
			}
			for _, f := range tc.fields {
				if msg := body.Error.Fields[f]; msg == "" || msg == f {
					t.Errorf("%s: no Chinese message for %s in %v", tc.name, f, body.Error.Fields)
				}
			}
			var after caseState
			env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", tc.c.ID), tc.user, nil).Expect(t, http.StatusOK).Decode(t, &after)
			if after.Version != tc.c.Version || after.State != tc.c.State {
				t.Errorf("%s: case changed to %s v%d", tc.name, after.State, after.Version)
			}
		}
		// An announced delivery with its attendees starts the clock.
		ok := mustAct(t, env, issued, "deliver", "prosecutor1", map[string]any{"method": "announced", "delivered_on": "2026-03-02", "place": "清河区实验小学",
			"attendees": []map[string]any{{"name": "李代表", "kind": "deputy"}, {"name": "周监督员", "kind": "people_supervisor"}}})
		if ok.State != "delivered" || ok.ReceivedOn == nil || *ok.ReceivedOn != "2026-03-02" {
			t.Fatalf("announced delivery: %+v", ok)
		}
	})
}
