package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

func TestAdminPagesAreForAdministratorsOnly(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		admin := env.WebLogIn(t, "admin")
		chief := env.WebLogIn(t, "chief1")
		for _, path := range []string{"/admin", "/admin/org", "/admin/agencies", "/admin/users", "/admin/users/new", "/admin/users/2",
			"/admin/fields", "/admin/holidays", "/admin/holidays?year=2027", "/admin/jobs", "/admin/audit"} {
			if res := admin.Get(path); res.Status != http.StatusOK {
				t.Errorf("admin %s: %d", path, res.Status)
			}
			if res := chief.Get(path); res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), "无权") {
				t.Errorf("chief %s: %d", path, res.Status)
			}
		}
		if res := chief.PostForm("/admin/users/2/disable", url.Values{}); res.Status != http.StatusForbidden {
			t.Errorf("chief disables a user: %d", res.Status)
		}
		if res := admin.Get("/admin/users/999999"); res.Status != http.StatusNotFound {
			t.Errorf("unknown user: %d", res.Status)
		}
		// A form without the CSRF token is refused.
		req, _ := http.NewRequest(http.MethodPost, "/admin/fields", strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := admin.Do(req); res.Status != http.StatusForbidden {
			t.Errorf("post without _csrf: %d", res.Status)
		}
	})
}

func TestAdminFormsKeepInputAndShowErrors(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "admin")
		cases := []struct {
			path   string
			form   url.Values
			status int
			want   []string
		}{
			{"/admin/fields", url.Values{"name": {""}}, 422, []string{"error-summary", "领域名称"}},
			{"/admin/agencies", url.Values{"name": {""}, "contact_person": {"王科长"}}, 422, []string{"error-summary", `value="王科长"`}},
			{"/admin/procuratorates", url.Values{"name": {"临江市东湖区人民检察院"}, "short_name": {""}, "level": {"county"}}, 422, []string{"error-summary", `value="临江市东湖区人民检察院"`}},
			{"/admin/departments", url.Values{"procuratorate_id": {"2"}, "dept_name": {""}, "number_code": {"九建"}}, 422, []string{"error-summary", `value="九建"`, `href="#dept_name"`}},
			{"/admin/users", url.Values{"username": {"prosecutor1"}, "display_name": {"重名"}, "role": {"case_manager"}, "procuratorate_id": {"1"}, "password": {"long-enough-pw"}}, 422, []string{"用户名已存在", `value="重名"`}},
			{"/admin/holidays", url.Values{"date": {"2026-13-01"}, "kind": {"holiday"}, "year": {"2026"}}, 422, []string{"请输入日期", `href="#date"`}},
			{"/admin/users/4/password", url.Values{"password": {"short"}, "confirm_password": {"short"}}, 422, []string{"密码长度"}},
			{"/admin/users/4/password", url.Values{"password": {"Long-enough-1"}, "confirm_password": {"other"}}, 422, []string{"两次输入的新密码不一致"}},
		}
		for _, tc := range cases {
			res := b.PostForm(tc.path, tc.form)
			if res.Status != tc.status {
				t.Errorf("%s: %d, want %d\n%s", tc.path, res.Status, tc.status, res.Body)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(string(res.Body), w) {
					t.Errorf("%s: page lacks %s\n%s", tc.path, w, res.Body)
				}
			}
		}
		// Nothing was half-written: the user list has no 重名.
		if strings.Contains(string(b.Get("/admin/users").Body), "重名") {
			t.Error("a refused user was stored")
		}
		// Disabling oneself is refused with a page, not a 500.
		var me struct{ ID int64 }
		db.Raw("SELECT id FROM users WHERE username = 'admin'").Scan(&me)
		if res := b.PostForm("/admin/users/"+strconv.FormatInt(me.ID, 10)+"/disable", url.Values{"confirm_disable": {"true"}}); res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "不能停用自己的账号") {
			t.Errorf("disable self: %d", res.Status)
		}
	})
}

func TestAdminVerifyAuditIsRecordedInTheTrail(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "admin")
		res := b.PostForm("/admin/audit/verify", url.Values{})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "审计链校验通过") {
			t.Fatalf("verify: %d", res.Status)
		}
		var n int64
		db.Model(&audit.Entry{}).Where("action = ?", "audit.verify").Count(&n)
		if n != 1 {
			t.Fatalf("audit.verify entries: %d", n)
		}
		if _, breaks, err := audit.VerifyChain(t.Context(), db); err != nil || len(breaks) != 0 {
			t.Fatalf("the chain after recording the verification: %v %v", breaks, err)
		}
		// A head written down earlier is found; one that is not in the chain is reported.
		var head struct{ Hash string }
		db.Raw("SELECT hash FROM audit_entries ORDER BY id LIMIT 1").Scan(&head)
		res = b.PostForm("/admin/audit/verify", url.Values{"head": {head.Hash}})
		if !strings.Contains(string(res.Body), "所填链头哈希在链中") {
			t.Errorf("a recorded head is not found:\n%s", res.Body)
		}
		res = b.PostForm("/admin/audit/verify", url.Values{"head": {"0000"}})
		if !strings.Contains(string(res.Body), "所填链头哈希不在审计链中") {
			t.Errorf("a foreign head is not reported")
		}
	})
}

