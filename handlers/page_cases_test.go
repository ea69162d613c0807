package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/handlers"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/templates"
)

// districtID is the procuratorate of prosecutor1 (the demo's 清河区院).
func districtID(t *testing.T, env *apitest.Env) int64 {
	t.Helper()
	var id int64
	if err := env.DB.Raw("SELECT procuratorate_id FROM users WHERE username = ?", "prosecutor1").Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("prosecutor1's procuratorate: %v", err)
	}
	return id
}

// demoEnv is the router on SQLite with the demo organisation and cases.
func demoEnv(t *testing.T) *apitest.Env {
	t.Helper()
	return apitest.NewDemo(t, "sqlite")
}

func bodyHas(t *testing.T, res *apitest.Response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(res.Body), w) {
			t.Fatalf("page lacks %q:\n%s", w, clipBody(res.Body))
		}
	}
}

func clipBody(b []byte) string {
	s := string(b)
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 6000 {
		s = s[:6000]
	}
	return s
}

// Every case page, action form and draft page of the demo renders for each
// staff role that may read the case.
func TestCasePagesRenderForEveryDemoCase(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	var all []cases.Case
	if err := env.DB.Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	district, n := districtID(t, env), 0
	for _, user := range []string{"prosecutor1", "depthead1", "chief1", "casemgr1"} {
		b := env.WebLogIn(t, user)
		b.Get("/dashboard").Expect(t, http.StatusOK)
		b.Get("/cases").Expect(t, http.StatusOK)
		b.Get("/cases?sort=due").Expect(t, http.StatusOK)
		for _, c := range all {
			if c.ProcuratorateID != district {
				continue
			}
			n++
			res := b.Get(fmt.Sprintf("/cases/%d", c.ID))
			if res.Status != http.StatusOK {
				t.Fatalf("%s case %d: %d %s", user, c.ID, res.Status, clipBody(res.Body))
			}
			b.Get(fmt.Sprintf("/cases/%d/draft", c.ID)).Expect(t, http.StatusOK)
			cv := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), user, nil).JSON()
			for _, a := range cv["allowed_actions"].([]any) {
				b.Get(fmt.Sprintf("/cases/%d/act/%s", c.ID, a)).Expect(t, http.StatusOK)
			}
		}
	}
	if n < 4*5 {
		t.Fatalf("only %d case pages rendered", n)
	}
}

// apiCases lists the cases the API gives user for a query string, in order.
func apiCases(t *testing.T, env *apitest.Env, user, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	next := ""
	for {
		q := query
		if next != "" {
			q += "&cursor=" + next
		}
		var page struct {
			Items      []map[string]any `json:"items"`
			NextCursor string           `json:"next_cursor"`
		}
		env.Do("GET", "/api/v1/cases?limit=3&"+q, user, nil).Expect(t, http.StatusOK).Decode(t, &page)
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out
		}
		next = page.NextCursor
	}
}

// The API's sort=due lists every case once, nearest reply deadline first
// (cases without one last), across pages.
func TestCaseListSortsByReplyDeadline(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	byDue := apiCases(t, env, "prosecutor1", "sort=due")
	plain := apiCases(t, env, "prosecutor1", "")
	if len(byDue) != len(plain) || len(plain) < 5 {
		t.Fatalf("sort=due lists %d cases, the plain list %d", len(byDue), len(plain))
	}
	seen := map[float64]bool{}
	last, nulls := "", false
	for _, c := range byDue {
		seen[c["id"].(float64)] = true
		due, _ := c["reply_due"].(string)
		switch {
		case due == "":
			nulls = true
		case nulls:
			t.Fatalf("case %v with a deadline after cases without one", c["id"])
		case due < last:
			t.Fatalf("deadline %s after %s", due, last)
		default:
			last = due
		}
	}
	if len(seen) != len(plain) {
		t.Fatalf("sort=due repeats cases: %d distinct of %d", len(seen), len(byDue))
	}
	env.Do("GET", "/api/v1/cases?sort=title", "prosecutor1", nil).Expect(t, http.StatusBadRequest)
	env.Do("GET", "/api/v1/cases?sort=due&cursor=12", "prosecutor1", nil).Expect(t, http.StatusBadRequest)

	// The page lists the same cases in the same order.
	b := env.WebLogIn(t, "prosecutor1")
	res := b.Get("/cases?sort=due&limit=200").Expect(t, http.StatusOK)
	pos := -1
	for _, c := range byDue {
		i := strings.Index(string(res.Body), fmt.Sprintf(`href="/cases/%d"`, int64(c["id"].(float64))))
		if i < pos {
			t.Fatalf("page order differs from the API at case %v", c["id"])
		}
		pos = i
	}
	b.Get("/cases?state=nonsense").Expect(t, http.StatusBadRequest)
}

