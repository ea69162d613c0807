package browsertest_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/browsertest"
	"jianyi/config"
)

// publicSite is the real router on SQLite with the demo organisation and the
// demo cases (one recommendation published by chief1), the institution's
// identity set as a deployment would.
func publicSite(t *testing.T) (*apitest.Env, string) {
	t.Helper()
	env := apitest.NewDemoWithConfig(t, "sqlite", func(cfg *config.Config) {
		cfg.Site.Address = "临江市清河区清河大道100号"
		cfg.Site.ICP = "东ICP备20260001号"
		cfg.Site.Contact = "来信地址：临江市清河区清河大道100号（邮编 100000）"
	})
	return env, browsertest.Serve(t, env.Echo)
}

// residentID completes 17 digits with the GB 11643 check digit.
func residentID(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// staffAnswer gives the procedural answer to the application through the API
// (the staff pages are not part of this suite yet).
func staffAnswer(t *testing.T, env *apitest.Env, trackingNo string, body map[string]any) {
	t.Helper()
	var list struct {
		Items []struct {
			ID         int64  `json:"id"`
			TrackingNo string `json:"tracking_no"`
			Version    int    `json:"version"`
		} `json:"items"`
	}
	env.Do("GET", "/api/v1/applications", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &list)
	for _, a := range list.Items {
		if a.TrackingNo == trackingNo {
			body["version"] = a.Version
			env.Do("POST", fmt.Sprintf("/api/v1/applications/%d/answer", a.ID), "casemgr1", body).Expect(t, http.StatusOK)
			return
		}
	}
	t.Fatalf("application %s not in the case managers' list", trackingNo)
}

// A citizen finds the service from the home page, applies through /apply
// (first with nothing filled in, then properly, with a file), keeps the
// tracking number and secret, looks the application up, sends the material
// asked for and downloads the notice without typing the secret again.
func TestCitizenAppliesAndFollowsTheApplication(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)

	p.Open("/")
	p.MustSee("临江市清河区人民检察院", "检察建议公开与申请服务", "12309", "我要申请", "办理查询", "检察建议公开", "回复情况统计",
		"中小学校舍消防安全隐患", "东ICP备20260001号", "工作人员登录")
	p.Screenshot("public-home")

	p.Click("我要申请")
	if p.URL() != "/apply" {
		t.Fatalf("我要申请 leads to %s", p.URL())
	}
	p.Screenshot("public-apply")

	// Sent empty: the summary at the top names each missing field and
	// links to it; each field says what is wrong.
	env.SetNow(env.Now().Add(time.Minute)) // a person takes longer than form_min_age
	p.Click("提交申请")
	if p.Status() != http.StatusBadRequest {
		t.Fatalf("empty form: status %d", p.Status())
	}
	p.MustSee("申请信息有误，请按提示修改", "受理检察院为必填字段", "反映的问题为必填字段")
	if n := p.Count(".error-summary a"); n < 5 {
		t.Fatalf("the error summary links %d fields", n)
	}
	if p.Count(`#procuratorate_id[aria-invalid="true"]`) != 1 {
		t.Fatal("the missing procuratorate is not marked on its field")
	}
	p.Screenshot("public-apply-errors")

	p.Select("受理检察院", "临江市清河区人民检察院").
		Fill("反映的问题", "清河区第三小学门口每天放学时段有十余个流动摊贩销售无包装食品，学生购买后出现腹痛，已持续两个月。").
		Fill("问题发生地点", "清河区第三小学门口").
		Fill("涉及的单位（选填）", "临江市清河区市场监督管理局").
		Upload("证据材料（选填）", writeFile(t, "现场照片说明.txt", "放学时段摊贩经营情况记录")).
		Fill("姓名", "欧阳娜娜").
		Fill("证件号码", residentID("11010519900307123")).
		Fill("联系电话", "13912345678").
		Check("我已阅读并同意上述个人信息处理说明")
	env.SetNow(env.Now().Add(time.Minute))
	p.Click("提交申请")
	if p.Status() != http.StatusCreated {
		t.Fatalf("application: status %d\n%s", p.Status(), p.Text())
	}
	p.MustSee("申请已提交", "查询密码只显示这一次")
	trackingNo := strings.TrimSpace(p.TextOf(".secret-box dd:nth-of-type(1)"))
	secret := strings.TrimSpace(p.TextOf(".secret-box dd:nth-of-type(2)"))
	if !regexp.MustCompile(`^SQ\d{16}$`).MatchString(trackingNo) || len(secret) != 32 {
		t.Fatalf("tracking number %q, secret %q", trackingNo, secret)
	}
	p.Screenshot("public-apply-done")

	// The look-up asks for the secret once.
	p.Click("查询办理情况")
	p.Fill("查询码", trackingNo).Fill("查询密码", "wrong-secret").Click("查询")
	if p.Status() != http.StatusNotFound {
		t.Fatalf("wrong secret: status %d", p.Status())
	}
	p.MustSee("查询码或查询密码不正确")
	p.Fill("查询码", trackingNo).Fill("查询密码", secret).Click("查询")
	p.MustSee("查询码 "+trackingNo, "已提交，待答复", "收到申请")
	if strings.Contains(p.HTML(), secret) {
		t.Fatal("the secret is written into the status page")
	}
	p.Screenshot("public-status")

	// Asked for material: the page, opened again, shows the application
	// without the secret being typed, and takes the file.
	staffAnswer(t, env, trackingNo, map[string]any{"kind": "needs_supplement", "missing": "请补充摊贩经营时段的现场照片。"})
	p.Open("/apply/status")
	p.MustSee("需补正材料", "请补充摊贩经营时段的现场照片", "提交补正材料")
	if p.Count(`input[name="secret"]`) != 0 {
		t.Fatal("the status page asks for the secret again")
	}
	p.Upload("补正材料", writeFile(t, "现场照片.txt", "补充的现场记录")).Click("提交补正材料")
	p.MustSee("补正材料已提交", "收到补正材料")

	// Accepted: the notice downloads from the page's form, still without the
	// secret, as a PDF.
	staffAnswer(t, env, trackingNo, map[string]any{"kind": "accepted"})
	p.Open("/apply/status")
	p.MustSee("已受理，审查中", "下载告知书（PDF）")
	var notice struct {
		Status int
		Type   string
		Head   string
	}
	p.Eval(&notice, `async () => {
		const f = document.querySelector('form[action="/apply/notice"]');
		const r = await fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))});
		const b = new Uint8Array(await r.arrayBuffer());
		return {Status: r.status, Type: r.headers.get('content-type'), Head: String.fromCharCode(...b.slice(0, 5))};
	}`)
	if notice.Status != http.StatusOK || notice.Type != "application/pdf" || notice.Head != "%PDF-" {
		t.Fatalf("notice download: %+v", notice)
	}

	// 结束查询 forgets the look-up.
	p.Click("结束查询")
	p.MustSee("请输入提交申请时取得的查询码和查询密码")
	p.Open("/apply/status")
	p.MustNotSee(trackingNo)
}

