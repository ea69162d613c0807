package browsertest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
	"jianyi/internal/cases"
)

// A prosecutor opens 分析 from the navigation, sees the demo's repeated
// problem (回头看) and rising field, narrows the analysis to the field, and
// starts a project from the flagged group's cases.
func TestAnalysisPageFlagsAndStartsAProject(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("prosecutor1", apitest.Password)
	p.Open("/dashboard").Click("分析")
	if p.Status() != http.StatusOK || p.URL() != "/analysis" {
		t.Fatalf("分析: %d at %s", p.Status(), p.URL())
	}
	p.MustSee("重复问题分析", "回头看：同一单位再次收到同一问题的建议（1 件）", "校园周边流动摊贩食品安全隐患", "农贸市场活禽销售区食品安全隐患",
		"件数上升的领域", "各领域制发件数", "从这些案件启动项目")
	p.Screenshot("analysis")

	p.Select("领域", "食品药品安全").Click("查询")
	var q struct{ Query string }
	p.Eval(&q, `() => ({Query: location.search.slice(1)})`)
	if v, _ := url.ParseQuery(q.Query); v.Get("field") != "食品药品安全" || p.Count(".analysis-groups tbody tr") == 0 {
		t.Fatalf("filtered: %q, %d groups", q.Query, p.Count(".analysis-groups tbody tr"))
	}
	if g := p.TextOf(".analysis-groups"); strings.Contains(g, "临江市清河区教育局") || !strings.Contains(g, "食品药品安全") {
		t.Errorf("groups of another field shown:\n%s", g)
	}

	p.Click("以此组启动项目")
	p.MustSee("已选择 2 件案件")
	var title string
	p.Eval(&title, `() => document.getElementById('project_title').value`)
	if !strings.Contains(title, "问题专项监督") {
		t.Fatalf("project title %q", title)
	}
	p.Click("启动项目")
	if !strings.HasPrefix(p.URL(), "/projects/") {
		t.Fatalf("after 启动项目 at %s:\n%s", p.URL(), p.Text())
	}
	p.MustSee("项目已创建，关联了 2 件案件", title)
	var linked int64
	env.DB.Model(&cases.Case{}).Where("project_id IS NOT NULL AND title IN ?",
		[]string{"校园周边流动摊贩食品安全隐患", "农贸市场活禽销售区食品安全隐患"}).Count(&linked)
	if linked != 2 {
		t.Errorf("%d cases linked", linked)
	}
}

// A prosecutor drafting a letter on a problem already recommended on sees
// that letter in 类案参考 beside the editor — after saving without
// JavaScript's help, and again after the editor's autosave changes the
// draft; on a phone the panel sits below the editor, folded.
func TestAnalysisSimilarLettersBesideTheDraft(t *testing.T) {
	t.Parallel()
	env, base := publicSite(t)
	var drafting cases.Case
	env.DB.Where("title = ?", "老旧小区电动自行车违规充电安全隐患").First(&drafting)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("prosecutor1", apitest.Password)
	p.Open(fmt.Sprintf("/cases/%d/draft", drafting.ID))
	p.MustSee("类案参考")
	p.Fill("标题", "关于农贸市场活禽销售区食品安全隐患的检察建议书").
		Fill("查明的事实及证据", "经查，辖区农贸市场活禽销售区与其他食品销售区未有效隔离，活禽宰杀废弃物未及时清理，存在食品安全隐患。").
		Click("保存草稿")
	panel := p.TextOf("#similar-panel")
	if !strings.Contains(panel, "农贸市场活禽销售区食品安全隐患") || !strings.Contains(panel, "本院") {
		t.Fatalf("类案参考 does not show the earlier letter:\n%s", panel)
	}

	// The editor autosaves a changed draft; the panel follows it.
	p.Eval(nil, `() => { document.getElementById('draft-form').setAttribute('data-autosave-delay', '200'); }`)
	p.Fill("标题", "关于中小学校舍消防安全隐患的检察建议书").
		Fill("查明的事实及证据", "经查，辖区中小学校舍消防设施老化，消防通道堵塞，存在消防安全隐患。")
	var found bool
	p.Eval(&found, `async () => {
	  for (let i = 0; i < 50; i++) {
	    const first = document.querySelector('#similar-panel .similar-title');
	    if (first && first.innerText.includes('中小学校舍消防安全隐患')) return true;
	    await new Promise((r) => setTimeout(r, 200));
	  }
	  return false;
	}`)
	if !found {
		t.Fatalf("the panel did not follow the autosave:\n%s", p.TextOf("#similar-panel"))
	}
	p.MustSee("已自动保存")
	p.Screenshot("draft-similar")

	// On a phone: below the editor, folded.
	p.AtPhoneWidth(func() {
		var phone struct{ Open, Below bool }
		p.Eval(&phone, `async () => {
		  const panel = document.getElementById('similar-panel');
		  for (let i = 0; i < 20 && panel.open; i++) await new Promise((r) => setTimeout(r, 50));
		  const form = document.getElementById('draft-form').getBoundingClientRect();
		  return {Open: panel.open, Below: panel.getBoundingClientRect().top >= form.bottom};
		}`)
		if phone.Open || !phone.Below {
			t.Errorf("on a phone the panel is open %v, below the editor %v", phone.Open, phone.Below)
		}
	})
}

// A case manager uploads a CSV of model hits with a bad row, reads the
// preview, imports the valid rows and reads the import's record.
func TestAnalysisImportPreviewAndRecord(t *testing.T) {
	t.Parallel()
	_, base := publicSite(t)
	p := browsertest.Get(t).NewPage(t, base)
	p.LogIn("casemgr1", apitest.Password)
	p.Open("/analysis").Click("模型线索导入")
	p.MustSee("上传命中结果", "模型线索导入模板.xlsx", "还没有导入过模型线索")
	p.Screenshot("analysis-imports")
	file := writeFile(t, "模型命中.csv", "模型名称,命中编号,线索标题,领域,问题描述,被建议单位,承办部门,承办检察官\n"+
		"饮用水安全监督模型,YS-0001,临江镇集中式饮用水水源保护区内违法建设,生态环境,比对卫星遥感图斑发现保护区内新增建筑3处。,临江市清河区市场监督管理局,第八检察部,prosecutor1\n"+
		"饮用水安全监督模型,YS-0002,青川街道水源地周边养殖场粪污直排,天文,比对排污许可与巡查记录发现直排。,,第八检察部,prosecutor1\n"+
		"饮用水安全监督模型,YS-0003,云阳村取水口上游非法采砂,生态环境,河道视频监控识别采砂船2艘。,,第八检察部,prosecutor1\n")
	p.Upload("命中结果文件", file).Click("上传并预览")
	p.MustSee("共 3 行：可导入 2 行，不能导入 1 行", "第 3 行", "领域“天文”不在可选列表中", "临江镇集中式饮用水水源保护区内违法建设")
	p.Screenshot("analysis-import-preview")
	p.Click("导入 2 行有效线索")
	if !strings.HasPrefix(p.URL(), "/analysis/imports/") {
		t.Fatalf("after import at %s:\n%s", p.URL(), p.Text())
	}
	p.MustSee("已导入 2 条线索", "另有 1 行未导入", "SHA-256", "临江镇集中式饮用水水源保护区内违法建设", "云阳村取水口上游非法采砂", "领域“天文”不在可选列表中")
	p.Screenshot("analysis-import")
	p.Click("返回导入记录")
	p.MustSee("模型命中.csv")
}
