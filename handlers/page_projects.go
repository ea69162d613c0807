package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/projects"
	"jianyi/templates"
)

// projectPages are the pages of 项目化管理: the project list and a project
// with its stages, team, task board, linked cases, notes and files,
// progress and report. The same service methods as the API.
func (s *Server) projectPages(app pages) {
	staff := requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager)
	app.GET("/projects", s.projectsPage, staff)
	app.POST("/projects", s.projectCreateSubmit, requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief))
	app.GET("/projects/:id", s.projectPage, staff)
	app.GET("/projects/:id/report.pdf", s.projectReport, staff)
	app.GET("/projects/:id/files/:file_id", s.downloadProjectFile, staff)
	app.POST("/projects/:id/advance", s.projectAdvanceSubmit, staff)
	app.POST("/projects/:id/members", s.projectMemberSubmit, staff)
	app.POST("/projects/:id/tasks", s.projectTaskSubmit, staff)
	app.POST("/projects/:id/tasks/:task_id/status", s.projectTaskStatusSubmit, staff)
	app.POST("/projects/:id/cases", s.projectCaseSubmit, staff)
	app.POST("/projects/:id/notes", s.projectNoteSubmit, staff)
	app.POST("/projects/:id/edit", s.projectEditSubmit, staff)
	app.POST("/projects/:id/members/:user_id/remove", s.projectMemberRemoveSubmit, staff)
	app.POST("/projects/:id/cases/:case_id/unlink", s.projectCaseUnlinkSubmit, staff)
}

func (s *Server) projectsPage(c echo.Context) error {
	return s.renderProjects(c, http.StatusOK, templates.FormErrors{})
}

func (s *Server) renderProjects(c echo.Context, status int, errs templates.FormErrors) error {
	q := projects.ProjectListQuery{Status: c.QueryParam("status"), Mine: c.QueryParam("mine") == "true", Limit: 50}
	if q.Status != projects.ProjectActive && q.Status != projects.ProjectCompleted {
		q.Status = ""
	}
	q.Cursor, _ = strconv.ParseInt(c.QueryParam("cursor"), 10, 64)
	items, next, err := s.projectService.ListProjects(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return s.errorPage(c, err)
	}
	nextURL := ""
	if next != "" {
		v := url.Values{"cursor": {next}}
		if q.Status != "" {
			v.Set("status", q.Status)
		}
		if q.Mine {
			v.Set("mine", "true")
		}
		nextURL = "/projects?" + v.Encode()
	}
	data := map[string]any{"Items": items, "Status": q.Status, "Mine": q.Mine,
		"Filtered": q.Status != "" || q.Mine, "NextURL": nextURL, "Today": s.clock.Today(), "Form": url.Values{},
		"CanCreate": projects.CanCreateProject(actorOf(c))}
	if errs.Any() {
		_ = c.Request().ParseForm()
		data["Form"] = c.Request().PostForm
	}
	fields, err := cases.ListCaseFields(c.Request().Context(), s.db, false)
	if err != nil {
		return err
	}
	opts := []templates.Option{}
	for _, f := range fields {
		opts = append(opts, templates.Option{Value: f.Name, Label: f.Name})
	}
	data["Fields"] = opts
	p, err := s.appPage(c, "项目", "projects", data)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/projects_list", p)
}

// projectCreateSubmit starts a project led by the actor; the team is added
// on the project's page.
func (s *Server) projectCreateSubmit(c echo.Context) error {
	in := projects.ProjectInput{Title: strings.TrimSpace(c.FormValue("title")), Field: c.FormValue("field"),
		Problem: strings.TrimSpace(c.FormValue("problem")), Goals: strings.TrimSpace(c.FormValue("goals"))}
	var err error
	if in.StartOn, err = formDate(c, "start_on"); err == nil {
		in.PlannedEndOn, err = formDate(c, "planned_end_on")
	}
	if err == nil {
		err = c.Validate(&in)
	}
	var p *projects.Project
	if err == nil {
		p, err = s.projectService.CreateProject(c.Request().Context(), actorOf(c), in)
	}
	if err == nil {
		s.setFlash(c, "success", "项目已创建，请添加团队成员和任务")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/projects/%d", p.ID))
	}
	errs, status, ok := formError(err, nil, "title", "field", "problem", "goals", "start_on", "planned_end_on")
	if !ok {
		return s.errorPage(c, err)
	}
	return s.renderProjects(c, status, errs)
}

