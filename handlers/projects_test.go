package handlers_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
)

type projectView struct {
	ID      int64  `json:"id"`
	Stage   string `json:"stage"`
	Status  string `json:"status"`
	Version int    `json:"version"`
	Access  string `json:"access"`
	Stages  []struct {
		Stage       string  `json:"stage"`
		ActualEndOn *string `json:"actual_end_on"`
	} `json:"stages"`
	Members []struct {
		Username    string `json:"username"`
		ProjectRole string `json:"project_role"`
	} `json:"members"`
	Tasks []struct {
		ID       int64  `json:"id"`
		Title    string `json:"title"`
		Internal bool   `json:"internal"`
	} `json:"tasks"`
	Notes []struct {
		Title string `json:"title"`
		Files []struct {
			ID int64 `json:"id"`
		} `json:"files"`
	} `json:"notes"`
	Cases    []struct{ ID int64 }     `json:"cases"`
	Progress projects.ProjectProgress `json:"progress"`
}

func getProject(t *testing.T, env *apitest.Env, id int64, user string) projectView {
	t.Helper()
	var p projectView
	env.Do("GET", fmt.Sprintf("/api/v1/projects/%d", id), user, nil).Expect(t, http.StatusOK).Decode(t, &p)
	return p
}

// newProject creates a project led by prosecutor1 with prosecutor2 as a
// member, prosecutor3 (第一检察部) as a member from another department and
// cityprosecutor1 as an outside expert.
func newProject(t *testing.T, env *apitest.Env) projectView {
	t.Helper()
	res := env.Do("POST", "/api/v1/projects", "prosecutor1", map[string]any{
		"title": "校园周边食品安全专项治理", "field": "食品药品安全", "problem": "校园周边流动摊贩无证经营，食品安全隐患突出。",
		"goals": "三个月内取缔无证摊点，建立长效监管机制。", "start_on": "2026-03-01", "planned_end_on": "2026-08-31",
		"stage_plan": map[string]string{"initiation": "2026-03-10", "evaluation": "2026-08-31"},
		"members": []map[string]any{
			{"user_id": userID(t, env.DB, "prosecutor2"), "project_role": "member", "duty": "调查核实"},
			{"user_id": userID(t, env.DB, "prosecutor3"), "project_role": "external_member", "duty": "刑事线索"},
			{"user_id": userID(t, env.DB, "cityprosecutor1"), "project_role": "expert"},
		},
	}).Expect(t, http.StatusCreated)
	var p projectView
	res.Decode(t, &p)
	return p
}

