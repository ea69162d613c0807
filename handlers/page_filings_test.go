package handlers_test

import (
	"fmt"
	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestFilingsPageListsTheFilingsBelow: the 备案 page (the navigation's
// 备案) lists what GET /api/v1/filings gives the user — a city's chief sees
// the filings of its districts, with the documents' links once filed — a
// district's staff see the empty state pointing to their own 待备案, and
// an agency user is refused.
func TestFilingsPageListsTheFilingsBelow(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	var api struct {
		Items []struct {
			CaseID int64  `json:"case_id"`
			Title  string `json:"title"`
			Status string `json:"status"`
		}
	}
	env.Do("GET", "/api/v1/filings", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &api)
	if len(api.Items) == 0 {
		t.Fatal("the demo has no filing for the city")
	}
	city := env.WebLogIn(t, "citychief1")
	res := city.Get("/filings").Expect(t, http.StatusOK)
	filed := 0
	for _, f := range api.Items {
		bodyHas(t, res, f.Title)
		if f.Status == "filed" {
			filed++
			bodyHas(t, res, fmt.Sprintf("/cases/%d/documents/filing-report.pdf", f.CaseID), "已备案")
			for _, doc := range []string{"filing-report.pdf", "recommendation.pdf"} {
				if pdf := city.Get(fmt.Sprintf("/cases/%d/documents/%s", f.CaseID, doc)); pdf.Status != http.StatusOK {
					t.Fatalf("%s of case %d: %d", doc, f.CaseID, pdf.Status)
				}
			}
		}
	}
	if filed == 0 {
		t.Fatal("the demo has no filed filing: the documents' links are untested")
	}
	bodyHas(t, env.WebLogIn(t, "chief1").Get("/filings").Expect(t, http.StatusOK), "暂无下级院的备案", `href="/dashboard"`)
	env.WebLogIn(t, "agency1").Get("/filings").Expect(t, http.StatusForbidden)
}

// TestPendingFilingsPageFilesWithTheHigherProcuratorate: 本院待备案 lists
// all of the dashboard's 待备案 (the box links there); the handling
// prosecutor files one with 报送备案 — the filing leaves the list, its
// 备案报告 opens, the procuratorate above sees it filed — and a second
// 报送 of the same filing is refused with a message, not an error page. A
// case manager sees the list without the button; a chief and an agency are
// refused.
func TestPendingFilingsPageFilesWithTheHigherProcuratorate(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		pendingFilingsScenario(t, apitest.New(t, db))
	})
}

func pendingFilingsScenario(t *testing.T, env *apitest.Env) {
	today := calendar.DateOf(env.Now(), env.Config.Location())
	for i := 0; i < 4; i++ {
		env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Title: fmt.Sprintf("待备案案件%d", i),
			DocumentNumber: fmt.Sprintf("清河检八建〔2026〕%d号", 80+i), IssuedAt: env.Now(), DeliveredOn: today.AddDays(-3),
			ReplyDue: today.AddDays(50), FiledWith: env.Org.City.ID})
	}
	pros := env.WebLogIn(t, "prosecutor1")
	dash := pros.Get("/dashboard").Expect(t, http.StatusOK)
	bodyHas(t, dash, `href="/filings/pending#filing-`)
	page := pros.Get("/filings/pending").Expect(t, http.StatusOK)
	bodyHas(t, page, "共 4 件待报备", "报送备案")
	ids := regexp.MustCompile(`action="/filings/(\d+)/submit"`).FindAllStringSubmatch(string(page.Body), -1)
	if len(ids) != 4 {
		t.Fatalf("%d 报送备案 buttons, want 4", len(ids))
	}
	id := ids[0][1]
	var before struct {
		CaseID int64  `json:"case_id"`
		Status string `json:"status"`
	}
	env.Do("GET", "/api/v1/filings/"+id, "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &before)
	if before.Status != "pending" {
		t.Fatalf("filing %s is %q before 报送", id, before.Status)
	}

	navCount := regexp.MustCompile(`<span class="nav-count">(\d+)</span>`)
	counted := navCount.FindStringSubmatch(string(page.Body))
	if counted == nil {
		t.Fatal("no 工作台 count in the navigation of 本院待备案")
	}
	pros.PostForm("/filings/"+id+"/submit", url.Values{}).Expect(t, http.StatusSeeOther)
	after := pros.Get("/filings/pending").Expect(t, http.StatusOK)
	bodyHas(t, after, "已报上级院备案，备案报告已生成。", "共 3 件待报备")
	// The 工作台 count in the navigation drops with the filing at once (the
	// user's own action), not after the count's few seconds of caching.
	was, _ := strconv.Atoi(counted[1])
	if now := navCount.FindStringSubmatch(string(after.Body)); now == nil || now[1] != strconv.Itoa(was-1) {
		t.Fatalf("工作台 count after 报送备案 %v, want %d", now, was-1)
	}
	if strings.Contains(string(after.Body), `action="/filings/`+id+`/submit"`) {
		t.Fatal("the filed filing is still listed")
	}
	var filed struct {
		Status string `json:"status"`
	}
	env.Do("GET", "/api/v1/filings/"+id, "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &filed)
	if filed.Status != "filed" {
		t.Fatalf("filing %s is %q after 报送", id, filed.Status)
	}
	if pdf := pros.Get(fmt.Sprintf("/cases/%d/documents/filing-report.pdf", before.CaseID)); pdf.Status != http.StatusOK {
		t.Fatalf("备案报告: %d", pdf.Status)
	}

	pros.PostForm("/filings/"+id+"/submit", url.Values{}).Expect(t, http.StatusSeeOther)
	bodyHas(t, pros.Get("/filings/pending").Expect(t, http.StatusOK), "不能重复报送")

	mgr := env.WebLogIn(t, "casemgr1").Get("/filings/pending").Expect(t, http.StatusOK)
	bodyHas(t, mgr, "由承办检察官报送")
	if strings.Contains(string(mgr.Body), `/submit"`) {
		t.Fatal("a case manager got the 报送备案 button")
	}
	env.WebLogIn(t, "casemgr1").PostForm("/filings/"+ids[1][1]+"/submit", url.Values{}).Expect(t, http.StatusForbidden)
	env.WebLogIn(t, "chief1").Get("/filings/pending").Expect(t, http.StatusForbidden)
	env.WebLogIn(t, "agency1").Get("/filings/pending").Expect(t, http.StatusForbidden)
}

// TestPendingFilingsPagesThroughACursor: the list pages by due date and
// id; a cursor that is not one is a 400 page, not a 500.
func TestPendingFilingsPagesThroughACursor(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	pros := env.WebLogIn(t, "prosecutor1")
	pros.Get("/filings/pending?cursor=2026-01-01.0").Expect(t, http.StatusBadRequest)
	pros.Get("/filings/pending?cursor=nonsense").Expect(t, http.StatusBadRequest)
	bodyHas(t, pros.Get("/filings/pending?cursor=2999-01-01.1").Expect(t, http.StatusOK), "没有更多待备案了")
}
