package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/internal/org"
	"jianyi/internal/stats"
)

func actorNamed(t *testing.T, env *apitest.Env, username string) *org.Actor {
	t.Helper()
	var id int64
	if err := env.DB.Model(&org.User{}).Where("username = ?", username).Pluck("id", &id).Error; err != nil || id == 0 {
		t.Fatalf("%s: %v", username, err)
	}
	u, path, err := org.UserWithPath(env.DB.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	a := org.ActorFor(u, "127.0.0.1", "test")
	a.ProcuratoratePath = path // as authentication gives it
	return a
}

// The per-agency rows add up to Compute's reply figures, and each row is what
// Compute gives with that agency as the filter.
func TestReplyByAgencyAddsUpToTheTotals(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	svc := env.App.Stats
	ctx := context.Background()
	for _, user := range []string{"chief1", "depthead1", "prosecutor1"} {
		a := actorNamed(t, env, user)
		q := stats.StatsQuery{}
		total, err := svc.Compute(ctx, a, q)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := svc.ReplyByAgency(ctx, a, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		var due, on, late, none, perf int64
		for _, r := range rows {
			due, on, late, none, perf = due+r.ReplyDue, on+r.OnTime, late+r.LateReply, none+r.NoReply, perf+r.Perfunctory
			one, err := svc.Compute(ctx, a, stats.StatsQuery{AgencyID: r.AgencyID})
			if err != nil {
				t.Fatal(err)
			}
			if one.ReplyDue != r.ReplyDue || one.OnTime != r.OnTime || one.LateReply != r.LateReply || one.NoReply != r.NoReply || one.Perfunctory != r.Perfunctory || one.AdoptionRate != r.AdoptionRate {
				t.Errorf("%s, %s: row %+v, Compute %+v", user, r.Agency, r.ReplyFigures, one.ReplyFigures)
			}
		}
		if due != total.ReplyDue || on != total.OnTime || late != total.LateReply || none != total.NoReply || perf != total.Perfunctory {
			t.Errorf("%s: rows add up to %d/%d/%d/%d/%d, totals %+v", user, due, on, late, none, perf, total.ReplyFigures)
		}
		if user == "chief1" && due == 0 {
			t.Fatal("the demo has no recommendation due: the test proves nothing")
		}
	}
}

func TestStatsPageByRole(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	for user, want := range map[string]int{"chief1": 200, "casemgr1": 200, "depthead1": 200, "prosecutor1": 200, "admin": 403, "agency1": 403} {
		b := env.WebLogIn(t, user)
		res := b.Get("/stats")
		if res.Status != want {
			t.Errorf("%s: /stats %d, want %d", user, res.Status, want)
			continue
		}
		body := string(res.Body)
		if want == 200 && (!strings.Contains(body, `id="chart-classes"`) || !strings.Contains(body, "口径说明")) {
			t.Errorf("%s: dashboard lacks its charts", user)
		}
		if user == "depthead1" && (strings.Contains(body, `name="procuratorate_id"`) || !strings.Contains(body, "统计范围：本部门")) {
			t.Errorf("dept head: scope or filters wrong")
		}
		if res := b.Get("/stats/ledger.csv"); res.Status != want {
			t.Errorf("%s: ledger %d, want %d", user, res.Status, want)
		} else if want == 200 && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("%s: ledger type %q", user, res.Header.Get("Content-Type"))
		}
	}
}

func TestStatsPageFilterErrorsShowOnTheForm(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	b := env.WebLogIn(t, "chief1")
	res := b.Get("/stats?period=custom&from=2026-05-01&to=2026-01-01")
	if res.Status != http.StatusBadRequest {
		t.Fatalf("status %d", res.Status)
	}
	body := string(res.Body)
	if !strings.Contains(body, "结束日期不能早于开始日期") || !strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, `value="2026-05-01"`) {
		t.Fatalf("the error is not on the form:\n%s", body)
	}
	res = b.Get("/stats?from=2026-13-01")
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "日期格式应为 YYYY-MM-DD") {
		t.Fatalf("bad date: %d", res.Status)
	}
	// A department head may not look at another department.
	res = env.WebLogIn(t, "depthead1").Get("/stats?department_id=999")
	if res.Status != http.StatusForbidden {
		t.Fatalf("other department: %d", res.Status)
	}
}
