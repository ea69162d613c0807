package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// adminPages is the administration (系统管理): the organisation, users,
// fields, the holiday calendar, scheduled jobs and the audit trail. Every
// action calls the service the admin API calls.
func (s *Server) adminPages(app pages) {
	admin := requireRole(org.RoleAdmin)
	app.GET("/admin", s.adminHome, admin)
	app.GET("/admin/org", s.adminOrg, admin)
	app.POST("/admin/procuratorates", s.adminCreateProcuratorate, admin)
	app.POST("/admin/departments", s.adminCreateDepartment, admin)
	app.GET("/admin/procuratorates/:id", s.adminProcuratorate, admin)
	app.POST("/admin/procuratorates/:id", s.adminUpdateProcuratorate, admin)
	app.GET("/admin/departments/:id", s.adminDepartment, admin)
	app.POST("/admin/departments/:id", s.adminUpdateDepartment, admin)
	app.GET("/admin/agencies", s.adminAgencies, admin)
	app.POST("/admin/agencies", s.adminCreateAgency, admin)
	app.GET("/admin/agencies/:id", s.adminAgency, admin)
	app.POST("/admin/agencies/:id", s.adminUpdateAgency, admin)
	app.GET("/admin/fields", s.adminFields, admin)
	app.POST("/admin/fields", s.adminCreateField, admin)
	app.POST("/admin/fields/:id/active", s.adminToggleField, admin)
	s.adminUserPages(app, admin)
	s.adminOpsPages(app, admin)
}

// formFailure turns a domain or validation error into the form's field
// errors; any other error is returned as is.
func formFailure(err error) (map[string]string, string, error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return nil, "", err
	}
	status, _ := errorResponse(err)
	if status >= 500 {
		return nil, "", err
	}
	fields := map[string]string{}
	for k, v := range ae.Fields {
		fields[k] = v
	}
	msg := ae.Message
	if len(fields) > 0 {
		msg = "请按提示修改"
	}
	return fields, msg, nil
}

// formInt reads an optional id from a form.
func formIntPtr(c echo.Context, name string) *int64 {
	if n := formInt(c, name); n > 0 {
		return &n
	}
	return nil
}

// adminHomeData is the overview's counts.
type adminHomeData struct {
	Procuratorates, Departments, Agencies, Users, Disabled, Fields, Jobs, FailedJobs int
}

func (s *Server) adminHome(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	var d adminHomeData
	procs, err := s.org.ListProcuratorates(ctx, a)
	if err != nil {
		return err
	}
	depts, err := s.org.ListDepartments(ctx, a, 0)
	if err != nil {
		return err
	}
	ags, err := s.org.ListAgencies(ctx, "")
	if err != nil {
		return err
	}
	users, err := s.users.ListUsers(ctx, a, "")
	if err != nil {
		return err
	}
	fields, err := cases.ListCaseFields(ctx, s.db, true)
	if err != nil {
		return err
	}
	jobs, err := s.jobs.List(ctx, 1)
	if err != nil {
		return err
	}
	d.Procuratorates, d.Departments, d.Agencies, d.Users, d.Fields, d.Jobs = len(procs), len(depts), len(ags), len(users), len(fields), len(jobs)
	for _, u := range users {
		if u.Disabled {
			d.Disabled++
		}
	}
	for _, j := range jobs {
		if len(j.LastRuns) > 0 && j.LastRuns[0].Status == "failed" {
			d.FailedJobs++
		}
	}
	p, err := s.appPage(c, "系统管理", "admin", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/admin_home", p)
}

// adminOrgData is the organisation page: the procuratorates and their
// departments, with the two forms.
type adminOrgData struct {
	Procs      []org.Procuratorate
	ProcNames  map[int64]string
	ParentName map[int64]string // by procuratorate id
	ParentID   int64            // the new procuratorate form's choice
	Depts      []org.Department
	Levels     []templates.Option
	LevelLabel map[string]string
	ProcForm   org.ProcuratorateInput
	DeptForm   org.DepartmentInput
	ProcErrors templates.FormErrors
	DeptErrors templates.FormErrors
}

// procuratorateLevelLabels name the levels.
var procuratorateLevelLabels = map[string]string{org.LevelSupreme: "最高人民检察院", org.LevelProvincial: "省级", org.LevelMunicipal: "市级", org.LevelCounty: "县级"}

func (s *Server) renderAdminOrg(c echo.Context, status int, d *adminOrgData) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	var err error
	if d.Procs, err = s.org.ListProcuratorates(ctx, a); err != nil {
		return err
	}
	if d.Depts, err = s.org.ListDepartments(ctx, a, 0); err != nil {
		return err
	}
	d.ProcNames = map[int64]string{}
	for _, p := range d.Procs {
		d.ProcNames[p.ID] = p.Name
	}
	d.ParentName = map[int64]string{}
	for _, p := range d.Procs {
		if p.ParentID != nil {
			d.ParentName[p.ID] = d.ProcNames[*p.ParentID]
		}
	}
	if d.ProcForm.ParentID != nil {
		d.ParentID = *d.ProcForm.ParentID
	}
	d.LevelLabel = procuratorateLevelLabels
	for _, l := range org.ProcuratorateLevels {
		d.Levels = append(d.Levels, templates.Option{Value: l, Label: procuratorateLevelLabels[l]})
	}
	p, err := s.appPage(c, "检察院与部门", "admin", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, status, "staff/admin_org", p)
}