// The public reads the published recommendations: the filters offer only the
// fields and years that exist, a filter that matches nothing says so, the
// item shows its PDF with name and size, and every page fits a phone.
func TestPublicReadsDisclosures(t *testing.T) {
	t.Parallel()
	_, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)

	p.Open("/disclosures")
	p.MustSee("检察建议公开", "中小学校舍消防安全隐患", "临江市清河区教育局")
	var fields, years []string
	p.Eval(&fields, `() => Array.from(document.querySelectorAll('#field option')).map((o) => o.textContent)`)
	p.Eval(&years, `() => Array.from(document.querySelectorAll('#year option')).map((o) => o.textContent)`)
	if strings.Join(fields, ",") != "全部领域,校园安全" || strings.Join(years, ",") != "全部年份,2025" {
		t.Fatalf("filter choices: fields %q, years %q", fields, years)
	}
	p.Screenshot("public-disclosures")

	p.Select("领域", "校园安全").Select("年份", "2025").Click("筛选")
	p.MustSee("中小学校舍消防安全隐患", "清除筛选")
	p.Fill("关键词", "没有这样的检察建议").Click("筛选")
	p.MustSee("没有符合条件的检察建议")
	p.MustNotSee("中小学校舍消防安全隐患")
	p.Screenshot("public-disclosures-none")

	// An old link with a free-text field: shown as chosen, and explained.
	p.Open("/disclosures?field=" + "食品")
	p.MustSee("没有符合条件的检察建议")
	var chosen string
	p.Eval(&chosen, `() => document.querySelector('#field').value`)
	if chosen != "食品" {
		t.Fatalf("field filter shows %q", chosen)
	}

	p.Open("/disclosures")
	p.Click("关于中小学校舍消防安全隐患的检察建议书")
	p.MustSee("文号", "被建议单位", "整改情况", "整改到位", "检察建议书（公开版）", "PDF，", "KB", "被建议单位回复")
	p.Screenshot("public-disclosure")

	p.Open("/public/stats")
	p.MustSee("被建议单位回复情况统计", "临江市清河区教育局", "按期回复率")
	p.Screenshot("public-stats")
}

// A browser never sees raw JSON: an unknown address is an HTML page (the API
// keeps its JSON errors).
func TestUnknownPagesAreHTML(t *testing.T) {
	t.Parallel()
	_, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.Open("/no/such/page")
	if p.Status() != http.StatusNotFound {
		t.Fatalf("status %d", p.Status())
	}
	p.MustSee("页面不存在", "返回首页", "12309")
	p.Screenshot("public-not-found")
	p.Open("/disclosures/999999")
	p.MustSee("页面不存在")
	res, err := http.Get(base + "/api/v1/public/disclosures/999999")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusNotFound || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("API 404: %d %s", res.StatusCode, ct)
	}
}
