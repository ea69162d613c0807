package browsertest_test

import (
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
	"jianyi/dbtest"
)

// A member of staff signs in through the login page in a real browser, is
// taken to the page asked for, changes the password and signs out.
func TestStaffSignsInAndOut(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenSeeded(t, "sqlite")
	env := apitest.New(t, db)
	p := browsertest.Get(t).NewPage(t, browsertest.Serve(t, env.Echo))

	p.Open("/account/password").MustSee("工作人员登录")
	p.Screenshot("login")
	p.Fill("用户名", "prosecutor1").Fill("密码", "wrong-password-9").Click("登录")
	if p.Status() != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", p.Status())
	}
	p.MustSee("用户名或密码错误")
	p.Fill("密码", apitest.Password).Click("登录")
	if p.URL() != "/account/password" {
		t.Fatalf("after login at %s", p.URL())
	}
	p.MustSee("修改密码", "张检察官", "承办检察官", "临江市清河区人民检察院")
	p.Screenshot("account-password")

	p.Fill("当前密码", apitest.Password).Fill("新密码", "browser-pass-2026").Fill("再次输入新密码", "browser-pass-2027").Click("修改密码")
	p.MustSee("两次输入的新密码不一致")
	p.Click("退出")
	if p.URL() != "/login" {
		t.Fatalf("after logout at %s", p.URL())
	}
	p.MustSee("您已安全退出")
}
