package stats

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// LedgerRow is one line of the 工作台账: one issued recommendation, its
// names for the reader and the facts its reply, adoption, escalation and
// filing columns are derived from.
type LedgerRow struct {
	CaseRow
	CaseNumber     *string
	DocumentNumber *string
	Title          string
	Procuratorate  *string
	Department     *string
	Prosecutor     *string
	Agency         *string
	Field          string
	Source         string
	Project        *string
	Facts          CaseFacts `gorm:"-"`
}

// ledgerColumn is one column: its header, width in characters, the
// definitions that explain it (keys of Definitions) and its value — text, or
// a calendar.Date for a date cell.
type ledgerColumn struct {
	Header string
	Width  float64
	Defs   []string
	Value  func(r *LedgerRow, asOf calendar.Date) any
}

// ledgerColumns are the ledger's columns in order; the xlsx and the CSV share them.
var ledgerColumns = []ledgerColumn{
	{"序号", 7, nil, nil}, // filled with the running number
	{"案号", 24, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.CaseNumber) }},
	{"文号", 26, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.DocumentNumber) }},
	{"建议名称", 36, nil, func(r *LedgerRow, _ calendar.Date) any { return r.Title }},
	{"承办院", 24, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.Procuratorate) }},
	{"承办部门", 14, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.Department) }},
	{"承办检察官", 12, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.Prosecutor) }},
	{"被建议单位", 30, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.Agency) }},
	{"领域", 14, nil, func(r *LedgerRow, _ calendar.Date) any { return r.Field }},
	{"线索来源", 16, nil, func(r *LedgerRow, _ calendar.Date) any { return cases.SourceLabels[r.Source] }},
	{"案件状态", 10, nil, func(r *LedgerRow, _ calendar.Date) any { return cases.StateLabels[r.State] }},
	{"制发日期", 12, nil, func(r *LedgerRow, _ calendar.Date) any { return r.Facts.IssuedOn }},
	{"送达方式", 10, []string{"announced_deliveries"}, func(r *LedgerRow, _ calendar.Date) any { return cases.DeliveryMethodLabels[r.Facts.DeliveryMethod] }},
	{"送达日期", 12, nil, func(r *LedgerRow, _ calendar.Date) any { return r.Facts.DeliveredOn }},
	{"签收日期", 12, nil, func(r *LedgerRow, _ calendar.Date) any { return r.Facts.ReceivedOn }},
	{"回复期限", 12, []string{"reply_due_date"}, func(r *LedgerRow, _ calendar.Date) any { return r.Facts.ReplyDue }},
	{"回复日期", 12, []string{"replied"}, func(r *LedgerRow, _ calendar.Date) any { return r.Facts.RepliedOn }},
	{"回复情况", 10, []string{"reply_due", "on_time_rate", "late_reply", "no_reply", "awaiting_reply"}, ledgerTimeliness},
	{"回复质量", 10, []string{"perfunctory"}, func(r *LedgerRow, _ calendar.Date) any {
		if r.Facts.Returned {
			return "粗回复"
		}
		return ""
	}},
	{"采纳情况", 10, []string{"adoption_rate"}, func(r *LedgerRow, _ calendar.Date) any { return agency.StatsPositionLabels[r.Facts.Position] }},
	{"整改情况", 12, []string{"rectified_rate"}, func(r *LedgerRow, _ calendar.Date) any {
		return agency.StatsRectificationLabels[r.Facts.Rectification]
	}},
	{"报告/通报/移送", 30, []string{"escalations", "public_interest_cases"}, ledgerEscalations},
	{"备案期限", 12, []string{"filing_on_time_rate"}, func(r *LedgerRow, _ calendar.Date) any {
		if r.Facts.Filing == nil {
			return calendar.Date{}
		}
		return r.Facts.Filing.Due
	}},
	{"备案日期", 12, nil, func(r *LedgerRow, _ calendar.Date) any {
		if r.Facts.Filing == nil {
			return calendar.Date{}
		}
		return r.Facts.Filing.FiledOn
	}},
	{"结案日期", 12, []string{"avg_handling_days"}, func(r *LedgerRow, _ calendar.Date) any {
		if r.State != cases.StateClosed {
			return calendar.Date{}
		}
		return r.Facts.EndedOn
	}},
	{"所属项目", 30, nil, func(r *LedgerRow, _ calendar.Date) any { return deref(r.Project) }},
}

