package handlers

import (
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"jianyi/internal/analysis"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
)

// The data analysis model (数据分析模型, internal/analysis): recurrence,
// similar letters and model-hit imports.
func (s *Server) analysisRoutes(g *echo.Group) {
	g.GET("/analysis/recurrence", s.recurrence)
	g.POST("/analysis/projects", s.projectFromCases)
	g.POST("/analysis/similar", s.similarLetters)
	g.GET("/analysis/model-imports/template.xlsx", s.modelImportTemplateXLSX)
	g.GET("/analysis/model-imports/template.csv", s.modelImportTemplateCSV)
	g.POST("/analysis/model-imports/preview", s.previewModelImport)
	g.POST("/analysis/model-imports", s.createModelImport)
	g.GET("/analysis/model-imports", s.listModelImports)
	g.GET("/analysis/model-imports/:id", s.getModelImport)
}

func (s *Server) recurrence(c echo.Context) error {
	q, err := s.recurrenceQuery(c)
	if err != nil {
		return err
	}
	out, err := s.analysis.Recurrence(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) projectFromCases(c echo.Context) error {
	var in analysis.ProjectFromCasesInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.analysis.StartProject(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (s *Server) similarLetters(c echo.Context) error {
	var in analysis.SimilarInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	out, err := s.analysis.Similar(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) modelImportTemplateXLSX(c echo.Context) error {
	b, err := analysis.TemplateXLSX()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", "模型线索导入模板.xlsx"))
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}

func (s *Server) modelImportTemplateCSV(c echo.Context) error {
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", "模型线索导入模板.csv"))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", analysis.TemplateCSV())
}

// modelImportFile reads the uploaded file (field "file") of a preview or
// an import, within the upload limit.
func (s *Server) modelImportFile(c echo.Context) (analysis.ImportFile, error) {
	if !isMultipart(c) {
		return analysis.ImportFile{}, &apperr.Error{Kind: apperr.ErrUnsupported, Code: "unsupported_media_type",
			Message: "请以 multipart/form-data 上传文件（字段名 file）"}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return analysis.ImportFile{}, multipartError(err)
		}
		return analysis.ImportFile{}, apperr.InvalidField("file", "请上传 .xlsx 或 .csv 文件（字段名 file）")
	}
	limit := int64(s.cfg.HTTP.UploadLimit)
	if fh.Size > limit {
		return analysis.ImportFile{}, &apperr.Error{Kind: apperr.ErrTooLarge, Code: "file_too_large",
			Message: fmt.Sprintf("文件超过 %d 字节的大小限制", limit)}
	}
	f, err := fh.Open()
	if err != nil {
		return analysis.ImportFile{}, err
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return analysis.ImportFile{}, multipartError(err)
	}
	return analysis.ImportFile{Name: files.SanitizeFilename(fh.Filename), Content: content,
		ExpectedSHA256: c.FormValue("sha256")}, nil
}

func (s *Server) previewModelImport(c echo.Context) error {
	f, err := s.modelImportFile(c)
	if err != nil {
		return err
	}
	out, err := s.analysis.PreviewImport(c.Request().Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createModelImport(c echo.Context) error {
	f, err := s.modelImportFile(c)
	if err != nil {
		return err
	}
	out, err := s.analysis.Import(c.Request().Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) listModelImports(c echo.Context) error {
	out, err := s.analysis.ListImports(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (s *Server) getModelImport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.analysis.GetImport(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
