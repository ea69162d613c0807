package stats

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/packed"
)

// LedgerRow is one line of the 工作台账: one issued recommendation, its
// names for the reader and the facts its reply, adoption, escalation and
// filing columns are derived from.
type LedgerRow struct {
	CaseRow
	CaseNumber     string
	DocumentNumber string
	Title          string
	Procuratorate  string
	Department     string
	Prosecutor     string
	Agency         string
	Field          string
	Source         string
	Project        string
	Facts          CaseFacts
}

// ledgerColumn is one column: its header, width in characters, the
// definitions that explain it (keys of Definitions) and its value — text, or
// a date for a date cell.
type ledgerColumn struct {
	Header string
	Width  float64
	Defs   []string
	Value  func(r *LedgerRow, asOf calendar.Date) ledgerCell
}

// ledgerCell is the value of one cell: text, a date (a date cell; zero for
// none) or a number. A struct, not an interface: boxing a value in an
// interface allocates, for every cell of every row.
type ledgerCell struct {
	kind ledgerCellKind
	text string
	date calendar.Date
	num  int
}

type ledgerCellKind uint8

const (
	cellText ledgerCellKind = iota
	cellDate
	cellNumber
)

func textCell(s string) ledgerCell        { return ledgerCell{kind: cellText, text: s} }
func dateCell(d calendar.Date) ledgerCell { return ledgerCell{kind: cellDate, date: d} }

// ledgerColumns are the ledger's columns in order; the xlsx and the CSV share them.
var ledgerColumns = []ledgerColumn{
	{"序号", 7, nil, nil}, // filled with the running number
	{"案号", 24, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.CaseNumber) }},
	{"文号", 26, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.DocumentNumber) }},
	{"建议名称", 36, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Title) }},
	{"承办院", 24, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Procuratorate) }},
	{"承办部门", 14, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Department) }},
	{"承办检察官", 12, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Prosecutor) }},
	{"被建议单位", 30, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Agency) }},
	{"领域", 14, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Field) }},
	{"线索来源", 16, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(cases.SourceLabels[r.Source]) }},
	{"案件状态", 10, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(cases.StateLabels[r.State]) }},
	{"制发日期", 12, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return dateCell(r.Facts.IssuedOn) }},
	{"送达方式", 10, []string{"announced_deliveries"}, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		return textCell(cases.DeliveryMethodLabels[r.Facts.DeliveryMethod])
	}},
	{"送达日期", 12, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return dateCell(r.Facts.DeliveredOn) }},
	{"签收日期", 12, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return dateCell(r.Facts.ReceivedOn) }},
	{"回复期限", 12, []string{"reply_due_date"}, func(r *LedgerRow, _ calendar.Date) ledgerCell { return dateCell(r.Facts.ReplyDue) }},
	{"回复日期", 12, []string{"replied"}, func(r *LedgerRow, _ calendar.Date) ledgerCell { return dateCell(r.Facts.RepliedOn) }},
	{"回复情况", 10, []string{"reply_due", "on_time_rate", "late_reply", "no_reply", "awaiting_reply"}, ledgerTimeliness},
	{"回复质量", 10, []string{"perfunctory"}, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		if r.Facts.Returned {
			return textCell("粗回复")
		}
		return textCell("")
	}},
	{"采纳情况", 10, []string{"adoption_rate"}, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		return textCell(agency.StatsPositionLabels[r.Facts.Position])
	}},
	{"整改情况", 12, []string{"rectified_rate"}, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		return textCell(agency.StatsRectificationLabels[r.Facts.Rectification])
	}},
	{"报告/通报/移送", 30, []string{"escalations", "public_interest_cases"}, ledgerEscalations},
	{"备案期限", 12, []string{"filing_on_time_rate"}, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		if r.Facts.Filing == nil {
			return dateCell(calendar.Date{})
		}
		return dateCell(r.Facts.Filing.Due)
	}},
	{"备案日期", 12, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		if r.Facts.Filing == nil {
			return dateCell(calendar.Date{})
		}
		return dateCell(r.Facts.Filing.FiledOn)
	}},
	{"结案日期", 12, []string{"avg_handling_days"}, func(r *LedgerRow, _ calendar.Date) ledgerCell {
		if r.State != cases.StateClosed {
			return dateCell(calendar.Date{})
		}
		return dateCell(r.Facts.EndedOn)
	}},
	{"所属项目", 30, nil, func(r *LedgerRow, _ calendar.Date) ledgerCell { return textCell(r.Project) }},
}

