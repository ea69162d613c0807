package handlers_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
)

// repeatedGroup is the demo's group with a repeated letter, as the API
// gives it.
func repeatedGroup(t *testing.T, env *apitest.Env, user string) (key string, ids []int64, repeatedTitle string) {
	t.Helper()
	var r struct {
		Groups []struct {
			AgencyID    int64   `json:"agency_id"`
			Field       string  `json:"field"`
			ProblemKind string  `json:"problem_kind"`
			CaseIDs     []int64 `json:"case_ids"`
			Repeated    int64   `json:"repeated"`
		} `json:"groups"`
		Repeated []struct {
			Title string `json:"title"`
		} `json:"repeated"`
	}
	env.Do("GET", "/api/v1/analysis/recurrence", user, nil).Expect(t, http.StatusOK).Decode(t, &r)
	for _, g := range r.Groups {
		if g.Repeated > 0 {
			return fmt.Sprintf("%d.%s.%s", g.AgencyID, g.ProblemKind, g.Field), g.CaseIDs, r.Repeated[0].Title
		}
	}
	t.Fatalf("the demo has no repeated problem: the tests prove nothing (%+v)", r.Groups)
	return "", nil, ""
}

// TestAnalysisPages: the analysis page for each role the recurrence API
// serves (403 for the others), its charts, flags and the links to the
// cases; a project started from a group's cases (CSRF checked, errors on
// the form with the ticked cases kept, a case already in a project named);
// on both databases.
func TestAnalysisPages(t *testing.T) {
	t.Parallel()
	// The demo cases (SQLite and MariaDB): their letters make one repeated
	// problem (回头看) and one rising field.
	apitest.DemoCases.Each(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		key, ids, repeatedTitle := repeatedGroup(t, env, "prosecutor1")
		for user, want := range map[string]int{"chief1": 200, "casemgr1": 200, "depthead1": 200, "prosecutor1": 200, "admin": 403, "agency1": 403} {
			b := env.WebLogIn(t, user)
			res := b.Get("/analysis")
			if res.Status != want {
				t.Errorf("%s: /analysis %d, want %d", user, res.Status, want)
				continue
			}
			if want != 200 {
				continue
			}
			bodyHas(t, res, `id="chart-field-trend"`, `id="chart-problem-kinds"`, `id="chart-groups"`, "回头看", repeatedTitle,
				"件数上升的领域", "食品药品安全", fmt.Sprintf(`href="/cases/%d"`, ids[0]), "口径说明", `href="/analysis"`)
			body := string(res.Body)
			if canStart := user != "casemgr1"; strings.Contains(body, `id="project-form"`) != canStart {
				t.Errorf("%s: project form shown %v", user, !canStart)
			}
			if canImport := user != "prosecutor1"; strings.Contains(body, `href="/analysis/imports"`) != canImport {
				t.Errorf("%s: import tab shown %v", user, !canImport)
			}
		}

		b := env.WebLogIn(t, "prosecutor1")
		// The group picked: its cases ticked, the form filled in.
		res := b.Get("/analysis?" + url.Values{"pick": {key}}.Encode())
		bodyHas(t, res, fmt.Sprintf(`id="case-%d" checked`, ids[0]), "问题专项监督", "已选择 <strong>2</strong> 件案件")
		form := url.Values{"case_ids": {strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)}, "project_title": {""},
			"project_field": {"食品药品安全"}, "project_problem": {"同一单位反复出现的食品安全隐患"}, "project_goals": {"建立长效机制"},
			"project_start_on": {env.Now().Format("2006-01-02")}, "project_planned_end_on": {env.Now().AddDate(0, 6, 0).Format("2006-01-02")},
			"f_field": {"食品药品安全"}}
		// Errors stay on the page, the cases ticked, the filter kept.
		res = b.PostForm("/analysis/projects", form)
		if res.Status != http.StatusBadRequest && res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no title: %d", res.Status)
		}
		bodyHas(t, res, `class="error-summary"`, `href="#project_title"`, fmt.Sprintf(`id="case-%d" checked`, ids[1]),
			`<option value="食品药品安全" selected>`)
		// Without the form's token nothing is made.
		form.Set("project_title", "市场监管食品安全隐患专项监督")
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("_csrf", "forged")
		if res := b.PostForm("/analysis/projects", bad); res.Status != http.StatusForbidden {
			t.Fatalf("forged CSRF: %d", res.Status)
		}
		res = b.PostForm("/analysis/projects", form)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/projects/") {
			t.Fatalf("start project: %d %s\n%s", res.Status, res.Header.Get("Location"), clipBody(res.Body))
		}
		pid, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/projects/"), 10, 64)
		var linked int64
		db.Model(&cases.Case{}).Where("project_id = ?", pid).Count(&linked)
		if linked != 2 {
			t.Errorf("%d cases linked, want 2", linked)
		}
		bodyHas(t, b.Get(res.Header.Get("Location")), "项目已创建，关联了 2 件案件", "市场监管食品安全隐患专项监督")
		// The same cases again: each case is in one project at most.
		form.Set("project_title", "再来一次")
		res = b.PostForm("/analysis/projects", form)
		if res.Status < 400 || res.Status >= 500 {
			t.Fatalf("cases already in a project: %d", res.Status)
		}
		bodyHas(t, res, `class="error-summary"`, "一件案件只能属于一个项目")
		var n int64
		db.Model(&projects.Project{}).Where("title = ?", "再来一次").Count(&n)
		if n != 0 {
			t.Error("a refused project was written")
		}
		// The API names the same fields as the JSON has them (an embedded
		// struct's fields are the outer object's).
		r := env.Do("POST", "/api/v1/analysis/projects", "prosecutor1", map[string]any{"case_ids": ids, "field": "食品药品安全",
			"start_on": env.Now().Format("2006-01-02"), "planned_end_on": env.Now().AddDate(0, 6, 0).Format("2006-01-02")})
		if fields, _ := r.JSON()["error"].(map[string]any)["fields"].(map[string]any); r.Status != http.StatusBadRequest || fields["title"] == nil || fields["goals"] == nil {
			t.Errorf("API without title: %d %s", r.Status, r.Body)
		}
		// Case managers read the analysis but do not lead projects.
		if res := env.WebLogIn(t, "casemgr1").PostForm("/analysis/projects", form); res.Status != http.StatusForbidden {
			t.Errorf("case manager starts a project: %d", res.Status)
		}
	})
}

