package browsertest_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/browsertest"
	"jianyi/dbtest"
	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
)

// A citizen applies through /apply; a case manager accepts the application
// from the queue; a prosecutor decides to start it and the case appears.
func TestApplicationAcceptedAndStarted(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	citizen := browsertest.Get(t).NewPage(t, base)
	citizen.Open("/apply")
	env.SetNow(env.Now().Add(time.Minute))
	citizen.Select("受理检察院", "临江市清河区人民检察院").
		Fill("反映的问题", "清河区建国路菜市场排水沟长期堵塞，污水漫溢到人行道，夏季蚊蝇滋生，附近居民多次反映无果。").
		Fill("问题发生地点", "清河区建国路菜市场").
		Fill("姓名", "欧阳娜娜").
		Fill("证件号码", residentID("11010519900307123")).
		Fill("联系电话", "13912345678").
		Check("我已阅读并同意上述个人信息处理说明")
	env.SetNow(env.Now().Add(time.Minute))
	citizen.Click("提交申请").MustSee("申请已提交")
	trackingNo := strings.TrimSpace(citizen.TextOf(".secret-box dd:nth-of-type(1)"))

	mgr := browsertest.Get(t).NewPage(t, base)
	mgr.LogIn("casemgr1", apitest.Password)
	mgr.Open("/applications").MustSee(trackingNo, "已提交，待答复", "答复期限")
	mgr.Screenshot("applications")
	mgr.Click(trackingNo).MustSee("欧阳娜娜", "程序性答复")
	mgr.Check("受理").Click("作出答复").MustSee("已受理，已告知申请人", "已受理，审查中", "告知书（PDF）")

	pros := browsertest.Get(t).NewPage(t, base)
	pros.LogIn("prosecutor1", apitest.Password)
	pros.Open("/applications").Click(trackingNo)
	pros.Check("启动检察建议程序").Select("领域", "生态环境").Click("作出决定")
	pros.MustSee("已决定启动检察建议程序", "决定启动检察建议程序", "查看案件")
	pros.Screenshot("application")

	var app applications.Application
	if err := env.DB.Where("tracking_no = ?", trackingNo).First(&app).Error; err != nil || app.CaseID == nil {
		t.Fatalf("application %s has no case: %v", trackingNo, err)
	}
	var c cases.Case
	env.DB.First(&c, *app.CaseID)
	if c.State != cases.StateLead || c.OriginCaseNumber != trackingNo {
		t.Fatalf("the started case: %+v", c)
	}
	if got := pros.Count(`a[href="/cases/` + strconv.FormatInt(c.ID, 10) + `"]`); got == 0 {
		t.Fatal("the application page does not link the case")
	}
	// The case appears: its page opens from the application.
	pros.Click("查看案件")
	if pros.URL() != "/cases/"+strconv.FormatInt(c.ID, 10) {
		t.Fatalf("查看案件 leads to %s", pros.URL())
	}
	pros.MustSee(c.Title)
}

// The chief reviews the redaction of a letter naming two private persons
// the patterns cannot tell are names, marks both, previews the public page,
// publishes, and the public page shows neither name.
func TestChiefReviewsRedactionAndPublishes(t *testing.T) {
	t.Parallel()
	// The organisation without the demo cases, so the fixture's numbers are free.
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	base := browsertest.Serve(t, env.Echo)
	issued := env.Now().AddDate(0, 0, -20)
	c := env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Title: "菜市场周边占道经营与排水隐患",
		DocumentNumber: "清河检八建〔2026〕31号", IssuedAt: issued, DeliveredOn: calendar.DateOf(issued, time.UTC).AddDays(1),
		ReplyDue: calendar.DateOf(issued, time.UTC).AddDays(61),
		Content: &cases.RecommendationContent{
			Title:         "关于建国路菜市场周边占道经营与排水隐患的检察建议书",
			Addressee:     "临江市清河区市场监督管理局",
			ProblemSource: "本院在履行职责中发现，建国路菜市场周边长期存在占道经营问题，群众王小明（男，1975年生，联系电话13912345678）多次反映。",
			Facts:         "经查，建国路88号门前长期存在占道经营，排水沟被杂物堵塞，雨后污水漫溢。走访中，张志强称其多次看到商户将杂物倒入排水沟，张婷婷表示认可。",
			Illegality:    "上述情形违反《城市市容和环境卫生管理条例》第十四条的规定。",
			Items:         []cases.RecommendationItem{{Text: "依法查处占道经营行为，督促清理排水设施。", LegalBasis: "《城市市容和环境卫生管理条例》第三十六条"}},
		}})

	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("chief1", apitest.Password)
	p.Open("/disclosures/review").MustSee("菜市场周边占道经营与排水隐患", "清河检八建〔2026〕31号", "待审查")
	p.Click("菜市场周边占道经营与排水隐患")
	p.MustSee("疑似姓名待确认", "张志强", "张婷婷", "原文", "公开版", "王某", "手机号码", "地址")
	p.Screenshot("disclosure-review")
	p.Click("张志强：是姓名，隐去").MustSee("张志强→张某")
	if p.Count(`button[name="add_name"][value="张志强"]`) != 0 || p.Count(`button[name="add_name"][value="张婷婷"]`) != 1 {
		t.Fatal("after deciding 张志强 the chips are not 张婷婷 alone")
	}
	p.Click("张婷婷：是姓名，隐去").MustSee("隐名处理已全部确认")
	p.MustNotSee("疑似姓名待确认")
	p.Click("预览公开页面").MustSee("以下是公众将看到的页面", "张某称其多次看到商户", "张某表示认可")
	p.Screenshot("disclosure-public-preview")
	p.Click("确认公开").MustSee("已决定公开")

	var d disclosure.Disclosure
	if err := env.DB.Where("case_id = ?", c.ID).First(&d).Error; err != nil {
		t.Fatal(err)
	}
	pub := browsertest.Get(t).NewPage(t, base)
	pub.Open("/disclosures/"+strconv.FormatInt(d.ID, 10)).MustSee("张某称其多次看到商户", "张某表示认可", "王某")
	pub.MustNotSee("张志强", "张婷婷", "王小明", "13912345678")
}

