package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// The applicant's status page asks for the secret once. After a successful
// look-up the tracking number and secret travel in a cookie sealed with
// AES-GCM (key derived from auth.signing_key), HttpOnly, SameSite=Strict,
// scoped to /apply and living 15 minutes, so the notice download and the
// material upload need no second typing — and the secret never appears in a
// URL or in the page.
const (
	applicantCookie    = "jianyi_applicant"
	applicantCookieTTL = 15 * time.Minute
)

type applicantSeal struct {
	No      string `json:"n"`
	Secret  string `json:"s"`
	Expires int64  `json:"e"`
}

func (s *Server) rememberApplicant(c echo.Context, no, secret string) error {
	raw, err := json.Marshal(applicantSeal{No: no, Secret: secret, Expires: s.clock.Now().Add(applicantCookieTTL).Unix()})
	if err != nil {
		return err
	}
	gcm, err := s.applicantAEAD()
	if err != nil {
		return err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := gcm.Seal(nonce, nonce, raw, []byte(applicantCookie))
	c.SetCookie(&http.Cookie{Name: applicantCookie, Value: base64.RawURLEncoding.EncodeToString(sealed), Path: "/apply",
		MaxAge: int(applicantCookieTTL / time.Second), HttpOnly: true, Secure: isTLS(c), SameSite: http.SameSiteStrictMode})
	return nil
}

// rememberedApplicant opens the cookie; ok is false when there is none, it
// was tampered with or it has expired.
func (s *Server) rememberedApplicant(c echo.Context) (no, secret string, ok bool) {
	ck, err := c.Cookie(applicantCookie)
	if err != nil || ck.Value == "" {
		return "", "", false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	gcm, gerr := s.applicantAEAD()
	if err != nil || gerr != nil || len(sealed) < gcm.NonceSize() {
		return "", "", false
	}
	raw, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], []byte(applicantCookie))
	var v applicantSeal
	if err != nil || json.Unmarshal(raw, &v) != nil || s.clock.Now().Unix() > v.Expires {
		return "", "", false
	}
	return v.No, v.Secret, true
}

func (s *Server) forgetApplicant(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: applicantCookie, Path: "/apply", MaxAge: -1, HttpOnly: true, Secure: isTLS(c),
		SameSite: http.SameSiteStrictMode})
}

func (s *Server) applicantAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.web.cookieKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// errLookupExpired is shown when a form of the status page arrives after the
// cookie has gone.
var errLookupExpired = &apperr.Error{Kind: apperr.ErrInvalid, Code: "lookup_expired",
	Message: "为保护您的信息，查询结果只保留 15 分钟。请重新输入查询码和查询密码。"}

// applicantCredentials takes the tracking number and secret from the form
// (API-style clients and old pages send both) or else from the cookie.
func (s *Server) applicantCredentials(c echo.Context) (no, secret string, err error) {
	no, secret = strings.TrimSpace(c.FormValue("tracking_no")), c.FormValue("secret")
	if secret != "" {
		return no, secret, nil
	}
	cno, csecret, ok := s.rememberedApplicant(c)
	if !ok || (no != "" && !strings.EqualFold(no, cno)) {
		return no, "", errLookupExpired
	}
	return cno, csecret, nil
}

type statusPage struct {
	TrackingNo string
	View       *applications.ApplicantView
	Today      calendar.Date
}

func (s *Server) renderStatus(c echo.Context, status int, no string, v *applications.ApplicantView, errs templates.FormErrors) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	p := s.newPage(c, "查询办理情况", "status", statusPage{TrackingNo: no, View: v, Today: s.pub.disclosures.Today()})
	p.Errors = errs
	return s.renderPage(c, status, "public/status", p)
}

// statusError re-renders the status page with the error the API would give.
func (s *Server) statusError(c echo.Context, no string, err error) error {
	status, body := errorResponse(err)
	if status >= 500 {
		return err
	}
	setRetryAfter(c, body)
	if status == http.StatusNotFound {
		s.forgetApplicant(c)
	}
	return s.renderStatus(c, status, no, nil, templates.NewFormErrors(body.Error.Message, body.Error.Fields, "tracking_no", "secret"))
}