// The page list filters as the API does (same query builder).
func TestCaseListPageFiltersLikeTheAPI(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	b := env.WebLogIn(t, "depthead1")
	for _, q := range []string{"state=delivered", "field=校园安全", "q=食品", "overdue=true"} {
		want := apiCases(t, env, "depthead1", q)
		res := b.Get("/cases?"+strings.ReplaceAll(q, "校园安全", "%E6%A0%A1%E5%9B%AD%E5%AE%89%E5%85%A8")).Expect(t, http.StatusOK)
		got := strings.Count(string(res.Body), `<td class="cell-title"`)
		if got != len(want) {
			t.Fatalf("%s: page lists %d cases, the API %d", q, got, len(want))
		}
		for _, c := range want {
			bodyHas(t, res, c["title"].(string))
		}
	}
}

// Each role's 工作台 holds its own work, as the case list would find it,
// and the count is on the navigation; an agency user has no 工作台.
func TestDashboardShowsEachRolesWork(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	boxes := map[string]struct {
		title, query string
	}{
		"prosecutor1": {"待初核的线索", fmt.Sprintf("state=lead&prosecutor_id=%d", userID(t, env.DB, "prosecutor1"))},
		"depthead1":   {"待立案", "state=checking"},
		"casemgr1":    {"逾期未回复", "overdue=true"},
	}
	for user, box := range boxes {
		b := env.WebLogIn(t, user)
		res := b.Get("/dashboard").Expect(t, http.StatusOK)
		want := apiCases(t, env, user, box.query)
		if user == "prosecutor1" && len(want) == 0 {
			t.Fatal("the demo has no lead for prosecutor1")
		}
		if len(want) == 0 {
			if strings.Contains(string(res.Body), `>`+box.title+` <span`) {
				t.Fatalf("%s: box %s shown with nothing in it", user, box.title)
			}
			continue
		}
		bodyHas(t, res, box.title, fmt.Sprintf(`aria-label="%d 件"`, len(want)))
		// GET /api/v1/work gives the same box.
		var work struct {
			Total int64
			Boxes []struct {
				Title string
				Count int
				Items []struct{ Title string }
			}
		}
		env.Do("GET", "/api/v1/work", user, nil).Expect(t, http.StatusOK).Decode(t, &work)
		found := false
		for _, wb := range work.Boxes {
			if wb.Title == box.title {
				found = wb.Count == len(want) && len(wb.Items) == min(len(want), cases.WorkQueueLimit)
			}
		}
		if !found || work.Total < int64(len(want)) {
			t.Fatalf("%s: GET /api/v1/work lacks box %s with %d items: %+v", user, box.title, len(want), work)
		}
		for _, c := range want {
			bodyHas(t, res, c["title"].(string))
		}
		bodyHas(t, res, `class="nav-count"`)
	}
	var none struct{ Boxes []any }
	env.Do("GET", "/api/v1/work", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &none)
	if len(none.Boxes) != 0 {
		t.Fatalf("an agency user has work boxes: %v", none.Boxes)
	}
	ag := env.WebLogIn(t, "agency1")
	ag.Get("/dashboard").Expect(t, http.StatusForbidden)
	ag.Get("/cases/1").Expect(t, http.StatusForbidden)
}

// A case of another procuratorate is not found, as in the API.
func TestCasePageOfAnotherProcuratorateIsNotFound(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	var c cases.Case
	if err := env.DB.Where("procuratorate_id = ?", districtID(t, env)).First(&c).Error; err != nil {
		t.Fatal(err)
	}
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "cityprosecutor1", nil).Expect(t, http.StatusNotFound)
	b := env.WebLogIn(t, "cityprosecutor1")
	b.Get(fmt.Sprintf("/cases/%d", c.ID)).Expect(t, http.StatusNotFound)
	b.Get(fmt.Sprintf("/cases/%d/draft", c.ID)).Expect(t, http.StatusNotFound)
	b.PostForm(fmt.Sprintf("/cases/%d/act/check", c.ID), map[string][]string{"version": {"1"}}).Expect(t, http.StatusNotFound)
}

