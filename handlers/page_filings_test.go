package handlers_test

import (
	"fmt"
	"net/http"
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