// ledgerTimeliness is the 回复情况 cell: the timeliness class, 未到期 while
// the reply is awaited, empty when no reply is owed.
func ledgerTimeliness(r *LedgerRow, asOf calendar.Date) ledgerCell {
	if c := r.Facts.Timeliness(asOf); c != cases.ReplyClassPending {
		return textCell(agency.StatsReplyClassLabels[c])
	}
	if r.Facts.Awaiting(asOf) {
		return textCell("未到期")
	}
	return textCell("")
}

// ledgerEscalations lists the escalation measures with their dates and,
// once recorded by asOf, what each produced (the 公益诉讼 case number, the
// report's reference).
func ledgerEscalations(r *LedgerRow, asOf calendar.Date) ledgerCell {
	parts := make([]string, len(r.Facts.Escalations))
	for i, e := range r.Facts.Escalations {
		parts[i] = agency.EscalationKindLabels[e.Kind] + "（" + e.DecidedOn.String()
		if e.ProducedResult(asOf) {
			parts[i] += "，" + e.Outcome
		}
		parts[i] += "）"
	}
	return textCell(strings.Join(parts, "；"))
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
	sc, err := s.resolveScope(db.WithContext(ctx), a, q)
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

// Each calls fn for every issued recommendation in scope with its facts, in
// keyset batches of ledgerBatch whose cost does not grow with the rows
// already read:
//
//   - a wide scope (a province: more than wideScope procuratorates, hence
//     most rows of the table) with no filter walks the cases table itself
//     in id order — its primary key,
//     the rows read in the order they are stored, and each batch's facts
//     found by the batch's id range;
//   - any other scope walks one procuratorate at a time (in the scope's
//     order), each in id order on its (procuratorate_id, id) index —
//     (procuratorate_id, agency_id, id) when an agency is chosen — so every
//     batch seeks and reads its own rows; one query over the whole IN list
//     of a province re-read and sorted every remaining row for each batch.
//
// Three goroutines share the work, each a batch at a time: one reads the
// cases and their names, one each batch's facts (on a connection of its
// own), the caller's calls fn for the rows — on MySQL the two reads wait for
// the server while the rows are written. They overlap only as long as the
// exports running are fewer than the cores (GOMAXPROCS; see readAhead): an
// export alone on a two-core server runs on both; with two, each reads a
// batch only once the last is written, as before.
func (l *Ledger) Each(ctx context.Context, fn func(r *LedgerRow) error) error {
	ledgerExports.Add(1)
	defer ledgerExports.Add(-1)
	ctx, stop := context.WithCancel(ctx)
	read, filled := make(chan ledgerBatchMsg), make(chan ledgerBatchMsg)
	go func() {
		defer close(read)
		if err := l.read(ctx, read); err != nil {
			select {
			case read <- ledgerBatchMsg{err: err}:
			case <-ctx.Done():
			}
		}
	}()
	go func() {
		defer close(filled)
		for m := range read { // to the end: the reader stops at the next batch once stopped
			if m.err == nil {
				m.err = l.fillFacts(ctx, m.b)
			}
			select {
			case filled <- m:
			case <-ctx.Done():
			}
		}
	}()
	defer func() {
		stop()
		for range filled { // the others stop at the next batch
		}
	}()
	for m := range filled {
		if m.err != nil {
			return m.err
		}
		if err := l.complete(m.b, fn); err != nil {
			return err
		}
		m.done <- m.b
	}
	return nil
}

// ledgerBatchMsg is a batch of cases read (b, to be handed back on done
// once used) or the reading's error.
type ledgerBatchMsg struct {
	b    *ledgerBatchBuf
	done chan<- *ledgerBatchBuf
	err  error
}

// ledgerPipeline is how many batch buffers an export reads into: one being
// read, one's facts being read, one's rows being written.
const ledgerPipeline = 3

// ledgerExports counts the ledger exports running (in Each).
var ledgerExports atomic.Int32

// readAhead reports whether a batch may be read while the previous one is
// being written: while the exports running leave a core free. Each export
// keeps one busy at a time; a second start makes the first wait again.
func readAhead() bool { return int(ledgerExports.Load()) < runtime.GOMAXPROCS(0) }

// read reads the batches of cases (see Each) into a pipeline of buffers and
// sends them to full, in order.
func (l *Ledger) read(ctx context.Context, full chan<- ledgerBatchMsg) error {
	free := make(chan *ledgerBatchBuf, ledgerPipeline)
	names := &ledgerNames{}
	for range ledgerPipeline {
		free <- &ledgerBatchBuf{names: names}
	}
	if !l.walksTable() {
		for _, procID := range l.sc.procIDs {
			if err := l.walk(ctx, free, full, []int64{procID}); err != nil {
				return err
			}
		}
		return nil
	}
	whole, err := l.sc.whole(l.db.WithContext(ctx))
	if err != nil {
		return err
	}
	if err := names.preload(l.db.WithContext(ctx)); err != nil {
		return err
	}
	var procIDs []int64
	if !whole {
		procIDs = l.sc.procIDs
	}
	return l.walk(ctx, free, full, procIDs)
}

// batchContext bounds the database work of a batch by BatchTimeout, if set.
func (l *Ledger) batchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if l.BatchTimeout > 0 {
		return context.WithTimeout(ctx, l.BatchTimeout)
	}
	return ctx, func() {}
}

