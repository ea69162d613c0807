package handlers_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// Issue 14, point 1: who decides what.

// TestColleagueCannotEndACase is the observation: another prosecutor
// of the same department could close, withdraw, terminate and issue a
// colleague's case. Now only the handling prosecutor or the department head
// may (withdrawing is the chief's decision, proposed by the handler).
func TestColleagueCannotEndACase(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		approved := driveTo(t, env, "同事制发", "approved")
		delivered := driveTo(t, env, "同事终结", "delivered")
		replied := createDeliveredCaseFixture(t, env, 90, true)
		r, _ := act(t, env, replied.ID, "reply", "agency1", map[string]any{"version": replied.Version, "kind": "final",
			"items": allItems("adopted", "adopted", "adopted"), "contact_person": "王科长", "contact_phone": "1"}, http.StatusOK)
		for _, tc := range []struct {
			name    string
			c       caseState
			action  string
			payload map[string]any
			code    string
		}{
			{"issue", approved, "issue", nil, "not_case_handler"},
			{"terminate", delivered, "terminate", map[string]any{"reason": "同事终结"}, "not_case_handler"},
			{"withdraw", delivered, "withdraw", map[string]any{"reason": "同事撤回"}, "role_not_allowed"},
			{"propose withdrawal", delivered, "propose_withdraw", map[string]any{"reason": "同事提请"}, "not_case_handler"},
			{"close", r, "close", map[string]any{"outcome": "rectified", "summary": "同事结案"}, "not_case_handler"},
		} {
			res := actOn(env, tc.c.ID, tc.action, "prosecutor2", tc.c.Version, tc.payload)
			if res.Status != http.StatusForbidden || res.ErrorCode() != tc.code {
				t.Errorf("%s by a colleague: %d %s, want 403 %s", tc.name, res.Status, res.Body, tc.code)
			}
			var view caseState
			env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", tc.c.ID), "prosecutor2", nil).Expect(t, http.StatusOK).Decode(t, &view)
			if slices.Contains(view.AllowedActions, tc.action) {
				t.Errorf("%s offered to a colleague: %v", tc.name, view.AllowedActions)
			}
		}
		// The colleague may still help with records.
		if view := mustGetCase(t, env, delivered.ID, "prosecutor2"); !slices.Contains(view.AllowedActions, "follow_up") {
			t.Errorf("colleague's actions %v", view.AllowedActions)
		}
		// The department head may take the handler's actions.
		mustAct(t, env, approved, "issue", "depthead1", nil)
		mustAct(t, env, r, "close", "depthead1", map[string]any{"outcome": "rectified", "summary": "部门负责人结案"})
	})
}

func mustGetCase(t *testing.T, env *apitest.Env, id int64, user string) caseState {
	t.Helper()
	var c caseState
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), user, nil).Expect(t, http.StatusOK).Decode(t, &c)
	return c
}

