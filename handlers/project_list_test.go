package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
)

// TestProjectListAgreesWithReference: GET /api/v1/projects (one statement,
// scanned by hand, the subtree as a range of paths) lists what the list did
// before — the projects of the caller's subtree (path LIKE) and those it is
// a team member of, newest first, each with its progress from
// projects.ProjectProgressOf — for every kind of caller, every filter and
// page size, over projects in the district and the city with team members
// from both, tasks done, open and overdue, linked cases in several states,
// a completed project and one without a case counts row.
func TestProjectListAgreesWithReference(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		firstDeptProsecutor(t, env)
		uid := func(u string) int64 { return userID(t, env.DB, u) }
		today := calendar.DateOf(env.Now(), env.Config.Location())
		create := func(user string, body map[string]any) int64 {
			t.Helper()
			for k, v := range map[string]any{"field": "食品药品安全", "problem": "问题描述<较长>&", "goals": "目标", "start_on": "2026-01-01", "planned_end_on": "2026-08-31"} {
				if _, ok := body[k]; !ok {
					body[k] = v
				}
			}
			var p struct{ ID int64 }
			env.Do("POST", "/api/v1/projects", user, body).Expect(t, http.StatusCreated).Decode(t, &p)
			return p.ID
		}
		task := func(project int64, user, owner, due string, done bool) {
			t.Helper()
			var tk struct{ ID int64 }
			base := fmt.Sprintf("/api/v1/projects/%d/tasks", project)
			env.Do("POST", base, user, map[string]any{"title": "任务" + due, "owner_id": uid(owner), "due_on": due}).Expect(t, http.StatusCreated).Decode(t, &tk)
			if done {
				env.Do("PATCH", fmt.Sprintf("%s/%d", base, tk.ID), user, map[string]any{"status": "done"}).Expect(t, http.StatusOK)
			}
		}
		link := func(project int64, user string, f caseFixture) {
			t.Helper()
			c := insertCase(t, env, f)
			env.Do("POST", fmt.Sprintf("/api/v1/projects/%d/cases", project), user, map[string]any{"case_id": c.ID}).Expect(t, http.StatusOK)
		}

		// The district: a project with a team from two departments and an
		// expert from the city, tasks in every state and three linked cases.
		school := create("prosecutor1", map[string]any{"title": "校园周边食品安全专项治理", "members": []map[string]any{
			{"user_id": uid("prosecutor2"), "project_role": "member"},
			{"user_id": uid("prosecutor3"), "project_role": "external_member"},
			{"user_id": uid("cityprosecutor1"), "project_role": "expert"},
		}})
		task(school, "prosecutor1", "prosecutor2", "2026-01-10", true)
		task(school, "prosecutor1", "prosecutor2", "2026-01-20", false) // overdue
		task(school, "prosecutor1", "prosecutor1", "2099-12-31", false)
		task(school, "prosecutor1", "prosecutor1", today.String(), false)             // due today: not overdue yet
		task(school, "prosecutor1", "prosecutor1", today.AddDays(-1).String(), false) // overdue since today
		link(school, "prosecutor1", caseFixture{State: cases.StateDelivered, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", ReplyDue: "2026-03-06"})
		link(school, "prosecutor1", caseFixture{State: cases.StateReplied, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", ReplyDue: "2026-03-06",
			RepliedOn: "2026-02-01", ReplyClass: cases.ReplyClassOnTime})
		link(school, "prosecutor1", caseFixture{State: cases.StateFollowingUp, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", ReplyDue: "2026-03-06",
			RepliedOn: "2026-02-01", ReplyClass: cases.ReplyClassOnTime, Rectification: "rectified"})
		// A completed project with only done tasks.
		done := create("prosecutor2", map[string]any{"title": "已完成项目"})
		task(done, "prosecutor2", "prosecutor2", "2026-01-15", true)
		for v := 1; v <= len(projects.ProjectStages); v++ {
			env.Do("POST", fmt.Sprintf("/api/v1/projects/%d/advance", done), "prosecutor2", map[string]any{"version": v}).Expect(t, http.StatusOK)
		}
		// A project without tasks, cases or its case counts row (the list
		// counts none, as ProjectProgressOf does).
		bare := create("prosecutor3", map[string]any{"title": "无任务项目", "field": "生态环境"})
		if err := env.DB.Where("project_id = ?", bare).Delete(&cases.ProjectCaseCounts{}).Error; err != nil {
			t.Fatal(err)
		}
		// The city: a project with the district's prosecutor1 as an expert
		// (prosecutor1 reads it as a member, not by its subtree).
		city := create("cityprosecutor1", map[string]any{"title": "市级项目", "members": []map[string]any{{"user_id": uid("prosecutor1"), "project_role": "expert"}}})
		task(city, "cityprosecutor1", "prosecutor1", "2026-01-02", false)
		create("citychief1", map[string]any{"title": "市院检察长立项", "lead_id": uid("cityprosecutor1")})

		users := []string{"prosecutor1", "prosecutor2", "prosecutor3", "depthead1", "chief1", "casemgr1", "cityprosecutor1", "citychief1", "admin", "agency1"}
		filters := []url.Values{{}, {"status": {"active"}}, {"status": {"completed"}}, {"mine": {"true"}}, {"mine": {"true"}, "status": {"active"}}}
		seen := 0
		for _, user := range users {
			for _, f := range filters {
				want := referenceProjectList(t, env, user, f, today)
				seen += len(want)
				for _, limit := range []int{0, 1, 2, 200} {
					got := walkProjectList(t, env, user, f, limit)
					if !bytes.Equal(got, want) {
						t.Errorf("%s ?%s limit %d:\n got %s\nwant %s", user, f.Encode(), limit, got, want)
					}
				}
			}
		}
		if seen == 0 {
			t.Fatal("the reference lists nothing")
		}
	})
}