// walksTable reports a scope whose ledger is read by walking the cases
// table's primary key (see Each): a wide one with no filter. A filter —
// department, prosecutor, field, agency, period — may let through a small
// share of the table, which a batch would read most of to find its rows;
// the walk by procuratorate seeks them on an index of each ((procuratorate,
// field, id), (procuratorate, agency, id)) or reads one procuratorate's
// rows at most.
func (l *Ledger) walksTable() bool {
	q := l.sc.q
	return l.sc.wide() && l.sc.departmentID == 0 && l.sc.prosecutorID == 0 && q.Field == "" && q.AgencyID == 0 && q.From.IsZero() && q.To.IsZero()
}

// ledgerFields are what a ledger batch reads of a case, packed (see
// packed.go), in the order ledgerBatchBuf.set reads them: factsCaseColumns
// but the registration time (the ledger shows no 登记 date), then the
// columns shown and the ids of the names, which a ledgerNames finds — five
// joins per row cost more than the rest of the row. The free texts may hold
// the separator, and so may a stray code, unchecked here: a case whose
// text does not split is read again field by field.
var ledgerFields = [ledgerFieldCount]packedCol{
	{expr: "cases.id"}, {expr: "cases.procuratorate_id"}, {expr: "cases.department_id"}, {expr: "cases.agency_id", nullable: true},
	{expr: "cases.prosecutor_id"}, {expr: "cases.project_id", nullable: true}, {expr: "cases.state"},
	{expr: "cases.issued_at", nullable: true}, {expr: "cases.closed_at", nullable: true}, {expr: "cases.delivered_on", nullable: true},
	{expr: "cases.received_on", nullable: true}, {expr: "cases.reply_due", nullable: true}, {expr: "cases.first_replied_on", nullable: true},
	{expr: "cases.rectification"}, {expr: "cases.source"},
	// free text
	{expr: "cases.field"}, {expr: "cases.case_number", nullable: true}, {expr: "cases.document_number", nullable: true}, {expr: "cases.title"},
}

// The fields of ledgerFields by position.
const (
	lfID = iota
	lfProcuratorate
	lfDepartment
	lfAgency
	lfProsecutor
	lfProject
	lfState
	lfIssuedAt
	lfClosedAt
	lfDeliveredOn
	lfReceivedOn
	lfReplyDue
	lfFirstRepliedOn
	lfRectification
	lfSource
	lfField
	lfCaseNumber
	lfDocumentNumber
	lfTitle
	ledgerFieldCount
)

// ledgerBatchBuf holds a batch's rows and facts and the values the rows
// point to (agency ids, issue and closing times, dates), reused batch after
// batch.
type ledgerBatchBuf struct {
	rows   []LedgerRow
	base   []CaseRow
	facts  []CaseFacts
	ids    []int64
	times  []time.Time
	dates  []calendar.Date
	refs   []ledgerRefs
	names  *ledgerNames // the export's, shared by its buffers
	reread []int64      // cases whose packed text did not split (see scan)
}

// ledgerRefs are a row's ids of the names it shows besides its
// procuratorate's and department's (0: none).
type ledgerRefs struct{ agency, prosecutor, project int64 }

// ledgerNames are the names a ledger shows — procuratorates, departments,
// prosecutors, agencies, projects — by id, read when a batch first needs
// them: they are as many as the organisation has, not as the rows.
type ledgerNames struct {
	tables [5]map[int64]string
}

