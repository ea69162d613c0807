package handlers

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/config"
	"jianyi/templates"
)

// webUI is what the HTML pages share: the templates (parsed once, when the
// server is built), the institution's identity and the keys of the
// browser-side cookies.
type webUI struct {
	pages     *templates.Set
	site      templates.Site
	flashKey  []byte
	cookieKey []byte // seals the applicant's status cookie (applicant_session.go)
	facets    facetCache
	work      workCountCache // the 工作台 count on the navigation (page_cases.go)
}

func newWebUI(cfg *config.Config) *webUI {
	set, err := templates.Parse(cfg.Location())
	if err != nil {
		// The templates are embedded: a parse error is a defect of the
		// build that every test catches, not a runtime condition.
		panic("templates: " + err.Error())
	}
	flash := sha256.Sum256([]byte("jianyi flash\x00" + cfg.Auth.SigningKey))
	seal := sha256.Sum256([]byte("jianyi applicant cookie\x00" + cfg.Auth.SigningKey))
	return &webUI{
		pages: set,
		site: templates.Site{Name: cfg.Site.Name, Address: cfg.Site.Address, Hotline: cfg.Site.Hotline,
			ICP: cfg.Site.ICP, Contact: cfg.Site.Contact},
		flashKey:  flash[:],
		cookieKey: seal[:],
	}
}

// webRoutes serves the stylesheet and icons.
func (s *Server) webRoutes(e *echo.Echo) {
	static := templates.Static()
	files := http.FileServer(http.FS(static))
	e.GET("/static/*", func(c echo.Context) error {
		name := path.Clean(c.Param("*"))
		if st, err := fs.Stat(static, name); err != nil || st.IsDir() {
			return echo.ErrNotFound
		}
		if c.QueryParam("v") != "" { // the URL names the content's hash
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		}
		c.Request().URL.Path = "/" + name
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	})
}

// newPage starts a page's data: title, navigation section and the flash
// messages waiting for this browser. Pages for signed-in users start with
// appPage (web_session.go), which adds User, Nav, Unread and CSRF.
func (s *Server) newPage(c echo.Context, title, section string, data any) *templates.Page {
	return &templates.Page{Title: title, Section: section, Data: data, Flash: s.takeFlash(c)}
}

// renderPage renders a page ("public/apply") with its frame. The page is
// fully rendered before anything is written, so a template error gives a
// clean 500, never half a page.
func (s *Server) renderPage(c echo.Context, status int, name string, p *templates.Page) error {
	p.Site = s.web.site
	var buf bytes.Buffer
	if err := s.web.pages.Render(&buf, name, p); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// errorTitles name an error page by its status.
var errorTitles = map[int]string{
	http.StatusNotFound:              "页面不存在",
	http.StatusForbidden:             "无权访问",
	http.StatusUnauthorized:          "请先登录",
	http.StatusTooManyRequests:       "请求过于频繁",
	http.StatusRequestEntityTooLarge: "文件过大",
	http.StatusMethodNotAllowed:      "无法处理该请求",
	http.StatusConflict:              "操作未能完成",
}

// errorPage shows an error as an HTML page with the status the API would
// give. 5xx errors go back to the error handler (logged, generic page).
func (s *Server) errorPage(c echo.Context, err error) error {
	status, body := errorResponse(err)
	if status >= 500 {
		return err
	}
	setRetryAfter(c, body)
	return s.renderError(c, status, body.Error.Code, body.Error.Message)
}

func (s *Server) renderError(c echo.Context, status int, code, message string) error {
	title := errorTitles[status]
	switch {
	case status >= 500:
		title = "系统暂时无法处理"
	case title == "":
		title = "请求有误"
	}
	if code == "not_found" { // an unknown address, not a missing record
		message = "您访问的页面不存在，可能是网址有误，或页面已被移除。"
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := s.newPage(c, title, "", map[string]any{"Status": status, "Message": message})
	if err := s.fillApp(c, p); err != nil { // a signed-in user keeps the app frame
		p.User = nil
	}
	return s.renderPage(c, status, "public/error", p)
}

// isBrowserPath tells the pages (HTML errors) from the API and the
// operations endpoints (JSON errors).
func isBrowserPath(p string) bool {
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return false
	}
	switch p {
	case "/healthz", "/readyz", "/metrics", "/openapi.yaml":
		return false
	}
	return true
}

// htmlErrors answers errors on browser paths with an HTML page (an unknown
// address included) and leaves the API's JSON errors to api.
func (s *Server) htmlErrors(api echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed || !isBrowserPath(c.Request().URL.Path) {
			api(err, c)
			return
		}
		status, body := errorResponse(err)
		if status >= 500 {
			body.Error.Message = internalError(s.log, c, err)
		}
		setRetryAfter(c, body)
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		if rerr := s.renderError(c, status, body.Error.Code, body.Error.Message); rerr != nil {
			s.log.Error("error page failed", "error", rerr.Error())
			api(err, c)
		}
	}
}

// Flash messages: one cookie, signed so another site cannot plant text in
// the page, read once.
const flashCookie = "jianyi_flash"

// setFlash shows message at the top of the next page this browser opens
// (after a redirect).
func (s *Server) setFlash(c echo.Context, kind, message string) {
	raw, _ := json.Marshal(templates.Flash{Kind: kind, Message: message})
	mac := hmac.New(sha256.New, s.web.flashKey)
	mac.Write(raw)
	v := base64.RawURLEncoding.EncodeToString(raw) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: v, Path: "/", HttpOnly: true, Secure: isTLS(c),
		SameSite: http.SameSiteLaxMode, MaxAge: 300})
}

// takeFlash returns and clears the waiting message.
func (s *Server) takeFlash(c echo.Context) []templates.Flash {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: isTLS(c), SameSite: http.SameSiteLaxMode})
	b64, sig, ok := strings.Cut(ck.Value, ".")
	raw, err1 := base64.RawURLEncoding.DecodeString(b64)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err1 != nil || err2 != nil {
		return nil
	}
	mac := hmac.New(sha256.New, s.web.flashKey)
	mac.Write(raw)
	var f templates.Flash
	if !hmac.Equal(got, mac.Sum(nil)) || json.Unmarshal(raw, &f) != nil || f.Message == "" {
		return nil
	}
	return []templates.Flash{f}
}

// isTLS reports whether the browser reached us over HTTPS (directly or
// through a proxy that says so), for the cookies' Secure flag.
func isTLS(c echo.Context) bool { return c.IsTLS() || c.Scheme() == "https" }

// facetCache keeps the disclosure filter choices per feed revision.
type facetCache struct {
	mu       sync.Mutex
	revision int64
	at       time.Time
	value    feedFacets
}