// walkProjectList follows next_cursor through every page of the list and
// answers the items as one JSON array.
func walkProjectList(t *testing.T, env *apitest.Env, user string, f url.Values, limit int) []byte {
	t.Helper()
	var items []json.RawMessage
	cursor := ""
	for page := 0; ; page++ {
		q := url.Values{}
		for k, v := range f {
			q[k] = v
		}
		if limit > 0 {
			q.Set("limit", fmt.Sprint(limit))
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var res struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		env.Do("GET", "/api/v1/projects?"+q.Encode(), user, nil).Expect(t, http.StatusOK).Decode(t, &res)
		if res.Items == nil || (limit > 0 && len(res.Items) > limit) {
			t.Fatalf("%s ?%s: page %d has %d items (limit %d)", user, q.Encode(), page, len(res.Items), limit)
		}
		items = append(items, res.Items...)
		if res.NextCursor == "" {
			break
		}
		cursor = res.NextCursor
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	b, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// referenceProjectList is the list as it was read before: the projects of
// the caller's subtree by path LIKE and those it is on the team of, newest
// first, with ProjectProgressOf.
func referenceProjectList(t *testing.T, env *apitest.Env, user string, f url.Values, today calendar.Date) []byte {
	t.Helper()
	var u org.User
	if err := env.DB.Where("username = ?", user).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	out := []projects.ProjectSummary{}
	if u.Role.IsStaff() && u.Role != org.RoleAdmin {
		var path string
		if err := env.DB.Table("procuratorates").Select("path").Where("id = ?", *u.ProcuratorateID).Scan(&path).Error; err != nil {
			t.Fatal(err)
		}
		q := env.DB.Where("(procuratorate_id IN (SELECT id FROM procuratorates WHERE path LIKE ?) OR id IN (SELECT project_id FROM project_members WHERE user_id = ?))", path+"%", u.ID)
		if s := f.Get("status"); s != "" {
			q = q.Where("status = ?", s)
		}
		if f.Get("mine") == "true" {
			q = q.Where("id IN (SELECT project_id FROM project_members WHERE user_id = ?)", u.ID)
		}
		var ps []projects.Project
		if err := q.Order("id DESC").Find(&ps).Error; err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(ps))
		for i := range ps {
			ids[i] = ps[i].ID
		}
		prog, err := projects.ProjectProgressOf(env.DB.DB, ids, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			out = append(out, projects.ProjectSummary{Project: p, StageLabel: projects.ProjectStageLabels[p.Stage], Progress: prog[p.ID]})
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
