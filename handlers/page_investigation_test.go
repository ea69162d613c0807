package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// The 调查核实 page adds records through the API's decoding and service call:
// the same refusals, named at the form's fields, and the record the API lists.
func TestInvestigationPageAddsRecordsLikeTheAPI(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := env.CaseFixture(apitest.CaseFixture{State: cases.StateInvestigating})
		path := fmt.Sprintf("/cases/%d/investigation", c.ID)
		b := env.WebLogIn(t, "prosecutor1")
		page := b.Get(fmt.Sprintf("/cases/%d", c.ID)).Expect(t, http.StatusOK)
		if !strings.Contains(string(page.Body), path) {
			t.Fatal("the case page does not lead to the investigation page")
		}
		b.Get(path).Expect(t, http.StatusOK)

		res := b.PostForm(path, url.Values{"kind": {"site_visit"}, "summary": {"现场查看了校门口"}}).Expect(t, http.StatusBadRequest)
		if !strings.Contains(string(res.Body), `id="participants-error"`) || !strings.Contains(string(res.Body), "现场查看了校门口") {
			t.Fatalf("missing participants not named at the field, or input lost:\n%s", clipBody(res.Body))
		}
		res = b.PostForm(path, url.Values{"kind": {"seizure"}, "participants": {"张检察官"}, "summary": {"扣押"}}).Expect(t, http.StatusBadRequest)
		if !strings.Contains(string(res.Body), "强制性措施") {
			t.Fatalf("a coercive measure was not refused:\n%s", clipBody(res.Body))
		}
		res = b.PostForm(path, url.Values{"kind": {cases.InvestigationReport}, "participants": {"张检察官"}, "summary": {"调查终结"},
			"facts": {"查明校门口存在无证摊贩"}}).Expect(t, http.StatusBadRequest)
		if !strings.Contains(string(res.Body), `id="evidence-error"`) {
			t.Fatalf("an incomplete report is not named at its fields:\n%s", clipBody(res.Body))
		}

		req := apitest.Multipart("POST", path, map[string]string{"_csrf": b.CSRF(), "kind": "site_visit", "date": env.Now().Format("2006-01-02"),
			"place": "清河区实验小学门口", "participants": "张检察官、书记员王某", "summary": "现场查看了校门口的流动摊贩", "internal": "true"},
			[]apitest.File{{Field: "files", Name: "现场照片.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}})
		res = b.Do(req)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("valid record: %d\n%s", res.Status, clipBody(res.Body))
		}
		list := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/investigation-records", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).JSON()
		items, _ := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("records after the page's post: %v", list)
		}
		rec := items[0].(map[string]any)
		if rec["kind"] != "site_visit" || rec["place"] != "清河区实验小学门口" || len(rec["files"].([]any)) != 1 {
			t.Fatalf("record as the API sees it: %v", rec)
		}
		page = b.Get(path).Expect(t, http.StatusOK)
		if !strings.Contains(string(page.Body), "现场照片.pdf") || !strings.Contains(string(page.Body), "调查核实记录（1）") {
			t.Fatalf("the page does not list the record:\n%s", clipBody(page.Body))
		}
		// Another procuratorate's prosecutor does not see the case.
		env.WebLogIn(t, "cityprosecutor1").Get(path).Expect(t, http.StatusNotFound)
	})
}