// pageLead registers a lead through the API as prosecutor1.
func pageLead(t *testing.T, env *apitest.Env) (id int64, version int) {
	t.Helper()
	var c struct {
		ID      int64
		Version int
	}
	env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "河道违规排污", "field": "生态环境",
		"source": "case_finding", "summary": "群众反映河道排污。"}).Expect(t, http.StatusCreated).Decode(t, &c)
	return c.ID, c.Version
}

// A form's field messages are the API's: the page posts the same payload
// through the same decoding, validation and Execute.
func TestActionFormErrorsAreTheAPIs(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		id, v := pageLead(t, env)
		api := env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/decline", id), "prosecutor1", map[string]any{"version": v})
		api.Expect(t, http.StatusBadRequest)
		want := api.JSON()["error"].(map[string]any)["fields"].(map[string]any)["reason"].(string)

		b := env.WebLogIn(t, "prosecutor1")
		page := b.PostForm(fmt.Sprintf("/cases/%d/act/decline", id), url.Values{"version": {fmt.Sprint(v)}, "reason": {"  "}, "_confirm": {"true"}})
		page.Expect(t, http.StatusUnprocessableEntity) // a form to correct
		bodyHas(t, page, `id="reason-error"`, want, `href="#reason"`, `aria-invalid="true"`)

		// A field that is not a number is named next to it.
		page = b.PostForm(fmt.Sprintf("/cases/%d/act/check", id), url.Values{"version": {"x"}})
		if page.Status != http.StatusUnprocessableEntity && page.Status != http.StatusBadRequest {
			t.Fatalf("version x: %d", page.Status)
		}

		// The same form done right goes through and says so.
		// A destructive action asks to confirm first.
		unconfirmed := b.PostForm(fmt.Sprintf("/cases/%d/act/decline", id), url.Values{"version": {fmt.Sprint(v)}, "reason": {"不属于本院管辖"}})
		unconfirmed.Expect(t, http.StatusUnprocessableEntity)
		bodyHas(t, unconfirmed, `id="_confirm-error"`, "请勾选确认后再提交", "不属于本院管辖")
		res := b.PostForm(fmt.Sprintf("/cases/%d/act/decline", id), url.Values{"version": {fmt.Sprint(v)}, "reason": {"不属于本院管辖"}, "_confirm": {"true"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/cases/%d", id) {
			t.Fatalf("decline: %d %s", res.Status, res.Header.Get("Location"))
		}
		var c cases.Case
		if err := db.First(&c, id).Error; err != nil || c.State != cases.StateNotFiled || c.EndReason != "不属于本院管辖" {
			t.Fatalf("after the form: %+v %v", c.State, err)
		}
		bodyHas(t, b.Get(fmt.Sprintf("/cases/%d", id)).Expect(t, http.StatusOK), "已不立案", "不立案")
	})
}

// A form built on an older version is refused (409) and says what changed.
func TestStaleActionFormShowsWhatChanged(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		id, v := pageLead(t, env)
		b := env.WebLogIn(t, "prosecutor1")
		form := b.Get(fmt.Sprintf("/cases/%d/act/decline", id)).Expect(t, http.StatusOK)
		bodyHas(t, form, fmt.Sprintf(`name="version" value="%d"`, v))
		seen := regexp.MustCompile(`name="_seen" value="(\d+)"`).FindStringSubmatch(string(form.Body))
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/check", id), "prosecutor1", map[string]any{"version": v, "note": "开始初核了"}).
			Expect(t, http.StatusOK)
		res := b.PostForm(fmt.Sprintf("/cases/%d/act/decline", id), url.Values{"version": {fmt.Sprint(v)}, "_seen": {seen[1]},
			"reason": {"不属于本院管辖"}, "_confirm": {"true"}}).Expect(t, http.StatusConflict)
		bodyHas(t, res, "该案件已被他人更新（版本 2），请查看最新内容后重试", "开始初核了", `name="version" value="2"`, "不属于本院管辖")
		var c cases.Case
		if err := db.First(&c, id).Error; err != nil || c.State != cases.StateChecking {
			t.Fatalf("the stale form changed the case: %s %v", c.State, err)
		}
	})
}

