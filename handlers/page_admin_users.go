package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
	"jianyi/templates"
)

func (s *Server) adminUserPages(app pages, admin echo.MiddlewareFunc) {
	app.GET("/admin/users", s.adminUsers, admin)
	app.GET("/admin/users/new", s.adminNewUser, admin)
	app.POST("/admin/users", s.adminCreateUser, admin)
	app.GET("/admin/users/:id", s.adminUser, admin)
	app.GET("/admin/users/:id/edit", s.adminEditUser, admin)
	app.POST("/admin/users/:id", s.adminUpdateUser, admin)
	app.POST("/admin/users/:id/disable", s.adminSetDisabled(true), admin)
	app.POST("/admin/users/:id/enable", s.adminSetDisabled(false), admin)
	app.POST("/admin/users/:id/password", s.adminResetPassword, admin)
}

// roleOptions are the roles in the order an admin thinks of them.
func roleOptions() []templates.Option {
	var out []templates.Option
	for _, r := range []org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager, org.RoleAdmin, org.RoleAgency} {
		out = append(out, templates.Option{Value: string(r), Label: org.RoleLabels[r]})
	}
	return out
}

// adminUsersData is the user list.
type adminUsersData struct {
	Role  string
	Roles []templates.Option
	Users []userView
}

func (s *Server) adminUsers(c echo.Context) error {
	role := c.QueryParam("role")
	if role != "" && !org.Role(role).Valid() {
		role = ""
	}
	ctx := c.Request().Context()
	users, err := s.users.ListUsers(ctx, actorOf(c), role)
	if err != nil {
		return err
	}
	views, err := s.userViews(ctx, users)
	if err != nil {
		return err
	}
	p, err := s.appPage(c, "用户", "admin", adminUsersData{Role: role, Roles: roleOptions(), Users: views})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/admin_users", p)
}

// adminUserForm is the new-user form with its choices.
type adminUserForm struct {
	In          org.UserInput
	Roles       []templates.Option
	Procs       []org.Procuratorate
	Depts       []adminDeptOption
	Agencies    []org.Agency
	MinPassword int
	EditID      int64 // the user being changed; 0 on the new-user form
}

// adminDeptOption names a department with its procuratorate.
type adminDeptOption struct {
	ID   int64
	Name string
}

func (s *Server) renderUserForm(c echo.Context, status int, in org.UserInput, errs templates.FormErrors) error {
	return s.renderUserFormFor(c, status, 0, in, errs)
}

func (s *Server) renderUserFormFor(c echo.Context, status int, editID int64, in org.UserInput, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	f := adminUserForm{In: in, Roles: roleOptions(), MinPassword: s.users.MinPasswordLength, EditID: editID}
	var err error
	if f.Procs, err = s.org.ListProcuratorates(ctx, a); err != nil {
		return err
	}
	names := map[int64]string{}
	for _, p := range f.Procs {
		names[p.ID] = p.Name
	}
	depts, err := s.org.ListDepartments(ctx, a, 0)
	if err != nil {
		return err
	}
	for _, d := range depts {
		f.Depts = append(f.Depts, adminDeptOption{ID: d.ID, Name: names[d.ProcuratorateID] + " · " + d.Name})
	}
	if f.Agencies, err = s.org.ListAgencies(ctx, ""); err != nil {
		return err
	}
	title := "新建用户"
	if editID != 0 {
		title = "修改用户：" + in.DisplayName
	}
	p, err := s.appPage(c, title, "admin", f)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_user_new", p)
}

func (s *Server) adminNewUser(c echo.Context) error {
	return s.renderUserForm(c, http.StatusOK, org.UserInput{Role: org.RoleProsecutor}, templates.FormErrors{})
}

// userFormValues reads the user form: the unit fields by the role.
func userFormValues(c echo.Context) org.UserInput {
	in := org.UserInput{Username: strings.TrimSpace(c.FormValue("username")), DisplayName: strings.TrimSpace(c.FormValue("display_name")),
		Password: c.FormValue("password"), Role: org.Role(c.FormValue("role")), Email: strings.TrimSpace(c.FormValue("email")),
		Phone: strings.TrimSpace(c.FormValue("phone"))}
	if in.Role == org.RoleAgency {
		in.AgencyID = formIntPtr(c, "agency_id")
	} else {
		in.ProcuratorateID, in.DepartmentID = formIntPtr(c, "procuratorate_id"), formIntPtr(c, "department_id")
	}
	return in
}

func (s *Server) adminCreateUser(c echo.Context) error {
	in := userFormValues(c)
	fields := map[string]string{}
	if in.Password == "" {
		fields["password"] = "请设置初始密码"
	}
	err := c.Validate(&in)
	var u *org.User
	if err == nil && len(fields) == 0 {
		u, err = s.users.CreateUser(c.Request().Context(), actorOf(c), in)
	}
	if err != nil || len(fields) > 0 {
		msg := "请按提示修改"
		if err != nil {
			var more map[string]string
			more, msg, err = formFailure(err)
			if err != nil {
				return err
			}
			for k, v := range more {
				fields[k] = v
			}
		}
		in.Password = ""
		return s.renderUserForm(c, http.StatusUnprocessableEntity, in,
			templates.NewFormErrors(msg, fields, "username", "display_name", "role", "procuratorate_id", "department_id", "agency_id", "password", "email", "phone"))
	}
	s.setFlash(c, "success", "已新建用户 "+u.DisplayName+"（"+u.Username+"），请将初始密码告知本人并提醒登录后修改。")
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+itoa(u.ID))
}

