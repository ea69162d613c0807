package analysis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// ModelImport records one import of model hits (模型线索导入): who, when,
// which file (its SHA-256) and how many rows became leads or were refused.
type ModelImport struct {
	ID              int64     `gorm:"primaryKey" json:"id"`
	ProcuratorateID int64     `json:"procuratorate_id"`
	DepartmentID    int64     `json:"department_id"`
	UserID          int64     `json:"user_id"`
	FileName        string    `json:"file_name"`
	FileSHA256      string    `gorm:"column:file_sha256" json:"file_sha256"`
	RowsTotal       int       `json:"rows_total"`
	RowsImported    int       `json:"rows_imported"`
	RowsRefused     int       `json:"rows_refused"`
	RefusedJSON     string    `gorm:"column:refused_json" json:"-"`
	CreatedAt       time.Time `json:"created_at"`
}

// ModelHit links an imported hit to the lead it became.
type ModelHit struct {
	ID              int64 `gorm:"primaryKey"`
	ImportID        int64
	ProcuratorateID int64
	ModelName       string
	HitRef          string
	RowNo           int
	CaseID          int64
}

// Row statuses of a preview.
const (
	RowValid     = "valid"
	RowInvalid   = "invalid"
	RowDuplicate = "duplicate"
)

// RowError is what is wrong with one cell of a row.
type RowError struct {
	Column  string `json:"column"` // the column key; "" for the row as a whole
	Title   string `json:"column_title"`
	Message string `json:"message"`
}

// PreviewRow is one data row as the import would treat it.
type PreviewRow struct {
	Row    int               `json:"row"` // as the spreadsheet numbers it (the header is row 1)
	Status string            `json:"status"`
	Errors []RowError        `json:"errors"`
	Values map[string]string `json:"values"`
	// DuplicateOf names the existing lead (or the earlier row of the file)
	// a duplicate repeats.
	DuplicateOfCase *int64 `json:"duplicate_of_case_id,omitempty"`
	DuplicateOfRow  *int   `json:"duplicate_of_row,omitempty"`
	CaseID          *int64 `json:"case_id,omitempty"` // the lead made, after an import

	lead *cases.Case
}

// ImportPreview is the row-by-row verdict on a file.
type ImportPreview struct {
	FileName    string         `json:"file_name"`
	FileSHA256  string         `json:"file_sha256"`
	Format      string         `json:"format"`
	RowsTotal   int            `json:"rows_total"`
	RowsValid   int            `json:"rows_valid"`
	RowsRefused int            `json:"rows_refused"`
	Rows        []PreviewRow   `json:"rows"`
	Columns     []ImportColumn `json:"columns"`
}

// ImportResult is a finished import with the rows it refused and why.
type ImportResult struct {
	ModelImport
	CaseIDs []int64      `json:"case_ids"`
	Refused []PreviewRow `json:"refused"`
}

// canImport: case managers and chiefs import for their procuratorate,
// department heads for their department.
func canImport(a *org.Actor) bool {
	return a != nil && a.ProcuratorateID != 0 && a.HasRole(org.RoleCaseManager, org.RoleChief, org.RoleDeptHead)
}

// PreviewImport checks every row of a file without writing anything.
func (s *Service) PreviewImport(ctx context.Context, a *org.Actor, f ImportFile) (*ImportPreview, error) {
	if !canImport(a) {
		return nil, apperr.Forbidden("只有案件管理人员、检察长或部门负责人可以导入模型线索")
	}
	return s.checkFile(s.DB.WithContext(ctx), a, f)
}

// checkFile parses and validates a file against the database as tx sees it.
func (s *Service) checkFile(tx *gorm.DB, a *org.Actor, f ImportFile) (*ImportPreview, error) {
	sum := sha256.Sum256(f.Content)
	p := &ImportPreview{FileName: f.Name, FileSHA256: hex.EncodeToString(sum[:]), Columns: ImportColumns, Rows: []PreviewRow{}}
	if f.ExpectedSHA256 != "" && !strings.EqualFold(f.ExpectedSHA256, p.FileSHA256) {
		return nil, &apperr.Error{Kind: apperr.ErrConflict, Code: "file_changed",
			Message: "上传的文件与预览时的文件不同（SHA-256 不一致），请重新预览", Details: map[string]any{"file_sha256": p.FileSHA256}}
	}
	format, rows, err := parseImportFile(f.Content, s.Settings.ImportMaxRows)
	if err != nil {
		return nil, err
	}
	p.Format = format
	v, err := s.newValidator(tx, a, rows)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		pr := v.check(r)
		if pr.Status == RowValid {
			p.RowsValid++
		} else {
			p.RowsRefused++
		}
		p.Rows = append(p.Rows, pr)
	}
	p.RowsTotal = len(rows)
	return p, nil
}

