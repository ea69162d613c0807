package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
)

// documentRoutes serves a case's official documents as PDF and verifies a
// copy against the stored SHA-256 of the generated documents.
func (s *Server) documentRoutes(g *echo.Group) {
	g.GET("/cases/:id/documents/:file", s.caseDocument)
	g.POST("/documents/verify", s.verifyDocument)
}

// caseDocument sends GET /cases/{id}/documents/{kind}.pdf.
func (s *Server) caseDocument(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	name, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	if !ok {
		return apperr.NotFound("文书")
	}
	kind, err := cases.ParseDocumentKind(name)
	if err != nil {
		return err
	}
	doc, err := s.cases.CaseDocument(c.Request().Context(), actorOf(c), id, kind)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	etag := `"` + doc.SHA256 + `"`
	h.Set("ETag", etag)
	h.Set("X-Content-SHA256", doc.SHA256)
	h.Set("Cache-Control", "private, no-cache")
	if doc.Draft {
		h.Set("X-Document-Draft", "true")
	}
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set("Content-Disposition", fmt.Sprintf("inline; filename=\"%s.pdf\"; filename*=UTF-8''%s", kind, rfc5987(doc.Filename)))
	return c.Blob(http.StatusOK, "application/pdf", doc.Content)
}

// verifyRequest is the JSON form of a verification: the SHA-256 of a copy.
type verifyRequest struct {
	SHA256 string `json:"sha256"`
}

// verifyDocument answers POST /documents/verify with a file (multipart
// field "file") or {"sha256": "..."}.
func (s *Server) verifyDocument(c echo.Context) error {
	var sum string
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		content, err := s.readVerifyUpload(c)
		if err != nil {
			return err
		}
		sum = cases.SHA256Of(content)
	} else {
		var in verifyRequest
		if err := bindJSON(c, &in); err != nil {
			return err
		}
		sum = in.SHA256
	}
	m, err := s.cases.VerifyDocument(c.Request().Context(), actorOf(c), sum)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// readVerifyUpload reads the one file sent for verification.
func (s *Server) readVerifyUpload(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apperr.Error{Kind: apperr.ErrTooLarge, Code: "body_too_large", Message: "上传内容超过大小限制"}
		}
		return nil, apperr.InvalidField("file", "请在 file 字段上传要核验的文件")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	content, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, apperr.InvalidField("file", "上传的文件为空")
	}
	return content, nil
}
