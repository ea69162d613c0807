package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// The staff and agency pages sign in with a session cookie that holds the
// same signed token the API hands out, so a session expires with the token's
// lifetime and is revoked the same way (token version). Every form post
// carries a CSRF token (double-submit cookie, echo's CSRF middleware).
const (
	sessionCookie = "jianyi_session"
	csrfCookie    = "jianyi_csrf"
	csrfField     = "_csrf"
	csrfKey       = "csrf" // where the middleware leaves the token in the context
)

// pages registers browser routes with the middleware every staff or agency
// page needs. Routes are added one by one (not through an echo Group with
// middleware), so unknown addresses stay a plain 404 page and never ask to
// log in.
type pages struct {
	e  *echo.Echo
	mw []echo.MiddlewareFunc
	// post runs after mw on form targets only.
	post []echo.MiddlewareFunc
}

// GET adds a page.
func (g pages) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	g.e.GET(path, h, append(append([]echo.MiddlewareFunc(nil), g.mw...), m...)...)
}

// POST adds a form target.
func (g pages) POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	g.e.POST(path, h, append(append(append([]echo.MiddlewareFunc(nil), g.mw...), g.post...), m...)...)
}

// pageRoutes wires the login pages and every signed-in page.
func (s *Server) pageRoutes(e *echo.Echo) {
	csrf := s.csrfMiddleware()
	open := pages{e: e, mw: []echo.MiddlewareFunc{csrf}}
	open.GET("/login", s.loginPage)
	open.POST("/login", s.loginSubmit)
	open.POST("/logout", s.logout)

	app := pages{e: e, mw: []echo.MiddlewareFunc{csrf, s.requireSession}, post: []echo.MiddlewareFunc{s.forgetWorkCount}}
	app.GET("/account/password", s.passwordPage)
	app.POST("/account/password", s.passwordSubmit)
	s.staffPages(app)
}

// forgetWorkCount drops the signed-in user's cached 工作台 count after a
// form post that went through (a redirect, the pages' answer to a done
// action), so the navigation counts the user's own action at once whatever
// the form was; a form answered again with its errors changed nothing.
func (s *Server) forgetWorkCount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if a := actorOf(c); err == nil && a != nil && c.Response().Status == http.StatusSeeOther {
			s.web.work.forget(a.UserID)
		}
		return err
	}
}

// staffPages is where the pages of the staff and agency interface register
// (one line per area).
func (s *Server) staffPages(app pages) {
	s.investigationPages(app)
	s.statsPages(app)
	s.analysisPages(app)
	s.adminPages(app)
	s.workPages(app)
	s.filingPages(app)
	s.casePages(app)
	s.agencyPages(app)
	s.notificationPages(app)
}

// csrfMiddleware checks the _csrf field of every form post against the
// browser's CSRF cookie. A browser that says the post comes from this
// site (Sec-Fetch-Site: same-origin) passes as well.
func (s *Server) csrfMiddleware() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:" + csrfField,
		ContextKey:     csrfKey,
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int(s.cfg.Auth.TokenTTL.Seconds()),
		ErrorHandler: func(err error, c echo.Context) error {
			return &apperr.Error{Kind: apperr.ErrForbidden, Code: "csrf_failed",
				Message: "表单已失效（页面停留过久或在别的窗口退出过），请返回刷新后重新提交。"}
		},
	})
}

// csrfToken is the token the page's forms post as _csrf.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfKey).(string)
	return t
}

// requireSession lets a signed-in browser through and sends anyone else to
// the login page (back here afterwards).
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return s.toLogin(c, "")
		}
		tok, err := s.parseToken(ck.Value)
		if err != nil {
			s.clearSession(c)
			return s.toLogin(c, "登录已过期，请重新登录。")
		}
		actor, err := s.actorOfToken(c, tok.Claims.(*tokenClaims))
		if err != nil {
			if errors.Is(err, apperr.ErrUnauthorized) {
				s.clearSession(c)
				return s.toLogin(c, "登录已失效（账号停用或密码已更改），请重新登录。")
			}
			return err
		}
		c.Set(actorKey, actor)
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// toLogin redirects to the login page; a page asked for with GET is opened
// again after login.
func (s *Server) toLogin(c echo.Context, message string) error {
	if message != "" {
		s.setFlash(c, "warning", message)
	}
	target := "/login"
	if r := c.Request(); r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// setSession keeps the token in this browser until it expires. The lifetime
// is given as Max-Age (relative), so a browser whose clock is off keeps the
// session exactly as long as the token lives.
func (s *Server) setSession(c echo.Context, token string, expires time.Time) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: isTLS(c),
		SameSite: http.SameSiteLaxMode, MaxAge: int(expires.Sub(s.clock.Now()).Seconds())})
}

func (s *Server) clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: isTLS(c), SameSite: http.SameSiteLaxMode})
}

// appPage starts a page of the staff or agency interface: the frame's user,
// navigation, unread count and CSRF token filled in.
func (s *Server) appPage(c echo.Context, title, section string, data any) (*templates.Page, error) {
	p := s.newPage(c, title, section, data)
	if err := s.fillApp(c, p); err != nil {
		return nil, err
	}
	if err := s.fillWorkCount(c, p); err != nil { // the 工作台 entry's count (page_cases.go)
		return nil, err
	}
	return p, nil
}