func TestProjectLifecycleAndProgress(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		p := newProject(t, env)
		if p.Stage != "initiation" || p.Status != "active" || len(p.Members) != 4 || len(p.Stages) != 6 || p.Access != "manager" {
			t.Fatalf("new project %+v", p)
		}
		base := fmt.Sprintf("/api/v1/projects/%d", p.ID)

		// Bad input and roles.
		for _, tc := range []struct {
			name, user string
			body       map[string]any
			status     int
			code       string
		}{
			{"missing dates", "prosecutor1", map[string]any{"title": "x", "field": "f", "problem": "p", "goals": "g"}, 400, "invalid_input"},
			{"end before start", "prosecutor1", map[string]any{"title": "x", "field": "f", "problem": "p", "goals": "g", "start_on": "2026-03-01", "planned_end_on": "2026-02-01"}, 400, "invalid_input"},
			{"external from own department", "prosecutor1", map[string]any{"title": "x", "field": "f", "problem": "p", "goals": "g", "start_on": "2026-03-01", "planned_end_on": "2026-04-01",
				"members": []map[string]any{{"user_id": userID(t, env.DB, "prosecutor2"), "project_role": "external_member"}}}, 400, "invalid_input"},
			{"agency cannot create", "agency1", map[string]any{"title": "x", "field": "f", "problem": "p", "goals": "g", "start_on": "2026-03-01", "planned_end_on": "2026-04-01"}, 403, "forbidden"},
			{"case manager cannot create", "casemgr1", map[string]any{"title": "x", "field": "f", "problem": "p", "goals": "g", "start_on": "2026-03-01", "planned_end_on": "2026-04-01"}, 403, "forbidden"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := env.Do("POST", "/api/v1/projects", tc.user, tc.body).Expect(t, tc.status)
				if r.ErrorCode() != tc.code {
					t.Fatalf("code %s, want %s", r.ErrorCode(), tc.code)
				}
			})
		}

		// Stage advance: stale version → 409; members cannot advance; the lead can.
		env.Do("POST", base+"/advance", "prosecutor1", map[string]any{"version": 99}).Expect(t, http.StatusConflict)
		env.Do("POST", base+"/advance", "prosecutor2", map[string]any{"version": p.Version}).Expect(t, http.StatusForbidden)
		env.Do("POST", base+"/advance", "prosecutor1", map[string]any{"version": p.Version, "note": "立项审批通过"}).Expect(t, http.StatusOK)
		p = getProject(t, env, p.ID, "prosecutor1")
		if p.Stage != "planning" || p.Stages[0].ActualEndOn == nil || *p.Stages[0].ActualEndOn != "2026-03-02" {
			t.Fatalf("after advance: stage %s, stages %+v", p.Stage, p.Stages)
		}

		// Tasks: two, none done. No linked cases yet → progress is the task share.
		ownerID := userID(t, env.DB, "prosecutor2")
		var task1, task2 struct{ ID int64 }
		env.Do("POST", base+"/tasks", "prosecutor1", map[string]any{"title": "摸排校园周边摊点", "owner_id": ownerID, "due_on": "2026-03-20"}).Expect(t, http.StatusCreated).Decode(t, &task1)
		env.Do("POST", base+"/tasks", "prosecutor2", map[string]any{"title": "调取市场监管执法记录", "owner_id": userID(t, env.DB, "prosecutor1"), "due_on": "2026-04-10", "internal": true}).Expect(t, http.StatusCreated).Decode(t, &task2)
		env.Do("POST", base+"/tasks", "prosecutor1", map[string]any{"title": "x", "owner_id": userID(t, env.DB, "chief1"), "due_on": "2026-04-10"}).Expect(t, http.StatusBadRequest)
		if got := getProject(t, env, p.ID, "prosecutor1").Progress; got.Percent != 0 || got.TasksTotal != 2 {
			t.Fatalf("progress with no task done: %+v", got)
		}

		// Linked cases: one delivered (not replied), one assessed (following_up, rectified).
		delivered := insertCase(t, env, caseFixture{State: cases.StateDelivered, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", ReplyDue: "2026-03-06"})
		assessed := insertCase(t, env, caseFixture{State: cases.StateFollowingUp, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", ReplyDue: "2026-03-06",
			RepliedOn: "2026-02-01", ReplyClass: cases.ReplyClassOnTime, Rectification: "rectified"})
		cityCase := insertCase(t, env, caseFixture{Prosecutor: "cityprosecutor1", State: cases.StateDelivered})
		for _, id := range []int64{delivered.ID, assessed.ID} {
			env.Do("POST", base+"/cases", "prosecutor1", map[string]any{"case_id": id}).Expect(t, http.StatusOK)
		}
		// Linking rules.
		env.Do("POST", base+"/cases", "prosecutor1", map[string]any{"case_id": delivered.ID}).Expect(t, http.StatusConflict)
		env.Do("POST", base+"/cases", "prosecutor1", map[string]any{"case_id": cityCase.ID}).Expect(t, http.StatusBadRequest)
		env.Do("POST", base+"/cases", "prosecutor2", map[string]any{"case_id": assessed.ID}).Expect(t, http.StatusForbidden)
		other := env.Do("POST", "/api/v1/projects", "prosecutor2", map[string]any{"title": "另一项目", "field": "f", "problem": "p", "goals": "g",
			"start_on": "2026-03-01", "planned_end_on": "2026-04-01"}).Expect(t, http.StatusCreated).JSON()
		r := env.Do("POST", fmt.Sprintf("/api/v1/projects/%v/cases", other["id"]), "prosecutor2", map[string]any{"case_id": assessed.ID}).Expect(t, http.StatusConflict)
		if r.ErrorCode() != "case_in_other_project" || !strings.Contains(string(r.Body), "校园周边食品安全专项治理") || !strings.Contains(string(r.Body), assessed.Title) {
			t.Fatalf("the conflict does not name the case and its project: %s", r.Body)
		}

		steps := []struct {
			name    string
			do      func()
			percent float64
		}{
			// tasks 0/2 = 0; cases (0 + 1) / 2 = 0.5 → 25 %.
			{"cases linked", func() {}, 25},
			// tasks 1/2 = 0.5 → 50 %.
			{"task done", func() {
				env.Do("PATCH", fmt.Sprintf("%s/tasks/%d", base, task1.ID), "prosecutor2", map[string]any{"status": "done"}).Expect(t, http.StatusOK)
			}, 50},
			// the delivered case is replied (0.5) → cases 0.75 → 62.5 %.
			{"case replied", func() {
				setCaseState(t, env, delivered.ID, map[string]any{"state": cases.StateReplied, "first_replied_on": "2026-03-01", "reply_class": cases.ReplyClassOnTime})
			}, 62.5},
			// and assessed (1) → cases 1 → 75 %.
			{"case assessed", func() {
				setCaseState(t, env, delivered.ID, map[string]any{"state": cases.StateFollowingUp, "rectification": "partly_rectified"})
			}, 75},
			// the second task done → 100 %.
			{"all tasks done", func() {
				env.Do("PATCH", fmt.Sprintf("%s/tasks/%d", base, task2.ID), "prosecutor1", map[string]any{"status": "done"}).Expect(t, http.StatusOK)
			}, 100},
			// unlinking a case removes it from the share: tasks 1, cases 1/1 → 100 %; back to one case, still 100.
			{"unlink", func() {
				env.Do("DELETE", fmt.Sprintf("%s/cases/%d", base, delivered.ID), "prosecutor1", nil).Expect(t, http.StatusNoContent)
			}, 100},
		}
		for _, st := range steps {
			st.do()
			got := getProject(t, env, p.ID, "prosecutor1").Progress
			if got.Percent != st.percent {
				t.Fatalf("%s: progress %.1f %%, want %.1f %% (%+v)", st.name, got.Percent, st.percent, got)
			}
		}

		// Milestone note with a file; the file downloads for the team.
		req := apitest.Multipart("POST", base+"/notes", map[string]string{"title": "摸排情况报告", "body": "共摸排摊点32处。"},
			[]apitest.File{{Field: "files", Name: "摸排表.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n%test\n")}})
		var note struct {
			Files []struct{ ID int64 } `json:"files"`
		}
		env.DoRequest(req, "prosecutor2").Expect(t, http.StatusCreated).Decode(t, &note)
		if len(note.Files) != 1 {
			t.Fatalf("note files %+v", note)
		}
		f := env.Do("GET", fmt.Sprintf("%s/files/%d", base, note.Files[0].ID), "cityprosecutor1", nil).Expect(t, http.StatusOK)
		if !bytes.HasPrefix(f.Body, []byte("%PDF")) {
			t.Fatalf("file body %q", f.Body)
		}
		bad := apitest.Multipart("POST", base+"/notes", map[string]string{"title": "x"},
			[]apitest.File{{Field: "files", Name: "x.pdf", Content: []byte("MZ\x90\x00 not a pdf")}})
		env.DoRequest(bad, "prosecutor2").Expect(t, http.StatusUnsupportedMediaType)

		// Timeline merges task events and the linked case's events.
		_ = cases.AddCaseEvent(env.DB.DB, &org.Actor{UserID: userID(t, env.DB, "agency1"), DisplayName: "王科长", Role: org.RoleAgency}, assessed, "report_progress", "已取缔摊点20处", false, nil)
		var tl struct {
			Items []projects.TimelineEntry `json:"items"`
		}
		env.Do("GET", base+"/timeline", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &tl)
		sources := map[string]bool{}
		for _, e := range tl.Items {
			sources[e.Source+":"+e.Action] = true
		}
		for _, want := range []string{"project:task_create", "project:task_update", "project:advance_stage", "project:case_link", "case:report_progress", "case:project_link"} {
			if !sources[want] {
				t.Errorf("timeline lacks %s: %v", want, sources)
			}
		}

		// The report PDF.
		pdf := env.Do("GET", base+"/report.pdf", "prosecutor1", nil).Expect(t, http.StatusOK)
		if pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF")) {
			t.Fatalf("report: %s %q", pdf.Header.Get("Content-Type"), pdf.Body[:min(20, len(pdf.Body))])
		}
		env.Do("GET", base+"/report.pdf", "agency1", nil).Expect(t, http.StatusNotFound)

		// Through all stages to completion; then no more advancing or tasks.
		for range 5 {
			cur := getProject(t, env, p.ID, "prosecutor1")
			env.Do("POST", base+"/advance", "chief1", map[string]any{"version": cur.Version}).Expect(t, http.StatusOK)
		}
		done := getProject(t, env, p.ID, "prosecutor1")
		if done.Status != "completed" || done.Stage != "evaluation" {
			t.Fatalf("final %s/%s", done.Status, done.Stage)
		}
		env.Do("POST", base+"/advance", "prosecutor1", map[string]any{"version": done.Version}).Expect(t, http.StatusConflict)
		env.Do("POST", base+"/tasks", "prosecutor1", map[string]any{"title": "x", "owner_id": ownerID, "due_on": "2026-04-10"}).Expect(t, http.StatusConflict)

		// Every change left an audit entry.
		var n int64
		env.DB.Model(&audit.Entry{}).Where("action LIKE ?", "project.%").Count(&n)
		if n < 12 {
			t.Fatalf("project audit entries %d", n)
		}
	})
}