// projectStageView is one stage on the timeline.
type projectStageView struct {
	projects.ProjectStageRow
	Label   string
	Done    bool
	Current bool
}

// projectTaskView is a task card on the board.
type projectTaskView struct {
	projects.ProjectTask
	Owner string
	// Moves are the other columns the task can go to.
	Moves []templates.Option
}

// projectColumn is one column of the task board.
type projectColumn struct {
	Status string
	Label  string
	Tasks  []projectTaskView
}

// projectView is the project page's data.
type projectView struct {
	P         *projects.ProjectDetail
	Stages    []projectStageView
	Columns   []projectColumn
	Today     calendar.Date
	Members   []templates.Option
	Staff     []templates.Option
	CaseOpts  []templates.Option
	StageOpts []templates.Option
	Form      url.Values
	Failed    string
}

var taskColumns = []struct{ status, label string }{
	{projects.TaskTodo, "待办"}, {projects.TaskDoing, "进行中"}, {projects.TaskDone, "已完成"},
}

func (s *Server) renderProject(c echo.Context, status int, id int64, failed string, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	d, err := s.projectService.GetProject(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	v := &projectView{P: d, Today: s.clock.Today(), Failed: failed}
	if failed != "" {
		_ = c.Request().ParseForm()
		v.Form = c.Request().PostForm
	}
	stageDone := d.Status == projects.ProjectCompleted
	for _, st := range d.Stages {
		sv := projectStageView{ProjectStageRow: st, Label: projects.ProjectStageLabels[st.Stage]}
		switch {
		case st.Stage == d.Stage && !stageDone:
			sv.Current = true
		case st.ActualEndOn != nil:
			sv.Done = true
		}
		v.Stages = append(v.Stages, sv)
		v.StageOpts = append(v.StageOpts, templates.Option{Value: string(st.Stage), Label: sv.Label})
	}
	names := map[int64]string{}
	for _, m := range d.Members {
		names[m.UserID] = m.DisplayName
		v.Members = append(v.Members, templates.Option{Value: strconv.FormatInt(m.UserID, 10), Label: m.DisplayName + "（" + m.RoleLabel + "）"})
	}
	for _, col := range taskColumns {
		pc := projectColumn{Status: col.status, Label: col.label}
		for _, t := range d.Tasks {
			if t.Status != col.status {
				continue
			}
			tv := projectTaskView{ProjectTask: t, Owner: names[t.OwnerID]}
			for _, to := range taskColumns {
				if to.status != t.Status {
					tv.Moves = append(tv.Moves, templates.Option{Value: to.status, Label: "移到“" + to.label + "”"})
				}
			}
			pc.Tasks = append(pc.Tasks, tv)
		}
		v.Columns = append(v.Columns, pc)
	}
	if d.Access.CanManage() {
		if v.Staff, err = s.projectStaffOptions(c, d); err != nil {
			return err
		}
		if v.CaseOpts, err = s.projectCaseOptions(c, d); err != nil {
			return err
		}
	}
	p, err := s.appPage(c, d.Title, "projects", v)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/projects_show", p)
}

// projectStaffOptions are the staff of the project's procuratorate who are
// not on the team yet (the choices for a new member).
func (s *Server) projectStaffOptions(c echo.Context, d *projects.ProjectDetail) ([]templates.Option, error) {
	on := map[int64]bool{d.LeadID: true}
	for _, m := range d.Members {
		on[m.UserID] = true
	}
	var users []org.User
	if err := s.db.WithContext(c.Request().Context()).Where("procuratorate_id = ? AND disabled = ? AND role IN ?", d.ProcuratorateID, false,
		[]org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager}).Order("id").Limit(500).Find(&users).Error; err != nil {
		return nil, err
	}
	out := []templates.Option{}
	for _, u := range users {
		if !on[u.ID] {
			out = append(out, templates.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.DisplayName + "（" + org.RoleLabels[u.Role] + "）"})
		}
	}
	return out, nil
}

