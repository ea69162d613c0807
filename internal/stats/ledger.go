package stats

import (
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

// LedgerRow is one line of the 工作台账: one issued recommendation.
type LedgerRow struct {
	ID             int64
	DocumentNumber *string
	Title          string
	Procuratorate  *string
	Department     *string
	Prosecutor     *string
	Agency         *string
	Field          string
	Source         string
	State          cases.CaseState
	IssuedAt       *time.Time
	DeliveredOn    *calendar.Date
	ReceivedOn     *calendar.Date
	ReplyDue       *calendar.Date
	FirstRepliedOn *calendar.Date
	ReplyClass     string
	Rectification  string
	Project        *string
}

// ledgerColumn is one column: its header and width in characters.
type ledgerColumn struct {
	Header string
	Width  float64
	Date   bool
}

// LedgerColumns are the ledger's columns in order; the xlsx and the CSV share them.
var ledgerColumns = []ledgerColumn{
	{"序号", 7, false}, {"文号", 26, false}, {"建议名称", 36, false}, {"承办院", 24, false}, {"承办部门", 14, false},
	{"承办检察官", 12, false}, {"被建议单位", 30, false}, {"领域", 14, false}, {"线索来源", 16, false}, {"案件状态", 10, false},
	{"制发日期", 12, true}, {"送达日期", 12, true}, {"签收日期", 12, true}, {"回复期限", 12, true}, {"回复日期", 12, true},
	{"回复情况", 10, false}, {"整改情况", 12, false}, {"所属项目", 30, false},
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
const ledgerBatch = 1000

// Ledger is a prepared export: the actor's scope is resolved and the export
// audited, so writing can start streaming the response.
type Ledger struct {
	db *database.DB
	sc *statsScope
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
	return &Ledger{db: db, sc: sc}, nil
}

// Each calls fn for every issued recommendation in scope, in id order.
func (l *Ledger) Each(ctx context.Context, fn func(r *LedgerRow) error) error {
	var after int64
	rows := make([]LedgerRow, 0, ledgerBatch)
	today := l.sc.q.Today
	for {
		rows = rows[:0]
		err := l.sc.apply(l.db.WithContext(ctx).Table("cases")).
			Select(`cases.id, cases.document_number, cases.title, procuratorates.name AS procuratorate, departments.name AS department,
				users.display_name AS prosecutor, agencies.name AS agency, cases.field, cases.source, cases.state, cases.issued_at,
				cases.delivered_on, cases.received_on, cases.reply_due, cases.first_replied_on, `+agency.ReplyClassSQL(today)+` AS reply_class, cases.rectification,
				projects.title AS project`).
			Joins("LEFT JOIN procuratorates ON procuratorates.id = cases.procuratorate_id").
			Joins("LEFT JOIN departments ON departments.id = cases.department_id").
			Joins("LEFT JOIN users ON users.id = cases.prosecutor_id").
			Joins("LEFT JOIN agencies ON agencies.id = cases.agency_id").
			Joins("LEFT JOIN projects ON projects.id = cases.project_id").
			Where("cases.issued_at IS NOT NULL AND cases.id > ?", after).
			Order("cases.id").Limit(ledgerBatch).Scan(&rows).Error
		if err != nil {
			return err
		}
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		if len(rows) < ledgerBatch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// values returns the row's cells: dates as civil dates (zero when absent).
func (r *LedgerRow) values(n int, loc *time.Location) ([]any, []calendar.Date) {
	issued := calendar.Date{}
	if r.IssuedAt != nil {
		issued = calendar.DateOf(*r.IssuedAt, loc)
	}
	d := func(p *calendar.Date) calendar.Date {
		if p == nil {
			return calendar.Date{}
		}
		return *p
	}
	text := []any{n, deref(r.DocumentNumber), r.Title, deref(r.Procuratorate), deref(r.Department), deref(r.Prosecutor),
		deref(r.Agency), r.Field, cases.SourceLabels[r.Source], cases.StateLabels[r.State]}
	tail := []any{agency.StatsReplyClassLabels[r.ReplyClass], agency.StatsRectificationLabels[r.Rectification], deref(r.Project)}
	return append(text, tail...), []calendar.Date{issued, d(r.DeliveredOn), d(r.ReceivedOn), d(r.ReplyDue), d(r.FirstRepliedOn)}
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
	cells := make([]any, len(ledgerColumns))
	err = l.Each(ctx, func(r *LedgerRow) error {
		n++
		text, dates := r.values(n, l.sc.loc)
		copy(cells[:10], text[:10])
		for i, d := range dates {
			if d.IsZero() {
				cells[10+i] = nil
			} else {
				cells[10+i] = excelize.Cell{StyleID: dateStyle, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
			}
		}
		copy(cells[15:], text[10:])
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
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
	err := l.Each(ctx, func(r *LedgerRow) error {
		n++
		text, dates := r.values(n, l.sc.loc)
		for i := 0; i < 10; i++ {
			rec[i] = csvSafe(fmt.Sprint(text[i]))
		}
		rec[0] = strconv.Itoa(n)
		for i, d := range dates {
			rec[10+i] = d.String()
		}
		for i, v := range text[10:] {
			rec[15+i] = csvSafe(fmt.Sprint(v))
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