func TestProjectVisibility(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		p := newProject(t, env)
		base := fmt.Sprintf("/api/v1/projects/%d", p.ID)
		var open, secret struct{ ID int64 }
		env.Do("POST", base+"/tasks", "prosecutor1", map[string]any{"title": "公开任务", "owner_id": userID(t, env.DB, "cityprosecutor1"), "due_on": "2026-03-20"}).Expect(t, http.StatusCreated).Decode(t, &open)
		env.Do("POST", base+"/tasks", "prosecutor1", map[string]any{"title": "内部任务", "owner_id": userID(t, env.DB, "prosecutor2"), "due_on": "2026-03-20", "internal": true}).Expect(t, http.StatusCreated).Decode(t, &secret)
		env.DoRequest(apitest.Multipart("POST", base+"/notes", map[string]string{"title": "内部研判", "internal": "true"}, nil), "prosecutor1").Expect(t, http.StatusCreated)
		c := insertCase(t, env, caseFixture{State: cases.StateDelivered, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06"})
		env.Do("POST", base+"/cases", "prosecutor1", map[string]any{"case_id": c.ID}).Expect(t, http.StatusOK)
		actor := &org.Actor{UserID: userID(t, env.DB, "prosecutor1"), DisplayName: "张检察官", Role: org.RoleProsecutor}
		_ = cases.AddCaseEvent(env.DB.DB, actor, c, "approval_note", "内部审批意见", true, nil)
		_ = cases.AddCaseEvent(env.DB.DB, actor, c, "follow_up", "电话督促", false, nil)

		for _, tc := range []struct {
			user      string
			status    int
			access    string
			tasks     int
			notes     int
			internals bool
		}{
			{"prosecutor1", 200, "manager", 2, 1, true},
			{"depthead1", 200, "manager", 2, 1, true},
			{"chief1", 200, "manager", 2, 1, true},
			{"prosecutor2", 200, "member", 2, 1, true},
			{"prosecutor3", 200, "member", 2, 1, true}, // member from another department
			{"casemgr1", 200, "monitor", 2, 1, true},
			{"cityprosecutor1", 200, "expert", 1, 0, false},
			{"citychief1", 200, "viewer", 1, 0, false}, // higher procuratorate
			{"agency1", 404, "", 0, 0, false},
			{"admin", 404, "", 0, 0, false},
		} {
			t.Run(tc.user, func(t *testing.T) {
				res := env.Do("GET", base, tc.user, nil).Expect(t, tc.status)
				if tc.status != 200 {
					env.Do("GET", base+"/timeline", tc.user, nil).Expect(t, tc.status)
					return
				}
				var v projectView
				res.Decode(t, &v)
				if v.Access != tc.access || len(v.Tasks) != tc.tasks || len(v.Notes) != tc.notes {
					t.Fatalf("access %s tasks %d notes %d; want %s %d %d", v.Access, len(v.Tasks), len(v.Notes), tc.access, tc.tasks, tc.notes)
				}
				var tl struct {
					Items []projects.TimelineEntry `json:"items"`
				}
				env.Do("GET", base+"/timeline", tc.user, nil).Expect(t, http.StatusOK).Decode(t, &tl)
				sawInternal, sawFollowUp := false, false
				for _, e := range tl.Items {
					sawInternal = sawInternal || e.Internal || strings.Contains(e.Note, "内部")
					sawFollowUp = sawFollowUp || e.Action == "follow_up"
				}
				if sawInternal != tc.internals || !sawFollowUp {
					t.Fatalf("timeline internal=%v follow_up=%v, want internal=%v: %+v", sawInternal, sawFollowUp, tc.internals, tl.Items)
				}
			})
		}

		// The report follows the same rule: an expert's PDF leaves the internal task out.
		for _, tc := range []struct {
			user         string
			wantInternal bool
		}{{"prosecutor1", true}, {"cityprosecutor1", false}} {
			text := pdfTextCompact(t, env.Do("GET", base+"/report.pdf", tc.user, nil).Expect(t, http.StatusOK).Body)
			if !strings.Contains(text, "公开任务") || strings.Contains(text, "内部任务") != tc.wantInternal {
				t.Fatalf("%s report: internal task shown=%v, want %v:\n%s", tc.user, strings.Contains(text, "内部任务"), tc.wantInternal, text)
			}
		}

		// What each may do.
		task := func(id int64) string { return fmt.Sprintf("%s/tasks/%d", base, id) }
		for _, tc := range []struct {
			name, method, path, user string
			body                     any
			status                   int
		}{
			{"expert comments on an open task", "POST", task(open.ID) + "/comments", "cityprosecutor1", map[string]any{"body": "建议参照食品安全法第三十六条"}, 201},
			{"expert cannot see an internal task", "POST", task(secret.ID) + "/comments", "cityprosecutor1", map[string]any{"body": "x"}, 404},
			{"expert cannot add tasks", "POST", base + "/tasks", "cityprosecutor1", map[string]any{"title": "x", "owner_id": userID(t, env.DB, "prosecutor1"), "due_on": "2026-03-20"}, 403},
			{"expert updates own task status", "PATCH", task(open.ID), "cityprosecutor1", map[string]any{"status": "doing"}, 200},
			{"expert cannot move the due date", "PATCH", task(open.ID), "cityprosecutor1", map[string]any{"due_on": "2026-05-01"}, 403},
			{"viewer cannot comment", "POST", task(open.ID) + "/comments", "citychief1", map[string]any{"body": "x"}, 403},
			{"monitor cannot add tasks", "POST", base + "/tasks", "casemgr1", map[string]any{"title": "x", "owner_id": userID(t, env.DB, "prosecutor1"), "due_on": "2026-03-20"}, 403},
			{"member from another department adds a task", "POST", base + "/tasks", "prosecutor3", map[string]any{"title": "刑事线索移送", "owner_id": userID(t, env.DB, "prosecutor3"), "due_on": "2026-03-20"}, 201},
			{"member cannot change the team", "POST", base + "/members", "prosecutor2", map[string]any{"user_id": userID(t, env.DB, "casemgr1"), "project_role": "member"}, 403},
			{"lead adds a member", "POST", base + "/members", "prosecutor1", map[string]any{"user_id": userID(t, env.DB, "casemgr1"), "project_role": "member"}, 201},
			{"duplicate member", "POST", base + "/members", "prosecutor1", map[string]any{"user_id": userID(t, env.DB, "casemgr1"), "project_role": "member"}, 409},
			{"lead cannot leave", "DELETE", fmt.Sprintf("%s/members/%d", base, userID(t, env.DB, "prosecutor1")), "prosecutor1", nil, 409},
			{"member with open task cannot leave", "DELETE", fmt.Sprintf("%s/members/%d", base, userID(t, env.DB, "prosecutor2")), "prosecutor1", nil, 409},
			{"agency cannot read comments", "GET", task(open.ID) + "/comments", "agency1", nil, 404},
			{"unknown task", "GET", task(999999) + "/comments", "prosecutor1", nil, 404},
			{"unknown field", "POST", base + "/tasks", "prosecutor1", map[string]any{"title": "x", "bogus": 1}, 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env.Do(tc.method, tc.path, tc.user, tc.body).Expect(t, tc.status)
			})
		}

		// Lists follow the same rules.
		for _, tc := range []struct {
			user string
			n    int
		}{{"prosecutor3", 1}, {"cityprosecutor1", 1}, {"citychief1", 1}, {"agency1", 0}} {
			var l struct {
				Items []struct{ ID int64 } `json:"items"`
			}
			env.Do("GET", "/api/v1/projects", tc.user, nil).Expect(t, http.StatusOK).Decode(t, &l)
			if len(l.Items) != tc.n {
				t.Errorf("%s lists %d projects, want %d", tc.user, len(l.Items), tc.n)
			}
		}
	})
}

