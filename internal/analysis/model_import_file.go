package analysis

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jianyi/internal/platform/apperr"
)

// ImportColumn is one column of a model-hit file (模型线索导入). The header
// row names the columns, in any order, by their Chinese title or their key.
type ImportColumn struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Required bool   `json:"required"`
	MaxLen   int    `json:"max_length"`
	Help     string `json:"help"`
	Example  string `json:"example"`
}

// ImportColumns are the documented columns (docs/search.md repeats them).
var ImportColumns = []ImportColumn{
	{"model_name", "模型名称", true, 100, "发现该线索的大数据法律监督模型名称", "农村饮用水安全监督模型"},
	{"hit_ref", "命中编号", true, 64, "模型给出的命中记录编号；同一模型的同一编号在本院只能导入一次", "YS-2026-0001"},
	{"title", "线索标题", true, 200, "问题的简要标题", "临江镇集中式饮用水水源保护区内违法建设"},
	{"field", "领域", true, 50, "须为系统领域列表中启用的领域（GET /api/v1/fields）", "生态环境"},
	{"summary", "问题描述", true, 20000, "模型命中的事实、数据来源和时间", "比对卫星遥感图斑与水源保护区范围，发现保护区内新增建筑3处。"},
	{"agency", "被建议单位", false, 200, "单位全称，须与单位名录一致；不清楚的可留空", "临江市生态环境局"},
	{"department", "承办部门", true, 100, "本院承办部门名称", "第八检察部"},
	{"prosecutor", "承办检察官", true, 64, "承办检察官的登录名，须为该部门在岗检察官", "prosecutor1"},
}

// ImportFile is an uploaded model-hit file.
type ImportFile struct {
	Name    string
	Content []byte
	// ExpectedSHA256, when given, is the digest the preview showed: an
	// import of a different file is refused.
	ExpectedSHA256 string
}

// rawRow is one data row of a file: its row number as the spreadsheet
// shows it (the header is row 1) and its cells by column key.
type rawRow struct {
	No     int
	Values map[string]string
}

// parseImportFile reads an .xlsx workbook (its first sheet) or a CSV file
// (UTF-8, with or without BOM, or GB18030 as Excel saves it in China).
func parseImportFile(content []byte, maxRows int) (format string, rows []rawRow, err error) {
	var records [][]string
	if bytes.HasPrefix(content, []byte("PK\x03\x04")) {
		format = "xlsx"
		records, err = readXLSX(content, maxRows)
	} else {
		format = "csv"
		records, err = readCSV(content, maxRows)
	}
	if err != nil {
		return format, nil, err
	}
	if len(records) == 0 {
		return format, nil, apperr.InvalidField("file", "文件为空：第一行应为列标题（下载模板查看）")
	}
	cols, err := headerColumns(records[0])
	if err != nil {
		return format, nil, err
	}
	for i, rec := range records[1:] {
		r := rawRow{No: i + 2, Values: map[string]string{}}
		blank := true
		for j, key := range cols {
			if key == "" || j >= len(rec) {
				continue
			}
			v := strings.TrimSpace(rec[j])
			r.Values[key] = v
			if v != "" {
				blank = false
			}
		}
		if blank {
			continue // an empty line, as spreadsheets leave at the end
		}
		rows = append(rows, r)
	}
	if len(rows) > maxRows {
		return format, nil, &apperr.Error{Kind: apperr.ErrInvalid, Code: "too_many_rows",
			Message: "文件行数超过上限，请分批导入", Fields: map[string]string{"file": "每个文件最多导入指定行数"},
			Details: map[string]any{"max_rows": maxRows}}
	}
	return format, rows, nil
}

// headerColumns maps the header cells to column keys; every required
// column must be there, once.
func headerColumns(header []string) ([]string, error) {
	byName := map[string]string{}
	for _, c := range ImportColumns {
		byName[c.Title] = c.Key
		byName[c.Key] = c.Key
	}
	keys := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		h = strings.TrimSuffix(strings.TrimSuffix(h, "*"), "（必填）")
		key := byName[strings.TrimSpace(h)]
		if key == "" {
			continue // extra columns are ignored
		}
		if seen[key] {
			return nil, apperr.InvalidField("file", "列“"+h+"”重复出现")
		}
		seen[key] = true
		keys[i] = key
	}
	var missing []string
	for _, c := range ImportColumns {
		if c.Required && !seen[c.Key] {
			missing = append(missing, c.Title)
		}
	}
	if len(missing) > 0 {
		return nil, &apperr.Error{Kind: apperr.ErrInvalid, Code: "missing_columns",
			Message: "文件缺少必填列：" + strings.Join(missing, "、") + "（下载模板查看列标题）",
			Fields:  map[string]string{"file": "缺少必填列"}, Details: map[string]any{"missing": missing}}
	}
	return keys, nil
}

func readXLSX(content []byte, maxRows int) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		return nil, apperr.InvalidField("file", "无法读取 .xlsx 文件，请确认文件未损坏")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.InvalidField("file", ".xlsx 文件中没有工作表")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, apperr.InvalidField("file", "无法读取 .xlsx 文件的第一个工作表")
	}
	defer it.Close()
	var out [][]string
	for it.Next() {
		row, err := it.Columns()
		if err != nil {
			return nil, apperr.InvalidField("file", "无法读取 .xlsx 文件的第一个工作表")
		}
		out = append(out, row)
		if len(out) > maxRows+1+1000 {
			break // far over the limit: parseImportFile refuses it
		}
	}
	return out, nil
}

func readCSV(content []byte, maxRows int) ([][]string, error) {
	content = bytes.TrimPrefix(content, []byte("\ufeff"))
	if !utf8.Valid(content) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(content)
		if err != nil {
			return nil, apperr.InvalidField("file", "CSV 文件编码无法识别，请以 UTF-8 保存")
		}
		content = dec
	}
	if bytes.IndexByte(content, 0) >= 0 {
		return nil, apperr.InvalidField("file", "文件不是 .xlsx 或 CSV 文本文件")
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, apperr.InvalidField("file", "CSV 文件格式有误（第"+strconv.Itoa(pe.Line)+"行）")
			}
			return nil, apperr.InvalidField("file", "CSV 文件格式有误")
		}
		out = append(out, rec)
		if len(out) > maxRows+1+1000 {
			break
		}
	}
	return out, nil
}

// TemplateCSV is the downloadable CSV template: the header and one example
// row, UTF-8 with a BOM so that Excel opens it with the right encoding.
func TemplateCSV() []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	header, example := make([]string, len(ImportColumns)), make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		header[i], example[i] = c.Title, c.Example
	}
	_ = w.Write(header)
	_ = w.Write(example)
	w.Flush()
	return b.Bytes()
}

// TemplateXLSX is the downloadable workbook template: 模型线索 with the
// header and an example row, and 填写说明 describing each column.
func TemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "模型线索"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	for i, c := range ImportColumns {
		head, _ := excelize.CoordinatesToCellName(i+1, 1)
		ex, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellStr(sheet, head, c.Title); err != nil {
			return nil, err
		}
		if err := f.SetCellStr(sheet, ex, c.Example); err != nil {
			return nil, err
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheet, col, col, 22)
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	for i, h := range []string{"列标题", "是否必填", "最大长度", "说明"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellStr(help, cell, h)
	}
	for r, c := range ImportColumns {
		req := "选填"
		if c.Required {
			req = "必填"
		}
		for i, v := range []string{c.Title, req, strconv.Itoa(c.MaxLen), c.Help} {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			_ = f.SetCellStr(help, cell, v)
		}
	}
	_ = f.SetColWidth(help, "D", "D", 60)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