// projectCaseOptions are the recent cases the manager may link, those
// already linked left out.
func (s *Server) projectCaseOptions(c echo.Context, d *projects.ProjectDetail) ([]templates.Option, error) {
	linked := map[int64]bool{}
	for _, cs := range d.Cases {
		linked[cs.ID] = true
	}
	var rows []cases.Case
	if err := s.db.WithContext(c.Request().Context()).Model(&cases.Case{}).Scopes(cases.CaseScope(actorOf(c))).
		Select("id", "title", "state").Order("id DESC").Limit(200).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := []templates.Option{}
	for _, r := range rows {
		if !linked[r.ID] {
			out = append(out, templates.Option{Value: strconv.FormatInt(r.ID, 10), Label: fmt.Sprintf("%s（%s）", cut(r.Title, 30), cases.StateLabels[r.State])})
		}
	}
	return out, nil
}

func (s *Server) projectPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderProject(c, http.StatusOK, id, "", templates.FormErrors{})
}

// projectAction runs one form of the project page; anchor is where the
// page opens again.
func (s *Server) projectAction(c echo.Context, form, anchor string, in any, run func(id int64) (string, error),
	rename map[string]string, order ...string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	msg := ""
	if in != nil {
		err = c.Validate(in)
	}
	if err == nil {
		msg, err = run(id)
	}
	if err == nil {
		s.setFlash(c, "success", msg)
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/projects/%d#%s", id, anchor))
	}
	errs, status, ok := formError(err, rename, order...)
	if !ok {
		return s.errorPage(c, err)
	}
	return s.renderProject(c, status, id, form, errs)
}

// formDate reads a date field; a malformed one is a field error.
func formDate(c echo.Context, name string) (calendar.Date, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return calendar.Date{}, apperr.InvalidField(name, "日期格式应为 2026-12-05")
	}
	return d, nil
}

func (s *Server) projectAdvanceSubmit(c echo.Context) error {
	return s.projectAction(c, "advance", "stages", nil, func(id int64) (string, error) {
		p, err := s.projectService.AdvanceStage(c.Request().Context(), actorOf(c), id, int(formInt(c, "version")), strings.TrimSpace(c.FormValue("note")))
		if err != nil {
			return "", err
		}
		if p.Status == projects.ProjectCompleted {
			return "项目已完成", nil
		}
		return "已进入“" + projects.ProjectStageLabels[p.Stage] + "”阶段", nil
	}, map[string]string{"note": "advance_note"}, "advance_note")
}

func (s *Server) projectMemberSubmit(c echo.Context) error {
	in := projects.MemberInput{UserID: formInt(c, "user_id"), ProjectRole: c.FormValue("project_role"), Duty: strings.TrimSpace(c.FormValue("duty"))}
	return s.projectAction(c, "member", "team", &in, func(id int64) (string, error) {
		_, err := s.projectService.AddMember(c.Request().Context(), actorOf(c), id, in)
		return "已加入项目团队", err
	}, nil, "user_id", "project_role", "duty")
}

