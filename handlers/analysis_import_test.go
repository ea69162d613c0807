package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

type importRowView struct {
	Row             int    `json:"row"`
	Status          string `json:"status"`
	DuplicateOfCase *int64 `json:"duplicate_of_case_id"`
	Errors          []struct {
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
}

type importView struct {
	ID           int64           `json:"id"`
	FileSHA256   string          `json:"file_sha256"`
	RowsTotal    int             `json:"rows_total"`
	RowsValid    int             `json:"rows_valid"`
	RowsImported int             `json:"rows_imported"`
	RowsRefused  int             `json:"rows_refused"`
	Rows         []importRowView `json:"rows"`
	Refused      []importRowView `json:"refused"`
	CaseIDs      []int64         `json:"case_ids"`
}

// hitFile is a CSV of n model hits; bad maps a row number (the header is
// row 1) to a change that makes the row wrong, with the reason expected.
func hitFile(n int, bad map[int]func(row []string)) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"模型名称", "命中编号", "线索标题", "领域", "问题描述", "被建议单位", "承办部门", "承办检察官", "备注"})
	for i := range n {
		row := []string{"饮用水安全监督模型", fmt.Sprintf("YS-%05d", i+1), fmt.Sprintf("第%d号水源地保护区内违法建设", i+1), "生态环境",
			"卫星遥感图斑比对发现保护区内新增建筑。", "临江市清河区市场监督管理局", "第八检察部", "prosecutor1", "模型第一批"}
		if f := bad[i+2]; f != nil {
			f(row)
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

func uploadHits(env *apitest.Env, path, user, name string, content []byte, fields map[string]string) *apitest.Response {
	return env.DoRequest(apitest.Multipart("POST", path, fields, []apitest.File{{Field: "file", Name: name, Content: content}}), user)
}

// TestModelImport: a file of 1,000 hits with 20 bad rows previews as 980
// valid and 20 refused, each named with its reason; the import makes 980
// leads with source 大数据模型 in one transaction and records who, when, the
// file's SHA-256 and the counts, with an audit entry; the same file again
// imports nothing (every hit is a duplicate).
func TestModelImport(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		// An open case the file repeats (same title, same agency).
		var existing struct{ ID int64 }
		env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "第500号水源地保护区内违法建设", "field": "生态环境",
			"source": "case_finding", "summary": "群众反映。", "agency_id": env.Org.Agency1.ID}).Expect(t, http.StatusCreated).Decode(t, &existing)

		long := strings.Repeat("长", 201)
		reasons := map[int]string{}
		bad := map[int]func(row []string){}
		set := func(row int, col int, v, reason string) {
			bad[row] = func(r []string) { r[col] = v }
			reasons[row] = reason
		}
		set(3, 2, "", "线索标题不能为空")
		set(50, 3, "天文", "领域“天文”不在可选列表中")
		set(97, 5, "不存在的局", "单位名录中没有“不存在的局”")
		set(144, 7, "cityprosecutor1", "不是承办部门的在岗检察官")
		set(191, 7, "depthead1", "不是承办部门的在岗检察官")
		set(238, 6, "第九检察部", "本院没有“第九检察部”")
		set(285, 2, long, "线索标题不能超过200字")
		set(332, 0, "", "模型名称不能为空")
		set(379, 1, "", "命中编号不能为空")
		set(426, 4, "", "问题描述不能为空")
		set(473, 1, "YS-00001", "与第2行的模型名称和命中编号相同")
		set(501, 2, "第500号水源地保护区内违法建设", fmt.Sprintf("在办案件（案件 %d）", existing.ID))
		set(520, 3, "其他领域", "不在可选列表中")
		set(567, 7, "", "承办检察官不能为空")
		set(614, 6, "", "承办部门不能为空")
		set(661, 7, "nobody", "“nobody”不是承办部门的在岗检察官")
		set(708, 1, strings.Repeat("X", 65), "命中编号不能超过64字")
		set(755, 5, "临江市清河区市场监督管理", "单位名录中没有")
		set(802, 1, "YS-00010", "与第11行的模型名称和命中编号相同")
		set(849, 3, "生态", "领域“生态”不在可选列表中")
		if len(reasons) != 20 {
			t.Fatalf("%d bad rows", len(reasons))
		}
		file := hitFile(1000, bad)
		sum := sha256.Sum256(file)

		var pv importView
		uploadHits(env, "/api/v1/analysis/model-imports/preview", "casemgr1", "hits.csv", file, nil).Expect(t, http.StatusOK).Decode(t, &pv)
		if pv.RowsTotal != 1000 || pv.RowsValid != 980 || pv.RowsRefused != 20 || pv.FileSHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("preview: %d rows, %d valid, %d refused, %s", pv.RowsTotal, pv.RowsValid, pv.RowsRefused, pv.FileSHA256)
		}
		checkRefused := func(rows []importRowView) {
			t.Helper()
			seen := map[int]bool{}
			for _, r := range rows {
				if r.Status == "valid" {
					continue
				}
				seen[r.Row] = true
				want, ok := reasons[r.Row]
				msgs := ""
				for _, e := range r.Errors {
					msgs += e.Message + ";"
				}
				if !ok || !strings.Contains(msgs, want) {
					t.Errorf("row %d refused with %q, want %q", r.Row, msgs, want)
				}
			}
			for row := range reasons {
				if !seen[row] {
					t.Errorf("row %d not refused", row)
				}
			}
		}
		checkRefused(pv.Rows)
		for _, r := range pv.Rows {
			if r.Row == 501 && (r.Status != "duplicate" || r.DuplicateOfCase == nil || *r.DuplicateOfCase != existing.ID) {
				t.Errorf("row 501 not marked as repeating case %d: %+v", existing.ID, r)
			}
		}
		var casesBefore int64
		db.Model(&cases.Case{}).Count(&casesBefore)
		if casesBefore != 1 {
			t.Fatalf("the preview wrote: %d cases", casesBefore)
		}

		// Another file than the one previewed is refused.
		uploadHits(env, "/api/v1/analysis/model-imports", "casemgr1", "hits.csv", file, map[string]string{"sha256": strings.Repeat("0", 64)}).
			Expect(t, http.StatusConflict)

		var imp importView
		uploadHits(env, "/api/v1/analysis/model-imports", "casemgr1", "hits.csv", file, map[string]string{"sha256": pv.FileSHA256}).
			Expect(t, http.StatusCreated).Decode(t, &imp)
		if imp.RowsImported != 980 || imp.RowsRefused != 20 || len(imp.CaseIDs) != 980 || len(imp.Refused) != 20 {
			t.Fatalf("import: %d imported, %d refused, %d cases", imp.RowsImported, imp.RowsRefused, len(imp.CaseIDs))
		}
		checkRefused(imp.Refused)
		var leads int64
		db.Model(&cases.Case{}).Where("source = ? AND state = ? AND procuratorate_id = ?", cases.SourceDataModel, cases.StateLead, env.Org.District.ID).Count(&leads)
		if leads != 980 {
			t.Errorf("%d leads from the model, want 980", leads)
		}
		var events, audits int64
		db.Model(&cases.CaseEvent{}).Where("action = ? AND case_id IN ?", "register", imp.CaseIDs).Count(&events)
		db.Table("audit_entries").Where("action = ? AND object_id = ?", "model_import.create", imp.ID).Count(&audits)
		if events != 980 || audits != 1 {
			t.Errorf("%d register events, %d audit entries", events, audits)
		}
		var rec struct {
			UserID     int64
			FileSHA256 string `gorm:"column:file_sha256"`
		}
		db.Table("model_imports").Where("id = ?", imp.ID).Scan(&rec)
		var casemgr struct{ ID int64 }
		db.Table("users").Where("username = ?", "casemgr1").Scan(&casemgr)
		if rec.UserID != casemgr.ID || rec.FileSHA256 != pv.FileSHA256 {
			t.Errorf("import record %+v", rec)
		}
		// The leads are searchable at once.
		var found struct {
			Items []struct{ ID int64 } `json:"items"`
		}
		env.Do("GET", "/api/v1/cases?q="+urlQuery("第777号水源地"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &found)
		if len(found.Items) != 1 {
			t.Errorf("an imported lead is not found by search: %+v", found.Items)
		}

		var again importView
		env.Do("GET", fmt.Sprintf("/api/v1/analysis/model-imports/%d", imp.ID), "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &again)
		if len(again.CaseIDs) != 980 || len(again.Refused) != 20 {
			t.Errorf("import record read back: %d cases, %d refused", len(again.CaseIDs), len(again.Refused))
		}
		r := uploadHits(env, "/api/v1/analysis/model-imports", "casemgr1", "hits.csv", file, nil).Expect(t, http.StatusBadRequest)
		if r.ErrorCode() != "no_valid_rows" {
			t.Errorf("the same file again: %s", r.Body)
		}
		var casesAfter int64
		db.Model(&cases.Case{}).Count(&casesAfter)
		if casesAfter != 981 {
			t.Errorf("%d cases after the second import, want 981", casesAfter)
		}
		uploadHits(env, "/api/v1/analysis/model-imports/preview", "prosecutor1", "hits.csv", file, nil).Expect(t, http.StatusForbidden)
		env.Do("GET", fmt.Sprintf("/api/v1/analysis/model-imports/%d", imp.ID), "citychief1", nil).Expect(t, http.StatusNotFound)
	})
}