// TestAnalysisPageFilters: a bad filter is an error on the form (400), not
// an error page; a period without letters says so.
func TestAnalysisPageFilters(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	b := env.WebLogIn(t, "chief1")
	res := b.Get("/analysis?from=2026-05-01&to=2026-01-01")
	if res.Status != http.StatusBadRequest {
		t.Fatalf("to before from: %d", res.Status)
	}
	bodyHas(t, res, "结束日期不能早于开始日期", `class="error-summary"`, `value="2026-05-01"`, "主导航")
	for _, q := range []string{"from=2026-13-01&to=2026-12-01", "agency_id=x", "from=2026-01-01"} {
		if res := b.Get("/analysis?" + q); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `class="error-summary"`) {
			t.Errorf("%s: %d", q, res.Status)
		}
	}
	res = b.Get("/analysis?from=2001-01-01&to=2001-12-31")
	bodyHas(t, res, "所选期间和范围内没有制发的检察建议")
	if strings.Contains(string(res.Body), `id="project-form"`) {
		t.Error("an empty analysis offers a project")
	}
	// A department head's scope is its department: another's is refused.
	if res := env.WebLogIn(t, "depthead1").Get("/analysis?procuratorate_id=999"); res.Status != http.StatusForbidden && res.Status != http.StatusBadRequest {
		t.Errorf("other procuratorate: %d", res.Status)
	}
}

