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
)

// TestSeedDemoCases seeds the demo cases twice through the real case service
// and checks what a newcomer then sees: four cases in their states, one item
// in the public feed, agency1's recommendation in its inbox and an intact
// audit chain.
func TestSeedDemoCases(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		ctx := context.Background()
		first, err := demo.SeedDemoCases(ctx, db, env.App.Cases, env.App.Disclosures)
		if err != nil {
			t.Fatal(err)
		}
		again, err := demo.SeedDemoCases(ctx, db, env.App.Cases, env.App.Disclosures)
		if err != nil {
			t.Fatalf("second seeding: %v", err)
		}
		wantStates := []cases.CaseState{cases.StateLead, cases.StateDrafting, cases.StateDelivered, cases.StateClosed}
		if len(first) != 4 || len(again) != 4 {
			t.Fatalf("seeded %+v, then %+v", first, again)
		}
		for i, c := range first {
			if !c.Created || again[i].Created || again[i].ID != c.ID || c.State != wantStates[i] || again[i].State != wantStates[i] {
				t.Errorf("case %d: first %+v, again %+v (want state %s)", i, c, again[i], wantStates[i])
			}
		}
		var n int64
		if err := db.Model(&cases.Case{}).Count(&n).Error; err != nil || n != 4 {
			t.Fatalf("%d cases after seeding twice (err %v)", n, err)
		}
		if first[0].DocumentNumber != "" || first[1].DocumentNumber != "" ||
			!strings.HasPrefix(first[2].DocumentNumber, "清河检八建〔") || !strings.HasPrefix(first[3].DocumentNumber, "清河检八建〔") {
			t.Fatalf("文号 %+v", first)
		}

		// The case list shows them to the prosecutor; the draft is saved.
		var list struct {
			Items []struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/cases", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		if len(list.Items) != 4 {
			t.Fatalf("case list %+v", list.Items)
		}
		drafts, err := env.Server.Cases().ListDrafts(ctx, actorOf(t, db, "prosecutor1"), first[1].ID)
		if err != nil || len(drafts) != 1 {
			t.Fatalf("drafts %+v, %v", drafts, err)
		}

		// The published item is in the public feed, redacted.
		var feed struct {
			Items []map[string]any `json:"items"`
		}
		env.Do("GET", "/api/v1/public/disclosures", "", nil).Expect(t, http.StatusOK).Decode(t, &feed)
		if len(feed.Items) != 1 || feed.Items[0]["document_number"] != first[3].DocumentNumber {
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

		// agency1's inbox lists its recommendation; agency2 sees its own closed one.
		var inbox struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/agency/recommendations", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != first[2].ID {
			t.Fatalf("agency1 inbox %+v", inbox.Items)
		}
		inbox.Items = nil
		env.Do("GET", "/api/v1/agency/recommendations", "agency2", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != first[3].ID {
			t.Fatalf("agency2 inbox %+v", inbox.Items)
		}

		// The frozen letter of the delivered case downloads.
		e2eDownload(env, first[2].ID, "recommendation", "agency1").Expect(t, http.StatusOK)

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