func TestAdminEditsAnAgency(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "admin")
		page := string(b.Get("/admin/agencies/1").Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, `value="临江市清河区市场监督管理局"`) {
			t.Fatalf("the form is not filled in:\n%s", page)
		}
		res := b.PostForm("/admin/agencies/1", url.Values{"name": {""}, "contact_person": {"刘科长"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `value="刘科长"`) {
			t.Fatalf("empty name: %d", res.Status)
		}
		res = b.PostForm("/admin/agencies/1", url.Values{"name": {"临江市清河区市场监督管理局"}, "contact_person": {"刘科长"}, "contact_phone": {"0571-12345678"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.Status, res.Body)
		}
		var got struct{ ContactPerson string }
		db.Raw("SELECT contact_person FROM agencies WHERE id = 1").Scan(&got)
		if got.ContactPerson != "刘科长" {
			t.Fatalf("contact person %q", got.ContactPerson)
		}
		var n int64
		db.Model(&audit.Entry{}).Where("action = ? AND object_id = ?", "agency.update", 1).Count(&n)
		if n != 1 {
			t.Fatalf("agency.update entries: %d", n)
		}
		if res := b.Get("/admin/agencies/999999"); res.Status != http.StatusNotFound {
			t.Fatalf("unknown agency: %d", res.Status)
		}
		if res := b.PostForm("/admin/agencies/999999", url.Values{"name": {"x"}}); res.Status != http.StatusNotFound {
			t.Fatalf("save unknown agency: %d", res.Status)
		}
	})
}

func TestAdminChangesAUser(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var u struct {
			ID              int64
			ProcuratorateID int64
			DepartmentID    int64
		}
		db.Raw("SELECT id, procuratorate_id, department_id FROM users WHERE username = 'prosecutor2'").Scan(&u)
		id := strconv.FormatInt(u.ID, 10)
		victim := env.WebLogIn(t, "prosecutor2")
		b := env.WebLogIn(t, "admin")
		page := string(b.Get("/admin/users/"+id+"/edit").Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, `value="prosecutor2"`) || strings.Contains(page, `name="password"`) {
			t.Fatalf("edit form:\n%s", page)
		}
		form := url.Values{"username": {"prosecutor2"}, "display_name": {"改名检察官"}, "role": {"dept_head"},
			"procuratorate_id": {strconv.FormatInt(u.ProcuratorateID, 10)}, "department_id": {strconv.FormatInt(u.DepartmentID, 10)}}
		if res := b.PostForm("/admin/users/"+id, form); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.Status, res.Body)
		}
		if !strings.Contains(string(b.Get("/admin/users/"+id).Body), "改名检察官") {
			t.Fatal("the change is not shown")
		}
		// A new role ends the user's sessions.
		if res := victim.Get("/stats"); res.Status != http.StatusSeeOther {
			t.Fatalf("the changed user's session still works: %d", res.Status)
		}
		form.Set("display_name", "")
		if res := b.PostForm("/admin/users/"+id, form); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("empty name: %d", res.Status)
		}
	})
}

func TestAdminRenamesAProcuratorateAndADepartment(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		b := env.WebLogIn(t, "admin")
		var d struct{ ID, ProcuratorateID int64 }
		db.Raw("SELECT id, procuratorate_id FROM departments ORDER BY id LIMIT 1").Scan(&d)
		did, pid := strconv.FormatInt(d.ID, 10), strconv.FormatInt(d.ProcuratorateID, 10)
		b.Get("/admin/departments/"+did).Expect(t, http.StatusOK)
		if res := b.PostForm("/admin/departments/"+did, url.Values{"dept_name": {""}, "number_code": {"九建"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(res.Body), `href="#dept_name"`) {
			t.Fatalf("empty department name: %d", res.Status)
		}
		if res := b.PostForm("/admin/departments/"+did, url.Values{"dept_name": {"第九检察部"}, "number_code": {"九建"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("rename department: %d\n%s", res.Status, res.Body)
		}
		page := string(b.Get("/admin/procuratorates/"+pid).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, `selected`) {
			t.Fatalf("level not chosen:\n%s", page)
		}
		if res := b.PostForm("/admin/procuratorates/"+pid, url.Values{"name": {"新名称人民检察院"}, "short_name": {"新检"}, "level": {"county"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("rename procuratorate: %d\n%s", res.Status, res.Body)
		}
		org := string(b.Get("/admin/org").Body)
		if !strings.Contains(org, "第九检察部") || !strings.Contains(org, "新名称人民检察院") {
			t.Fatal("the new names are not listed")
		}
		for _, path := range []string{"/admin/departments/999999", "/admin/procuratorates/999999"} {
			if res := b.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s: %d", path, res.Status)
			}
		}
	})
}