// TestAnalysisSimilarPanel: the draft editor shows the earlier letters
// like the draft (server-rendered from the draft as saved), the panel's
// refresh gives the same list without the frame, and it follows the case's
// access rule.
func TestAnalysisSimilarPanel(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	var drafting, earlier cases.Case
	env.DB.Where("title = ?", "老旧小区电动自行车违规充电安全隐患").First(&drafting)
	env.DB.Where("title = ?", "农贸市场活禽销售区食品安全隐患").First(&earlier)
	if drafting.ID == 0 || earlier.ID == 0 {
		t.Fatal("demo cases missing")
	}
	b := env.WebLogIn(t, "prosecutor1")
	page := fmt.Sprintf("/cases/%d/draft", drafting.ID)
	bodyHas(t, b.Get(page), "类案参考", `id="similar-panel"`, "similar-panel.js")

	form := url.Values{"version": {strconv.Itoa(drafting.Version)}, "_then": {"save"},
		"content.title":         {"关于农贸市场活禽销售区食品安全隐患的检察建议书"},
		"content.addressee":     {"临江市清河区市场监督管理局"},
		"content.facts":         {"经查，辖区农贸市场活禽销售区与其他食品销售区未有效隔离，活禽宰杀废弃物未及时清理，存在食品安全隐患。"},
		"content.illegality":    {"市场监督管理部门对农贸市场活禽销售区的日常监督检查不到位。"},
		"content.items[0].text": {"对辖区农贸市场活禽销售区开展专项检查，督促市场开办者落实食品安全管理责任。"}}
	if res := b.PostForm(page, form); res.Status != http.StatusSeeOther {
		t.Fatalf("save draft: %d\n%s", res.Status, clipBody(res.Body))
	}
	res := b.Get(page)
	panel := string(res.Body)
	if i := strings.Index(panel, `id="similar-panel"`); i >= 0 {
		panel = panel[i:]
	}
	if !strings.Contains(panel, fmt.Sprintf(`href="/cases/%d"`, earlier.ID)) || !strings.Contains(panel, "本院") || !strings.Contains(panel, "共同词语") {
		t.Fatalf("the panel does not show the earlier letter %d:\n%s", earlier.ID, clipBody([]byte(panel)))
	}
	frag := b.Get(page + "/similar")
	if frag.Status != http.StatusOK || strings.Contains(string(frag.Body), "<html") {
		t.Fatalf("fragment: %d", frag.Status)
	}
	bodyHas(t, frag, "data-similar-body", fmt.Sprintf(`href="/cases/%d"`, earlier.ID))

	// A case the user may not read, and a role without cases.
	if res := env.WebLogIn(t, "cityprosecutor1").Get(page + "/similar"); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("another procuratorate's case: %d", res.Status)
	}
	if res := env.WebLogIn(t, "agency1").Get(page + "/similar"); res.Status != http.StatusForbidden {
		t.Errorf("agency: %d", res.Status)
	}
}

var importTokenRE = regexp.MustCompile(`name="(file_name|sha256|token|content)" value="([^"]*)"`)

// TestAnalysisImportPages: a case manager uploads a CSV with a bad and a
// duplicate row, reads the preview, imports the valid rows (checked again),
// and reads the record and the list; a tampered confirm and a missing file
// are form errors; prosecutors are refused; on both databases.
func TestAnalysisImportPages(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		if res := env.WebLogIn(t, "prosecutor1").Get("/analysis/imports"); res.Status != http.StatusForbidden {
			t.Errorf("prosecutor: %d", res.Status)
		}
		b := env.WebLogIn(t, "casemgr1")
		bodyHas(t, b.Get("/analysis/imports"), "上传命中结果", "模型线索导入模板.xlsx", "还没有导入过模型线索", "命中编号")
		if res := b.Get("/analysis/imports/template.csv"); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "命中编号") {
			t.Errorf("template: %d", res.Status)
		}
		upload := func(path string, fields map[string]string, file []byte) *apitest.Response {
			t.Helper()
			if _, ok := fields["_csrf"]; !ok {
				fields["_csrf"] = b.CSRF()
			}
			var files []apitest.File
			if file != nil {
				files = []apitest.File{{Field: "file", Name: "模型命中.csv", Content: file}}
			}
			return b.Do(apitest.Multipart("POST", path, fields, files))
		}
		// No file: the form says so.
		res := upload("/analysis/imports/preview", map[string]string{}, nil)
		if res.Status != http.StatusBadRequest {
			t.Fatalf("no file: %d", res.Status)
		}
		bodyHas(t, res, `class="error-summary"`, "请上传 .xlsx 或 .csv 文件")
		if res := upload("/analysis/imports/preview", map[string]string{"_csrf": "forged"}, hitFile(2, nil)); res.Status != http.StatusForbidden {
			t.Errorf("forged CSRF: %d", res.Status)
		}

		file := hitFile(5, map[int]func([]string){3: func(r []string) { r[3] = "天文" }, 6: func(r []string) { r[1] = "YS-00001" }})
		res = upload("/analysis/imports/preview", map[string]string{}, file)
		if res.Status != http.StatusOK {
			t.Fatalf("preview: %d\n%s", res.Status, clipBody(res.Body))
		}
		bodyHas(t, res, "共 5 行：可导入 3 行，不能导入 2 行", "第 3 行", "领域“天文”不在可选列表中", "重复", "与第2行的模型名称和命中编号相同",
			"导入 3 行有效线索", "第2号水源地保护区内违法建设")
		hidden := map[string]string{}
		for _, m := range importTokenRE.FindAllStringSubmatch(string(res.Body), -1) {
			hidden[m[1]] = html.UnescapeString(m[2])
		}
		if len(hidden) != 4 {
			t.Fatalf("confirm form: %v", hidden)
		}
		var leads int64
		db.Model(&cases.Case{}).Where("source = ?", cases.SourceDataModel).Count(&leads)
		if leads != 0 {
			t.Fatal("the preview wrote leads")
		}
		// A changed file under the preview's token is refused.
		tampered := map[string]string{}
		for k, v := range hidden {
			tampered[k] = v
		}
		tampered["content"] = "bW9kZWwsaGl0Cg=="
		res = upload("/analysis/imports", tampered, nil)
		if res.Status != http.StatusBadRequest {
			t.Fatalf("tampered: %d", res.Status)
		}
		bodyHas(t, res, "请重新上传并预览")

		res = upload("/analysis/imports", hidden, nil)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/analysis/imports/") {
			t.Fatalf("import: %d\n%s", res.Status, clipBody(res.Body))
		}
		db.Model(&cases.Case{}).Where("source = ?", cases.SourceDataModel).Count(&leads)
		if leads != 3 {
			t.Errorf("%d leads, want 3", leads)
		}
		var casemgr org.User
		db.Where("username = ?", "casemgr1").First(&casemgr)
		record := b.Get(res.Header.Get("Location"))
		bodyHas(t, record, "已导入 3 条线索", "另有 2 行未导入", hidden["sha256"], casemgr.DisplayName, "第1号水源地保护区内违法建设",
			"领域“天文”不在可选列表中", "未导入的行（2 行）")
		bodyHas(t, b.Get("/analysis/imports"), "模型命中.csv", res.Header.Get("Location"))
		// The same confirm again: every hit is imported already, nothing to do.
		res = upload("/analysis/imports", hidden, nil)
		if res.Status < 400 || res.Status >= 500 {
			t.Fatalf("again: %d", res.Status)
		}
		bodyHas(t, res, `class="error-summary"`)
		if res := env.WebLogIn(t, "prosecutor1").Get("/analysis/imports/1"); res.Status != http.StatusForbidden {
			t.Errorf("prosecutor reads a record: %d", res.Status)
		}
	})
}