// ledgerTimeliness is the 回复情况 cell: the timeliness class, 未到期 while
// the reply is awaited, empty when no reply is owed.
func ledgerTimeliness(r *LedgerRow, asOf calendar.Date) any {
	if c := r.Facts.Timeliness(asOf); c != cases.ReplyClassPending {
		return agency.StatsReplyClassLabels[c]
	}
	if r.Facts.Awaiting(asOf) {
		return "未到期"
	}
	return ""
}

// ledgerEscalations lists the escalation measures with their dates and,
// once recorded by asOf, what each produced (the 公益诉讼 case number, the
// report's reference).
func ledgerEscalations(r *LedgerRow, asOf calendar.Date) any {
	parts := make([]string, len(r.Facts.Escalations))
	for i, e := range r.Facts.Escalations {
		parts[i] = agency.EscalationKindLabels[e.Kind] + "（" + e.DecidedOn.String()
		if e.ProducedResult(asOf) {
			parts[i] += "，" + e.Outcome
		}
		parts[i] += "）"
	}
	return strings.Join(parts, "；")
}

// LedgerHeaders are the Chinese column headers.
func LedgerHeaders() []string {
	out := make([]string, len(ledgerColumns))
	for i, c := range ledgerColumns {
		out[i] = c.Header
	}
	return out
}

// ledgerBatch is how many rows one query fetches: the export walks the
// cases by id in batches, so memory stays bounded however large the ledger.
const ledgerBatch = factsBatch

// Ledger is a prepared export: the actor's scope is resolved and the export
// audited, so writing can start streaming the response.
type Ledger struct {
	db *database.DB
	sc *statsScope
	// Scope names what the ledger covers (the procuratorate, and the
	// department or field when filtered), for the file name.
	Scope string
	// Progress, when set, is called after every batch of rows (the handler
	// extends the connection's write deadline there, so a long export is
	// not cut off while it makes progress).
	Progress func()
	// Rows is how many rows were written.
	Rows int
	// BatchTimeout, when set, bounds the database work of each batch (the
	// export as a whole runs as long as it makes progress).
	BatchTimeout time.Duration
}

// PrepareLedger checks the actor may export the ledger for the filters and
// records the export in the audit trail.
func (s *Service) PrepareLedger(ctx context.Context, a *org.Actor, q StatsQuery, format string) (*Ledger, error) {
	db := s.DB
	sc, err := resolveStatsScope(db.WithContext(ctx), a, q, s.Clock)
	if err != nil {
		return nil, err
	}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		return audit.Record(tx, a, "ledger.export", "ledger", 0, map[string]any{"format": format, "procuratorate_id": q.ProcuratorateID,
			"department_id": sc.departmentID, "field": q.Field, "agency_id": q.AgencyID, "from": q.From, "to": q.To})
	})
	if err != nil {
		return nil, err
	}
	l := &Ledger{db: db, sc: sc}
	l.Scope, err = ledgerScopeName(db.WithContext(ctx), a, sc)
	return l, err
}

// ledgerScopeName is the procuratorate the ledger covers, with the
// department, the prosecutor's own cases, the field or the agency it is
// narrowed to.
func ledgerScopeName(tx *gorm.DB, a *org.Actor, sc *statsScope) (string, error) {
	root := a.ProcuratorateID
	if sc.q.ProcuratorateID != 0 {
		root = sc.q.ProcuratorateID
	}
	var parts []string
	var name string
	if err := tx.Table("procuratorates").Where("id = ?", root).Pluck("name", &name).Error; err != nil {
		return "", err
	}
	parts = append(parts, name)
	if sc.departmentID != 0 {
		var dept string
		if err := tx.Table("departments").Where("id = ?", sc.departmentID).Pluck("name", &dept).Error; err != nil {
			return "", err
		}
		parts = append(parts, dept)
	}
	if sc.prosecutorID != 0 {
		parts = append(parts, a.DisplayName)
	}
	if sc.q.Field != "" {
		parts = append(parts, sc.q.Field)
	}
	if sc.q.AgencyID != 0 {
		var ag string
		if err := tx.Table("agencies").Where("id = ?", sc.q.AgencyID).Pluck("name", &ag).Error; err != nil {
			return "", err
		}
		parts = append(parts, ag)
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "-"), nil
}