// A case form posted without the CSRF token is refused.
func TestCaseFormWithoutCSRFIsRefused(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		id, v := pageLead(t, env)
		b := env.WebLogIn(t, "prosecutor1")
		res := b.PostForm(fmt.Sprintf("/cases/%d/act/check", id), url.Values{"version": {fmt.Sprint(v)}, "_csrf": {""}})
		res.Expect(t, http.StatusForbidden)
		bodyHas(t, res, "表单已失效")
		var c cases.Case
		if err := db.First(&c, id).Error; err != nil || c.State != cases.StateLead {
			t.Fatalf("the refused post changed the case: %s", c.State)
		}
	})
}

// The autosave posts the editor to the save endpoint and gets JSON: the
// time saved, or the domain's field errors.
func TestDraftAutosaveAnswersJSON(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		id, v := pageLead(t, env)
		v = pageAct(t, env, id, "check", "prosecutor1", v)
		v = pageAct(t, env, id, "file", "depthead1", v)
		pageAct(t, env, id, "investigate", "prosecutor1", v)

		b := env.WebLogIn(t, "prosecutor1")
		save := func(form url.Values) *apitest.Response {
			form.Set("_csrf", b.CSRF())
			req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/cases/%d/draft", id), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			return b.Do(req)
		}
		res := save(url.Values{"content.addressee": {"临江市清河区市场监督管理局"}, "content.items[0].text": {"开展整治"}})
		res.Expect(t, http.StatusOK)
		if got := res.JSON(); got["saved_at"] == "" || got["version_no"].(float64) != 1 {
			t.Fatalf("autosave answer %v", got)
		}
		drafts := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/drafts", id), "prosecutor1", nil).Expect(t, http.StatusOK)
		if !strings.Contains(string(drafts.Body), "临江市清河区市场监督管理局") {
			t.Fatalf("the autosave did not reach the draft: %s", drafts.Body)
		}
		res = save(url.Values{"content.title": {strings.Repeat("长", 201)}})
		res.Expect(t, http.StatusBadRequest)
		if res.ErrorCode() == "" || !strings.Contains(string(res.Body), "content.title") {
			t.Fatalf("too long title: %s", res.Body)
		}
		// Without the script: the save button redirects back with a message.
		form := url.Values{"content.addressee": {"临江市清河区市场监督管理局"}, "_then": {"save"}}
		r2 := b.PostForm(fmt.Sprintf("/cases/%d/draft", id), form)
		if r2.Status != http.StatusSeeOther {
			t.Fatalf("save button: %d", r2.Status)
		}
		bodyHas(t, b.Get(fmt.Sprintf("/cases/%d/draft", id)).Expect(t, http.StatusOK), "草稿已保存", "临江市清河区市场监督管理局",
			`#view=FitH`)
	})
}

// pageAct takes an action through the API and returns the new version.
func pageAct(t *testing.T, env *apitest.Env, id int64, action, user string, version int) int {
	t.Helper()
	var c struct{ Version int }
	env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), user, map[string]any{"version": version}).
		Expect(t, http.StatusOK).Decode(t, &c)
	return c.Version
}

// navCount reads the 工作台 count on a page's navigation.
func navCount(t *testing.T, res *apitest.Response) string {
	t.Helper()
	m := regexp.MustCompile(`href="/dashboard"[^>]*>工作台<span class="nav-count">(\d+)</span>`).FindSubmatch(res.Body)
	if m == nil {
		return "0"
	}
	return string(m[1])
}

// The navigation's 工作台 count follows the user's own actions at once.
func TestNavigationCountFollowsOwnActions(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "prosecutor1")
		if got := navCount(t, b.Get("/cases").Expect(t, http.StatusOK)); got != "0" {
			t.Fatalf("count before %s", got)
		}
		res := b.PostForm("/cases/new", url.Values{"title": {"河道违规排污"}, "field": {"生态环境"}, "source": {"case_finding"},
			"summary": {"群众反映河道排污。"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.Status, clipBody(res.Body))
		}
		page := b.Get(res.Header.Get("Location")).Expect(t, http.StatusOK)
		if got := navCount(t, page); got != "1" {
			t.Fatalf("count after registering a lead %s, want 1", got)
		}
		bodyHas(t, page, "线索已登记", "河道违规排污")
	})
}