// TestAnalysisPagePicksAWholeGroup: a group of more letters than the page
// lists per group is picked whole — all its cases on the form, ticked, and
// linked to the project; after an error the ticked ones stay on the form.
func TestAnalysisPagePicksAWholeGroup(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	co := genCorpus(t, env, 0, 5, false) // the agencies only
	var pros org.User
	env.DB.Where("username = ?", "prosecutor1").First(&pros)
	loc := env.App.Clock.Location()
	var list []cases.Case
	var contents []cases.RecommendationContent
	for i := range 14 {
		c := corpusCase(env, i, fmt.Sprintf("第%d处河道非法采砂", i+1), "生态环境", co.Agencies[0].ID, co.Today.AddDays(-10-i), 0, loc)
		c.DepartmentID, c.ProsecutorID = env.Org.Department.ID, pros.ID
		list = append(list, c)
		contents = append(contents, corpusContent("临江镇", "河道非法采砂", co.Agencies[0].Name))
	}
	if err := env.DB.WithTx(t.Context(), func(tx *gorm.DB) error { return writeLetters(tx, env, list, contents, false) }); err != nil {
		t.Fatal(err)
	}
	b := env.WebLogIn(t, "prosecutor1")
	bodyHas(t, b.Get("/analysis"), "另有 4 件未列出")
	key := fmt.Sprintf("%d.pollution.生态环境", co.Agencies[0].ID)
	res := b.Get("/analysis?" + url.Values{"pick": {key}}.Encode())
	if n := strings.Count(string(res.Body), `name="case_ids"`); n != 14 || strings.Count(string(res.Body), "\" checked aria-label") != 14 {
		t.Fatalf("%d cases on the form, want 14 ticked", n)
	}
	form := url.Values{"project_title": {""}, "project_field": {"生态环境"}, "project_problem": {"反复采砂"}, "project_goals": {"长效机制"},
		"project_start_on": {env.Now().Format("2006-01-02")}, "project_planned_end_on": {env.Now().AddDate(0, 3, 0).Format("2006-01-02")}}
	for _, c := range list {
		form.Add("case_ids", strconv.FormatInt(c.ID, 10))
	}
	res = b.PostForm("/analysis/projects", form)
	if n := strings.Count(string(res.Body), "\" checked aria-label"); n != 14 {
		t.Fatalf("after an error %d cases ticked, want 14 (status %d)", n, res.Status)
	}
	form.Set("project_title", "河道采砂专项监督")
	if res := b.PostForm("/analysis/projects", form); res.Status != http.StatusSeeOther {
		t.Fatalf("start: %d", res.Status)
	}
	var linked int64
	env.DB.Model(&cases.Case{}).Where("project_id IS NOT NULL").Count(&linked)
	if linked != 14 {
		t.Errorf("%d cases linked, want 14", linked)
	}
}
