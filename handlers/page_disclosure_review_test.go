package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/database"
)

// The chief reviews a letter through the pages alone: the possible names
// are chips, each decided with a form button; the public page is previewed;
// publishing goes out with every name hidden; a withdrawal needs a reason.
func TestDisclosureReviewPages(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		c := namesFixture(t, env, "癸", 21)
		chief := env.WebLogIn(t, "chief1")
		list := string(chief.Get("/disclosures/review").Expect(t, http.StatusOK).Body)
		if !strings.Contains(list, fmt.Sprintf(`href="/disclosures/review/%d"`, c.ID)) || !strings.Contains(list, "待审查") {
			t.Fatal("the review list lacks the issued letter")
		}
		path := fmt.Sprintf("/disclosures/review/%d", c.ID)
		page := string(chief.Get(path).Expect(t, http.StatusOK).Body)
		for _, n := range unlistedNames {
			if !strings.Contains(page, fmt.Sprintf(`name="add_name" value="%s"`, n)) || !strings.Contains(page, fmt.Sprintf(`name="not_name" value="%s"`, n)) {
				t.Fatalf("no chip for the possible name %s", n)
			}
		}
		// Each change is marked in place with its kind, in both columns.
		if !strings.Contains(page, `<mark class="redact-orig" title="姓名">王小明`) || !strings.Contains(page, `<mark class="redact-new" title="姓名：王小明">王某`) {
			t.Fatal("the name change is not highlighted with its kind")
		}
		if strings.Contains(page, `value="public"`) || !strings.Contains(page, "逐个确认疑似姓名") {
			t.Fatal("publishing is offered while names are undecided")
		}

		// Decide the chips one by one: the state travels in the form.
		form := url.Values{"version": {fmt.Sprint(c.Version)}, "do": {"preview"}}
		post := func(extra url.Values) string {
			v := url.Values{}
			for k, x := range form {
				v[k] = x
			}
			for k, x := range extra {
				v[k] = x
			}
			res := chief.PostForm(path, v).Expect(t, http.StatusOK)
			return string(res.Body)
		}
		page = post(url.Values{"add_name": {"刘洋"}, "person_names": {"赵强\n陈静"}})
		if !strings.Contains(page, "刘洋\n赵强") && !strings.Contains(page, "赵强\n陈静\n刘洋") {
			t.Fatalf("the accepted name is not in the list")
		}
		page = post(url.Values{"person_names": {"赵强\n陈静\n刘洋"}, "not_name": {"孙丽丽"}})
		if strings.Contains(page, `name="add_name"`) || !strings.Contains(page, `name="confirm_not_names" value="孙丽丽"`) {
			t.Fatal("after deciding every chip some remain")
		}
		// The public page preview, then the decision.
		page = post(url.Values{"person_names": {"赵强\n陈静\n刘洋"}, "confirm_not_names": {"孙丽丽"}, "do": {"public"}})
		article := page[strings.Index(page, "<article"):]
		if !strings.Contains(page, "确认公开") || !strings.Contains(article, "经营者赵某、刘某、陈某") || strings.Contains(article, "刘洋") {
			t.Fatalf("the public preview does not show the redacted letter: %s", article)
		}
		res := chief.PostForm(path, url.Values{"version": {fmt.Sprint(c.Version)}, "do": {"publish"},
			"person_names": {"赵强", "陈静", "刘洋"}, "confirm_not_names": {"孙丽丽"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		var d disclosure.Disclosure
		if err := db.Where("case_id = ?", c.ID).First(&d).Error; err != nil {
			t.Fatal(err)
		}
		pub := string(env.Browser(t).Get(fmt.Sprintf("/disclosures/%d", d.ID)).Expect(t, http.StatusOK).Body)
		for _, n := range []string{"王小明", "李四", "赵强", "刘洋", "陈静"} {
			if strings.Contains(pub, n) {
				t.Fatalf("the public page shows %s", n)
			}
		}

		// A prosecutor reviews but does not decide.
		pros := string(env.WebLogIn(t, "prosecutor1").Get(path).Expect(t, http.StatusOK).Body)
		if strings.Contains(pros, `name="do" value="public"`) || !strings.Contains(pros, "公开决定由检察长作出") {
			t.Fatal("a prosecutor is offered the decision")
		}
		// Withdrawal asks for the reason.
		res = chief.PostForm(path+"/withdraw", url.Values{})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "请写明撤回公开的理由") {
			t.Fatalf("withdraw without reason: %d", res.Status)
		}
		chief.PostForm(path+"/withdraw", url.Values{"reason": {"被建议单位提出异议，待核实"}}).Expect(t, http.StatusSeeOther)
		env.Browser(t).Get(fmt.Sprintf("/disclosures/%d", d.ID)).Expect(t, http.StatusNotFound)
		var cs cases.Case
		db.First(&cs, c.ID)
		env.WebLogIn(t, "cityprosecutor1").Get(path).Expect(t, http.StatusNotFound)
	})
}
