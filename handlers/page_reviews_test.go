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
	"jianyi/internal/reviews"
)

// A review through the pages: the case manager organises it and assigns a
// reviewer, the reviewer scores the sheet (an out-of-range score is kept
// with its message), the handling prosecutor answers, the results show.
func TestReviewPagesScoreAndAnswer(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		p3 := firstDeptProsecutor(t, env)
		insertCase(t, env, caseFixture{State: cases.StateClosed, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", Rectification: "rectified", ReplyClass: cases.ReplyClassOnTime})

		mgr := env.WebLogIn(t, "casemgr1")
		res := mgr.PostForm("/reviews", url.Values{"kind": {"cross"}, "title": {""}})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `aria-invalid="true"`) {
			t.Fatalf("batch without title: %d", res.Status)
		}
		res = mgr.PostForm("/reviews", url.Values{"kind": {"cross"}, "title": {"2026年第一季度交叉评查"}, "issued_from": {"2026-01-01"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create batch: %d %s", res.Status, res.Body)
		}
		var b reviews.ReviewBatch
		db.Where("title = ?", "2026年第一季度交叉评查").First(&b)
		var it reviews.ReviewItem
		db.Where("batch_id = ?", b.ID).First(&it)
		batch := fmt.Sprintf("/reviews/%d", b.ID)
		if page := string(mgr.Get(batch).Expect(t, http.StatusOK).Body); !strings.Contains(page, "待指定评查人") || !strings.Contains(page, "指定") {
			t.Fatal("the batch page lacks the assignment form")
		}
		mgr.PostForm(fmt.Sprintf("%s/items/%d/reviewer", batch, it.ID), url.Values{"reviewer_id": {fmt.Sprint(p3)}}).Expect(t, http.StatusSeeOther)

		var sheet []reviews.ScoreLine
		for _, l := range b.SheetLines() {
			sheet = append(sheet, l)
		}
		reviewer := env.WebLogIn(t, "prosecutor3")
		if page := string(reviewer.Get("/reviews").Expect(t, http.StatusOK).Body); !strings.Contains(page, "我评查的案件") {
			t.Fatal("the reviewer's list lacks the item")
		}
		item := fmt.Sprintf("%s/items/%d", batch, it.ID)
		form := url.Values{"findings": {"调查核实充分。"}}
		for i, l := range sheet {
			form.Set(fmt.Sprintf("score_%d", i), fmt.Sprint(l.MaxScore))
		}
		form.Set("score_0", fmt.Sprint(sheet[0].MaxScore+5))
		res = reviewer.PostForm(item+"/score", form)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), fmt.Sprintf("分值应在 0 至 %d 之间", sheet[0].MaxScore)) ||
			!strings.Contains(string(res.Body), fmt.Sprintf(`value="%d"`, sheet[0].MaxScore+5)) {
			t.Fatalf("out-of-range score: %d", res.Status)
		}
		form.Set("score_0", fmt.Sprint(sheet[0].MaxScore-1))
		reviewer.PostForm(item+"/score", form).Expect(t, http.StatusSeeOther)
		db.First(&it, it.ID)
		if it.Status != reviews.ReviewScored || it.TotalScore != b.MaxScore-1 {
			t.Fatalf("scored item %+v", it)
		}

		handler := env.WebLogIn(t, "prosecutor1")
		page := string(handler.Get(item).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, "调查核实充分。") || !strings.Contains(page, "提交答复") {
			t.Fatal("the handler does not see the findings and the answer form")
		}
		handler.PostForm(item+"/answer", url.Values{"answer": {"已按意见补充说理。"}}).Expect(t, http.StatusSeeOther)
		res2 := string(mgr.Get(batch+"/results").Expect(t, http.StatusOK).Body)
		if !strings.Contains(res2, "已答复 1 件") || !strings.Contains(res2, "按承办检察官") {
			t.Fatal("the results page lacks the counts")
		}
		// Somebody else's item stays hidden.
		env.WebLogIn(t, "prosecutor2").Get(item).Expect(t, http.StatusNotFound)
	})
}