// adminUserData is one user's page.
type adminUserData struct {
	User              userView
	Self              bool
	MinPassword       int
	PasswordChangedAt *time.Time
}

// managedUser is a user the admin manages (404 otherwise, as the API).
func (s *Server) managedUser(c echo.Context) (*org.User, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.users.ManagedUser(c.Request().Context(), actorOf(c), id)
}

func (s *Server) renderAdminUser(c echo.Context, status int, u *org.User, errs templates.FormErrors) error {
	v, err := s.userView(c.Request().Context(), u)
	if err != nil {
		return err
	}
	p, err := s.appPage(c, v.DisplayName+"（"+v.Username+"）", "admin", adminUserData{User: v, Self: u.ID == actorOf(c).UserID, MinPassword: s.users.MinPasswordLength,
		PasswordChangedAt: u.PasswordChangedAt})
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_user", p)
}

func (s *Server) adminUser(c echo.Context) error {
	u, err := s.managedUser(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderAdminUser(c, http.StatusOK, u, templates.FormErrors{})
}

func (s *Server) adminSetDisabled(disabled bool) echo.HandlerFunc {
	set := s.setDisabled(disabled)
	return func(c echo.Context) error {
		if disabled && c.FormValue("confirm_disable") == "" {
			u, err := s.managedUser(c)
			if err != nil {
				return s.errorPage(c, err)
			}
			return s.renderAdminUser(c, http.StatusUnprocessableEntity, u,
				templates.NewFormErrors("", map[string]string{"confirm_disable": "请勾选确认后再停用"}, "confirm_disable"))
		}
		u, err := set(c)
		if err != nil {
			return s.errorPage(c, err)
		}
		if disabled {
			s.setFlash(c, "success", "已停用 "+u.DisplayName+" 的账号，其已登录的会话随即失效。")
		} else {
			s.setFlash(c, "success", "已启用 "+u.DisplayName+" 的账号。")
		}
		return c.Redirect(http.StatusSeeOther, "/admin/users/"+itoa(u.ID))
	}
}

// adminResetPassword sets a new password for a user through UpdateUser, as
// PUT /api/v1/admin/users/{id} with a password does: the user's sessions end.
func (s *Server) adminResetPassword(c echo.Context) error {
	u, err := s.managedUser(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	pw, again := c.FormValue("password"), c.FormValue("confirm_password")
	fields := map[string]string{}
	switch {
	case pw == "":
		fields["password"] = "请输入新密码"
	case pw != again:
		fields["confirm_password"] = "两次输入的新密码不一致"
	}
	if len(fields) == 0 {
		in := org.UserInput{Username: u.Username, DisplayName: u.DisplayName, Password: pw, Role: u.Role,
			ProcuratorateID: u.ProcuratorateID, DepartmentID: u.DepartmentID, AgencyID: u.AgencyID, Email: u.Email, Phone: u.Phone}
		err = c.Validate(&in)
		if err == nil {
			_, err = s.users.UpdateUser(c.Request().Context(), actorOf(c), u.ID, in)
		}
		if err == nil {
			s.setFlash(c, "success", "已重置 "+u.DisplayName+" 的密码，其已登录的会话随即失效。请将新密码告知本人。")
			return c.Redirect(http.StatusSeeOther, "/admin/users/"+itoa(u.ID))
		}
		var msg string
		if fields, msg, err = formFailure(err); err != nil {
			return err
		}
		if len(fields) == 0 {
			fields["password"] = msg
		}
	}
	return s.renderAdminUser(c, http.StatusUnprocessableEntity, u, templates.NewFormErrors("", fields, "password", "confirm_password"))
}

func (s *Server) adminEditUser(c echo.Context) error {
	u, err := s.managedUser(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	in := org.UserInput{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, ProcuratorateID: u.ProcuratorateID,
		DepartmentID: u.DepartmentID, AgencyID: u.AgencyID, Email: u.Email, Phone: u.Phone}
	return s.renderUserFormFor(c, http.StatusOK, u.ID, in, templates.FormErrors{})
}

// adminUpdateUser changes a user as PUT /api/v1/admin/users/{id} does (the
// password is changed on the user's page, not here); a new role or unit
// ends the user's sessions.
func (s *Server) adminUpdateUser(c echo.Context) error {
	u, err := s.managedUser(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	in := userFormValues(c)
	in.Password = ""
	err = c.Validate(&in)
	if err == nil {
		_, err = s.users.UpdateUser(c.Request().Context(), actorOf(c), u.ID, in)
	}
	if err != nil {
		fields, msg, err := formFailure(err)
		if err != nil {
			return err
		}
		return s.renderUserFormFor(c, http.StatusUnprocessableEntity, u.ID, in,
			templates.NewFormErrors(msg, fields, "username", "display_name", "role", "procuratorate_id", "department_id", "agency_id", "email", "phone"))
	}
	s.setFlash(c, "success", "已保存 "+in.DisplayName+" 的账号信息。")
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+itoa(u.ID))
}