// A project's progress bar moves when a task is moved to 已完成, and its
// description is edited in place.
func TestProjectProgressBarMoves(t *testing.T) {
	t.Parallel()
	_, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("prosecutor1", apitest.Password)
	p.Open("/projects").MustSee("校园及周边安全专项治理")
	p.Screenshot("projects")
	p.Click("校园及周边安全专项治理").MustSee("阶段", "任务", "团队", "关联案件", "项目报告.pdf")
	var before, after float64
	p.Eval(&before, `() => document.querySelector('#progress-title').parentElement.querySelector('[role=progressbar]').getAttribute('aria-valuenow') * 1`)
	p.Screenshot("project")
	p.Click("学校周边交通安全设施现场复查：移到“已完成”").MustSee("任务“学校周边交通安全设施现场复查”：已完成")
	p.Eval(&after, `() => document.querySelector('#progress-title').parentElement.querySelector('[role=progressbar]').getAttribute('aria-valuenow') * 1`)
	if after <= before {
		t.Fatalf("progress %v%% → %v%%", before, after)
	}
	// The description is edited on the same page.
	p.Eval(nil, `() => { document.querySelector('#about details').open = true; }`)
	p.Fill("工作目标", "建立校园周边安全联合巡查机制。").Click("保存").
		MustSee("项目信息已保存", "建立校园周边安全联合巡查机制。")
}

// A reviewer fills in the scoring sheet of a case assigned to them.
func TestReviewerScoresAnItem(t *testing.T) {
	t.Parallel()
	_, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("prosecutor3", apitest.Password)
	p.Open("/reviews").MustSee("我评查的案件", "待评分")
	var href string
	p.Eval(&href, `() => Array.from(document.querySelectorAll('tr')).find((tr) => tr.textContent.includes('待评分')).querySelector('a').getAttribute('href')`)
	p.Open(href).MustSee("评分表", "提交评分")
	p.Eval(nil, `() => document.querySelectorAll('.score-table input[type=number]').forEach((i) => { i.value = i.max; })`)
	p.Fill("评查意见", "文书说理充分，回复跟进及时。")
	p.Screenshot("review-sheet")
	p.Click("提交评分").MustSee("评分已提交", "文书说理充分，回复跟进及时。", "总分")
}

// The navigation's 备案 opens the filings of the procuratorates below: a
// city's chief sees its districts' filings, and the filed one's 备案报告.
func TestFilingsPageFromTheNavigation(t *testing.T) {
	t.Parallel()
	_, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("citychief1", apitest.Password)
	p.Click("备案").MustSee("下级院备案", "已备案", "备案报告", "检察建议书")
	p.Screenshot("filings")
}

// TestPendingFilingsFromTheFilingsPage: a district prosecutor's 待备案
// item on the dashboard opens 本院待备案; so does the navigation's 备案
// (下级院备案, empty for a district) and its link; 报送备案 files one, and
// the list says so and keeps the other (screenshots at 1280 and 390 px).
func TestPendingFilingsFromTheFilingsPage(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	today := calendar.DateOf(env.Now(), env.Config.Location())
	for i, title := range []string{"城区内河排污口整治", "农贸市场消防通道堵塞隐患"} {
		env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Title: title,
			DocumentNumber: fmt.Sprintf("清河检八建〔2026〕%d号", 70+i), IssuedAt: env.Now(), DeliveredOn: today.AddDays(-2),
			ReplyDue: today.AddDays(58), FiledWith: env.Org.City.ID})
	}
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("prosecutor1", apitest.Password)
	// The dashboard's 待备案 item opens 本院待备案 at its line.
	p.Open("/dashboard").MustSee("待备案", "城区内河排污口整治")
	p.Screenshot("dashboard-filings")
	p.Click("城区内河排污口整治").MustSee("本院待备案", "共 2 件待报备")
	if !strings.Contains(p.URL(), "/filings/pending") {
		t.Fatalf("the 待备案 item opened %s", p.URL())
	}
	// Its line is marked (tr:target).
	var marked string
	p.Eval(&marked, `() => { const r = document.querySelector("tr:target"); return r ? r.textContent : "" }`)
	if !strings.Contains(marked, "城区内河排污口整治") {
		t.Fatalf("the line the item came for is not the target: %q", marked)
	}
	p.Screenshot("filings-pending-target")
	p.Click("备案").MustSee("暂无下级院的备案")
	p.Click("本院待备案").MustSee("共 2 件待报备", "城区内河排污口整治", "农贸市场消防通道堵塞隐患", "报送备案")
	p.Screenshot("filings-pending")
	p.Click("报送备案：城区内河排污口整治").MustSee("已报上级院备案，备案报告已生成。", "共 1 件待报备")
	p.Screenshot("filings-pending-filed")
}