// TestApprovalChains: the chain is set per procuratorate in configuration;
// each step is its approver's turn, one row of the 审批表.
func TestApprovalChains(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		for _, tc := range []struct {
			name   string
			chain  []string
			steps  []string // approvers in turn; "chief1+committee" records the committee's decision
			stages string   // approval_steps stage/role after the last
		}{
			{"default", nil, []string{"depthead1", "chief1"}, "submit/prosecutor,dept_review/dept_head,approve/chief"},
			{"with committee", []string{"dept_review", "approve", "committee"}, []string{"depthead1", "chief1", "chief1+committee"},
				"submit/prosecutor,dept_review/dept_head,approve/chief,committee/chief"},
			{"chief only", []string{"approve"}, []string{"chief1"}, "submit/prosecutor,approve/chief"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env := newEnvWith(t, db, func(cfg *config.Config) {
					if tc.chain != nil {
						cfg.Approval.ByProcuratorate = []config.ProcuratorateChain{{Procuratorate: "临江市清河区人民检察院", Chain: tc.chain}}
					}
				})
				c := driveTo(t, env, "审批链"+tc.name, "drafting")
				env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
				investigationDone(t, env, c.ID)
				c = mustAct(t, env, c, "submit", "prosecutor1", nil)
				var table struct {
					ApprovalChain []struct {
						Stage string `json:"stage"`
						Role  string `json:"role"`
					} `json:"approval_chain"`
				}
				env.Do("GET", "/api/v1/lifecycle", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &table)
				if len(table.ApprovalChain) != len(tc.steps) || table.ApprovalChain[0].Stage != c.ApprovalStage {
					t.Fatalf("published chain %+v, case waits for %q", table.ApprovalChain, c.ApprovalStage)
				}
				for i, who := range tc.steps {
					user, committee := strings.CutSuffix(who, "+committee")
					other := map[string]string{"depthead1": "chief1", "chief1": "depthead1"}[user]
					if r := actOn(env, c.ID, "approve", other, c.Version, map[string]any{"opinion": "同意"}); r.Status != http.StatusForbidden {
						t.Fatalf("step %d by %s: %d %s", i, other, r.Status, r.Body)
					}
					payload := map[string]any{"opinion": "同意"}
					if committee {
						if r := actOn(env, c.ID, "approve", user, c.Version, payload); r.Status != http.StatusBadRequest {
							t.Fatalf("committee step without its decision: %d %s", r.Status, r.Body)
						}
						payload = map[string]any{"opinion": "提交检委会", "committee": true, "meeting_date": "2026-03-01", "committee_decision": "同意制发"}
					}
					c = mustAct(t, env, c, "approve", user, payload)
					last := i == len(tc.steps)-1
					if (c.State == "approved") != last || (c.ApprovalStage == "") != last {
						t.Fatalf("after step %d: %s %q", i, c.State, c.ApprovalStage)
					}
				}
				var steps struct {
					Items []struct{ Stage, Role string } `json:"items"`
				}
				env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/approval-steps", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &steps)
				var got []string
				for _, s := range steps.Items {
					got = append(got, s.Stage+"/"+s.Role)
				}
				if strings.Join(got, ",") != tc.stages {
					t.Fatalf("approval steps %v, want %s", got, tc.stages)
				}
				// The 审批表 has a row per step.
				form := squeeze(pdfText(t, env.Do("GET", docPath(c.ID, "approval-form"), "prosecutor1", nil).Expect(t, http.StatusOK).Body))
				for _, s := range steps.Items {
					label := map[string]string{"submit": "承办检察官意见", "dept_review": "部门负责人审核", "approve": "检察长审批", "committee": "检察委员会决定"}[s.Stage]
					if !strings.Contains(form, label) {
						t.Errorf("审批表 lacks %s:\n%s", label, form)
					}
				}
			})
		}
	})
}

// TestLifecycleTablePublishesDeciders: every action, the new ones included,
// appears with its Chinese label and deciders; proposals name the decision.
func TestLifecycleTablePublishesDeciders(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	var table struct {
		Items []struct {
			Name        string   `json:"name"`
			Label       string   `json:"label"`
			Roles       []string `json:"roles"`
			HandlerOnly bool     `json:"handler_only"`
			DecidedBy   string   `json:"decided_by"`
		} `json:"items"`
		ApprovalChain []struct{ Stage, Label, Role string } `json:"approval_chain"`
	}
	env.Do("GET", "/api/v1/lifecycle", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &table)
	rows := map[string]int{}
	for i, r := range table.Items {
		rows[r.Name] = i
		if r.Label == "" || len(r.Roles) == 0 {
			t.Errorf("%s: label %q roles %v", r.Name, r.Label, r.Roles)
		}
	}
	want := map[string]struct {
		roles     string
		decidedBy string
	}{
		"approve": {"dept_head,chief", ""}, "withdraw": {"chief", ""}, "amend": {"chief", ""}, "review_objection": {"chief", ""},
		"escalate": {"chief", ""}, "reject_proposal": {"chief", ""}, "waive_investigation": {"chief", ""},
		"propose_withdraw": {"prosecutor,dept_head", "withdraw"}, "propose_amend": {"prosecutor,dept_head", "amend"},
		"propose_objection_review": {"prosecutor,dept_head", "review_objection"}, "propose_escalation": {"prosecutor,dept_head", "escalate"},
		"record_escalation_result": {"prosecutor,dept_head", ""}, "look_back": {"prosecutor,dept_head", ""},
		"close": {"prosecutor,dept_head", ""}, "issue": {"prosecutor,dept_head", ""},
	}
	for name, w := range want {
		i, ok := rows[name]
		if !ok {
			t.Errorf("lifecycle table lacks %s", name)
			continue
		}
		r := table.Items[i]
		if strings.Join(r.Roles, ",") != w.roles || r.DecidedBy != w.decidedBy {
			t.Errorf("%s: roles %v decided by %q, want %s / %q", name, r.Roles, r.DecidedBy, w.roles, w.decidedBy)
		}
	}
	for _, name := range []string{"issue", "terminate", "close", "propose_withdraw", "submit"} {
		if !table.Items[rows[name]].HandlerOnly {
			t.Errorf("%s is not marked handler_only", name)
		}
	}
	if len(table.ApprovalChain) != 2 || table.ApprovalChain[0].Label != "部门负责人审核" || table.ApprovalChain[1].Role != "chief" {
		t.Errorf("approval chain %+v", table.ApprovalChain)
	}
	// Every registered action has a payload whose fields are labelled in Chinese.
	for _, spec := range cases.Lifecycle {
		if spec.Label == "" {
			t.Errorf("%s has no label", spec.Name)
		}
	}
}

