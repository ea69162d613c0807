package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/analysis"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
	"jianyi/templates"
)

// The model-hit import pages (模型线索导入): upload a file, read the
// preview row by row, confirm, and read the import's record. The preview
// page carries the file it checked back to the server in a hidden field,
// with a token that binds its SHA-256 and name to the user; on confirm the
// service checks every row again, inside the import's transaction.
func (s *Server) modelImportPages(app pages) {
	importers := requireRole(org.RoleCaseManager, org.RoleChief, org.RoleDeptHead)
	app.GET("/analysis/imports", s.modelImportsPage, importers)
	app.GET("/analysis/imports/template.xlsx", s.modelImportTemplateXLSX, importers)
	app.GET("/analysis/imports/template.csv", s.modelImportTemplateCSV, importers)
	app.POST("/analysis/imports/preview", s.modelImportPreviewSubmit, importers)
	app.POST("/analysis/imports", s.modelImportSubmit, importers)
	app.GET("/analysis/imports/:id", s.modelImportRecordPage, importers)
}

// importRow is one line of a preview's or a record's table.
type importRow struct {
	Row, Status, Reasons string
	Tone                 string
	Values               map[string]string
	DuplicateURL         string
	CaseURL              string
}

type modelImportsData struct {
	Items       []modelImportItem
	Columns     []analysis.ImportColumn
	MaxRows     int
	UploadLimit int64
	CanImport   bool
}

type modelImportItem struct {
	analysis.ModelImport
	UserName string
}

type modelImportPreviewData struct {
	P         *analysis.ImportPreview
	Summary   string
	Refused   []importRow
	Valid     []importRow
	ValidMore int
	Content   string // the file, base64
	Token     string
	TooLarge  bool
	CanImport bool
}

type modelImportRecordData struct {
	R         *analysis.ImportResult
	UserName  string
	Summary   string
	Leads     []analysisCase
	Refused   []importRow
	CanImport bool
}

// importPreviewRows bounds the valid rows the preview lists (the refused
// ones are all listed).
const importPreviewRows = 100

func (s *Server) modelImportsPage(c echo.Context) error {
	return s.renderModelImports(c, http.StatusOK, templates.FormErrors{})
}