// validator holds what the rows are checked against, read once per file.
type validator struct {
	a           *org.Actor
	now         time.Time
	fields      map[string]bool
	agencies    map[string][]int64
	departments map[string]int64
	prosecutors map[string]org.User
	hits        map[string]int64 // "model\x00ref" → case id of an earlier import
	openCases   map[string]int64 // "title\x00agency id" → an open case of the procuratorate
	inFile      map[string]int   // "model\x00ref" → first row number
}

func (s *Service) newValidator(tx *gorm.DB, a *org.Actor, rows []rawRow) (*validator, error) {
	v := &validator{a: a, now: s.Clock.Now(), fields: map[string]bool{}, agencies: map[string][]int64{},
		departments: map[string]int64{}, prosecutors: map[string]org.User{}, hits: map[string]int64{},
		openCases: map[string]int64{}, inFile: map[string]int{}}
	var active []string
	if err := tx.Model(&cases.CaseField{}).Where("active = ?", true).Pluck("name", &active).Error; err != nil {
		return nil, err
	}
	for _, f := range active {
		v.fields[f] = true
	}
	var agencyNames, titles, refs, users []string
	for _, r := range rows {
		if n := r.Values["agency"]; n != "" {
			agencyNames = append(agencyNames, n)
		}
		titles = append(titles, r.Values["title"])
		refs = append(refs, r.Values["hit_ref"])
		users = append(users, r.Values["prosecutor"])
	}
	for _, part := range chunks(agencyNames) {
		var list []org.Agency
		if err := tx.Where("name IN ?", part).Find(&list).Error; err != nil {
			return nil, err
		}
		for _, ag := range list {
			v.agencies[ag.Name] = appendUnique(v.agencies[ag.Name], ag.ID)
		}
	}
	var depts []org.Department
	if err := tx.Where("procuratorate_id = ?", a.ProcuratorateID).Find(&depts).Error; err != nil {
		return nil, err
	}
	for _, d := range depts {
		v.departments[d.Name] = d.ID
	}
	for _, part := range chunks(users) {
		var list []org.User
		if err := tx.Where("username IN ?", part).Find(&list).Error; err != nil {
			return nil, err
		}
		for _, u := range list {
			v.prosecutors[u.Username] = u
		}
	}
	for _, part := range chunks(refs) {
		var list []ModelHit
		if err := tx.Where("procuratorate_id = ? AND hit_ref IN ?", a.ProcuratorateID, part).Find(&list).Error; err != nil {
			return nil, err
		}
		for _, h := range list {
			v.hits[h.ModelName+"\x00"+h.HitRef] = h.CaseID
		}
	}
	final := []cases.CaseState{cases.StateNotFiled, cases.StateClosed, cases.StateWithdrawn, cases.StateTerminated}
	for _, part := range chunks(titles) {
		var list []cases.Case
		if err := tx.Select("id, title, agency_id").Where("procuratorate_id = ? AND title IN ? AND state NOT IN ?", a.ProcuratorateID, part, final).
			Order("id").Find(&list).Error; err != nil {
			return nil, err
		}
		for _, c := range list {
			k := openKey(c.Title, c.AgencyID)
			if _, ok := v.openCases[k]; !ok {
				v.openCases[k] = c.ID
			}
		}
	}
	return v, nil
}

