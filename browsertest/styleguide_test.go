package browsertest_test

import (
	"net/http"
	"testing"
	"time"

	"jianyi/browsertest"
	"jianyi/templates"
)

// styleguideSite serves the design system's reference page in the app frame,
// for a prosecutor and for an agency clerk, with the real stylesheet.
func styleguideSite(t *testing.T) string {
	t.Helper()
	loc := time.FixedZone("CST", 8*3600)
	set, err := templates.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	day := func(n int) time.Time { return today.AddDate(0, 0, n) }
	rows := []map[string]any{
		{"ID": 1, "Title": "校园周边流动摊贩食品安全隐患", "State": "delivered", "StateLabel": "已送达", "Agency": "临江市清河区市场监督管理局", "Due": day(-12), "Version": 9},
		{"ID": 2, "Title": "老旧小区电动自行车违规充电安全隐患", "State": "drafting", "StateLabel": "起草", "Agency": "临江市清河区住房和城乡建设局", "Due": day(2), "Version": 4},
		{"ID": 3, "Title": "清河区沙河段河道非法采砂线索", "State": "checking", "StateLabel": "初核", "Agency": "临江市清河区水务局", "Due": day(25), "Version": 2},
		{"ID": 4, "Title": "中小学校舍消防安全隐患", "State": "closed", "StateLabel": "结案", "Agency": "临江市清河区教育局", "Due": nil, "Version": 14},
	}
	site := templates.Site{Name: "临江市清河区人民检察院", Hotline: "12309"}
	static := http.FileServer(http.FS(templates.Static()))
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", static))
	render := func(user *templates.User, section string, unread int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			nav := templates.NavFor(user.Role)
			if user.Role == "agency" {
				nav[0].Count = 1
			}
			p := &templates.Page{Title: "设计系统示例", Site: site, Section: section, User: user, Nav: nav, Unread: unread, CSRF: "csrf",
				Flash:  []templates.Flash{{Kind: "success", Message: "已提请审批，等待部门负责人审核。"}},
				Errors: templates.NewFormErrors("", map[string]string{"received_on": "签收日期为必填字段"}, "method", "received_on"),
				Data:   map[string]any{"Rows": rows, "Today": today}}
			if err := set.Render(w, "styleguide/styleguide", p); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		}
	}
	mux.HandleFunc("GET /staff", render(&templates.User{Name: "张明", Role: "prosecutor", RoleLabel: "承办检察官", Procuratorate: "临江市清河区人民检察院"}, "cases", 3))
	mux.HandleFunc("GET /agency", render(&templates.User{Name: "王丽", Role: "agency", RoleLabel: "被建议单位", Procuratorate: "临江市清河区市场监督管理局"}, "pending", 0))
	return browsertest.Serve(t, mux)
}

// The staff and agency frames and every partial pass the accessibility check
// and fit a phone (tables become cards).
func TestDesignSystemPages(t *testing.T) {
	t.Parallel()
	p := browsertest.Get(t).NewPage(t, styleguideSite(t))
	p.Open("/staff")
	p.MustSee("临江市清河区人民检察院", "张明", "承办检察官", "工作台", "案件", "备案", "逾期 12 天", "还剩 2 天", "签收日期为必填字段", "240 KB")
	p.MustNotSee("待回复")
	p.Screenshot("styleguide")
	p.Open("/agency")
	p.MustSee("临江市清河区市场监督管理局", "待回复", "已回复", "通知")
	p.MustNotSee("备案", "统计")
	p.Screenshot("styleguide-agency")
}
