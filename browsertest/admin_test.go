package browsertest_test

import (
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
)

// openDeadline is a delivered recommendation of the demo whose reply is due
// after today: making its due day a holiday must move it.
func openDeadline(t *testing.T, env *apitest.Env) (title, due string) {
	t.Helper()
	var list struct {
		Items []struct {
			Title    string  `json:"title"`
			ReplyDue *string `json:"reply_due"`
		} `json:"items"`
	}
	env.Do("GET", "/api/v1/cases?state=delivered", "chief1", nil).Expect(t, http.StatusOK).Decode(t, &list)
	today := env.Now().Format("2006-01-02")
	for _, c := range list.Items {
		if c.ReplyDue != nil && *c.ReplyDue > today {
			return c.Title, *c.ReplyDue
		}
	}
	t.Fatal("the demo has no open reply deadline")
	return "", ""
}

// An administrator makes a case's reply due day a holiday and sees the
// deadline moved; removing it moves it back.
func TestAdminAddsAHolidayAndSeesTheRecomputedDeadlines(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	title, due := openDeadline(t, env)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("admin", apitest.Password)
	p.Open("/admin")
	p.MustSee("系统管理", "检察院与部门", "定时任务", "审计记录")
	p.Screenshot("admin-home")

	p.Click("节假日")
	p.Fill("日期", due).Check("放假（不计入工作日）").Fill("名称", "临时休息日").Fill("所属年度", due[:4]).Click("保存并重算期限")
	if p.Status() != http.StatusOK {
		t.Fatalf("put holiday: %d\n%s", p.Status(), p.Text())
	}
	p.MustSee("已保存", "临时休息日", "件案件的期限有变化", title)
	var moved struct{ Old, New string }
	p.Eval(&moved, `(title) => { for (const tr of document.querySelectorAll('#recompute tbody tr')) {
	  if (tr.querySelector('.cell-title').textContent.trim() === title) return {
	    Old: tr.querySelector('[data-label="原回复期限"]').textContent.trim(), New: tr.querySelector('[data-label="新回复期限"]').textContent.trim() } }
	  return {} }`, title)
	if moved.Old != due || moved.New <= due {
		t.Fatalf("the deadline of %q moved %q → %q (was due %s)", title, moved.Old, moved.New, due)
	}
	// The API agrees with what the page said.
	var list struct {
		Items []struct {
			Title    string `json:"title"`
			ReplyDue string `json:"reply_due"`
		} `json:"items"`
	}
	env.Do("GET", "/api/v1/cases?state=delivered", "chief1", nil).Expect(t, http.StatusOK).Decode(t, &list)
	for _, c := range list.Items {
		if c.Title == title && c.ReplyDue != moved.New {
			t.Fatalf("API reply_due %s, page said %s", c.ReplyDue, moved.New)
		}
	}
	p.Screenshot("admin-holidays")

	p.Click("删除 " + due)
	p.MustSee("已删除", title)
	if p.TextOf(`#recompute tbody tr [data-label="新回复期限"]`) != due {
		t.Errorf("removing the day did not bring the deadline back to %s: %s", due, p.TextOf("#recompute"))
	}
}

// An administrator creates a user, who can log in; disables them, and the
// user can no longer log in; resets a password; runs a job now; verifies the
// audit chain.
func TestAdminManagesUsersJobsAndTheAuditChain(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("admin", apitest.Password)

	p.Open("/admin/users").Click("新建用户")
	p.Click("新建用户") // sent empty: errors on the form
	if p.Status() != http.StatusUnprocessableEntity {
		t.Fatalf("empty user form: %d", p.Status())
	}
	p.MustSee("请设置初始密码")
	p.Fill("用户名", "prosecutor9").Fill("姓名", "周检察官").Select("角色", "承办检察官").
		Select("所属检察院", "临江市清河区人民检察院").Select("所属部门", "临江市清河区人民检察院 · 第八检察部").Fill("初始密码", "Chushi-mima-2026").Click("新建用户")
	if p.Status() != http.StatusOK || !strings.HasPrefix(p.URL(), "/admin/users/") {
		t.Fatalf("create user: %d %s\n%s", p.Status(), p.URL(), p.Text())
	}
	p.MustSee("已新建用户 周检察官", "承办检察官", "临江市清河区人民检察院")
	p.Screenshot("admin-user")

	other := browsertest.Get(t).NewPage(t, base)
	other.LogIn("prosecutor9", "Chushi-mima-2026")
	if other.URL() != "/dashboard" && !strings.HasPrefix(other.URL(), "/dashboard") {
		t.Fatalf("new user lands on %s", other.URL())
	}

	p.Click("停用账号") // without ticking the confirmation
	if p.Status() != http.StatusUnprocessableEntity {
		t.Fatalf("disable without confirmation: %d", p.Status())
	}
	p.MustSee("请勾选确认后再停用")
	p.Check("我确认停用该账号").Click("停用账号")
	p.MustSee("已停用 周检察官 的账号", "启用账号")
	other.Open("/stats")
	if !strings.HasPrefix(other.URL(), "/login") {
		t.Fatalf("a disabled user's session still opens %s", other.URL())
	}
	res := env.Do("POST", "/api/v1/auth/login", "", map[string]any{"username": "prosecutor9", "password": "Chushi-mima-2026"})
	if res.Status == http.StatusOK {
		t.Fatal("a disabled user can still log in")
	}
	p.Click("启用账号")
	p.MustSee("已启用 周检察官 的账号")
	p.Fill("新密码", "Xin-mima-2026!").Fill("再次输入新密码", "Xin-mima-2026!").Click("重置密码")
	p.MustSee("已重置 周检察官 的密码")
	env.Do("POST", "/api/v1/auth/login", "", map[string]any{"username": "prosecutor9", "password": "Xin-mima-2026!"}).Expect(t, http.StatusOK)

	p.Open("/admin/jobs")
	p.MustSee("回复期限提醒", "每日统计汇总")
	p.Click("立即运行 每日统计汇总")
	p.MustSee("任务“每日统计汇总”已运行")
	if !strings.Contains(p.TextOf("tr:has(form[action='/admin/jobs/daily_stats/run'])"), "手动") {
		t.Errorf("the manual run is not listed: %s", p.TextOf("tr:has(form[action='/admin/jobs/daily_stats/run'])"))
	}
	p.Screenshot("admin-jobs")

	p.Open("/admin/audit?object_type=user")
	p.MustSee("user.create", "user.disable", "user.enable")
	p.Click("校验审计链")
	p.MustSee("审计链校验通过", "没有记录被修改")
	p.Screenshot("admin-audit")

	// A changed row is found.
	if err := env.DB.Exec("UPDATE audit_entries SET summary = 'x' WHERE id = (SELECT MIN(id) FROM audit_entries)").Error; err != nil {
		t.Fatal(err)
	}
	p.Click("校验审计链")
	p.MustSee("审计链校验发现 1 处异常", "内容与其哈希不符（该记录被修改过）")
}