// The work queue's and the due sort's SQL on both databases: the boxes count
// what the case list finds, and sort=due pages through every case once.
func TestWorkQueueAndDueSortOnEachDatabase(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		today := calendar.DateOf(env.Now(), env.Config.Location())
		for i, days := range []int{-3, 10, 2, -30} {
			env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Title: fmt.Sprintf("送达案件%d", i),
				DocumentNumber: fmt.Sprintf("清河检八建〔2026〕%d号", 90+i), IssuedAt: env.Now(), DeliveredOn: today.AddDays(-40),
				ReplyDue: today.AddDays(days), FiledWith: env.Org.City.ID})
		}
		env.CaseFixture(apitest.CaseFixture{State: cases.StateChecking, Title: "待立案的线索"})
		pageLead(t, env)
		pageLead(t, env)

		byDue := apiCases(t, env, "prosecutor1", "sort=due")
		if len(byDue) != 7 || byDue[0]["title"] != "送达案件3" || byDue[3]["title"] != "送达案件1" || byDue[4]["reply_due"] != nil {
			t.Fatalf("sort=due: %v", byDue)
		}
		counts := map[string]map[string]int64{
			"prosecutor1": {"leads": 2, "overdue": 2, "filings": 4},
			"depthead1":   {"to_file": 1, "filings": 4},
			"casemgr1":    {"overdue": 2, "filings": 4},
			"chief1":      {"overdue": 2},
		}
		for user, want := range counts {
			var work struct {
				Boxes []struct {
					Key   string
					Count int64
					Items []struct{ Title string }
				}
			}
			env.Do("GET", "/api/v1/work", user, nil).Expect(t, http.StatusOK).Decode(t, &work)
			got := map[string]int64{}
			for _, b := range work.Boxes {
				if b.Count > 0 {
					got[b.Key] = b.Count
				}
			}
			for k, n := range want {
				if got[k] != n {
					t.Fatalf("%s: box %s has %d, want %d (all: %v)", user, k, got[k], n, got)
				}
			}
			for _, b := range work.Boxes {
				if b.Key == "overdue" && (len(b.Items) != 2 || b.Items[0].Title != "送达案件3") {
					t.Fatalf("%s: overdue box not most overdue first: %+v", user, b.Items)
				}
			}
			env.WebLogIn(t, user).Get("/dashboard").Expect(t, http.StatusOK)
		}
	})
}

// TestDashboardMoreLinksOpen: every dashboard box's "查看全部" link opens a
// page for a role whose dashboard has the box (a link to a list the web
// interface does not have answered 404 to whoever followed it).
func TestDashboardMoreLinksOpen(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	var users []*apitest.Browser
	for _, u := range []string{"chief1", "casemgr1", "prosecutor1"} {
		users = append(users, env.WebLogIn(t, u))
	}
	for box, href := range handlers.BoxMoreLinks {
		opens := false
		for _, b := range users {
			opens = opens || b.Get(href).Status == http.StatusOK
		}
		if !opens {
			t.Errorf("box %s: %s opens for none of chief1, casemgr1, prosecutor1", box, href)
		}
	}
}

// TestNavigationEntriesOpen: every entry of the left navigation opens a
// page for the role that sees it (the 备案 entry led to a 404 for every
// member of staff before the filings page existed).
func TestNavigationEntriesOpen(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	for role, user := range map[string]string{"prosecutor": "prosecutor1", "dept_head": "depthead1", "chief": "chief1",
		"case_manager": "casemgr1", "admin": "admin", "agency": "agency1"} {
		b := env.WebLogIn(t, user)
		for _, item := range templates.NavFor(role) {
			if res := b.Get(item.Href); res.Status != http.StatusOK {
				t.Errorf("%s (%s): %s %s answers %d", user, role, item.Label, item.Href, res.Status)
			}
		}
	}
}
