package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/demo"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// TestSeedDemoCases seeds the demo twice through the real services and
// checks what a newcomer then sees: nine cases in their states across two
// departments, statistics that show real life (on time, late, perfunctory,
// no reply, a 宣告送达, an escalation, an application that became a case),
// a project with tasks, a review batch, one item in the public feed, the
// agencies' inboxes and an intact audit chain — all dated in the past.
func TestSeedDemoCases(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		ctx := context.Background()
		first, err := demo.SeedDemoCases(ctx, env.App.DemoServices(), apitest.Password)
		if err != nil {
			t.Fatal(err)
		}
		again, err := demo.SeedDemoCases(ctx, env.App.DemoServices(), apitest.Password)
		if err != nil {
			t.Fatalf("second seeding: %v", err)
		}
		wantStates := []cases.CaseState{cases.StateLead, cases.StateDrafting, cases.StateDelivered, cases.StateClosed, cases.StateFollowingUp,
			cases.StateClosed, cases.StateDelivered, cases.StateInvestigating, cases.StateDelivered}
		if len(first.Cases) != len(wantStates) || len(again.Cases) != len(wantStates) {
			t.Fatalf("seeded %+v, then %+v", first.Cases, again.Cases)
		}
		for i, c := range first.Cases {
			if !c.Created || again.Cases[i].Created || again.Cases[i].ID != c.ID || c.State != wantStates[i] || again.Cases[i].State != wantStates[i] {
				t.Errorf("case %d: first %+v, again %+v (want state %s)", i, c, again.Cases[i], wantStates[i])
			}
		}
		if again.TrackingNo != first.TrackingNo || again.ProjectID != first.ProjectID || again.ReviewBatchID != first.ReviewBatchID ||
			first.TrackingNo == "" || first.ProjectID == 0 || first.ReviewBatchID == 0 {
			t.Fatalf("application, project, review: first %+v, again %+v", first, again)
		}
		if len(first.Accounts) != 2 || !first.Accounts[0].Created || len(again.Accounts) != 2 || again.Accounts[0].Created {
			t.Fatalf("second department accounts: first %+v, again %+v", first.Accounts, again.Accounts)
		}
		var n int64
		if err := db.Model(&cases.Case{}).Count(&n).Error; err != nil || n != int64(len(wantStates)) {
			t.Fatalf("%d cases after seeding twice (err %v)", n, err)
		}
		if first.Cases[0].DocumentNumber != "" || first.Cases[1].DocumentNumber != "" ||
			!strings.HasPrefix(first.Cases[2].DocumentNumber, "清河检八建〔") || !strings.HasPrefix(first.Cases[3].DocumentNumber, "清河检八建〔") ||
			!strings.HasPrefix(first.Cases[8].DocumentNumber, "清河检一建〔") {
			t.Fatalf("文号 %+v", first.Cases)
		}

		// Everything happened in the past.
		var future int64
		db.Model(&cases.CaseEvent{}).Where("created_at > ?", env.Now()).Count(&future)
		if future != 0 {
			t.Fatalf("%d timeline events after now", future)
		}

		// The statistics show real life, not 100 % everywhere.
		var st stats.Stats
		env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &st)
		if st.ReplyDue != 4 || st.OnTime != 2 || st.LateReply != 1 || st.NoReply != 1 || st.Perfunctory != 1 || st.AwaitingReply != 2 ||
			st.OnTimeRate.Percent != 50 || st.ReplyRate.Percent != 75 {
			t.Fatalf("reply figures %+v", st.ReplyFigures)
		}
		if st.AnnouncedDeliveries != 1 || st.EscalatedCases != 1 || st.Closed != 2 || st.FilingOnTimeRate.Percent != 100 ||
			st.Applications.Received != 1 || st.Applications.BecameCase != 1 || st.LeadConversion.Numerator < 7 {
			t.Fatalf("activity %+v, applications %+v, lead conversion %+v", st.ActivityFigures, st.Applications, st.LeadConversion)
		}
		if len(st.NonResponders) != 1 || st.NonResponders[0].AgencyID != env.Org.Agency1.ID || len(st.Projects) != 1 {
			t.Fatalf("non-responders %+v, projects %+v", st.NonResponders, st.Projects)
		}
		// Two departments: the head of 第一检察部 sees its one case.
		var dept stats.Stats
		env.Do("GET", "/api/v1/stats", "depthead2", nil).Expect(t, http.StatusOK).Decode(t, &dept)
		if dept.Total != 1 || dept.AwaitingReply != 1 {
			t.Fatalf("第一检察部 stats: total %d awaiting %d", dept.Total, dept.AwaitingReply)
		}

		// The draft is saved; the project has its tasks and cases.
		drafts, err := env.Server.Cases().ListDrafts(ctx, actorOf(t, db, "prosecutor1"), first.Cases[1].ID)
		if err != nil || len(drafts) != 1 {
			t.Fatalf("drafts %+v, %v", drafts, err)
		}
		var p struct {
			Tasks []struct{ Status string } `json:"tasks"`
			Cases []struct {
				ID int64 `json:"id"`
			} `json:"cases"`
		}
		env.Do("GET", "/api/v1/projects/"+strconv.FormatInt(first.ProjectID, 10), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Tasks) != 3 || len(p.Cases) != 2 {
			t.Fatalf("project %+v", p)
		}
		var batch struct {
			Items []struct {
				Status string `json:"status"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/reviews/"+strconv.FormatInt(first.ReviewBatchID, 10), "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &batch)
		if len(batch.Items) != 2 {
			t.Fatalf("review batch %+v", batch)
		}

		// The published item is in the public feed, redacted.
		var feed struct {
			Items []map[string]any `json:"items"`
		}
		env.Do("GET", "/api/v1/public/disclosures", "", nil).Expect(t, http.StatusOK).Decode(t, &feed)
		if len(feed.Items) != 1 || feed.Items[0]["document_number"] != first.Cases[3].DocumentNumber {
			t.Fatalf("public feed %+v", feed.Items)
		}
		item := env.Do("GET", "/api/v1/public/disclosures/"+jsonNumber(feed.Items[0]["id"]), "", nil).Expect(t, http.StatusOK)
		if body := string(item.Body); strings.Contains(body, "刘建平") || !strings.Contains(body, "刘某") {
			t.Fatalf("published item not redacted: %s", body)
		}
		atom := env.Do("GET", "/disclosures.atom", "", nil).Expect(t, http.StatusOK)
		if strings.Count(string(atom.Body), "<entry>") != 1 {
			t.Fatalf("atom feed:\n%s", atom.Body)
		}

		// Each agency's inbox lists its own recommendations.
		for user, want := range map[string][]int{"agency1": {2, 4, 6, 8}, "agency2": {3, 5}} {
			var inbox struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			env.Do("GET", "/api/v1/agency/recommendations", user, nil).Expect(t, http.StatusOK).Decode(t, &inbox)
			got := map[int64]bool{}
			for _, it := range inbox.Items {
				got[it.ID] = true
			}
			for _, i := range want {
				if !got[first.Cases[i].ID] {
					t.Errorf("%s inbox lacks case %d (%s): %+v", user, i, first.Cases[i].Title, inbox.Items)
				}
			}
			if len(inbox.Items) != len(want) {
				t.Errorf("%s inbox has %d items, want %d", user, len(inbox.Items), len(want))
			}
		}

		// The frozen letter of the delivered case downloads.
		e2eDownload(env, first.Cases[2].ID, "recommendation", "agency1").Expect(t, http.StatusOK)

		if _, breaks, err := audit.VerifyChain(ctx, db); err != nil || len(breaks) != 0 {
			t.Fatalf("audit chain: breaks %v, err %v", breaks, err)
		}
	})
}

func actorOf(t *testing.T, db *database.DB, username string) *org.Actor {
	t.Helper()
	var u org.User
	if err := db.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	return org.ActorFor(&u, "", "")
}

func jsonNumber(v any) string {
	f, _ := v.(float64)
	return strconv.FormatInt(int64(f), 10)
}
