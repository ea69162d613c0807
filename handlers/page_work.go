package handlers

import (
	"errors"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// workPages registers the pages of the work beside the cases: citizen
// applications, publication review, projects and quality reviews.
func (s *Server) workPages(app pages) {
	s.applicationPages(app)
	s.disclosureReviewPages(app)
	s.projectPages(app)
	s.reviewPages(app)
}

// formError turns a domain error of a form post into the form's errors: the
// field messages (renamed to the form's field ids by rename) and the
// message, with the status the API gives. ok is false for errors that are
// not about the input (not found, forbidden, server errors): those become an
// error page.
func formError(err error, rename map[string]string, order ...string) (templates.FormErrors, int, bool) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return templates.FormErrors{}, 0, false
	}
	status, body := errorResponse(err)
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
	default:
		return templates.FormErrors{}, 0, false
	}
	fields := map[string]string{}
	for k, v := range body.Error.Fields {
		if r, ok := rename[k]; ok {
			k = r
		}
		fields[k] = v
	}
	msg := body.Error.Message
	if len(fields) > 0 && body.Error.Code == "invalid_input" {
		msg = "请修改以下问题"
	}
	return templates.NewFormErrors(msg, fields, order...), status, true
}

// addFieldErrors adds the field messages of an input error to fields and
// reports whether err was one; any other error is the caller's to show.
func addFieldErrors(err error, fields map[string]string) bool {
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return false
	}
	maps.Copy(fields, ae.Fields)
	return true
}

// formInt reads an optional positive integer form field (0 when empty or
// not a number: the service then says what is missing).
func formInt(c echo.Context, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// formLines splits a textarea into its non-empty lines (also split at
// commas and 、, as people type lists).
func formLines(v string) []string {
	out := []string{}
	for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// cut shortens a text for a list cell.
func cut(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// refusedBack answers a refused action posted from a page (a refusal of the
// form kind: 400, 409, 422, …) with its message, and the fields' messages,
// on the page it came from (back); anything else is an error page.
func (s *Server) refusedBack(c echo.Context, err error, back string) error {
	var ae *apperr.Error
	if _, _, ok := formError(err, nil); ok && errors.As(err, &ae) {
		s.setFlash(c, "error", ae.Message+fieldSuffix(ae))
		return c.Redirect(http.StatusSeeOther, back)
	}
	return s.errorPage(c, err)
}

// fieldSuffix adds the field messages of an error to a one-line flash.
func fieldSuffix(ae *apperr.Error) string {
	var parts []string
	for _, v := range ae.Fields {
		parts = append(parts, v)
	}
	if len(parts) == 0 {
		return ""
	}
	return "：" + strings.Join(parts, "；")
}