// TestModelImportTemplateAndXLSX: the template downloads in both formats
// with the documented columns, and a workbook filled in previews.
func TestModelImportTemplateAndXLSX(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		tpl := env.Do("GET", "/api/v1/analysis/model-imports/template.xlsx", "casemgr1", nil).Expect(t, http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("模型线索")
		if err != nil || len(rows) != 2 || rows[0][0] != "模型名称" || rows[0][7] != "承办检察官" {
			t.Fatalf("template rows %v, %v", rows, err)
		}
		csvTpl := env.Do("GET", "/api/v1/analysis/model-imports/template.csv", "casemgr1", nil).Expect(t, http.StatusOK)
		if !strings.HasPrefix(string(csvTpl.Body), "\ufeff模型名称,命中编号") {
			t.Errorf("csv template %q", csvTpl.Body[:40])
		}
		// Fill the workbook: the example row (its agency is unknown here),
		// one good row and one without a title.
		_ = f.SetSheetRow("模型线索", "A3", &[]string{"饮用水安全监督模型", "YS-1", "水源地违法建设", "生态环境", "遥感发现新增建筑。", "临江市清河区教育局", "第八检察部", "prosecutor2"})
		_ = f.SetSheetRow("模型线索", "A4", &[]string{"饮用水安全监督模型", "YS-2", "", "生态环境", "遥感发现。", "", "第八检察部", "prosecutor2"})
		buf, _ := f.WriteToBuffer()
		var pv importView
		uploadHits(env, "/api/v1/analysis/model-imports/preview", "casemgr1", "hits.xlsx", buf.Bytes(), nil).Expect(t, http.StatusOK).Decode(t, &pv)
		if pv.RowsTotal != 3 || pv.RowsValid != 1 || len(pv.Rows) != 3 || pv.Rows[1].Status != "valid" || pv.Rows[0].Status != "invalid" || pv.Rows[2].Row != 4 {
			t.Errorf("xlsx preview %+v", pv)
		}
		r := uploadHits(env, "/api/v1/analysis/model-imports/preview", "casemgr1", "hits.csv", []byte("标题,内容\n甲,乙\n"), nil).Expect(t, http.StatusBadRequest)
		if r.ErrorCode() != "missing_columns" {
			t.Errorf("a file without the columns: %s", r.Body)
		}
		env.DoRequest(apitest.Multipart("POST", "/api/v1/analysis/model-imports/preview", nil, nil), "casemgr1").Expect(t, http.StatusBadRequest)
	})
}