func TestProjectTaskReminders(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		p := newProject(t, env)
		base := fmt.Sprintf("/api/v1/projects/%d", p.ID)
		owner := userID(t, env.DB, "prosecutor2")
		for _, due := range []string{"2026-02-20", "2026-03-03", "2026-04-30"} { // overdue, due soon, far
			env.Do("POST", base+"/tasks", "prosecutor1", map[string]any{"title": "任务" + due, "owner_id": owner, "due_on": due}).Expect(t, http.StatusCreated)
		}
		today := calendar.DateOf(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), env.Config.Location())
		for run, want := range []int{2, 0} {
			n, err := projects.RemindProjectTasks(t.Context(), env.DB, notify.Channels{}, today, 3)
			if err != nil || n != want {
				t.Fatalf("run %d: sent %d (%v), want %d", run, n, err, want)
			}
		}
		var kinds []string
		env.DB.Model(&notify.Notification{}).Where("user_id = ? AND kind IN ?", owner, []string{"project_task_due_soon", "project_task_overdue"}).Order("kind").Pluck("kind", &kinds)
		if strings.Join(kinds, ",") != "project_task_due_soon,project_task_overdue" {
			t.Fatalf("owner notifications %v", kinds)
		}
	})
}

func TestProjectConcurrentLinkOneWins(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		mk := func(user string) int64 {
			var p struct{ ID int64 }
			env.Do("POST", "/api/v1/projects", user, map[string]any{"title": "项目" + user, "field": "f", "problem": "p", "goals": "g",
				"start_on": "2026-03-01", "planned_end_on": "2026-04-01"}).Expect(t, http.StatusCreated).Decode(t, &p)
			return p.ID
		}
		ids := []int64{mk("prosecutor1"), mk("prosecutor2")}
		c := insertCase(t, env, caseFixture{State: cases.StateDelivered, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06"})
		statuses := make(chan int, 2)
		for i, user := range []string{"prosecutor1", "prosecutor2"} {
			env.Token(user)
			go func(id int64, user string) {
				statuses <- env.Do("POST", fmt.Sprintf("/api/v1/projects/%d/cases", id), user, map[string]any{"case_id": c.ID}).Status
			}(ids[i], user)
		}
		a, b := <-statuses, <-statuses
		if !(a == 200 && b == 409 || a == 409 && b == 200) {
			t.Fatalf("statuses %d, %d; want one 200 and one 409", a, b)
		}
		var events int64
		env.DB.Model(&cases.CaseEvent{}).Where("case_id = ? AND action = ?", c.ID, "project_link").Count(&events)
		if events != 1 {
			t.Fatalf("project_link events %d, want 1", events)
		}
	})
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils), so tests check
// what a reader of the report sees.
func pdfTextCompact(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(pdfText(t, pdf)), "")
}
