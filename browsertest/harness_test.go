package browsertest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jianyi/browsertest"
)

// fakeSite serves small pages that exercise the harness itself: a clean
// form, a login page following the /login contract, and pages with the
// faults the accessibility and phone checks must find.
func fakeSite() http.Handler {
	page := func(body string) string {
		return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>测试</title></head><body><main>` + body + `</main></body></html>`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page(`<h1>表单</h1><form method="post" action="/form">
<label for="name">姓名<span class="field-required">必填</span></label><input id="name" name="name">
<label for="kind">类型</label><select id="kind" name="kind"><option value="">请选择</option><option value="a">甲类</option><option value="b">乙类</option></select>
<input type="checkbox" id="ok" name="ok" value="yes"><label for="ok">我同意</label>
<button type="submit">提交登记</button></form>`))
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, page(fmt.Sprintf(`<h1>已登记</h1><p>姓名=%s 类型=%s 同意=%s</p>`, r.FormValue("name"), r.FormValue("kind"), r.FormValue("ok"))))
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page(`<h1>登录</h1><form method="post" action="/login"><label for="u">用户名</label><input id="u" name="username"><label for="p">密码</label><input id="p" type="password" name="password"><button>登录</button></form>`))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.FormValue("username"), Path: "/"})
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("who")
		name := ""
		if c != nil {
			name = c.Value
		}
		fmt.Fprint(w, page(`<h1>工作台</h1><p>欢迎 `+name+`</p>`))
	})
	mux.HandleFunc("GET /faulty", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>x</title></head><body><main><h1>一</h1><h1>二</h1>
<input name="q"><a href="/x"></a><button></button><img src="/a.png">
<input id="p" name="p" aria-invalid="true"><p class="field-error" id="p-error">错了</p>
<div class="error-summary"><a href="#nowhere">去改</a></div></main></body></html>`)
	})
	mux.HandleFunc("GET /wide", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page(`<h1>宽</h1><table style="width:900px"><tr><td>一行很宽的表格</td></tr></table>`))
	})
	return mux
}

// recorder stands in for *testing.T to see what a check reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestHarnessFillsFormsAndLogsIn(t *testing.T) {
	t.Parallel()
	b := browsertest.Get(t)
	p := b.NewPage(t, browsertest.Serve(t, fakeSite()))
	p.Open("/form").Fill("姓名", "张某").Select("类型", "乙类").Check("我同意").Click("提交登记")
	if p.Status() != http.StatusCreated {
		t.Fatalf("status %d", p.Status())
	}
	p.MustSee("姓名=张某 类型=b 同意=yes")
	p.LogIn("prosecutor1", "secret")
	if p.URL() != "/home" {
		t.Fatalf("after login at %s", p.URL())
	}
	p.MustSee("欢迎 prosecutor1")
	// Another page has its own cookies.
	q := b.NewPage(t, p.Base).Open("/home")
	q.MustNotSee("prosecutor1")
}

func TestHarnessFindsAccessibilityFaults(t *testing.T) {
	t.Parallel()
	b := browsertest.Get(t)
	p := b.NewPage(t, browsertest.Serve(t, fakeSite()))
	p.SkipA11y = true
	p.Open("/faulty")
	rec := &recorder{TB: t}
	p.T = rec
	p.CheckA11y()
	p.T = t
	if len(rec.errors) != 1 {
		t.Fatalf("want one report, got %q", rec.errors)
	}
	for _, want := range []string{`lang="en"`, "2 <h1>", "<input[name=q]>: no label", "link without text", "button without text",
		"without alt", "not named in aria-describedby", "is not tied to its field", "#nowhere"} {
		if !strings.Contains(rec.errors[0], want) {
			t.Errorf("report lacks %q:\n%s", want, rec.errors[0])
		}
	}
	p.Open("/form")
	rec = &recorder{TB: t}
	p.T = rec
	p.CheckA11y()
	p.T = t
	if len(rec.errors) != 0 {
		t.Fatalf("a clean page was reported: %q", rec.errors)
	}
}

func TestHarnessFindsPagesWiderThanAPhone(t *testing.T) {
	t.Parallel()
	b := browsertest.Get(t)
	p := b.NewPage(t, browsertest.Serve(t, fakeSite()))
	for path, wantReport := range map[string]bool{"/wide": true, "/form": false} {
		p.Open(path)
		rec := &recorder{TB: t}
		p.T = rec
		p.CheckPhoneWidth()
		p.T = t
		if got := len(rec.errors) > 0; got != wantReport {
			t.Errorf("%s: reported %v, want %v: %q", path, got, wantReport, rec.errors)
		}
	}
}