func (s *Server) projectTaskSubmit(c echo.Context) error {
	due, derr := formDate(c, "due_on")
	in := projects.TaskInput{Title: strings.TrimSpace(c.FormValue("task_title")), Description: c.FormValue("description"),
		OwnerID: formInt(c, "owner_id"), DueOn: due, Internal: c.FormValue("internal") == "true"}
	return s.projectAction(c, "task", "board", &in, func(id int64) (string, error) {
		if derr != nil {
			return "", derr
		}
		_, err := s.projectService.CreateTask(c.Request().Context(), actorOf(c), id, in)
		return "任务已添加", err
	}, map[string]string{"title": "task_title"}, "task_title", "owner_id", "due_on")
}

func (s *Server) projectTaskStatusSubmit(c echo.Context) error {
	tid, err := pathID(c, "task_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	in := projects.TaskUpdate{Status: c.FormValue("status")}
	return s.projectAction(c, "board", "board", &in, func(id int64) (string, error) {
		t, err := s.projectService.UpdateTask(c.Request().Context(), actorOf(c), id, tid, in)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("任务“%s”：%s", t.Title, projects.TaskStatusLabels[t.Status]), nil
	}, nil)
}

func (s *Server) projectCaseSubmit(c echo.Context) error {
	in := linkCaseRequest{CaseID: formInt(c, "case_id")}
	return s.projectAction(c, "case", "cases", &in, func(id int64) (string, error) {
		return "案件已关联", s.projectService.LinkCase(c.Request().Context(), actorOf(c), id, in.CaseID)
	}, nil, "case_id")
}

func (s *Server) projectNoteSubmit(c echo.Context) error {
	return s.projectAction(c, "note", "notes", nil, func(id int64) (string, error) {
		form, err := c.MultipartForm()
		if err != nil {
			return "", multipartError(err)
		}
		defer form.RemoveAll()
		val := func(k string) string {
			if v := form.Value[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		in := projects.NoteInput{Title: val("note_title"), Body: val("body"), Stage: projects.ProjectStage(val("stage")), Internal: val("internal") == "true"}
		if in.Files, err = s.readUploads(form.File["files"]); err != nil {
			return "", err
		}
		_, err = s.projectService.AddNote(c.Request().Context(), actorOf(c), id, in)
		return "阶段成果已记录", err
	}, map[string]string{"title": "note_title"}, "note_title", "body", "stage", "files")
}

// projectEditSubmit changes the project's title, problem, goals and planned
// end (the API's PATCH); a stale version shows the page again with the
// message.
func (s *Server) projectEditSubmit(c echo.Context) error {
	end, derr := formDate(c, "planned_end_on")
	text := func(k string) *string { v := strings.TrimSpace(c.FormValue(k)); return &v }
	in := projects.ProjectUpdate{Version: int(formInt(c, "version")), Title: text("project_title"), Problem: text("problem"), Goals: text("goals")}
	if !end.IsZero() {
		in.PlannedEndOn = &end
	}
	return s.projectAction(c, "edit", "about", &in, func(id int64) (string, error) {
		if derr != nil {
			return "", derr
		}
		_, err := s.projectService.UpdateProject(c.Request().Context(), actorOf(c), id, in)
		return "项目信息已保存", err
	}, map[string]string{"title": "project_title"}, "project_title", "problem", "goals", "planned_end_on")
}

// projectMemberRemoveSubmit takes a member off the team.
func (s *Server) projectMemberRemoveSubmit(c echo.Context) error {
	uid, err := pathID(c, "user_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.projectAction(c, "team", "team", nil, func(id int64) (string, error) {
		return "已移出项目团队", s.projectService.RemoveMember(c.Request().Context(), actorOf(c), id, uid)
	}, nil)
}

// projectCaseUnlinkSubmit takes a case out of the project (the case itself
// is unchanged).
func (s *Server) projectCaseUnlinkSubmit(c echo.Context) error {
	cid, err := pathID(c, "case_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.projectAction(c, "cases", "cases", nil, func(id int64) (string, error) {
		return "已取消关联", s.projectService.UnlinkCase(c.Request().Context(), actorOf(c), id, cid)
	}, nil)
}
