package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
)

// The project page works through forms alone: a task added, moved across
// the board (the progress follows), a stage closed; the list shows the
// project with its bar; an outside reader sees no forms.
func TestProjectPagesBoardAndProgress(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		p := newProject(t, env)
		lead := env.WebLogIn(t, "prosecutor1")
		path := fmt.Sprintf("/projects/%d", p.ID)

		list := string(lead.Get("/projects").Expect(t, http.StatusOK).Body)
		if !strings.Contains(list, "校园周边食品安全专项治理") || !strings.Contains(list, `class="progress-bar"`) {
			t.Fatal("the list lacks the project or its progress")
		}
		// A task without a due date: the service's message on the field.
		res := lead.PostForm(path+"/tasks", url.Values{"task_title": {"走访学校"}, "owner_id": {fmt.Sprint(userID(t, db, "prosecutor2"))}})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "请填写完成期限") || !strings.Contains(string(res.Body), `value="走访学校"`) {
			t.Fatalf("task without due date: %d %s", res.Status, res.Body)
		}
		lead.PostForm(path+"/tasks", url.Values{"task_title": {"走访学校"}, "owner_id": {fmt.Sprint(userID(t, db, "prosecutor2"))}, "due_on": {"2026-04-01"}}).
			Expect(t, http.StatusSeeOther)
		page := string(lead.Get(path).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, "走访学校") || !strings.Contains(page, `aria-valuenow="0"`) {
			t.Fatal("the new task or the empty progress is missing")
		}
		var task projects.ProjectTask
		db.Where("project_id = ?", p.ID).First(&task)
		lead.PostForm(fmt.Sprintf("%s/tasks/%d/status", path, task.ID), url.Values{"status": {"doing"}}).Expect(t, http.StatusSeeOther)
		lead.PostForm(fmt.Sprintf("%s/tasks/%d/status", path, task.ID), url.Values{"status": {"done"}}).Expect(t, http.StatusSeeOther)
		page = string(lead.Get(path).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, `aria-valuenow="100"`) || !strings.Contains(page, "已完成") {
			t.Fatal("the progress does not follow the done task")
		}
		lead.PostForm(path+"/advance", url.Values{"version": {fmt.Sprint(p.Version)}}).Expect(t, http.StatusSeeOther)
		page = string(lead.Get(path).Expect(t, http.StatusOK).Body)
		if !strings.Contains(page, "已进入“策划”阶段") {
			t.Fatal("the stage did not advance")
		}
		pdf := lead.Get(path+"/report.pdf").Expect(t, http.StatusOK)
		if !strings.HasPrefix(string(pdf.Body), "%PDF-") {
			t.Fatal("the report is not a PDF")
		}
		// A new project from the list page: a missing date is named on its field.
		res = lead.PostForm("/projects", url.Values{"title": {"农村饮水安全专项监督"}, "field": {"生态环境"}, "problem": {"部分村庄饮用水水质不达标。"},
			"goals": {"推动水源地整治。"}, "start_on": {"2026-04-01"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "请填写计划完成日期") || !strings.Contains(string(res.Body), `value="农村饮水安全专项监督"`) {
			t.Fatalf("project without end date: %d", res.Status)
		}
		res = lead.PostForm("/projects", url.Values{"title": {"农村饮水安全专项监督"}, "field": {"生态环境"}, "problem": {"部分村庄饮用水水质不达标。"},
			"goals": {"推动水源地整治。"}, "start_on": {"2026-04-01"}, "planned_end_on": {"2026-10-31"}})
		var created projects.Project
		if res.Status != http.StatusSeeOther || db.Where("title = ?", "农村饮水安全专项监督").First(&created).Error != nil ||
			res.Header.Get("Location") != fmt.Sprintf("/projects/%d", created.ID) {
			t.Fatalf("create project: %d %s", res.Status, res.Header.Get("Location"))
		}
		// A case manager monitors: reads, changes nothing.
		mon := string(env.WebLogIn(t, "casemgr1").Get(path).Expect(t, http.StatusOK).Body)
		if strings.Contains(mon, "添加任务") || strings.Contains(mon, "完成“") {
			t.Fatal("a monitor is offered forms")
		}
	})
}

// The project's description is edited on its page (a stale version or a
// blank problem is a message on the form, nothing saved); a member leaves
// the team and a case is unlinked through confirm buttons; the lead cannot
// be removed, and a monitor is offered none of these forms.
func TestProjectPageEditsAndRemovals(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		p := newProject(t, env)
		base := fmt.Sprintf("/projects/%d", p.ID)
		delivered := insertCase(t, env, caseFixture{State: cases.StateDelivered, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", ReplyDue: "2026-03-06"})
		env.Do("POST", "/api/v1"+base+"/cases", "prosecutor1", map[string]any{"case_id": delivered.ID}).Expect(t, http.StatusOK)
		lead := env.WebLogIn(t, "prosecutor1")

		page := string(lead.Get(base).Expect(t, http.StatusOK).Body)
		for _, want := range []string{"校园周边流动摊贩无证经营", "修改项目信息", "移出团队", "取消关联"} {
			if !strings.Contains(page, want) {
				t.Fatalf("the project page lacks %q", want)
			}
		}
		edit := url.Values{"version": {fmt.Sprint(p.Version)}, "project_title": {"校园周边食品安全综合治理"}, "problem": {""},
			"goals": {"建立长效监管机制。"}, "planned_end_on": {"2026-09-30"}}
		res := lead.PostForm(base+"/edit", edit)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `value="校园周边食品安全综合治理"`) {
			t.Fatalf("blank problem: %d", res.Status)
		}
		edit.Set("problem", "校园周边无证摊点多。")
		lead.PostForm(base+"/edit", edit).Expect(t, http.StatusSeeOther)
		var saved projects.Project
		db.First(&saved, p.ID)
		if saved.Title != "校园周边食品安全综合治理" || saved.Problem != "校园周边无证摊点多。" || saved.PlannedEndOn.String() != "2026-09-30" {
			t.Fatalf("saved %+v", saved)
		}
		// The same form again is stale: a conflict shown on the page.
		res = lead.PostForm(base+"/edit", edit)
		if res.Status != http.StatusConflict {
			t.Fatalf("stale edit: %d", res.Status)
		}

		expert := userID(t, db, "cityprosecutor1")
		lead.PostForm(fmt.Sprintf("%s/members/%d/remove", base, expert), nil).Expect(t, http.StatusSeeOther)
		lead.PostForm(fmt.Sprintf("%s/members/%d/remove", base, userID(t, db, "prosecutor1")), nil).Expect(t, http.StatusConflict)
		lead.PostForm(fmt.Sprintf("%s/cases/%d/unlink", base, delivered.ID), nil).Expect(t, http.StatusSeeOther)
		var members int64
		db.Model(&projects.ProjectMember{}).Where("project_id = ? AND user_id = ?", p.ID, expert).Count(&members)
		var linked int64
		db.Model(&cases.Case{}).Where("id = ? AND project_id = ?", delivered.ID, p.ID).Count(&linked)
		if members != 0 || linked != 0 {
			t.Fatalf("after removal: %d members, %d linked", members, linked)
		}

		mon := env.WebLogIn(t, "casemgr1")
		if page := string(mon.Get(base).Expect(t, http.StatusOK).Body); strings.Contains(page, "修改项目信息") || strings.Contains(page, "移出团队") {
			t.Fatal("a monitor is offered the edit forms")
		}
		mon.PostForm(base+"/edit", edit).Expect(t, http.StatusForbidden)
	})
}