func chunks(list []string) [][]string {
	var out [][]string
	seen := map[string]bool{}
	var cur []string
	for _, s := range list {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		cur = append(cur, s)
		if len(cur) == 500 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func appendUnique(ids []int64, id int64) []int64 {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}

func openKey(title string, agencyID *int64) string {
	if agencyID == nil {
		return title + "\x00"
	}
	return fmt.Sprintf("%s\x00%d", title, *agencyID)
}

var columnTitles = func() map[string]string {
	m := map[string]string{}
	for _, c := range ImportColumns {
		m[c.Key] = c.Title
	}
	return m
}()

// check decides one row: the lead it would become, or why not.
func (v *validator) check(r rawRow) PreviewRow {
	pr := PreviewRow{Row: r.No, Values: r.Values, Errors: []RowError{}}
	bad := func(col, msg string) {
		pr.Errors = append(pr.Errors, RowError{Column: col, Title: columnTitles[col], Message: msg})
	}
	for _, c := range ImportColumns {
		val := r.Values[c.Key]
		switch {
		case c.Required && val == "":
			bad(c.Key, c.Title+"不能为空")
		case utf8.RuneCountInString(val) > c.MaxLen:
			bad(c.Key, fmt.Sprintf("%s不能超过%d字", c.Title, c.MaxLen))
		}
	}
	if f := r.Values["field"]; f != "" && !v.fields[f] {
		bad("field", "领域“"+f+"”不在可选列表中")
	}
	var agencyID *int64
	if n := r.Values["agency"]; n != "" {
		switch ids := v.agencies[n]; len(ids) {
		case 0:
			bad("agency", "单位名录中没有“"+n+"”")
		case 1:
			id := ids[0]
			agencyID = &id
		default:
			bad("agency", "单位名录中有多个“"+n+"”，请在系统中登记线索时选择")
		}
	}
	deptID, deptOK := v.departments[r.Values["department"]]
	if d := r.Values["department"]; d != "" {
		switch {
		case !deptOK:
			bad("department", "本院没有“"+d+"”")
		case v.a.Role == org.RoleDeptHead && deptID != v.a.DepartmentID:
			bad("department", "部门负责人只能导入本部门的线索")
		}
	}
	var prosecutor org.User
	if name := r.Values["prosecutor"]; name != "" {
		u, ok := v.prosecutors[name]
		if !ok || u.Disabled || u.Role != org.RoleProsecutor || u.DepartmentID == nil || (deptOK && *u.DepartmentID != deptID) {
			bad("prosecutor", "“"+name+"”不是承办部门的在岗检察官")
		} else {
			prosecutor = u
		}
	}
	if len(pr.Errors) > 0 {
		pr.Status = RowInvalid
		return pr
	}
	key := r.Values["model_name"] + "\x00" + r.Values["hit_ref"]
	if first, ok := v.inFile[key]; ok {
		pr.Status, pr.DuplicateOfRow = RowDuplicate, &first
		pr.Errors = append(pr.Errors, RowError{Column: "hit_ref", Title: columnTitles["hit_ref"],
			Message: fmt.Sprintf("与第%d行的模型名称和命中编号相同", first)})
		return pr
	}
	v.inFile[key] = r.No
	if caseID, ok := v.hits[key]; ok {
		pr.Status, pr.DuplicateOfCase = RowDuplicate, &caseID
		pr.Errors = append(pr.Errors, RowError{Column: "hit_ref", Title: columnTitles["hit_ref"],
			Message: fmt.Sprintf("该命中已导入为线索（案件 %d）", caseID)})
		return pr
	}
	if caseID, ok := v.openCases[openKey(r.Values["title"], agencyID)]; ok {
		pr.Status, pr.DuplicateOfCase = RowDuplicate, &caseID
		pr.Errors = append(pr.Errors, RowError{Column: "title", Title: columnTitles["title"],
			Message: fmt.Sprintf("本院已有同一标题、同一被建议单位的在办案件（案件 %d）", caseID)})
		return pr
	}
	pr.Status = RowValid
	pr.lead = &cases.Case{ProcuratorateID: v.a.ProcuratorateID, DepartmentID: deptID, Title: r.Values["title"],
		Field: r.Values["field"], Source: cases.SourceDataModel, OriginCaseNumber: r.Values["hit_ref"],
		Summary:  r.Values["summary"] + "\n（模型：" + r.Values["model_name"] + "，命中编号：" + r.Values["hit_ref"] + "）",
		AgencyID: agencyID, ProsecutorID: prosecutor.ID, State: cases.StateLead, Version: 1,
		StateEnteredAt: v.now, CreatedBy: v.a.UserID, CreatedAt: v.now, UpdatedAt: v.now}
	return pr
}

// Import imports the valid rows of a file as leads with source 大数据模型,
// all in one transaction with the import's record and its audit entry; the
// refused rows are recorded with their reasons. The rows are checked again
// inside the transaction, so a hit imported meanwhile is refused, not
// imported twice (the unique index on the hits is the last guard).
func (s *Service) Import(ctx context.Context, a *org.Actor, f ImportFile) (*ImportResult, error) {
	if !canImport(a) {
		return nil, apperr.Forbidden("只有案件管理人员、检察长或部门负责人可以导入模型线索")
	}
	var out *ImportResult
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, err := s.checkFile(tx, a, f)
		if err != nil {
			return err
		}
		if p.RowsValid == 0 {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "no_valid_rows", Message: "文件中没有可导入的行，请按预览中的提示修改后再导入",
				Fields: map[string]string{"file": "没有可导入的行"}, Details: map[string]any{"rows_total": p.RowsTotal}}
		}
		res := &ImportResult{CaseIDs: []int64{}, Refused: []PreviewRow{}}
		for _, r := range p.Rows {
			if r.Status != RowValid {
				res.Refused = append(res.Refused, r)
			}
		}
		refused, err := json.Marshal(res.Refused)
		if err != nil {
			return err
		}
		res.ModelImport = ModelImport{ProcuratorateID: a.ProcuratorateID, DepartmentID: a.DepartmentID, UserID: a.UserID,
			FileName: truncate(f.Name, 255), FileSHA256: p.FileSHA256, RowsTotal: p.RowsTotal, RowsImported: p.RowsValid,
			RowsRefused: p.RowsRefused, RefusedJSON: string(refused), CreatedAt: s.Clock.Now()}
		if err := tx.Create(&res.ModelImport).Error; err != nil {
			return err
		}
		for i := range p.Rows {
			r := &p.Rows[i]
			if r.Status != RowValid {
				continue
			}
			note := fmt.Sprintf("大数据模型线索导入（批次 %d，第%d行）", res.ID, r.Row)
			if _, err := cases.RegisterLead(tx, a, r.lead, note, map[string]any{"model_import_id": res.ID, "row": r.Row}); err != nil {
				return err
			}
			hit := &ModelHit{ImportID: res.ID, ProcuratorateID: a.ProcuratorateID, ModelName: r.Values["model_name"],
				HitRef: r.Values["hit_ref"], RowNo: r.Row, CaseID: r.lead.ID}
			if err := tx.Create(hit).Error; err != nil {
				if database.IsUniqueViolation(err) {
					return apperr.Conflict("hit_imported", fmt.Sprintf("第%d行的命中已被同时进行的导入导入，请重新预览", r.Row))
				}
				return err
			}
			id := r.lead.ID
			r.CaseID = &id
			res.CaseIDs = append(res.CaseIDs, id)
		}
		out = res
		return audit.Record(tx, a, "model_import.create", "model_import", res.ID, map[string]any{
			"file_name": res.FileName, "file_sha256": res.FileSHA256, "rows_total": res.RowsTotal,
			"rows_imported": res.RowsImported, "rows_refused": res.RowsRefused, "case_ids": res.CaseIDs})
	})
	return out, err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// importScope restricts the imports an actor may read: those of its