func (s *Server) renderModelImports(c echo.Context, status int, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	list, err := s.analysis.ListImports(ctx, actorOf(c))
	if err != nil {
		return s.errorPage(c, err)
	}
	ids := make([]int64, 0, len(list))
	for _, m := range list {
		ids = append(ids, m.UserID)
	}
	names, err := userNames(s.db.WithContext(ctx), ids)
	if err != nil {
		return err
	}
	d := &modelImportsData{Columns: analysis.ImportColumns, MaxRows: s.cfg.Analysis.ImportMaxRows, UploadLimit: int64(s.cfg.HTTP.UploadLimit), CanImport: true}
	for _, m := range list {
		d.Items = append(d.Items, modelImportItem{ModelImport: m, UserName: names[m.UserID]})
	}
	p, err := s.appPage(c, "模型线索导入", "analysis", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/analysis_imports", p)
}

// importError shows an error about the file on the upload page; others
// become an error page.
func (s *Server) importError(c echo.Context, err error) error {
	errs, status, ok := formError(err, nil, "file")
	if !ok {
		return s.errorPage(c, err)
	}
	return s.renderModelImports(c, status, errs)
}

// importToken binds a previewed file (its digest and name) to the user who
// previewed it.
func (s *Server) importToken(userID int64, sum, name string) string {
	key := sha256.Sum256([]byte("jianyi model import\x00" + s.cfg.Auth.SigningKey))
	mac := hmac.New(sha256.New, key[:])
	fmt.Fprintf(mac, "%d\x00%s\x00%s", userID, sum, name)
	return hex.EncodeToString(mac.Sum(nil))
}

func (s *Server) modelImportPreviewSubmit(c echo.Context) error {
	f, err := s.modelImportFile(c)
	if err != nil {
		return s.importError(c, err)
	}
	a := actorOf(c)
	pv, err := s.analysis.PreviewImport(c.Request().Context(), a, f)
	if err != nil {
		return s.importError(c, err)
	}
	d := &modelImportPreviewData{P: pv, Summary: importSummary(pv.RowsTotal, pv.RowsValid, pv.RowsRefused), CanImport: true,
		Refused: importRows(pv.Rows)}
	for _, r := range pv.Rows {
		if r.Status != analysis.RowValid {
			continue
		}
		if len(d.Valid) == importPreviewRows {
			d.ValidMore++
			continue
		}
		d.Valid = append(d.Valid, importRow{Row: fmt.Sprintf("第 %d 行", r.Row), Values: r.Values})
	}
	// The confirm post carries the file base64-encoded within the upload
	// limit; a file near the limit has to be split.
	if int64(base64.StdEncoding.EncodedLen(len(f.Content))) > int64(s.cfg.HTTP.UploadLimit) {
		d.TooLarge = true
	} else if pv.RowsValid > 0 {
		d.Content = base64.StdEncoding.EncodeToString(f.Content)
		d.Token = s.importToken(a.UserID, pv.FileSHA256, f.Name)
	}
	p, err := s.appPage(c, "导入预览 - "+f.Name, "analysis", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/analysis_import_preview", p)
}

// importRows are the refused rows of a preview or an import, each with its
// reasons and the case or row it repeats.
func importRows(rows []analysis.PreviewRow) []importRow {
	refused := importRefusedRows(rows)
	out := make([]importRow, 0, len(refused))
	for _, r := range rows {
		if r.Status == analysis.RowValid {
			continue
		}
		x := refused[len(out)]
		v := importRow{Row: x.Row, Status: x.Status, Reasons: x.Reasons, Tone: "danger", Values: r.Values}
		if r.Status == analysis.RowDuplicate {
			v.Tone = "warning"
		}
		if r.DuplicateOfCase != nil {
			v.DuplicateURL = fmt.Sprintf("/cases/%d", *r.DuplicateOfCase)
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) modelImportSubmit(c echo.Context) error {
	a := actorOf(c)
	name := files.SanitizeFilename(c.FormValue("file_name"))
	sum := strings.ToLower(strings.TrimSpace(c.FormValue("sha256")))
	content, err := base64.StdEncoding.DecodeString(c.FormValue("content"))
	digest := sha256.Sum256(content)
	if err != nil || len(content) == 0 || !hmac.Equal([]byte(c.FormValue("token")), []byte(s.importToken(a.UserID, hex.EncodeToString(digest[:]), name))) {
		return s.importError(c, &apperr.Error{Kind: apperr.ErrInvalid, Code: "preview_required",
			Message: "导入的文件与预览不符或已失效，请重新上传并预览", Fields: map[string]string{"file": "请重新上传文件"}})
	}
	res, err := s.analysis.Import(c.Request().Context(), a, analysis.ImportFile{Name: name, Content: content, ExpectedSHA256: sum})
	if err != nil {
		return s.importError(c, err)
	}
	msg := fmt.Sprintf("已导入 %d 条线索（来源：大数据模型）。", res.RowsImported)
	if res.RowsRefused > 0 {
		msg += fmt.Sprintf("另有 %d 行未导入，原因见下表。", res.RowsRefused)
	}
	s.setFlash(c, "success", msg)
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/analysis/imports/%d", res.ID))
}

func (s *Server) modelImportRecordPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	res, err := s.analysis.GetImport(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return s.errorPage(c, err)
	}
	names, err := userNames(s.db.WithContext(c.Request().Context()), []int64{res.UserID})
	if err != nil {
		return err
	}
	d := &modelImportRecordData{R: res, UserName: names[res.UserID], Refused: importRows(res.Refused), CanImport: true,
		Summary: fmt.Sprintf("共 %d 行：导入 %d 行，未导入 %d 行。", res.RowsTotal, res.RowsImported, res.RowsRefused)}
	var leads []cases.Case
	if len(res.CaseIDs) > 0 {
		if err := s.db.WithContext(c.Request().Context()).Select("id, title").Where("id IN ?", res.CaseIDs[:min(len(res.CaseIDs), 500)]).
			Order("id").Find(&leads).Error; err != nil {
			return err
		}
	}
	for _, l := range leads {
		d.Leads = append(d.Leads, analysisCase{ID: l.ID, Title: l.Title})
	}
	p, err := s.appPage(c, "模型线索导入记录 - "+res.FileName, "analysis", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/analysis_import", p)
}