// statusForm shows the look-up form, or the application itself while the
// cookie of a recent look-up is valid.
func (s *Server) statusForm(c echo.Context) error {
	no, secret, ok := s.rememberedApplicant(c)
	if !ok {
		return s.renderStatus(c, http.StatusOK, "", nil, templates.FormErrors{})
	}
	v, err := s.pub.apps.LookUp(c.Request().Context(), no, secret, c.RealIP())
	if err != nil {
		return s.statusError(c, no, err)
	}
	return s.renderStatus(c, http.StatusOK, v.TrackingNo, v, templates.FormErrors{})
}

// statusLookUp takes the secret in the POST body so it never appears in a
// URL, a log line or the browser history.
func (s *Server) statusLookUp(c echo.Context) error {
	no := strings.TrimSpace(c.FormValue("tracking_no"))
	secret := c.FormValue("secret")
	fields := map[string]string{}
	if no == "" {
		fields["tracking_no"] = "请输入查询码"
	}
	if secret == "" {
		fields["secret"] = "请输入查询密码"
	}
	if len(fields) > 0 {
		return s.renderStatus(c, http.StatusBadRequest, no, nil, templates.NewFormErrors("", fields, "tracking_no", "secret"))
	}
	v, err := s.pub.apps.LookUp(c.Request().Context(), no, secret, c.RealIP())
	if err != nil {
		return s.statusError(c, no, err)
	}
	if err := s.rememberApplicant(c, v.TrackingNo, secret); err != nil {
		return err
	}
	return s.renderStatus(c, http.StatusOK, v.TrackingNo, v, templates.FormErrors{})
}

// statusEnd forgets the look-up (a shared computer) and shows the empty form.
func (s *Server) statusEnd(c echo.Context) error {
	s.forgetApplicant(c)
	return c.Redirect(http.StatusSeeOther, "/apply/status")
}

// materialsSubmit takes supplementary material from the status page.
func (s *Server) materialsSubmit(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	form, err := c.MultipartForm()
	if err != nil {
		return s.statusError(c, "", multipartError(err))
	}
	defer form.RemoveAll()
	no, secret, err := s.applicantCredentials(c)
	if err != nil {
		return s.statusError(c, no, err)
	}
	var headers []*multipart.FileHeader
	for _, fh := range form.File["files"] {
		if fh.Filename != "" && fh.Size > 0 {
			headers = append(headers, fh)
		}
	}
	if len(headers) == 0 {
		return s.statusWithFieldError(c, no, secret, "files", "请选择要提交的补正材料")
	}
	files, err := s.readUploads(headers)
	if err != nil {
		return s.statusError(c, no, err)
	}
	v, err := s.pub.apps.AddMaterials(c.Request().Context(), no, secret, c.RealIP(), c.FormValue("note"), files)
	if err != nil {
		var de *apperr.Error
		if errors.As(err, &de) && len(de.Fields) > 0 {
			return s.statusWithFieldError(c, no, secret, "files", de.Message)
		}
		return s.statusError(c, no, err)
	}
	p := s.newPage(c, "查询办理情况", "status", statusPage{TrackingNo: v.TrackingNo, View: v, Today: s.pub.disclosures.Today()})
	p.Flash = append(p.Flash, templates.Flash{Kind: "success", Message: "补正材料已提交，检察院将重新作出答复。"})
	return s.renderPage(c, http.StatusOK, "public/status", p)
}

// statusWithFieldError shows the application again with one field's error.
func (s *Server) statusWithFieldError(c echo.Context, no, secret, field, msg string) error {
	v, err := s.pub.apps.LookUp(c.Request().Context(), no, secret, c.RealIP())
	if err != nil {
		return s.statusError(c, no, err)
	}
	return s.renderStatus(c, http.StatusBadRequest, v.TrackingNo, v, templates.NewFormErrors("", map[string]string{field: msg}))
}

// noticeDownload serves the notice PDF from a form post (the secret stays
// out of the URL).
func (s *Server) noticeDownload(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	no, secret, err := s.applicantCredentials(c)
	if err != nil {
		return s.statusError(c, no, err)
	}
	n, err := s.pub.apps.Notice(c.Request().Context(), no, secret, c.RealIP())
	if err != nil {
		return s.statusError(c, no, err)
	}
	pdf, err := s.renderApplicantNotice(n)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("inline", noticeTitle(n)+".pdf"))
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