// fillApp fills the app frame of a page for the signed-in actor.
func (s *Server) fillApp(c echo.Context, p *templates.Page) error {
	a := actorOf(c)
	if a == nil {
		return nil
	}
	ctx := c.Request().Context()
	unit := ""
	switch {
	case a.AgencyID != 0:
		ag, err := org.AgencyByID(s.db.WithContext(ctx), a.AgencyID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return err
		}
		if ag != nil {
			unit = ag.Name
		}
	case a.ProcuratorateID != 0:
		pr, err := org.ProcuratorateByID(s.db.WithContext(ctx), a.ProcuratorateID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return err
		}
		if pr != nil {
			unit = pr.Name
		}
	}
	unread, err := notify.UnreadCount(ctx, s.db, a)
	if err != nil {
		return err
	}
	p.User = &templates.User{Name: a.DisplayName, Role: string(a.Role), RoleLabel: org.RoleLabels[a.Role], Procuratorate: unit}
	p.Nav = templates.NavFor(string(a.Role))
	p.Unread = int(unread)
	p.CSRF = csrfToken(c)
	return nil
}

// homeOf is where a user lands after login.
func homeOf(role org.Role) string {
	if role == org.RoleAgency {
		return "/agency"
	}
	return "/dashboard"
}

// safeNext keeps a post-login target on this site: a path, never another
// host (//evil, /\evil, https://…).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") || next == "/login" || strings.HasPrefix(next, "/login?") {
		return ""
	}
	return next
}

// loginForm is what the login page shows.
type loginForm struct {
	Username string
	Next     string
}

func (s *Server) loginPage(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if tok, err := s.parseToken(ck.Value); err == nil {
			if a, err := s.actorOfToken(c, tok.Claims.(*tokenClaims)); err == nil {
				if next == "" {
					next = homeOf(a.Role)
				}
				return c.Redirect(http.StatusSeeOther, next)
			}
		}
	}
	return s.renderLogin(c, http.StatusOK, loginForm{Next: next}, templates.FormErrors{})
}

func (s *Server) renderLogin(c echo.Context, status int, f loginForm, errs templates.FormErrors) error {
	p := s.newPage(c, "工作人员登录", "login", f)
	p.CSRF = csrfToken(c)
	p.Errors = errs
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderPage(c, status, "public/login", p)
}

func (s *Server) loginSubmit(c echo.Context) error {
	f := loginForm{Username: strings.TrimSpace(c.FormValue("username")), Next: safeNext(c.FormValue("next"))}
	password := c.FormValue("password")
	fields := map[string]string{}
	if f.Username == "" {
		fields["username"] = "请输入用户名"
	}
	if password == "" {
		fields["password"] = "请输入密码"
	}
	if len(fields) > 0 {
		return s.renderLogin(c, http.StatusUnprocessableEntity, f, templates.NewFormErrors("请填写用户名和密码", fields, "username", "password"))
	}
	u, err := s.authenticate(c, f.Username, password)
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			return err
		}
		status, body := errorResponse(err)
		setRetryAfter(c, body)
		return s.renderLogin(c, status, f, templates.NewFormErrors(ae.Message, nil))
	}
	token, expires, err := s.issueToken(u)
	if err != nil {
		return err
	}
	s.setSession(c, token, expires)
	next := f.Next
	if next == "" {
		next = homeOf(u.Role)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// logout forgets the session in this browser.
func (s *Server) logout(c echo.Context) error {
	s.clearSession(c)
	s.setFlash(c, "success", "您已安全退出。")
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (s *Server) passwordPage(c echo.Context) error {
	p, err := s.appPage(c, "修改密码", "", map[string]any{"MinLength": s.users.MinPasswordLength})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/password", p)
}

func (s *Server) passwordSubmit(c echo.Context) error {
	current, next, again := c.FormValue("current_password"), c.FormValue("new_password"), c.FormValue("confirm_password")
	fields := map[string]string{}
	if current == "" {
		fields["current_password"] = "请输入当前密码"
	}
	if next == "" {
		fields["new_password"] = "请输入新密码"
	} else if next != again {
		fields["confirm_password"] = "两次输入的新密码不一致"
	}
	if len(fields) == 0 {
		err := s.users.ChangeOwnPassword(c.Request().Context(), actorOf(c), current, next)
		if err == nil {
			// The password change revoked every token, this session's too.
			s.clearSession(c)
			s.setFlash(c, "success", "密码已修改，请用新密码重新登录。")
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			return err
		}
		if len(ae.Fields) == 0 {
			fields["current_password"] = ae.Message
		}
		for k, v := range ae.Fields {
			fields[k] = v
		}
	}
	p, err := s.appPage(c, "修改密码", "", map[string]any{"MinLength": s.users.MinPasswordLength})
	if err != nil {
		return err
	}
	p.Errors = templates.NewFormErrors("", fields, "current_password", "new_password", "confirm_password")
	return s.renderPage(c, http.StatusUnprocessableEntity, "staff/password", p)
}
