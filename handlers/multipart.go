package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
)

// isMultipart reports a multipart/form-data request.
func isMultipart(c echo.Context) bool {
	return strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm)
}

// multipartError maps a failed multipart parse: over the limit → 413,
// anything else → 400.
func multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &apperr.Error{Kind: apperr.ErrTooLarge, Code: "body_too_large", Message: "上传内容超过大小限制"}
	}
	return apperr.Invalid("无法解析上传内容（multipart）", nil)
}

// bindPayloadAndFiles reads a request that is either JSON, or multipart with
// the JSON under the "payload" field and files under "files". The JSON is
// decoded strictly and validated; the files are checked by readUploads.
func (s *Server) bindPayloadAndFiles(c echo.Context, dst any) ([]files.Upload, error) {
	if !isMultipart(c) {
		return nil, bindJSON(c, dst)
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, multipartError(err)
	}
	defer form.RemoveAll()
	if err := checkFormText(form.Value); err != nil {
		return nil, err
	}
	payload := ""
	if p := form.Value["payload"]; len(p) > 0 {
		payload = p[0]
	}
	if err := decodeStrictValid(c, []byte(payload), dst); err != nil {
		return nil, err
	}
	return s.readUploads(form.File["files"])
}
