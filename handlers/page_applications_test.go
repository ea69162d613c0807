package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/applications"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// The queue shows the statuses, the answer-due date and the duplicate flag;
// the page answers (受理), then decides (启动: the case is created), and
// refuses a decline without reasons with the form kept.
func TestApplicationPagesAnswerAndDecide(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		submit(t, env, solvedApplication(t, env, applicantID, problemText))
		submit(t, env, solvedApplication(t, env, applicantID, "清河区实验小学门口每天都有无证流动摊贩在售卖过期零食！多次向有关部门反映都无果，学生健康受到威胁。"))
		var apps []applications.Application
		db.Order("id").Find(&apps)

		mgr := env.WebLogIn(t, "casemgr1")
		list := string(mgr.Get("/applications").Expect(t, http.StatusOK).Body)
		for _, want := range []string{apps[0].TrackingNo, apps[1].TrackingNo, "已提交，待答复", "疑似重复", "答复期限", "还剩"} {
			if !strings.Contains(list, want) {
				t.Fatalf("queue lacks %q", want)
			}
		}
		dup := string(mgr.Get("/applications?duplicate=true").Expect(t, http.StatusOK).Body)
		if strings.Contains(dup, apps[0].TrackingNo+"<") || !strings.Contains(dup, apps[1].TrackingNo) {
			t.Fatal("the duplicate filter does not keep only the flagged application")
		}

		path := fmt.Sprintf("/applications/%d", apps[0].ID)
		page := string(mgr.Get(path).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, "作出答复") || !strings.Contains(page, "欧阳娜娜") {
			t.Fatal("the application page lacks the answer form or the applicant")
		}
		// 需补正 without saying what is missing: 422, the choice kept.
		res := mgr.PostForm(path+"/answer", url.Values{"version": {"1"}, "kind": {"needs_supplement"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "请写明需要补正的内容") ||
			!strings.Contains(string(res.Body), `value="needs_supplement" checked`) {
			t.Fatalf("supplement without text: %d", res.Status)
		}
		res = mgr.PostForm(path+"/answer", url.Values{"version": {"1"}, "kind": {"accepted"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != path {
			t.Fatalf("accept: %d %s", res.Status, res.Body)
		}
		page = string(mgr.Get(path).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, "已受理，已告知申请人") || !strings.Contains(page, "已受理，审查中") || !strings.Contains(page, "告知书（PDF）") {
			t.Fatal("after the answer the page lacks the flash, the status or the notice")
		}
		pdf := mgr.Get(path+"/notice.pdf").Expect(t, http.StatusOK)
		if !strings.HasPrefix(string(pdf.Body), "%PDF-") {
			t.Fatal("the notice is not a PDF")
		}
		// A stale form: the version is checked like the API's.
		res = mgr.PostForm(path+"/answer", url.Values{"version": {"1"}, "kind": {"accepted"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("stale answer: %d", res.Status)
		}

		pros := env.WebLogIn(t, "prosecutor1")
		res = pros.PostForm(path+"/decide", url.Values{"version": {"2"}, "decision": {"decline"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "不予启动须写明理由") {
			t.Fatalf("decline without reasons: %d", res.Status)
		}
		res = pros.PostForm(path+"/decide", url.Values{"version": {"2"}, "decision": {"accept"}, "field": {"食品药品安全"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("start: %d %s", res.Status, res.Body)
		}
		var app applications.Application
		db.First(&app, apps[0].ID)
		var c cases.Case
		if app.CaseID == nil || db.First(&c, *app.CaseID).Error != nil || c.State != cases.StateLead || c.Field != "食品药品安全" {
			t.Fatalf("no lead registered: %+v", app.CaseID)
		}
		page = string(pros.Get(path).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, fmt.Sprintf(`href="/cases/%d"`, c.ID)) || !strings.Contains(page, "决定启动检察建议程序") {
			t.Fatal("the page does not link the new case")
		}

		// Another procuratorate's staff and other roles do not see it.
		env.WebLogIn(t, "cityprosecutor1").Get(path).Expect(t, http.StatusNotFound)
		env.WebLogIn(t, "chief1").Get("/applications").Expect(t, http.StatusForbidden)
	})
}