func (s *Server) adminOrg(c echo.Context) error {
	return s.renderAdminOrg(c, http.StatusOK, &adminOrgData{})
}

func (s *Server) adminCreateProcuratorate(c echo.Context) error {
	in := org.ProcuratorateInput{ParentID: formIntPtr(c, "parent_id"), Name: strings.TrimSpace(c.FormValue("name")),
		ShortName: strings.TrimSpace(c.FormValue("short_name")), Level: c.FormValue("level")}
	err := c.Validate(&in)
	var pr *org.Procuratorate
	if err == nil {
		pr, err = s.org.CreateProcuratorate(c.Request().Context(), actorOf(c), in)
	}
	if err != nil {
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		d := &adminOrgData{ProcForm: in, ProcErrors: templates.NewFormErrors(msg, fields, "parent_id", "name", "short_name", "level")}
		return s.renderAdminOrg(c, http.StatusUnprocessableEntity, d)
	}
	s.setFlash(c, "success", "已新建检察院："+pr.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/org")
}

func (s *Server) adminCreateDepartment(c echo.Context) error {
	in := org.DepartmentInput{ProcuratorateID: formInt(c, "procuratorate_id"), Name: strings.TrimSpace(c.FormValue("dept_name")),
		NumberCode: strings.TrimSpace(c.FormValue("number_code"))}
	err := c.Validate(&in)
	var dp *org.Department
	if err == nil {
		dp, err = s.org.CreateDepartment(c.Request().Context(), actorOf(c), in)
	}
	if err != nil {
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		if m, ok := fields["name"]; ok { // the form's name field is dept_name (the page has two forms)
			fields["dept_name"] = m
			delete(fields, "name")
		}
		d := &adminOrgData{DeptForm: in, DeptErrors: templates.NewFormErrors(msg, fields, "procuratorate_id", "dept_name", "number_code")}
		return s.renderAdminOrg(c, http.StatusUnprocessableEntity, d)
	}
	s.setFlash(c, "success", "已新建部门："+dp.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/org")
}

// adminAgenciesData is the agencies page.
type adminAgenciesData struct {
	Q        string
	Agencies []org.Agency
	Form     org.AgencyInput
}

func (s *Server) renderAdminAgencies(c echo.Context, status int, d *adminAgenciesData, errs templates.FormErrors) error {
	var err error
	if d.Agencies, err = s.org.ListAgencies(c.Request().Context(), d.Q); err != nil {
		return err
	}
	p, err := s.appPage(c, "被建议单位", "admin", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_agencies", p)
}

func (s *Server) adminAgencies(c echo.Context) error {
	return s.renderAdminAgencies(c, http.StatusOK, &adminAgenciesData{Q: strings.TrimSpace(c.QueryParam("q"))}, templates.FormErrors{})
}

func (s *Server) adminCreateAgency(c echo.Context) error {
	in := agencyFormValues(c)
	err := c.Validate(&in)
	var ag *org.Agency
	if err == nil {
		ag, err = s.org.CreateAgency(c.Request().Context(), actorOf(c), in)
	}
	if err != nil {
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		return s.renderAdminAgencies(c, http.StatusUnprocessableEntity, &adminAgenciesData{Form: in},
			templates.NewFormErrors(msg, fields, "name", "kind", "superior_body", "contact_person", "contact_phone", "address"))
	}
	s.setFlash(c, "success", "已新建被建议单位："+ag.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/agencies")
}

// agencyFormValues reads the agency form.
func agencyFormValues(c echo.Context) org.AgencyInput {
	return org.AgencyInput{Name: strings.TrimSpace(c.FormValue("name")), Kind: strings.TrimSpace(c.FormValue("kind")),
		SuperiorBody: strings.TrimSpace(c.FormValue("superior_body")), ContactPerson: strings.TrimSpace(c.FormValue("contact_person")),
		ContactPhone: strings.TrimSpace(c.FormValue("contact_phone")), Address: strings.TrimSpace(c.FormValue("address"))}
}

// adminAgencyData is an agency's edit page.
type adminAgencyData struct {
	ID   int64
	Form org.AgencyInput
}

func (s *Server) renderAgencyEdit(c echo.Context, status int, d adminAgencyData, errs templates.FormErrors) error {
	p, err := s.appPage(c, "编辑被建议单位", "admin", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_agency", p)
}

func (s *Server) adminAgency(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	ag, err := org.AgencyByID(s.db.WithContext(c.Request().Context()), id)
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderAgencyEdit(c, http.StatusOK, adminAgencyData{ID: ag.ID, Form: org.AgencyInput{Name: ag.Name, Kind: ag.Kind,
		SuperiorBody: ag.SuperiorBody, ContactPerson: ag.ContactPerson, ContactPhone: ag.ContactPhone, Address: ag.Address}}, templates.FormErrors{})
}

// adminUpdateAgency saves an agency's details as PUT /api/v1/admin/agencies/{id}.
func (s *Server) adminUpdateAgency(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	in := agencyFormValues(c)
	err = c.Validate(&in)
	var ag *org.Agency
	if err == nil {
		ag, err = s.org.UpdateAgency(c.Request().Context(), actorOf(c), id, in)
	}
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Kind == apperr.ErrNotFound {
			return s.errorPage(c, err)
		}
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		return s.renderAgencyEdit(c, http.StatusUnprocessableEntity, adminAgencyData{ID: id, Form: in},
			templates.NewFormErrors(msg, fields, "name", "kind", "superior_body", "contact_person", "contact_phone", "address"))
	}
	s.setFlash(c, "success", "已保存被建议单位："+ag.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/agencies")
}

// adminFieldsData is the fields (领域) page.
type adminFieldsData struct {
	Fields []cases.CaseField
	Form   cases.CaseFieldInput
}

func (s *Server) renderAdminFields(c echo.Context, status int, d *adminFieldsData, errs templates.FormErrors) error {
	var err error
	if d.Fields, err = cases.ListCaseFields(c.Request().Context(), s.db, true); err != nil {
		return err
	}
	p, err := s.appPage(c, "领域", "admin", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_fields", p)
}

func (s *Server) adminFields(c echo.Context) error {
	return s.renderAdminFields(c, http.StatusOK, &adminFieldsData{}, templates.FormErrors{})
}

func (s *Server) adminCreateField(c echo.Context) error {
	sort, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("sort_order")))
	in := cases.CaseFieldInput{Name: strings.TrimSpace(c.FormValue("name")), SortOrder: sort}
	err := c.Validate(&in)
	var f *cases.CaseField
	if err == nil {
		f, err = cases.CreateCaseField(c.Request().Context(), s.db, actorOf(c), in)
	}
	if err != nil {
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		return s.renderAdminFields(c, http.StatusUnprocessableEntity, &adminFieldsData{Form: in}, templates.NewFormErrors(msg, fields, "name", "sort_order"))
	}
	s.setFlash(c, "success", "已新增领域："+f.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/fields")
}

// adminToggleField switches a field on or off (a field in use is kept,
// only hidden from new cases).
func (s *Server) adminToggleField(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	ctx := c.Request().Context()
	all, err := cases.ListCaseFields(ctx, s.db, true)
	if err != nil {
		return err
	}
	var cur *cases.CaseField
	for i := range all {
		if all[i].ID == id {
			cur = &all[i]
		}
	}
	if cur == nil {
		return s.errorPage(c, apperr.NotFound("领域"))
	}
	active := c.FormValue("active") == "true"
	f, err := cases.UpdateCaseField(ctx, s.db, actorOf(c), id, cases.CaseFieldInput{Name: cur.Name, Active: &active, SortOrder: cur.SortOrder})
	if err != nil {
		return s.errorPage(c, err)
	}
	if f.Active {
		s.setFlash(c, "success", "已启用领域："+f.Name)
	} else {
		s.setFlash(c, "success", "已停用领域："+f.Name+"（已有案件不受影响，新案件不能再选）")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/fields")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// adminUnitData is the edit page of a procuratorate or a department.
type adminUnitData struct {
	Kind              string // procuratorate | department
	ID                int64
	Name, Short, Code string
	Level             string
	Levels            []templates.Option
	ProcuratorateID   int64
	ProcuratorateName string
}

func (s *Server) renderUnit(c echo.Context, status int, d adminUnitData, errs templates.FormErrors) error {
	for _, l := range org.ProcuratorateLevels {
		d.Levels = append(d.Levels, templates.Option{Value: l, Label: procuratorateLevelLabels[l]})
	}
	title := "修改检察院"
	if d.Kind == "department" {
		title = "修改部门"
	}
	p, err := s.appPage(c, title, "admin", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_unit", p)
}

// managedProcuratorate is a procuratorate of the admin's subtree (404 otherwise).
func (s *Server) managedProcuratorate(c echo.Context, id int64) (*org.Procuratorate, error) {
	procs, err := s.org.ListProcuratorates(c.Request().Context(), actorOf(c))
	if err != nil {
		return nil, err
	}
	for i := range procs {
		if procs[i].ID == id {
			return &procs[i], nil
		}
	}
	return nil, apperr.NotFound("检察院")
}

func (s *Server) adminProcuratorate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	p, err := s.managedProcuratorate(c, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderUnit(c, http.StatusOK, adminUnitData{Kind: "procuratorate", ID: p.ID, Name: p.Name, Short: p.ShortName, Level: p.Level}, templates.FormErrors{})
}

func (s *Server) adminUpdateProcuratorate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	in := org.ProcuratorateInput{Name: strings.TrimSpace(c.FormValue("name")), ShortName: strings.TrimSpace(c.FormValue("short_name")), Level: c.FormValue("level")}
	err = c.Validate(&in)
	if err == nil {
		_, err = s.org.UpdateProcuratorate(c.Request().Context(), actorOf(c), id, in)
	}
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Kind == apperr.ErrNotFound {
			return s.errorPage(c, err)
		}
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		return s.renderUnit(c, http.StatusUnprocessableEntity, adminUnitData{Kind: "procuratorate", ID: id, Name: in.Name, Short: in.ShortName, Level: in.Level},
			templates.NewFormErrors(msg, fields, "name", "short_name", "level"))
	}
	s.setFlash(c, "success", "已保存检察院："+in.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/org")
}

// managedDepartment is a department of the admin's subtree (404 otherwise).
func (s *Server) managedDepartment(c echo.Context, id int64) (*org.Department, error) {
	depts, err := s.org.ListDepartments(c.Request().Context(), actorOf(c), 0)
	if err != nil {
		return nil, err
	}
	for i := range depts {
		if depts[i].ID == id {
			return &depts[i], nil
		}
	}
	return nil, apperr.NotFound("部门")
}

func (s *Server) adminDepartment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	d, err := s.managedDepartment(c, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	pr, err := org.ProcuratorateByID(s.db.WithContext(c.Request().Context()), d.ProcuratorateID)
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderUnit(c, http.StatusOK, adminUnitData{Kind: "department", ID: d.ID, Name: d.Name, Code: d.NumberCode,
		ProcuratorateID: d.ProcuratorateID, ProcuratorateName: pr.Name}, templates.FormErrors{})
}

func (s *Server) adminUpdateDepartment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	d, err := s.managedDepartment(c, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	in := org.DepartmentInput{ProcuratorateID: d.ProcuratorateID, Name: strings.TrimSpace(c.FormValue("dept_name")), NumberCode: strings.TrimSpace(c.FormValue("number_code"))}
	err = c.Validate(&in)
	if err == nil {
		_, err = s.org.UpdateDepartment(c.Request().Context(), actorOf(c), id, in)
	}
	if err != nil {
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		if m, ok := fields["name"]; ok {
			fields["dept_name"] = m
			delete(fields, "name")
		}
		return s.renderUnit(c, http.StatusUnprocessableEntity, adminUnitData{Kind: "department", ID: id, Name: in.Name, Code: in.NumberCode, ProcuratorateID: d.ProcuratorateID},
			templates.NewFormErrors(msg, fields, "dept_name", "number_code"))
	}
	s.setFlash(c, "success", "已保存部门："+in.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/org")
}
