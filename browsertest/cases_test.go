package browsertest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
	"jianyi/dbtest"
)

// caseIDIn reads the case id from a case page's address (/cases/12…).
func caseIDIn(t *testing.T, url string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^/cases/(\d+)`).FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("not on a case page: %s", url)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// waitForText waits (in the page, up to 10 s) until the element's text
// contains want, and returns the text.
func waitForText(t *testing.T, p *browsertest.Page, css, want string) string {
	t.Helper()
	var got string
	p.Eval(&got, `(sel, want) => new Promise((resolve) => {
  const start = Date.now();
  const tick = () => {
    const e = document.querySelector(sel);
    const text = e ? e.textContent : "";
    if (text.includes(want) || Date.now() - start > 10000) { resolve(text); return; }
    setTimeout(tick, 25);
  };
  tick();
})`, css, want)
	if !strings.Contains(got, want) {
		t.Fatalf("%s says %q, want %q", css, got, want)
	}
	return got
}

// bell is what the notification bell says to a screen reader.
func bell(p *browsertest.Page) string {
	var s string
	p.Eval(&s, `() => document.querySelector('.bell').getAttribute('aria-label')`)
	return s
}

// A prosecutor registers a lead and takes it through 初核, the draft with
// its live preview and autosave, and 提请审批; the department head files the
// case and reviews the draft; the chief approves; the prosecutor issues and
// delivers; after the agency's reply (through the API: the agency portal is
// another part of the interface) the prosecutor assesses it. Every staff step
// goes through the pages, checking what each person sees.
func TestProsecutorTakesALeadToAnAssessedReply(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	base := browsertest.Serve(t, env.Echo)
	br := browsertest.Get(t)
	today := env.Now().In(env.Config.Location()).Format("2006-01-02")

	pros := br.NewPage(t, base)
	pros.LogIn("prosecutor1", apitest.Password)
	pros.MustSee("工作台", "暂无待办")
	pros.Click("登记线索")
	pros.Click("登记线索") // nothing filled in
	if pros.Status() != http.StatusUnprocessableEntity {
		t.Fatalf("empty lead: status %d", pros.Status())
	}
	pros.MustSee("标题为必填字段")
	pros.Fill("标题", "清河区实验小学周边流动摊贩占道经营").Select("领域", "食品药品安全").Select("线索来源", "办案发现").
		Fill("摘要", "巡查发现实验小学门口每日放学时段有流动摊贩占道经营，售卖无证食品。").
		Select("被建议单位", "临江市清河区市场监督管理局").Click("登记线索")
	id := caseIDIn(t, pros.URL())
	pros.MustSee("线索已登记", "线索", "初核")

	pros.Open("/dashboard").MustSee("待初核的线索", "清河区实验小学周边流动摊贩占道经营")
	if n := pros.TextOf(".nav-count"); n != "1" {
		t.Fatalf("工作台 count on the navigation %q, want 1", n)
	}
	pros.Click("清河区实验小学周边流动摊贩占道经营").Click("初核")
	pros.MustSee("已初核", "初核")

	// The department head files the case.
	head := br.NewPage(t, base)
	head.LogIn("depthead1", apitest.Password)
	head.MustSee("待立案", "清河区实验小学周边流动摊贩占道经营")
	head.Click("清河区实验小学周边流动摊贩占道经营").Click("立案")
	head.MustSee("已立案", "案号")

	// Investigation: the records are another page's work; the API records them.
	env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/investigation-records", id), "prosecutor1", map[string]any{"kind": "site_visit",
		"date": today, "place": "实验小学门口", "participants": "张检察官", "summary": "现场查看，占道经营属实。"}).Expect(t, http.StatusCreated)

	pros.Open(fmt.Sprintf("/cases/%d", id)).Click("开始调查核实")
	env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/investigation-records", id), "prosecutor1", map[string]any{
		"kind": "investigation_report", "date": today, "participants": "张检察官", "summary": "调查终结，建议制发检察建议。",
		"report": map[string]any{"facts": "学校周边流动摊贩无证经营。", "evidence": "现场检查笔录、照片。",
			"problems": "市场监管部门未依法查处。", "opinion": "建议向市场监管局制发检察建议。"}}).Expect(t, http.StatusCreated)

	// The draft: autosave and the live preview, then submission.
	pros.Open(fmt.Sprintf("/cases/%d", id)).Click("起草检察建议书")
	pros.MustSee("检察建议书草稿", "这里显示检察建议书打印效果")
	pros.Eval(nil, `() => document.getElementById('draft-form').setAttribute('data-autosave-delay', '30')`)
	pros.Fill("主送单位", "临江市清河区市场监督管理局")
	waitForText(t, pros, "#autosave-status", "已自动保存")
	pros.Eval(nil, `() => document.getElementById('draft-form').setAttribute('data-autosave-delay', '600000')`)
	if pros.Count("iframe#draft-preview") != 1 {
		t.Fatal("no PDF preview after the autosave")
	}
	pros.Fill("问题来源", "本院在履行职责中发现。").Fill("查明的事实及证据", "经现场查看，实验小学门口放学时段有流动摊贩五处。").
		Fill("违法情形或隐患", "无证经营食品，存在食品安全隐患。").Fill("建议 1", "开展学校周边食品安全专项整治。").
		Fill("建议 1 的法律依据", "《中华人民共和国食品安全法》第三十五条").Fill("抄送", "临江市清河区教育局").Click("保存草稿")
	pros.MustSee("草稿已保存", "第 2 项")
	var previewStatus int
	pros.Eval(&previewStatus, `() => fetch(document.getElementById('draft-preview').src).then(r => r.headers.get('content-type') === 'application/pdf' ? r.status : -1)`)
	if previewStatus != http.StatusOK {
		t.Fatalf("draft preview answers %d", previewStatus)
	}
	pros.Screenshot("draft-editor")
	pros.Click("保存并提请审批")
	pros.MustSee("检察建议书已提请审批", "审批", "待部门负责人审核")

	// The department head reviews the draft: the bell and the box say so.
	head.Open("/dashboard")
	if b := bell(head); !strings.Contains(b, "条未读") {
		t.Fatalf("department head's bell: %q", b)
	}
	head.MustSee("待审核的检察建议书").Click("清河区实验小学周边流动摊贩占道经营")
	head.MustSee("审阅检察建议书", "开展学校周边食品安全专项整治", "部门负责人审核")
	head.Fill("意见", "同意，报检察长审批").Click("审核审批同意")
	head.MustSee("已审核审批同意", "待检察长审批")

	// The chief approves.
	chief := br.NewPage(t, base)
	chief.LogIn("chief1", apitest.Password)
	chief.MustSee("待审批的检察建议书").Click("清河区实验小学周边流动摊贩占道经营")
	chief.MustSee("经检察委员会决定")
	chief.Screenshot("draft-review")
	chief.Fill("意见", "同意制发").Click("审核审批同意")
	chief.MustSee("已审核审批同意", "已批准")

	// The prosecutor issues and delivers.
	pros.Open("/dashboard").MustSee("待制发、送达").Click("清河区实验小学周边流动摊贩占道经营")
	pros.Click("制发").Click("制发")
	pros.MustSee("已制发", "文号")
	docNo := pros.TextOf(".case-docno strong")
	if !strings.Contains(docNo, "〔") {
		t.Fatalf("文号 %q", docNo)
	}
	pros.Click("送达").Select("方式", "书面送达").Fill("送达日期", today).Fill("受送达人", "王科长").Click("送达")
	pros.MustSee("已送达", "回复期限", docNo, "还剩")
	pros.Screenshot("case-page")

	// The agency signs and replies (its portal is web12b's part).
	var cv struct{ Version int }
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), "agency1", nil).Expect(t, http.StatusOK).Decode(t, &cv)
	env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/sign", id), "agency1", map[string]any{"version": cv.Version,
		"signer_name": "王科长"}).Expect(t, http.StatusOK).Decode(t, &cv)
	env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/reply", id), "agency1", map[string]any{"version": cv.Version,
		"kind": "final", "items": []map[string]any{{"item_no": 1, "position": "adopted"}}, "measures_taken": "已开展专项整治",
		"contact_person": "王科长", "contact_phone": "0571-00000001"}).Expect(t, http.StatusOK)

	// The prosecutor assesses the reply.
	// The case is in two boxes now (待备案 opens 本院待备案): open it from
	// 待评估的回复.
	pros.Open("/dashboard").MustSee("待评估的回复", "待备案")
	var href string
	pros.Eval(&href, `() => document.querySelector('section[aria-labelledby="box-replies"] a.dash-item-title').getAttribute("href")`)
	if href != fmt.Sprintf("/cases/%d", id) {
		t.Fatalf("待评估的回复 opens %q, want the case", href)
	}
	pros.Open(href).MustSee("正式回复", "签收人", "王科长")
	pros.Click("评估整改情况").Select("评估结论", "整改到位").Fill("意见", "整改到位，继续督促落实。").Click("评估整改情况")
	pros.MustSee("已评估整改情况", "督促落实")
}

// A form opened before someone else acted on the case is refused with a
// readable message that shows what changed, and the form offered again is
// built on the current version. (A post without the CSRF token is refused:
// handlers' TestCaseFormWithoutCSRFIsRefused; a real browser on the same site
// passes by Sec-Fetch-Site.)
func TestStaleCaseFormSaysWhatChanged(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	base := browsertest.Serve(t, env.Echo)
	var c struct {
		ID      int64
		Version int
	}
	env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "河道违规排污", "field": "生态环境",
		"source": "case_finding", "summary": "群众反映河道排污。"}).Expect(t, http.StatusCreated).Decode(t, &c)

	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("prosecutor1", apitest.Password)
	p.Open(fmt.Sprintf("/cases/%d/act/decline", c.ID)).MustSee("不立案")
	// Meanwhile the case moves on.
	env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/check", c.ID), "prosecutor1", map[string]any{"version": c.Version,
		"note": "开始初核"}).Expect(t, http.StatusOK)
	p.Fill("理由", "不属于本院管辖。").Check("我已核对，确认不立案").Click("不立案")
	if p.Status() != http.StatusConflict {
		t.Fatalf("stale form: status %d", p.Status())
	}
	p.MustSee("该案件已被他人更新（版本 2）", "初核", "开始初核", "重新打开案件页")
	p.Screenshot("case-stale-form")

	// The form now carries the current version and goes through.
	p.Click("不立案")
	p.MustSee("已不立案", "不立案")
}

// The 工作台 of each role shows its own work at both widths.
func TestDashboardsPerRole(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	_ = env
	for _, user := range []string{"prosecutor1", "depthead1", "chief1", "casemgr1", "admin"} {
		p := browsertest.Get(t).NewPage(t, base)
		p.LogIn(user, apitest.Password)
		if p.URL() != "/dashboard" {
			t.Fatalf("%s lands on %s", user, p.URL())
		}
		p.MustSee("工作台")
		p.Screenshot("staff-dashboard-" + user)
		if user != "admin" {
			p.Open("/cases?sort=due")
			p.Screenshot("cases-" + user)
		}
	}
}
