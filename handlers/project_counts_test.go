package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
	"jianyi/migrations"
)

// TestProjectCaseCountsFollowTheCases: the projects list reads each
// project's case counts from project_case_counts (migration 0025), kept by
// the writes. Through links, replies, assessments, a returned reply, a
// decline, a termination, a close, a reopen and an unlink, the list's
// progress is what counting the cases gives, and `server stats verify`
// finds the counts equal to the cases.
func TestProjectCaseCountsFollowTheCases(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var p struct{ ID int64 }
		env.Do("POST", "/api/v1/projects", "prosecutor1", map[string]any{"title": "计数项目", "field": "食品药品安全", "problem": "p", "goals": "g",
			"start_on": "2026-03-01", "planned_end_on": "2026-08-31"}).Expect(t, http.StatusCreated).Decode(t, &p)
		base := fmt.Sprintf("/api/v1/projects/%d", p.ID)

		check := func(step string, want cases.ProjectCaseCounts) {
			t.Helper()
			var list struct {
				Items []projects.ProjectSummary `json:"items"`
			}
			env.Do("GET", "/api/v1/projects", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &list)
			var got *projects.ProjectProgress
			for i := range list.Items {
				if list.Items[i].ID == p.ID {
					got = &list.Items[i].Progress
				}
			}
			if got == nil {
				t.Fatalf("%s: project %d not in the list", step, p.ID)
			}
			direct, err := projects.CountProjectCases(env.DB.DB, []int64{p.ID})
			if err != nil {
				t.Fatal(err)
			}
			d := direct[p.ID]
			if got.CasesTotal != d.CasesTotal || got.CasesAssessed != d.CasesAssessed || got.CasesReplied != d.CasesReplied {
				t.Fatalf("%s: the list shows %d/%d/%d (total/assessed/replied), the cases count %+v", step, got.CasesTotal, got.CasesAssessed, got.CasesReplied, *d)
			}
			want.ProjectID = p.ID
			if *d != want {
				t.Fatalf("%s: the cases count %+v, want %+v", step, *d, want)
			}
			detail := getProject(t, env, p.ID, "prosecutor1").Progress
			if detail != *got {
				t.Fatalf("%s: the project's page shows %+v, the list %+v", step, detail, *got)
			}
			_, diffs, err := env.App.Stats.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, df := range diffs {
				if strings.HasPrefix(df.What, "project_case_counts") {
					t.Errorf("%s: verify: %s stored %s, recomputed %s", step, df.What, df.Stored, df.Recomputed)
				}
			}
		}
		link := func(id int64) {
			env.Do("POST", base+"/cases", "prosecutor1", map[string]any{"case_id": id}).Expect(t, http.StatusOK)
		}
		reply := func(c caseState, kind string) caseState {
			t.Helper()
			c, _ = act(t, env, c.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": kind, "items": allItems(agency.PositionAdopted, agency.PositionAdopted, agency.PositionAdopted),
				"measures_taken": "已开展专项整治", "contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
			return c
		}

		check("no cases", cases.ProjectCaseCounts{})
		// Delivered letters that need no filing before closing.
		delivered := func(seq int) caseState {
			c := createDeliveredCaseFixture(t, env, seq, true)
			return caseState{ID: c.ID, State: string(c.State), Version: c.Version}
		}
		a, b := delivered(91), delivered(92)
		c := e2eDelivered(t, env, "计数丙")
		lead := newLead(t, env, "计数线索")
		for _, id := range []int64{a.ID, b.ID, c.ID, lead.ID} {
			link(id)
		}
		check("four linked", cases.ProjectCaseCounts{CasesTotal: 4})

		a = reply(a, "final")
		check("replied", cases.ProjectCaseCounts{CasesTotal: 4, CasesReplied: 1})
		a = mustAct(t, env, a, "assess", "prosecutor1", map[string]any{"verdict": agency.RectificationRectified, "opinion": "整改到位"})
		check("assessed", cases.ProjectCaseCounts{CasesTotal: 4, CasesAssessed: 1})

		b = reply(b, "final")
		b = mustAct(t, env, b, "return_reply", "prosecutor1", map[string]any{"reason": "未逐项说明整改措施", "days": 15})
		check("reply returned", cases.ProjectCaseCounts{CasesTotal: 4, CasesAssessed: 1})
		b = reply(b, "supplement")
		check("replied again", cases.ProjectCaseCounts{CasesTotal: 4, CasesAssessed: 1, CasesReplied: 1})

		mustAct(t, env, lead, "decline", "prosecutor1", map[string]any{"reason": "不符合立案条件"})
		check("declined", cases.ProjectCaseCounts{CasesTotal: 3, CasesAssessed: 1, CasesReplied: 1})

		mustAct(t, env, c, "terminate", "prosecutor1", map[string]any{"reason": "被建议单位已撤销"})
		check("terminated", cases.ProjectCaseCounts{CasesTotal: 2, CasesAssessed: 1, CasesReplied: 1})

		b = mustAct(t, env, b, "close", "prosecutor1", map[string]any{"outcome": "rectified", "summary": "已整改"})
		check("closed without a verdict", cases.ProjectCaseCounts{CasesTotal: 2, CasesAssessed: 1, CasesReplied: 1})
		a = mustAct(t, env, a, "close", "prosecutor1", map[string]any{"outcome": "rectified", "summary": "已整改"})
		a = mustAct(t, env, a, "reopen", "chief1", map[string]any{"reason": "整改出现反复"})
		check("closed and reopened", cases.ProjectCaseCounts{CasesTotal: 2, CasesAssessed: 1, CasesReplied: 1})

		env.Do("DELETE", fmt.Sprintf("%s/cases/%d", base, a.ID), "prosecutor1", nil).Expect(t, http.StatusNoContent)
		check("assessed case unlinked", cases.ProjectCaseCounts{CasesTotal: 1, CasesReplied: 1})
		env.Do("DELETE", fmt.Sprintf("%s/cases/%d", base, c.ID), "prosecutor1", nil).Expect(t, http.StatusNoContent)
		check("terminated case unlinked", cases.ProjectCaseCounts{CasesTotal: 1, CasesReplied: 1})
		link(a.ID)
		check("linked again", cases.ProjectCaseCounts{CasesTotal: 2, CasesAssessed: 1, CasesReplied: 1})
		final := cases.ProjectCaseCounts{CasesTotal: 2, CasesAssessed: 1, CasesReplied: 1}

		// Migration 0025 fills the counts from the cases as they are.
		fill := ""
		all, err := migrations.All()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all {
			if st := m.Statements(migrations.Dialect(env.DB.Dialector.Name())); m.Version == 25 {
				fill = st[len(st)-1]
			}
		}
		if err := env.DB.Exec("DELETE FROM project_case_counts").Error; err != nil {
			t.Fatal(err)
		}
		if err := env.DB.Exec(fill).Error; err != nil {
			t.Fatal(err)
		}
		check("filled by the migration", final)

		// Verify names a count that went wrong; rebuild rewrites it.
		if err := env.DB.Exec("UPDATE project_case_counts SET cases_replied = cases_replied + 1 WHERE project_id = ?", p.ID).Error; err != nil {
			t.Fatal(err)
		}
		_, diffs, err := env.App.Stats.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, df := range diffs {
			found = found || df.What == fmt.Sprintf("project_case_counts %d", p.ID)
		}
		if !found {
			t.Fatalf("verify did not find the wrong count: %+v", diffs)
		}
		if _, err := env.App.Stats.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		check("rebuilt", final)
	})
}