// procuratorate; a department head's those into its department.
func importScope(a *org.Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if !canImport(a) {
			return q.Where("1 = 0")
		}
		q = q.Where("model_imports.procuratorate_id = ?", a.ProcuratorateID)
		if a.Role == org.RoleDeptHead {
			q = q.Where("model_imports.department_id = ?", a.DepartmentID)
		}
		return q
	}
}

// ListImports lists the imports of the actor's procuratorate, newest first
// (the latest 100).
func (s *Service) ListImports(ctx context.Context, a *org.Actor) ([]ModelImport, error) {
	if !canImport(a) {
		return nil, apperr.Forbidden("只有案件管理人员、检察长或部门负责人可以查看模型线索导入记录")
	}
	out := []ModelImport{}
	err := s.DB.WithContext(ctx).Scopes(importScope(a)).Order("id DESC").Limit(100).Find(&out).Error
	return out, err
}

// GetImport returns one import with the leads it made and the rows it
// refused.
func (s *Service) GetImport(ctx context.Context, a *org.Actor, id int64) (*ImportResult, error) {
	if !canImport(a) {
		return nil, apperr.Forbidden("只有案件管理人员、检察长或部门负责人可以查看模型线索导入记录")
	}
	tx := s.DB.WithContext(ctx)
	res := &ImportResult{CaseIDs: []int64{}, Refused: []PreviewRow{}}
	if err := tx.Scopes(importScope(a)).Where("model_imports.id = ?", id).Take(&res.ModelImport).Error; err != nil {
		return nil, database.NotFoundOr(err, "导入记录")
	}
	if err := json.Unmarshal([]byte(res.RefusedJSON), &res.Refused); err != nil {
		return nil, err
	}
	if err := tx.Model(&ModelHit{}).Where("import_id = ?", id).Order("row_no").Pluck("case_id", &res.CaseIDs).Error; err != nil {
		return nil, err
	}
	return res, nil
}
