package browsertest_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
)

// deliverNewLetter takes a new lead to 已送达 to agency1 through the API (the
// staff pages are another part's), returning the case id.
func deliverNewLetter(t *testing.T, env *apitest.Env, title string) int64 {
	t.Helper()
	var c struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": title, "field": "食品药品安全", "source": "case_finding",
		"summary": "学校周边小作坊无证生产糕点。", "agency_id": env.Org.Agency1.ID}).Expect(t, http.StatusCreated).Decode(t, &c)
	act := func(action, user string, payload map[string]any) {
		t.Helper()
		body := map[string]any{"version": c.Version}
		for k, v := range payload {
			body[k] = v
		}
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", c.ID, action), user, body).Expect(t, http.StatusOK).Decode(t, &c)
	}
	act("check", "prosecutor1", nil)
	act("file", "depthead1", nil)
	act("investigate", "prosecutor1", nil)
	act("draft", "prosecutor1", nil)
	records := fmt.Sprintf("/api/v1/cases/%d/investigation-records", c.ID)
	env.Do("POST", records, "prosecutor1", map[string]any{"kind": "site_visit", "date": env.Now().Format("2006-01-02"), "place": "学校门口",
		"participants": "张检察官", "summary": "现场查看属实。"}).Expect(t, http.StatusCreated)
	env.Do("POST", records, "prosecutor1", map[string]any{"kind": "investigation_report", "date": env.Now().Format("2006-01-02"), "participants": "张检察官",
		"summary": "调查终结。", "report": map[string]any{"facts": "小作坊无证生产。", "evidence": "现场笔录。", "problems": "监管不到位。", "opinion": "制发检察建议。"}}).Expect(t, http.StatusCreated)
	env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", map[string]any{"content": map[string]any{
		"addressee": "临江市清河区市场监督管理局", "problem_source": "本院在履行职责中发现", "facts": "学校周边两家小作坊无证生产糕点。",
		"illegality": "违反《中华人民共和国食品安全法》第三十六条。",
		"items": []map[string]any{
			{"text": "依法查处无证生产的小作坊。", "legal_basis": "《中华人民共和国食品安全法》第三十六条"},
			{"text": "建立小作坊登记和日常巡查制度。", "legal_basis": "《中华人民共和国食品安全法》第八十七条"},
		}}}).Expect(t, http.StatusOK)
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &c)
	act("submit", "prosecutor1", nil)
	act("approve", "depthead1", map[string]any{"opinion": "同意"})
	act("approve", "chief1", map[string]any{"opinion": "同意制发"})
	act("issue", "prosecutor1", nil)
	act("deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": env.Now().Format("2006-01-02")})
	return c.ID
}

// agency1 finds the demo letter with its due date, then signs a newly
// delivered letter and answers it with a file and a position on each item,
// all through the pages; agency2 cannot open the letter.
func TestAgencySignsAndReplies(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	id := deliverNewLetter(t, env, "学校周边小作坊无证生产")
	var inbox struct {
		Items []struct {
			Title    string `json:"title"`
			ReplyDue string `json:"reply_due"`
		} `json:"items"`
	}
	env.Do("GET", "/api/v1/agency/recommendations", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
	var demoDue string
	for _, it := range inbox.Items {
		if it.Title == "校园周边流动摊贩食品安全隐患" {
			demoDue = it.ReplyDue
		}
	}
	if demoDue == "" {
		t.Fatalf("demo letter not in agency1's inbox: %+v", inbox)
	}

	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("agency1", apitest.Password)
	if p.URL() != "/agency" {
		t.Fatalf("agency1 lands on %s", p.URL())
	}
	p.MustSee("待回复的检察建议", "校园周边流动摊贩食品安全隐患", demoDue, "还剩", "学校周边小作坊无证生产", "待签收")
	p.Screenshot("agency-inbox")

	p.Click("学校周边小作坊无证生产").MustSee("签收检察建议书", "依法查处无证生产的小作坊。", "建立小作坊登记和日常巡查制度。")
	p.Click("签收").MustSee("签收人为必填字段")
	if p.Status() != http.StatusUnprocessableEntity {
		t.Fatalf("sign without a name: %d", p.Status())
	}
	p.Screenshot("agency-sign-error")
	p.Fill("签收人", "王科长").Click("签收")
	p.MustSee("已签收检察建议书。", "签收人 王科长", "书面回复")

	pdf := filepath.Join(t.TempDir(), "整改报告.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% 整改报告\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.Check("正式回复")
	p.Eval(nil, `() => { document.querySelector('#item_1_position-0').checked = true; document.querySelector('#item_2_position-1').checked = true; }`)
	p.Fill("第2项的说明", "登记制度已起草，巡查制度待区政府批准。").
		Fill("回复正文", "我局收到检察建议后高度重视，已开展专项检查。").
		Fill("措施 1", "区政府批准后施行小作坊巡查制度").Fill("措施 1 完成期限", "2027-03-31").
		Fill("联系人", "王科长").Fill("联系电话", "0571-86000000").
		Upload("回复材料", pdf)
	p.MustSee("整改报告.pdf")
	p.Eval(nil, `() => window.scrollTo(0, 0)`)
	p.Screenshot("agency-reply")
	p.Click("提交书面回复")
	p.MustSee("书面回复已提交。", "正式回复", "第1项：采纳", "第2项：部分采纳", "整改报告.pdf")
	if p.URL() != fmt.Sprintf("/agency/letters/%d", id) {
		t.Fatalf("after the reply at %s", p.URL())
	}
	p.Screenshot("agency-letter-replied")
	p.Click("已回复").MustSee("学校周边小作坊无证生产")
	p.Click("通知").MustSee("收到检察建议书")
	p.Screenshot("agency-notifications")

	other := browsertest.Get(t).NewPage(t, base)
	other.LogIn("agency2", apitest.Password)
	other.Open(fmt.Sprintf("/agency/letters/%d", id))
	if other.Status() != http.StatusNotFound {
		t.Fatalf("agency2 opening agency1's letter: %d", other.Status())
	}
	other.MustSee("页面不存在")
}