// Each calls fn for every issued recommendation in scope with its facts:
// procuratorate by procuratorate (in the scope's order), each in id order.
// Every batch is a keyset range of one procuratorate on its (procuratorate_id,
// id) index — (procuratorate_id, agency_id, id) when an agency is chosen —
// so it reads its own rows in order and the export's cost is linear in its
// rows; one query over the whole IN list of a province re-read and sorted
// every remaining row for each batch.
func (l *Ledger) Each(ctx context.Context, fn func(r *LedgerRow) error) error {
	rows := make([]LedgerRow, 0, ledgerBatch)
	base := make([]CaseRow, 0, ledgerBatch)
	// MariaDB prefers (procuratorate_id, issued_at) for "issued_at IS NOT
	// NULL" and sorts every remaining issued row of the procuratorate for
	// each batch: name the keyset index (SQLite picks it by itself).
	table := "cases"
	if l.db.Dialect == "mysql" {
		table = "cases FORCE INDEX (ix_cases_proc_id)"
		if l.sc.q.AgencyID != 0 {
			table = "cases FORCE INDEX (ix_cases_proc_agency)"
		}
	}
	for _, procID := range l.sc.procIDs {
		var after int64
		for {
			rows = rows[:0]
			bctx, cancel := ctx, context.CancelFunc(func() {})
			if l.BatchTimeout > 0 {
				bctx, cancel = context.WithTimeout(ctx, l.BatchTimeout)
			}
			q := l.db.WithContext(bctx).Table(table).Where("cases.procuratorate_id = ?", procID)
			if l.sc.departmentID != 0 {
				q = q.Where("cases.department_id = ?", l.sc.departmentID)
			}
			if l.sc.prosecutorID != 0 {
				q = q.Where("cases.prosecutor_id = ?", l.sc.prosecutorID)
			}
			if l.sc.q.Field != "" {
				q = q.Where("cases.field = ?", l.sc.q.Field)
			}
			if l.sc.q.AgencyID != 0 {
				q = q.Where("cases.agency_id = ?", l.sc.q.AgencyID)
			}
			if !l.sc.q.From.IsZero() {
				q = q.Where("cases.issued_at >= ?", l.sc.q.From.StartIn(l.sc.loc))
			}
			if !l.sc.q.To.IsZero() {
				q = q.Where("cases.issued_at < ?", l.sc.q.To.AddDays(1).StartIn(l.sc.loc))
			}
			err := q.Select(factsCaseColumns+`, cases.case_number, cases.document_number, cases.title, procuratorates.name AS procuratorate,
				departments.name AS department, users.display_name AS prosecutor, agencies.name AS agency, cases.field, cases.source,
				projects.title AS project`).
				Joins("LEFT JOIN procuratorates ON procuratorates.id = cases.procuratorate_id").
				Joins("LEFT JOIN departments ON departments.id = cases.department_id").
				Joins("LEFT JOIN users ON users.id = cases.prosecutor_id").
				Joins("LEFT JOIN agencies ON agencies.id = cases.agency_id").
				Joins("LEFT JOIN projects ON projects.id = cases.project_id").
				Where("cases.issued_at IS NOT NULL AND cases.id > ?", after).
				Order("cases.id").Limit(ledgerBatch).Scan(&rows).Error
			if err != nil {
				cancel()
				return err
			}
			base = base[:0]
			for i := range rows {
				base = append(base, rows[i].CaseRow)
			}
			facts, err := buildFacts(l.db.WithContext(bctx), base, l.sc.loc, nil)
			cancel()
			if err != nil {
				return err
			}
			for i := range rows {
				rows[i].Facts = facts[i]
				if err := fn(&rows[i]); err != nil {
					return err
				}
			}
			if l.Progress != nil {
				l.Progress()
			}
			if len(rows) < ledgerBatch {
				break
			}
			after = rows[len(rows)-1].ID
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// cells returns the row's values in column order, numbered n.
func (l *Ledger) cells(r *LedgerRow, n int, out []any) {
	out[0] = n
	for i := 1; i < len(ledgerColumns); i++ {
		out[i] = ledgerColumns[i].Value(r, l.sc.q.Today)
	}
}

// WriteXLSX streams the ledger as an .xlsx workbook: Chinese headers in a
// frozen first row, column widths set, dates as real date cells. excelize's
// StreamWriter keeps at most a small buffer of rows in memory and spills the
// sheet to a temporary file, so memory does not grow with the row count.
func (l *Ledger) WriteXLSX(ctx context.Context, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "工作台账"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	for i, c := range ledgerColumns {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(ledgerColumns))
	for i, c := range ledgerColumns {
		head[i] = excelize.Cell{StyleID: headStyle, Value: c.Header}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	n := 0
	vals := make([]any, len(ledgerColumns))
	err = l.Each(ctx, func(r *LedgerRow) error {
		n++
		l.cells(r, n, vals)
		for i, v := range vals {
			if d, ok := v.(calendar.Date); ok {
				if d.IsZero() {
					vals[i] = nil
				} else {
					vals[i] = excelize.Cell{StyleID: dateStyle, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeLedgerNotes(f, headStyle, l.sc.q.Today); err != nil {
		return err
	}
	// The workbook's zip goes straight to w: WriteTo would build the whole
	// file in memory first (excelize's WriteToBuffer), the sheet's rows
	// are copied from the stream writer's temporary file.
	var zw *zip.Writer
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw = zip.NewWriter(w)
		return zw
	})
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	if zw == nil || buf.Len() > 0 {
		return fmt.Errorf("ledger xlsx: the workbook was not streamed (%d bytes buffered)", buf.Len())
	}
	l.Rows = n
	return nil
}

// ledgerNotesSheet explains the columns with the statistics definitions —
// the same sentences the API and the pages show.
const ledgerNotesSheet = "口径说明"

func writeLedgerNotes(f *excelize.File, headStyle int, asOf calendar.Date) error {
	if _, err := f.NewSheet(ledgerNotesSheet); err != nil {
		return err
	}
	rows := [][]any{{"栏目", "说明"}, {"统计日", "本台账按 " + asOf.String() + " 的情况生成。" + Definitions["period"]}}
	for _, c := range ledgerColumns {
		if len(c.Defs) == 0 {
			continue
		}
		parts := make([]string, len(c.Defs))
		for i, k := range c.Defs {
			parts[i] = Definitions[k]
		}
		rows = append(rows, []any{c.Header, strings.Join(parts, "\n")})
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(ledgerNotesSheet, cell, &row); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(ledgerNotesSheet, "A1", "B1", headStyle); err != nil {
		return err
	}
	if err := f.SetColWidth(ledgerNotesSheet, "A", "A", 16); err != nil {
		return err
	}
	return f.SetColWidth(ledgerNotesSheet, "B", "B", 120)
}

// WriteCSV streams the ledger as UTF-8 CSV with a byte-order mark, so Excel
// opens the Chinese text correctly; dates are written YYYY-MM-DD.
func (l *Ledger) WriteCSV(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(LedgerHeaders()); err != nil {
		return err
	}
	n := 0
	rec := make([]string, len(ledgerColumns))
	vals := make([]any, len(ledgerColumns))
	err := l.Each(ctx, func(r *LedgerRow) error {
		n++
		l.cells(r, n, vals)
		for i, v := range vals {
			switch v := v.(type) {
			case calendar.Date:
				rec[i] = v.String()
			case int:
				rec[i] = strconv.Itoa(v)
			default:
				rec[i] = csvSafe(fmt.Sprint(v))
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	l.Rows = n
	return bw.Flush()
}

// csvSafe keeps a cell from being read as a formula by spreadsheet programs
// (CSV injection): text starting with = + - @ gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