// ledgerNameTables are the tables of ledgerNames.tables and the column of
// each name.
var ledgerNameTables = [5][2]string{{"procuratorates", "name"}, {"departments", "name"}, {"users", "display_name"},
	{"agencies", "name"}, {"projects", "title"}}

// preload reads every name of the tables: a walk of the whole cases table
// (a province) meets most of them, and an IN list of a thousand ids cost
// some ten times a row read by a table scan.
func (n *ledgerNames) preload(tx *gorm.DB) error {
	var (
		id   int64
		name string
	)
	for t, table := range ledgerNameTables {
		m := map[int64]string{}
		n.tables[t] = m
		q := tx.Table(table[0]).Select("id, " + table[1])
		if table[0] == "users" {
			q = q.Where("agency_id IS NULL") // the procuratorates' staff: no agency account prosecutes
		}
		err := database.ScanEach(q, []any{&id, &name}, func() error {
			m[id] = name
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fill sets the names of rows, reading those not read before with one
// query per table.
func (n *ledgerNames) fill(tx *gorm.DB, rows []LedgerRow, refs []ledgerRefs) error {
	idsOf := func(i int) [5]int64 {
		return [5]int64{rows[i].ProcuratorateID, rows[i].DepartmentID, refs[i].prosecutor, refs[i].agency, refs[i].project}
	}
	for t, table := range ledgerNameTables {
		if n.tables[t] == nil {
			n.tables[t] = map[int64]string{}
		}
		m := n.tables[t]
		var missing []int64
		for i := range rows {
			if id := idsOf(i)[t]; id != 0 {
				if _, ok := m[id]; !ok {
					m[id] = "" // asked once; stays "" if the row is gone
					missing = append(missing, id)
				}
			}
		}
		if len(missing) == 0 {
			continue
		}
		var (
			id   int64
			name string
		)
		err := database.ScanEach(tx.Table(table[0]).Select("id, "+table[1]).Where("id IN ?", missing),
			[]any{&id, &name}, func() error {
				m[id] = name
				return nil
			})
		if err != nil {
			return err
		}
	}
	for i := range rows {
		ids := idsOf(i)
		r := &rows[i]
		r.Procuratorate, r.Department, r.Prosecutor = n.tables[0][ids[0]], n.tables[1][ids[1]], n.tables[2][ids[2]]
		r.Agency, r.Project = n.tables[3][ids[3]], n.tables[4][ids[4]]
	}
	return nil
}

// batchQuery is the query of one batch: the cases after id after, of the
// procuratorates procIDs (nil: every one) and the scope's filters.
func (l *Ledger) batchQuery(tx *gorm.DB, procIDs []int64, after int64) *gorm.DB {
	// The index each walk reads is named: MariaDB prefers (procuratorate_id,
	// issued_at) for "issued_at IS NOT NULL" and sorts every remaining
	// issued row of the procuratorate for each batch, and SQLite would take
	// an IN list's ranges on ix_cases_proc_id and sort them.
	table := "cases"
	switch {
	case len(procIDs) != 1 && l.db.Dialect == "mysql":
		table = "cases FORCE INDEX (PRIMARY)"
	case len(procIDs) != 1:
		table = "cases NOT INDEXED"
	case l.db.Dialect == "mysql" && l.sc.q.AgencyID != 0:
		table = "cases FORCE INDEX (ix_cases_proc_agency)"
	case l.db.Dialect == "mysql":
		table = "cases FORCE INDEX (ix_cases_proc_id)"
	}
	q := tx.Table(table)
	switch len(procIDs) {
	case 0:
	case 1:
		q = q.Where("cases.procuratorate_id = ?", procIDs[0])
	default:
		q = q.Where("cases.procuratorate_id IN ?", procIDs)
	}
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
	return q.Select(packedExpr(ledgerFields[:])).Where("cases.issued_at IS NOT NULL AND cases.id > ?", after).
		Order("cases.id").Limit(ledgerBatch)
}

// walk reads the cases of procIDs (nil: every procuratorate) batch by
// batch into the buffers of free and sends each to full.
func (l *Ledger) walk(ctx context.Context, free chan *ledgerBatchBuf, full chan<- ledgerBatchMsg, procIDs []int64) error {
	var after int64
	for {
		var b *ledgerBatchBuf
		select {
		case b = <-free:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !readAhead() { // wait until the other buffers are written
			var written [ledgerPipeline - 1]*ledgerBatchBuf
			for i := range written {
				select {
				case written[i] = <-free:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			for _, o := range written {
				free <- o
			}
		}
		bctx, cancel := l.batchContext(ctx)
		tx := l.db.WithContext(bctx)
		err := b.scan(tx, l.batchQuery(tx, procIDs, after))
		cancel()
		if err != nil {
			return err
		}
		n := len(b.rows)
		if n > 0 {
			after = b.rows[n-1].ID
		}
		select {
		case full <- ledgerBatchMsg{b: b, done: free}:
		case <-ctx.Done():
			return ctx.Err()
		}
		if n < ledgerBatch {
			return nil
		}
	}
}

// fillFacts reads the facts of a batch read.
func (l *Ledger) fillFacts(ctx context.Context, b *ledgerBatchBuf) error {
	bctx, cancel := l.batchContext(ctx)
	defer cancel()
	return fillFacts(l.db.WithContext(bctx), b.base, b.facts, l.sc.loc, false)
}

// complete calls fn for each row of a batch whose facts are read.
func (l *Ledger) complete(b *ledgerBatchBuf, fn func(r *LedgerRow) error) error {
	for i := range b.rows {
		b.rows[i].Facts = b.facts[i]
		if err := fn(&b.rows[i]); err != nil {
			return err
		}
	}
	if l.Progress != nil {
		l.Progress()
	}
	return nil
}

// scan reads a batch (q, on tx, selecting ledgerFields packed) into b with
// database/sql's Rows (gorm's reflection cost more than the query): each
// case as one text, split into its fields — substrings of it, the names
// plain strings ("" for none), the dates pointing into b.dates. A case
// whose text holds a separator of its own (in a title, say) is read again
// field by field.
func (b *ledgerBatchBuf) scan(tx, q *gorm.DB) error {
	if b.ids == nil {
		b.rows, b.refs = make([]LedgerRow, 0, ledgerBatch), make([]ledgerRefs, 0, ledgerBatch)
		b.ids, b.times, b.dates = make([]int64, ledgerBatch), make([]time.Time, 2*ledgerBatch), make([]calendar.Date, 4*ledgerBatch)
	}
	b.rows, b.base, b.refs, b.reread = b.rows[:0], b.base[:0], b.refs[:0], b.reread[:0]
	var (
		row    string
		fields [ledgerFieldCount]string
	)
	err := database.ScanEach(q, []any{&row}, func() error {
		n := len(b.rows)
		b.rows, b.refs = b.rows[:n+1], b.refs[:n+1]
		if packed.Split(row, fields[:]) {
			return b.set(n, &fields)
		}
		id, err := strconv.ParseInt(row[:max(0, strings.IndexByte(row, packed.Sep))], 10, 64)
		if err != nil {
			return fmt.Errorf("ledger: a case read as %q: %w", row, err)
		}
		b.rows[n] = LedgerRow{CaseRow: CaseRow{ID: id}}
		b.reread = append(b.reread, id)
		return nil
	})
	if err != nil {
		return err
	}
	if err := b.readAgain(tx); err != nil {
		return err
	}
	if err := b.names.fill(tx, b.rows, b.refs); err != nil {
		return err
	}
	for i := range b.rows {
		b.base = append(b.base, b.rows[i].CaseRow)
	}
	if cap(b.facts) < len(b.rows) {
		b.facts = make([]CaseFacts, ledgerBatch)
	}
	b.facts = b.facts[:len(b.rows)]
	return nil
}

// readAgain reads the cases of b.reread field by field into their rows.
func (b *ledgerBatchBuf) readAgain(tx *gorm.DB) error {
	if len(b.reread) == 0 {
		return nil
	}
	var fields [ledgerFieldCount]string
	dest := make([]any, len(fields))
	for i := range fields {
		dest[i] = &fields[i]
	}
	return database.ScanEach(tx.Table("cases").Select(strings.Join(packedExprs(ledgerFields[:]), ", ")).Where("cases.id IN ?", b.reread), dest, func() error {
		id, err := strconv.ParseInt(fields[lfID], 10, 64)
		if err != nil {
			return err
		}
		n := sort.Search(len(b.rows), func(i int) bool { return b.rows[i].ID >= id })
		if n == len(b.rows) || b.rows[n].ID != id {
			return nil
		}
		return b.set(n, &fields)
	})
}

// set fills row n of the batch from its fields.
func (b *ledgerBatchBuf) set(n int, f *[ledgerFieldCount]string) error {
	var p packed.Parser
	r := &b.rows[n]
	*r = LedgerRow{CaseRow: CaseRow{ID: p.ID(f[lfID]), ProcuratorateID: p.ID(f[lfProcuratorate]), DepartmentID: p.ID(f[lfDepartment]),
		State: cases.CaseState(f[lfState]), Rectification: f[lfRectification]},
		CaseNumber: f[lfCaseNumber], DocumentNumber: f[lfDocumentNumber], Title: f[lfTitle], Field: f[lfField], Source: f[lfSource]}
	b.refs[n] = ledgerRefs{agency: p.ID(f[lfAgency]), prosecutor: p.ID(f[lfProsecutor]), project: p.ID(f[lfProject])}
	if b.refs[n].agency != 0 {
		b.ids[n] = b.refs[n].agency
		r.AgencyID = &b.ids[n]
	}
	var ok bool
	if b.times[2*n], ok = p.Time(f[lfIssuedAt]); ok {
		r.IssuedAt = &b.times[2*n]
	}
	if b.times[2*n+1], ok = p.Time(f[lfClosedAt]); ok {
		r.ClosedAt = &b.times[2*n+1]
	}
	for i, d := range [4]**calendar.Date{&r.DeliveredOn, &r.ReceivedOn, &r.ReplyDue, &r.FirstRepliedOn} {
		b.dates[4*n+i] = p.Date(f[lfDeliveredOn+i])
		if !b.dates[4*n+i].IsZero() {
			*d = &b.dates[4*n+i]
		}
	}
	if p.Err != nil {
		return fmt.Errorf("ledger: case %s: %w", f[lfID], p.Err)
	}
	return nil
}

// cells returns the row's values in column order, numbered n.
func (l *Ledger) cells(r *LedgerRow, n int, out []ledgerCell) {
	out[0] = ledgerCell{kind: cellNumber, num: n}
	for i := 1; i < len(ledgerColumns); i++ {
		out[i] = ledgerColumns[i].Value(r, l.sc.q.Today)
	}
}

// WriteXLSX streams the ledger as an .xlsx workbook: Chinese headers in a
// frozen first row, column widths set, dates as real date cells, and a
// second sheet explaining the columns.
//
// excelize builds the workbook — its StreamWriter the ledger sheet's
// columns, pane and header row, its API the styles and the notes sheet —
// and writes it through a zip writer of ours straight to w. The data rows
// do not go through the StreamWriter: it keeps up to 16 MB of rows in a
// buffer (32 MB once grown, about 80 MB of heap per export measured) before
// it spills them to a temporary file, and nothing reaches the client until
// the whole sheet is built. Instead, when excelize writes the ledger
// sheet's entry, the rows are written into it at the end of its sheetData,
// batch by batch, as the StreamWriter writes cells (inline strings,
// numbers, dates as serial days with a date style): memory stays at the
// zip's compressor and a batch, and the download progresses as rows are
// read.
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
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeLedgerNotes(f, headStyle, l.sc.q.Today); err != nil {
		return err
	}
	rows := func(entry io.Writer) error {
		sr := newSheetRows(entry, dateStyle)
		n := 0
		vals := make([]ledgerCell, len(ledgerColumns))
		err := l.Each(ctx, func(r *LedgerRow) error {
			n++
			l.cells(r, n, vals)
			return sr.row(n+1, vals)
		})
		if err != nil {
			return err
		}
		l.Rows = n
		return sr.flush()
	}
	zw := &ledgerZip{Writer: zip.NewWriter(w), sheet: "xl/worksheets/sheet1.xml", rows: rows}
	// The fastest deflate: a third of the default level's CPU for a file
	// about a fifth larger (the sheet's XML repeats itself).
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	if !zw.spliced || buf.Len() > 0 {
		return fmt.Errorf("ledger xlsx: the rows were not streamed into the sheet (spliced %v, %d bytes buffered)", zw.spliced, buf.Len())
	}
	return nil
}

// ledgerZip is the zip writer excelize writes the workbook with: every entry
// goes straight to the underlying writer; the ledger sheet's gets the rows
// written into it before its </sheetData>.
type ledgerZip struct {
	*zip.Writer
	sheet   string                // the ledger sheet's entry
	rows    func(io.Writer) error // writes the rows' XML
	spliced bool                  // the rows were written
}

func (z *ledgerZip) Create(name string) (io.Writer, error) {
	w, err := z.Writer.Create(name)
	if err != nil || name != z.sheet {
		return w, err
	}
	return &spliceWriter{w: w, marker: []byte("</sheetData>"), insert: func(w io.Writer) error {
		z.spliced = true
		return z.rows(w)
	}}, nil
}

// spliceWriter passes what is written on to w and calls insert just before
// the first marker.
type spliceWriter struct {
	w       io.Writer
	marker  []byte
	insert  func(io.Writer) error
	pending []byte // what may be the start of the marker
	done    bool
}

func (s *spliceWriter) Write(p []byte) (int, error) {
	if s.done {
		return s.w.Write(p)
	}
	s.pending = append(s.pending, p...)
	if i := bytes.Index(s.pending, s.marker); i >= 0 {
		s.done = true
		if _, err := s.w.Write(s.pending[:i]); err != nil {
			return 0, err
		}
		if err := s.insert(s.w); err != nil {
			return 0, err
		}
		if _, err := s.w.Write(s.pending[i:]); err != nil {
			return 0, err
		}
		s.pending = nil
		return len(p), nil
	}
	if keep := len(s.marker) - 1; len(s.pending) > keep {
		if _, err := s.w.Write(s.pending[:len(s.pending)-keep]); err != nil {
			return 0, err
		}
		s.pending = append(s.pending[:0], s.pending[len(s.pending)-keep:]...)
	}
	return len(p), nil
}

// sheetRows writes rows of sheet XML as excelize's StreamWriter writes
// them: integers as numbers, text as inline strings (whitespace at either
// end preserved, characters XML cannot hold replaced), a calendar.Date as
// its serial day with the date style; empty cells are left out.
type sheetRows struct {
	w        *bufio.Writer
	dateAttr string // the date style, as the attribute of a cell
	cols     []string
	buf      []byte
}

func newSheetRows(w io.Writer, dateStyle int) *sheetRows {
	cols := make([]string, len(ledgerColumns))
	for i := range cols {
		cols[i], _ = excelize.ColumnNumberToName(i + 1)
	}
	return &sheetRows{w: bufio.NewWriterSize(w, 64<<10), dateAttr: ` s="` + strconv.Itoa(dateStyle) + `"`, cols: cols}
}

// excelEpoch is day 0 of Excel's serial dates (for dates after 1900-02-28).
var excelEpoch = calendar.NewDate(1899, 12, 30)

func (s *sheetRows) row(r int, vals []ledgerCell) error {
	b := append(s.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, `">`...)
	cell := func(i int, attrs string) {
		b = append(b, `<c r="`...)
		b = append(b, s.cols[i]...)
		b = strconv.AppendInt(b, int64(r), 10)
		b = append(b, '"')
		b = append(b, attrs...)
		b = append(b, '>')
	}
	for i, c := range vals {
		switch c.kind {
		case cellNumber:
			cell(i, "")
			b = append(b, `<v>`...)
			b = strconv.AppendInt(b, int64(c.num), 10)
			b = append(b, `</v></c>`...)
		case cellDate:
			if c.date.IsZero() {
				continue
			}
			cell(i, s.dateAttr)
			b = append(b, `<v>`...)
			b = strconv.AppendInt(b, int64(excelEpoch.DaysUntil(c.date)), 10)
			b = append(b, `</v></c>`...)
		default:
			v := c.text
			if v == "" {
				continue
			}
			cell(i, ` t="inlineStr"`)
			b = append(b, `<is><t`...)
			if strings.ContainsAny(v[:1], "\t\n\r ") || strings.ContainsAny(v[len(v)-1:], "\t\n\r ") {
				b = append(b, ` xml:space="preserve"`...)
			}
			b = append(b, '>')
			b = appendXMLText(b, v)
			b = append(b, `</t></is></c>`...)
		}
	}
	b = append(b, `</row>`...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

func (s *sheetRows) flush() error { return s.w.Flush() }

// appendXMLText appends s escaped as XML character data; characters XML
// 1.0 cannot hold (control characters, invalid UTF-8) become U+FFFD, and
// "_x" is written "_x005F_x" so that a text like _x000D_ is not read as an
// escaped character (what excelize does).
func appendXMLText(b []byte, s string) []byte {
	for i, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '_' && strings.HasPrefix(s[i:], "_x"):
			b = append(b, "_x005F"...)
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"),
			r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
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
// opens the Chinese text correctly; dates are written YYYY-MM-DD. Each row
// is appended to one reused buffer — what encoding/csv writes, without a
// string per cell.
func (l *Ledger) WriteCSV(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	line := []byte("\uFEFF")
	for i, h := range LedgerHeaders() {
		if i > 0 {
			line = append(line, ',')
		}
		line = appendCSVField(line, h)
	}
	if _, err := bw.Write(append(line, '\n')); err != nil {
		return err
	}
	n := 0
	vals := make([]ledgerCell, len(ledgerColumns))
	err := l.Each(ctx, func(r *LedgerRow) error {
		n++
		l.cells(r, n, vals)
		line = line[:0]
		for i, c := range vals {
			if i > 0 {
				line = append(line, ',')
			}
			switch c.kind {
			case cellDate:
				line = c.date.AppendString(line)
			case cellNumber:
				line = strconv.AppendInt(line, int64(c.num), 10)
			default:
				line = appendCSVText(line, c.text)
			}
		}
		_, err := bw.Write(append(line, '\n'))
		return err
	})
	if err != nil {
		return err
	}
	l.Rows = n
	return bw.Flush()
}

// appendCSVField appends s as a field as encoding/csv's Writer writes it
// (comma-separated, lines ending in \n): quoted, its quotes doubled, when it
// holds a comma, a quote or a line break, starts with a blank or is \. .
func appendCSVField(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	if s == `\.` || csvQuoted(s) || csvLeadingSpace(s) {
		return appendCSVQuoted(append(b, '"'), s)
	}
	return append(b, s...)
}

// appendCSVText appends a text cell: csvSafe(s) as appendCSVField writes it.
func appendCSVText(b []byte, s string) []byte {
	if s == "" || !csvFormulaFirst[s[0]] {
		return appendCSVField(b, s)
	}
	// Starting with the apostrophe, the field is neither \. nor blank at the start.
	if !csvQuoted(s) {
		return append(append(b, '\''), s...)
	}
	return appendCSVQuoted(append(b, '"', '\''), s)
}

// csvQuoted reports whether s holds a byte that has encoding/csv quote a
// field: a comma, a quote, CR or LF (what strings.ContainsAny(s, ",\"\r\n")
// answers, a fifth of the CSV's CPU). All four are below '-', as no byte of
// a multi-byte UTF-8 character is: eight bytes at a time are tested for one
// below '-', and only those eight byte by byte.
func csvQuoted(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if (x-ones*'-')&^x&highs == 0 { // no byte below '-'
			continue
		}
		for _, c := range []byte(s[i : i+8]) {
			if csvQuoteByte[c] {
				return true
			}
		}
	}
	for ; i < len(s); i++ {
		if csvQuoteByte[s[i]] {
			return true
		}
	}
	return false
}

// csvLeadingSpace reports whether s starts with a character unicode.IsSpace
// reports: below U+0080 one of "\t\n\v\f\r ", else only a character whose
// UTF-8 starts with 0xC2 (U+0085, U+00A0) or 0xE1–0xE3 (U+1680, U+2000–
// U+205F, U+3000) may be one — a Chinese character starts with 0xE4–0xE9.
func csvLeadingSpace(s string) bool {
	switch c := s[0]; {
	case c < utf8.RuneSelf:
		return c == ' ' || c >= '\t' && c <= '\r'
	case c == 0xC2, c >= 0xE1 && c <= 0xE3:
		r, _ := utf8.DecodeRuneInString(s)
		return unicode.IsSpace(r)
	}
	return false
}

// The bytes csvQuoted looks for, and the first bytes of csvFormulaStarts.
var (
	csvQuoteByte    = [256]bool{',': true, '"': true, '\r': true, '\n': true}
	csvFormulaFirst = func() (t [256]bool) {
		for i := 0; i < len(csvFormulaStarts); i++ {
			t[csvFormulaStarts[i]] = true
		}
		return t
	}()
)

// appendCSVQuoted appends s with its quotes doubled and the closing quote.
func appendCSVQuoted(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(append(b, s[:i+1]...), '"')
		s = s[i+1:]
	}
	return append(append(b, s...), '"')
}

// csvFormulaStarts are the first characters that make spreadsheet programs
// read a cell as a formula (CSV injection): appendCSVText puts an apostrophe
// before a text starting with one.
const csvFormulaStarts = "=+-@\t\r"