// TestProposalsDecidedByTheChief: 撤回, 变更, 异议复核 and escalation are
// proposed by the handling prosecutor and decided by the chief (or the
// 检察委员会), each a recorded decision with its timeline event and audit
// entry; the chief may refuse a proposal.
func TestProposalsDecidedByTheChief(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "提请撤回", "delivered")
		if !slices.Contains(c.AllowedActions, "propose_withdraw") || slices.Contains(c.AllowedActions, "withdraw") {
			t.Fatalf("prosecutor's actions %v", c.AllowedActions)
		}
		chiefView := mustGetCase(t, env, c.ID, "chief1")
		for _, a := range []string{"withdraw", "amend", "escalate", "reject_proposal"} {
			if !slices.Contains(chiefView.AllowedActions, a) {
				t.Errorf("chief's actions %v lack %s", chiefView.AllowedActions, a)
			}
		}
		// The prosecutor cannot withdraw the delivered letter himself.
		if r := actOn(env, c.ID, "withdraw", "prosecutor1", c.Version, map[string]any{"reason": "自行撤回"}); r.Status != http.StatusForbidden {
			t.Fatalf("prosecutor withdraws: %d %s", r.Status, r.Body)
		}
		c = mustAct(t, env, c, "propose_withdraw", "prosecutor1", map[string]any{"reason": "被建议单位已整改，建议撤回"})
		if c.State != "delivered" {
			t.Fatalf("a proposal changed the state: %s", c.State)
		}
		if r := actOn(env, c.ID, "propose_withdraw", "prosecutor1", c.Version, map[string]any{"reason": "再次提请"}); r.Status != http.StatusConflict || r.ErrorCode() != "proposal_pending" {
			t.Fatalf("second proposal: %d %s", r.Status, r.Body)
		}
		if n := countRows(t, db, "notifications", "user_id = ? AND kind = ?", userID(t, db, "chief1"), "decision_proposed"); n != 1 {
			t.Fatalf("chief told %d times", n)
		}
		// The chief refuses; the prosecutor proposes again; the chief, after the
		// 检察委员会 met, decides to withdraw.
		if r := actOn(env, c.ID, "reject_proposal", "chief1", c.Version, map[string]any{"kind": "withdraw"}); r.Status != http.StatusBadRequest {
			t.Fatalf("refusal without opinion: %d %s", r.Status, r.Body)
		}
		c = mustAct(t, env, c, "reject_proposal", "chief1", map[string]any{"kind": "withdraw", "opinion": "整改尚未到位，继续督促"})
		if r := actOn(env, c.ID, "reject_proposal", "chief1", c.Version, map[string]any{"kind": "withdraw", "opinion": "再次"}); r.ErrorCode() != "no_pending_proposal" {
			t.Fatalf("refusing nothing: %d %s", r.Status, r.Body)
		}
		c = mustAct(t, env, c, "propose_withdraw", "prosecutor1", map[string]any{"reason": "整改已到位，建议撤回"})
		c = mustAct(t, env, c, "withdraw", "chief1", map[string]any{"reason": "被建议单位已整改到位", "opinion": "同意撤回",
			"committee": true, "meeting_date": "2026-03-02", "committee_decision": "同意撤回检察建议"})
		if c.State != "withdrawn" || c.EndReason != "被建议单位已整改到位" {
			t.Fatalf("after withdrawal %+v", c)
		}
		var decisions struct {
			Items []struct {
				Kind        string         `json:"kind"`
				Status      string         `json:"status"`
				ProposedBy  *int64         `json:"proposed_by"`
				DecidedBy   *int64         `json:"decided_by"`
				ByCommittee bool           `json:"by_committee"`
				Proposal    map[string]any `json:"proposal"`
				Decision    map[string]any `json:"decision"`
			} `json:"items"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/decisions", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &decisions)
		if len(decisions.Items) != 2 || decisions.Items[0].Status != "rejected" || decisions.Items[1].Status != "decided" ||
			!decisions.Items[1].ByCommittee || decisions.Items[1].ProposedBy == nil || decisions.Items[1].DecidedBy == nil ||
			decisions.Items[1].Decision["reason"] != "被建议单位已整改到位" || decisions.Items[1].Proposal["reason"] != "整改已到位，建议撤回" {
			t.Fatalf("decisions %+v", decisions.Items)
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/decisions", c.ID), "agency1", nil).Expect(t, http.StatusNotFound)
		for _, a := range []string{"case.propose_withdraw", "case.reject_proposal", "case.withdraw"} {
			var n int64
			db.Model(&audit.Entry{}).Where("action = ? AND object_id = ?", a, c.ID).Count(&n)
			if n == 0 {
				t.Errorf("no audit entry %s", a)
			}
		}
		tl := strings.Join(e2eTimeline(t, env, c.ID, "prosecutor1"), ",")
		if !strings.Contains(tl, "propose_withdraw,reject_proposal,propose_withdraw,withdraw") {
			t.Errorf("timeline %s", tl)
		}

		// 变更: proposed, decided; the letter goes back to drafting without its 文号.
		d := driveTo(t, env, "提请变更", "delivered")
		d = mustAct(t, env, d, "propose_amend", "prosecutor1", map[string]any{"reason": "建议事项表述需调整"})
		d = mustAct(t, env, d, "amend", "chief1", map[string]any{"reason": "调整第一项建议", "opinion": "同意变更"})
		if d.State != "drafting" || d.DocumentNumber != nil {
			t.Fatalf("after amendment %+v", d)
		}

		// Escalation: proposed with its measures, decided with the documents.
		e := createDeliveredCaseFixture(t, env, 91, true)
		measures := []map[string]any{{"kind": "public_interest_litigation", "target": "本院公益诉讼检察部门", "summary": "移送公益诉讼"}}
		ec, _ := act(t, env, e.ID, "propose_escalation", "prosecutor1", map[string]any{"version": e.Version, "measures": measures, "reason": "逾期不整改"}, http.StatusOK)
		measures[0]["decided_on"] = svcToday(env).String()
		actMultipart(t, env, e.ID, "escalate", "chief1", ec.Version, map[string]any{"measures": measures, "opinion": "同意移送"},
			[]apitest.File{{Field: "files", Name: "移送函.pdf", Content: pdfBytes("x")}}).Expect(t, http.StatusOK)
		var esc agency.Escalation
		if err := db.Where("case_id = ?", e.ID).First(&esc).Error; err != nil || esc.DecisionID == nil {
			t.Fatalf("escalation %+v %v", esc, err)
		}
		var dec cases.CaseDecision
		if err := db.First(&dec, *esc.DecisionID).Error; err != nil || dec.Kind != cases.DecisionEscalation || dec.Status != cases.DecisionDecided || dec.ProposedBy == nil {
			t.Fatalf("escalation decision %+v %v", dec, err)
		}
	})
}

// TestObjectionReviewIsTheChiefs: the handling prosecutor proposes the
// outcome of an objection's review; the chief decides (he may decide
// otherwise); the prosecutor alone no longer can.
func TestObjectionReviewIsTheChiefs(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 92, true)
		c, _ := act(t, env, fx.ID, "object", "agency1", map[string]any{"version": fx.Version, "reason": "不属于我局职责"}, http.StatusOK)
		act(t, env, fx.ID, "review_objection", "prosecutor1", map[string]any{"version": c.Version, "outcome": "amend", "reason": "x"}, http.StatusForbidden)
		c, _ = act(t, env, fx.ID, "propose_objection_review", "prosecutor1", map[string]any{"version": c.Version, "outcome": "amend", "reason": "异议部分成立"}, http.StatusOK)
		c, _ = act(t, env, fx.ID, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "keep", "reason": "属于法定职责",
			"opinion": "不同意修改，维持原检察建议"}, http.StatusOK)
		if c.State != "delivered" {
			t.Fatalf("kept: %s", c.State)
		}
		var d cases.CaseDecision
		db.Where("case_id = ? AND kind = ?", fx.ID, cases.DecisionObjectionReview).First(&d)
		if d.Status != cases.DecisionDecided || !strings.Contains(d.ProposalJSON, "amend") || !strings.Contains(d.DecisionJSON, "keep") {
			t.Fatalf("objection review decision %+v", d)
		}
	})
}

// Issue 14, point 3: no-reply cases close with their escalation; follow-through.

// TestNoReplyCaseClosesWithEscalation is the observation: close on a
// delivered case with no reply answered 409 and terminate was the only way
// out. A case whose deadline passed without a final reply closes with its
// escalation outcome and keeps 不回复.
func TestNoReplyCaseClosesWithEscalation(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 93, true)
		closeBody := func(v int, outcome string) map[string]any {
			return map[string]any{"version": v, "outcome": outcome, "summary": "逾期未回复，已报告人大"}
		}
		_, r := act(t, env, fx.ID, "close", "prosecutor1", closeBody(fx.Version, "escalated"), http.StatusConflict)
		if r.ErrorCode() != "reply_pending" {
			t.Fatalf("close before the deadline: %s", r.Body)
		}
		env.SetNow(env.Now().AddDate(0, 3, 0))
		act(t, env, fx.ID, "close", "prosecutor1", closeBody(fx.Version, "not_rectified"), http.StatusBadRequest)
		_, r = act(t, env, fx.ID, "close", "prosecutor1", closeBody(fx.Version, "escalated"), http.StatusConflict)
		if r.ErrorCode() != "no_escalation" {
			t.Fatalf("close without escalation: %s", r.Body)
		}
		today := svcToday(env).String()
		res := actMultipart(t, env, fx.ID, "escalate", "chief1", fx.Version, map[string]any{"measures": []map[string]any{
			{"kind": "report_party_congress", "decided_on": today, "target": "清河区人大常委会", "summary": "报告人大"},
			{"kind": "public_interest_litigation", "decided_on": today, "target": "本院第八检察部", "summary": "移送公益诉讼"}}},
			[]apitest.File{{Field: "files", Name: "报告.pdf", Content: pdfBytes("a")}, {Field: "files", Name: "移送.pdf", Content: pdfBytes("b")}}).Expect(t, http.StatusOK)
		var c caseState
		res.Decode(t, &c)
		c, _ = act(t, env, fx.ID, "close", "prosecutor1", closeBody(c.Version, "escalated"), http.StatusOK)
		if c.State != "closed" || c.ReplyClass != cases.ReplyClassNoReply || c.Outcome != "escalated" || c.LookbackDue == nil {
			t.Fatalf("closed no-reply case %+v", c)
		}
		// What the escalation produced: a 公益诉讼 case number, once.
		var escs []agency.Escalation
		db.Where("case_id = ?", fx.ID).Order("id").Find(&escs)
		body := map[string]any{"version": c.Version, "escalation_id": escs[1].ID, "reference": "清河检公益立〔2026〕3号", "result_on": today}
		c, _ = act(t, env, fx.ID, "record_escalation_result", "prosecutor1", body, http.StatusOK)
		body["version"] = c.Version
		act(t, env, fx.ID, "record_escalation_result", "prosecutor1", body, http.StatusConflict)
		body["escalation_id"] = 999999
		act(t, env, fx.ID, "record_escalation_result", "prosecutor1", body, http.StatusBadRequest)
		var n int64
		db.Model(&agency.Escalation{}).Where("kind = ? AND result_reference <> ''", agency.EscalateLitigation).Count(&n)
		if n != 1 {
			t.Fatalf("公益诉讼 conversions %d", n)
		}
	})
}

// TestCaseDoesNotCloseWhileFilingPending: a case whose 备案 is still to be
// made stays open.
func TestCaseDoesNotCloseWhileFilingPending(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "备案未报", "delivered")
		c, _ = act(t, env, c.ID, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "王科长"}, http.StatusOK)
		c, _ = act(t, env, c.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": "final", "items": allItems("adopted"),
			"contact_person": "王科长", "contact_phone": "1"}, http.StatusOK)
		_, r := act(t, env, c.ID, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "rectified", "summary": "整改到位"}, http.StatusConflict)
		if r.ErrorCode() != "filing_pending" {
			t.Fatalf("close with the filing pending: %s", r.Body)
		}
		fileUpward(t, env, c.ID)
		act(t, env, c.ID, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "rectified", "summary": "整改到位"}, http.StatusOK)
	})
}

// TestFollowThroughReminders: the agency's planned measures are reminded
// before and after their dates to the agency and the prosecutor; the 回头看
// after closure is reminded until it is recorded. Each reminder once.
func TestFollowThroughReminders(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 94, true)
		due := svcToday(env).AddDays(10)
		c, _ := act(t, env, fx.ID, "reply", "agency1", map[string]any{"version": fx.Version, "kind": "final", "items": allItems("adopted", "adopted", "adopted"),
			"contact_person": "王科长", "contact_phone": "1", "measures_planned": []map[string]any{
				{"measure": "建立巡查台账", "due_on": due.String()}, {"measure": "开展从业人员培训", "due_on": due.String()}}}, http.StatusOK)
		run := func() {
			t.Helper()
			if r := env.Do("POST", "/api/v1/admin/jobs/follow_through/run", "admin", nil).Expect(t, http.StatusOK).JSON(); r["status"] != "ok" {
				t.Fatalf("job run %v", r)
			}
		}
		count := func(user, kind string) int64 {
			return countRows(t, db, "notifications", "user_id = ? AND kind = ? AND case_id = ?", userID(t, db, user), kind, fx.ID)
		}
		run() // ten days ahead: nothing yet
		if count("agency1", "measure_due_soon") != 0 {
			t.Fatal("reminded too early")
		}
		env.SetNow(env.Now().AddDate(0, 0, 4))
		run()
		run()
		if count("agency1", "measure_due_soon") != 1 || count("prosecutor1", "measure_due_soon") != 1 {
			t.Fatalf("due-soon reminders: agency %d prosecutor %d", count("agency1", "measure_due_soon"), count("prosecutor1", "measure_due_soon"))
		}
		var n notify.Notification
		db.Where("user_id = ? AND kind = ?", userID(t, db, "agency1"), "measure_due_soon").First(&n)
		if !strings.Contains(n.Body, "建立巡查台账") || !strings.Contains(n.Body, "开展从业人员培训") {
			t.Fatalf("reminder body %q", n.Body)
		}
		env.SetNow(env.Now().AddDate(0, 0, 7))
		run()
		if count("agency1", "measure_overdue") != 1 {
			t.Fatalf("overdue reminders %d", count("agency1", "measure_overdue"))
		}

		// Closure schedules the 回头看 (lookback_months, 6 by default).
		c, _ = act(t, env, fx.ID, "assess", "prosecutor1", map[string]any{"version": c.Version, "verdict": "rectified", "opinion": "整改到位"}, http.StatusOK)
		c, _ = act(t, env, fx.ID, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "rectified", "summary": "整改到位"}, http.StatusOK)
		if c.LookbackDue == nil {
			t.Fatal("no 回头看 date")
		}
		lookback := mustDate(t, *c.LookbackDue)
		env.SetNow(shanghaiNoon(t, lookback.AddDays(-3).String()))
		run()
		if count("prosecutor1", "lookback_due_soon") != 1 || count("depthead1", "lookback_due_soon") != 1 {
			t.Fatalf("回头看 reminders %d %d", count("prosecutor1", "lookback_due_soon"), count("depthead1", "lookback_due_soon"))
		}
		if count("agency1", "measure_overdue") != 1 {
			t.Fatal("a closed case's measures are still reminded")
		}
		c, _ = act(t, env, fx.ID, "look_back", "prosecutor1", map[string]any{"version": c.Version, "held_on": lookback.AddDays(-3).String(),
			"participants": "张检察官", "findings": "巡查机制运行正常", "verdict": "relapsed"}, http.StatusOK)
		if c.State != "closed" || c.LookbackDue == nil {
			t.Fatalf("after 回头看 %+v", c)
		}
		if countRows(t, db, "notifications", "user_id = ? AND kind = ?", userID(t, db, "chief1"), "lookback_relapse") != 1 {
			t.Fatal("chief not told of the relapse")
		}
		env.SetNow(shanghaiNoon(t, lookback.String()))
		run()
		if count("prosecutor1", "lookback_due") != 0 {
			t.Fatal("reminded of a 回头看 already done")
		}
	})
}

// Issue 14, point 4: the investigation gate and its waiver.
func TestInvestigationWaiver(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "免予调查终结报告", "drafting")
		env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		r := actOn(env, c.ID, "submit", "prosecutor1", c.Version, nil).Expect(t, http.StatusConflict)
		if r.ErrorCode() != "investigation_incomplete" || !strings.Contains(string(r.Body), "investigation_records") {
			t.Fatalf("submit with no investigation: %s", r.Body)
		}
		// A report's own fields are required.
		bad := investigationReport()
		delete(bad["report"].(map[string]any), "evidence")
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/investigation-records", c.ID), "prosecutor1", bad).Expect(t, http.StatusBadRequest)
		noReport := investigationReport()
		delete(noReport, "report")
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/investigation-records", c.ID), "prosecutor1", noReport).Expect(t, http.StatusBadRequest)
		actOn(env, c.ID, "waive_investigation", "prosecutor1", c.Version, map[string]any{"reason": "x"}).Expect(t, http.StatusForbidden)
		c = mustAct(t, env, c, "waive_investigation", "chief1", map[string]any{"reason": "事实已由生效判决确认，无需另行调查"})
		c = mustAct(t, env, c, "submit", "prosecutor1", nil)
		if c.State != "reviewing" {
			t.Fatalf("after waiver: %s", c.State)
		}
		if n := countRows(t, db, "case_decisions", "case_id = ? AND kind = ? AND status = ?", c.ID, cases.DecisionInvestigationWaiver, cases.DecisionDecided); n != 1 {
			t.Fatalf("waiver decisions %d", n)
		}
	})
}

// Issue 14, point 5: 备案 as the higher procuratorate uses it.
func TestFilingReviewByTheHigherProcuratorate(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "备案审查", "delivered")
		var f struct {
			ID int64 `json:"id"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/filing", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &f)
		comments := fmt.Sprintf("/api/v1/filings/%d/comments", f.ID)
		orders := fmt.Sprintf("/api/v1/filings/%d/orders", f.ID)
		if r := env.Do("POST", comments, "citychief1", map[string]any{"comment": "请补充证据"}); r.ErrorCode() != "filing_not_submitted" {
			t.Fatalf("comment on a pending filing: %d %s", r.Status, r.Body)
		}
		env.Do("POST", fmt.Sprintf("/api/v1/filings/%d/submit", f.ID), "prosecutor1", nil).Expect(t, http.StatusOK)
		// The city's 第八检察部 is told, not only its chief and case managers.
		if n := countRows(t, db, "notifications", "user_id = ? AND kind = ?", userID(t, db, "cityprosecutor1"), "filing_submitted"); n != 1 {
			t.Fatalf("city 第八检察部 told %d times", n)
		}
		for _, tc := range []struct {
			user, path string
			body       map[string]any
			want       int
		}{
			{"cityprosecutor1", comments, map[string]any{"comment": "建议事项可进一步细化"}, http.StatusCreated},
			{"citychief1", comments, map[string]any{"comment": "同意备案"}, http.StatusCreated},
			{"citychief1", comments, map[string]any{"comment": " "}, http.StatusBadRequest},
			{"prosecutor1", comments, map[string]any{"comment": "自评"}, http.StatusNotFound},
			{"agency1", comments, map[string]any{"comment": "x"}, http.StatusNotFound},
			{"cityprosecutor1", orders, map[string]any{"order": "withdraw", "reason": "x"}, http.StatusForbidden},
			{"citychief1", orders, map[string]any{"order": "cancel", "reason": "x"}, http.StatusBadRequest},
			{"citychief1", orders, map[string]any{"order": "withdraw", "reason": "建议对象错误，应予撤回"}, http.StatusCreated},
		} {
			if r := env.Do("POST", tc.path, tc.user, tc.body); r.Status != tc.want {
				t.Errorf("%s %s %v: %d %s, want %d", tc.user, tc.path, tc.body, r.Status, r.Body, tc.want)
			}
		}
		if n := countRows(t, db, "notifications", "user_id = ? AND kind = ?", userID(t, db, "prosecutor1"), "filing_order_withdraw"); n != 1 {
			t.Fatalf("prosecutor told of the order %d times", n)
		}
		tl := strings.Join(e2eTimeline(t, env, c.ID, "prosecutor1"), ",")
		if !strings.Contains(tl, "filing_comment,filing_comment,filing_order_withdraw") {
			t.Fatalf("timeline %s", tl)
		}
		// The filer's chief carries the order out: it is complied.
		c = mustAct(t, env, c, "withdraw", "chief1", map[string]any{"reason": "按上级院指令撤回"})
		var view struct {
			Reviews []struct {
				Kind       string `json:"kind"`
				Status     string `json:"status"`
				DecisionID *int64 `json:"decision_id"`
			} `json:"reviews"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", f.ID), "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &view)
		if len(view.Reviews) != 3 || view.Reviews[2].Status != "complied" || view.Reviews[2].DecisionID == nil {
			t.Fatalf("filing reviews %+v", view.Reviews)
		}
		if r := env.Do("POST", orders, "citychief1", map[string]any{"order": "amend", "reason": "x"}); r.ErrorCode() != "case_ended" {
			t.Fatalf("order on a withdrawn case: %d %s", r.Status, r.Body)
		}
	})
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFilingDueMovesOffHolidays (issue 14, point 5): the 备案 due date is
// counted like every statutory period and follows calendar edits.
func TestFilingDueMovesOffHolidays(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "备案期限", "issued") // issued Monday 2026-03-02
		due := func() string {
			t.Helper()
			var f struct {
				DueOn string `json:"due_on"`
			}
			env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/filing", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &f)
			return f.DueOn
		}
		if got := due(); got != "2026-03-09" { // + 5 days = Saturday 03-07 → Monday 03-09
			t.Fatalf("filing due %s", got)
		}
		env.Do("PUT", "/api/v1/admin/holidays/2026-03-09", "admin", map[string]any{"kind": "holiday", "name": "测试休息日", "year": 2026}).Expect(t, http.StatusOK)
		if got := due(); got != "2026-03-10" {
			t.Fatalf("after a holiday on the due day: %s", got)
		}
		env.Do("DELETE", "/api/v1/admin/holidays/2026-03-09", "admin", nil).Expect(t, http.StatusOK)
		if got := due(); got != "2026-03-09" {
			t.Fatalf("after removing it: %s", got)
		}
		if n := countRows(t, db, "audit_entries", "action = ?", "filing.due_recomputed"); n != 2 {
			t.Fatalf("audited moves %d", n)
		}
	})
}
