package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// notificationsAbout lists a user's notifications about a case (newest first).
func notificationsAbout(t *testing.T, env *apitest.Env, user string, caseID int64) []map[string]any {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	env.Do("GET", "/api/v1/notifications?limit=200", user, nil).Expect(t, http.StatusOK).Decode(t, &page)
	var out []map[string]any
	for _, n := range page.Items {
		if id, ok := n["case_id"].(float64); ok && int64(id) == caseID {
			out = append(out, n)
		}
	}
	return out
}

func hasKind(list []map[string]any, kind string) bool {
	for _, n := range list {
		if n["kind"] == kind {
			return true
		}
	}
	return false
}

// The department head is told when a case waits for 立案 (the prosecutor
// started the 初核) and when a draft waits for the department's review;
// nobody else of the procuratorate is.
func TestDeptHeadToldOfFilingAndApproval(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := newLead(t, env, "待立案的线索")
		c = mustAct(t, env, c, "check", "prosecutor1", nil)

		heads := notificationsAbout(t, env, "depthead1", c.ID)
		if !hasKind(heads, "filing_awaited") {
			t.Fatalf("depthead1 not told the case waits for 立案: %v", heads)
		}
		if link := heads[0]["link"]; link != fmt.Sprintf("/cases/%d", c.ID) {
			t.Errorf("link %v, want the case page", link)
		}
		for _, other := range []string{"chief1", "prosecutor2", "prosecutor1", "agency1"} {
			if hasKind(notificationsAbout(t, env, other, c.ID), "filing_awaited") {
				t.Errorf("%s told of a case waiting for 立案 that is not theirs to file", other)
			}
		}

		c = driveTo(t, env, "待审核的检察建议", "delivered")
		// The recipient agency's notification leads to its letter page.
		got := notificationsAbout(t, env, "agency1", c.ID)
		if len(got) == 0 || got[0]["link"] != fmt.Sprintf("/agency/letters/%d", c.ID) {
			t.Errorf("agency1's notification: %v", got)
		}
		if !hasKind(notificationsAbout(t, env, "depthead1", c.ID), "approval_requested") {
			t.Fatal("depthead1 not told a draft waits for the department's review")
		}
	})
}

// Messages a person can act on, through the real API: a form post to a JSON
// endpoint is 415, an unknown nested field is named by its path, an enum
// names its choices in Chinese.
func TestActionableAPIMessages(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "消息可读的案件", "drafting")
		req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/cases/%d/actions/consult", c.ID), strings.NewReader("version=1&opinion=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		env.DoRequest(req, "prosecutor1").Expect(t, http.StatusUnsupportedMediaType)

		draft := completeDraft(0)
		draft["content"].(map[string]any)["titel"] = "错拼的字段"
		r := env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", draft).Expect(t, http.StatusBadRequest)
		if e := r.JSON()["error"].(map[string]any); e["code"] != "unknown_field" || e["message"] != "未知字段：content.titel" {
			t.Errorf("unknown nested field: %v", e)
		}

		issued := driveTo(t, env, "送达方式有误的案件", "issued")
		r = actOn(env, issued.ID, "deliver", "prosecutor1", issued.Version, map[string]any{"method": "fax", "delivered_on": "2026-03-02"}).Expect(t, http.StatusBadRequest)
		if f := r.JSON()["error"].(map[string]any)["fields"].(map[string]any); f["method"] != "方式必须是“书面送达”“宣告送达”之一" {
			t.Errorf("enum message: %v", f)
		}
	})
}
