package cases

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/packed"
)

// findCases runs a case list's statement. Summary lists read
// CaseSummaryColumns, scanned by hand: gorm's reflection (a field lookup
// and a converter per cell) cost about as much as the read itself, as it
// did in the filings list. Whole cases are read by gorm.
func findCases(tx *gorm.DB, summary bool) ([]Case, error) {
	var out []Case
	if !summary {
		err := tx.Find(&out).Error
		return out, err
	}
	err := NewSummaryScanner().Each(tx, func(c Case) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// SummaryScanner reads rows of CaseSummaryColumns (in that order) and then
// the columns after them into the destinations it was made with. Its cells
// and its list of destinations serve every row (each row's own cost one
// allocation a cell).
type SummaryScanner struct {
	c                                                 Case
	caseNumber, documentNumber                        sql.NullString
	agencyID, deliveredAgencyID, projectID            sql.NullInt64
	issuedAt, closedAt                                sql.NullTime
	deliveredOn, receivedOn, replyDue, firstRepliedOn calendar.Date
	dest                                              []any
}

// NewSummaryScanner is a SummaryScanner reading the columns after
// CaseSummaryColumns into more.
func NewSummaryScanner(more ...any) *SummaryScanner {
	s := &SummaryScanner{}
	c := &s.c
	s.dest = append([]any{&c.ID, &c.ProcuratorateID, &s.caseNumber, &s.documentNumber, &c.Title, &c.Field, (*string)(&c.State),
		&c.Version, &s.agencyID, &s.deliveredAgencyID, &c.ProsecutorID, &s.projectID, &s.issuedAt, &s.deliveredOn, &s.receivedOn,
		&s.replyDue, &s.firstRepliedOn, &s.closedAt, &c.UpdatedAt}, more...)
	return s
}

// Each runs the statement tx builds and calls each with every row's case
// (the summary's fields set), the columns after CaseSummaryColumns read
// into the scanner's other destinations.
func (s *SummaryScanner) Each(tx *gorm.DB, each func(c Case) error) error {
	return database.ScanEach(tx, s.dest, func() error {
		r := &s.c
		c := Case{ID: r.ID, ProcuratorateID: r.ProcuratorateID, Title: r.Title, Field: r.Field, State: r.State, Version: r.Version,
			ProsecutorID: r.ProsecutorID, UpdatedAt: r.UpdatedAt}
		c.CaseNumber, c.DocumentNumber = nullable(s.caseNumber.String, s.caseNumber.Valid), nullable(s.documentNumber.String, s.documentNumber.Valid)
		c.AgencyID, c.DeliveredAgencyID = nullable(s.agencyID.Int64, s.agencyID.Valid), nullable(s.deliveredAgencyID.Int64, s.deliveredAgencyID.Valid)
		c.ProjectID = nullable(s.projectID.Int64, s.projectID.Valid)
		c.IssuedAt, c.ClosedAt = nullable(s.issuedAt.Time, s.issuedAt.Valid), nullable(s.closedAt.Time, s.closedAt.Valid)
		c.DeliveredOn, c.ReceivedOn = OptDate(s.deliveredOn), OptDate(s.receivedOn)
		c.ReplyDue, c.FirstRepliedOn = OptDate(s.replyDue), OptDate(s.firstRepliedOn)
		return each(c)
	})
}

// OptDate is d, nil when zero (a NULL date column scanned into a
// calendar.Date).
func OptDate(d calendar.Date) *calendar.Date { return nullable(d, !d.IsZero()) }

// HadFinalReplySQL holds for a case that has had a final reply (正式回复):
// the only cases whose replies can change their reply facts
// (agency.ReplyFold). Interim replies (阶段性回复) state no position and are
// never returned — only a final or supplement reply is — and a supplement
// follows a final reply, so the replies of any other case fold to nothing.
// The first final reply sets first_replied_on and nothing clears it
// (migration 0031 set it where a final reply had been stored without it).
// The case list pages read the replies of these cases only: on the overdue
// list at 10^6 a third of a page's cases have replies, nearly all interim,
// and looking them up was a quarter of the page's statement in mariadbd.
const HadFinalReplySQL = "cases.first_replied_on IS NOT NULL"

// HadFinalReply is HadFinalReplySQL of a case read.
func (c *Case) HadFinalReply() bool { return c.FirstRepliedOn != nil }

// ReplyFactRow is a reply row as the reply definitions read it
// (agency.ReplyFold).
type ReplyFactRow struct {
	CaseID      int64
	ID          int64
	Kind        string
	Position    string
	SubmittedOn calendar.Date
	DueOn       *calendar.Date
	Returned    bool
}

// pageRepliesColumn is, on SQLite, a case's reply rows as one text: each
// "id,kind,position,submitted_on,due_on,returned" (due_on "-" when NULL,
// returned 1 or 0), joined by ";" — the columns of ReplyFactRow. Read with
// the page it replaces a second statement on the replies of the page's
// cases: that statement's parse, its 50 bound ids and its reflection scan
// cost a fifth of the overdue list's CPU for a handful of rows. The
// subquery seeks ix_replies_facts (case_id, id, kind, position,
// submitted_on, due_on, returned), the index alone, and only for a case
// that HadFinalReplySQL.
const pageRepliesColumn = "CASE WHEN " + HadFinalReplySQL + " THEN (SELECT group_concat(replies.id || ',' || replies.kind || ',' || " +
	"replies.position || ',' || replies.submitted_on || ',' || COALESCE(replies.due_on, '-') || ',' || " +
	"CASE WHEN replies.returned THEN 1 ELSE 0 END, ';') FROM replies WHERE replies.case_id = cases.id) END AS reply_rows"

// casePackedColumns are CaseSummaryColumns as SQLite's newest-first summary
// pages read them: the numbers, codes, dates and times packed in one text
// (CONCAT_WS with CHAR(31), NULL as "", timestamps as their stored text),
// the four free texts apart. The pure-Go driver fetches every cell through
// several calls under a mutex and parses each timestamp itself (failing
// first in t.String()'s layout): 19 cells a row were two fifths of the
// overdue list's CPU.
var casePackedColumns = []string{"CONCAT_WS(CHAR(31), cases.id, cases.procuratorate_id, cases.state, cases.version, " +
	"COALESCE(cases.agency_id, ''), COALESCE(cases.delivered_agency_id, ''), cases.prosecutor_id, COALESCE(cases.project_id, ''), " +
	"COALESCE(CAST(cases.issued_at AS TEXT), ''), COALESCE(cases.delivered_on, ''), COALESCE(cases.received_on, ''), " +
	"COALESCE(cases.reply_due, ''), COALESCE(cases.first_replied_on, ''), COALESCE(CAST(cases.closed_at AS TEXT), ''), " +
	"CAST(cases.updated_at AS TEXT))", "cases.case_number", "cases.document_number", "cases.title", "cases.field"}

// casePackedFields is the number of fields packed in casePackedColumns[0].
const casePackedFields = 15

var casePackedWithReplies = append(slices.Clip(casePackedColumns), pageRepliesColumn)

// findPackedCases runs a statement that reads casePackedColumns and, with
// replies, pageRepliesColumn after them. A reply row it cannot read (a kind
// or position with a separator in it) leaves RepliesRead false, for the
// caller to read them by themselves.
func findPackedCases(tx *gorm.DB, replies bool, limit int) (CasePage, error) {
	page := CasePage{RepliesRead: replies, Cases: make([]Case, 0, limit)}
	cols := casePackedColumns
	if replies {
		cols = casePackedWithReplies
	}
	rows, err := tx.Select(cols).Rows()
	if err != nil {
		return page, err
	}
	defer rows.Close()
	var (
		row, caseNumber, documentNumber, packedReplies sql.NullString
		f                                              [casePackedFields]string
	)
	dest := []any{&row, &caseNumber, &documentNumber, nil, nil}
	if replies {
		dest = append(dest, &packedReplies)
	}
	for rows.Next() {
		page.Cases = append(page.Cases, Case{})
		c := &page.Cases[len(page.Cases)-1]
		dest[3], dest[4] = &c.Title, &c.Field
		if err := rows.Scan(dest...); err != nil {
			return page, err
		}
		if !packed.Split(row.String, f[:]) {
			return page, fmt.Errorf("cases: a case read as %q, not %d fields", row.String, len(f))
		}
		if err := unpackCase(c, &f); err != nil {
			return page, fmt.Errorf("cases: case %s: %w", f[0], err)
		}
		c.CaseNumber, c.DocumentNumber = nullable(caseNumber.String, caseNumber.Valid), nullable(documentNumber.String, documentNumber.Valid)
		if page.RepliesRead && packedReplies.Valid {
			n := len(page.Replies)
			if page.Replies, err = appendReplyRows(page.Replies, c.ID, packedReplies.String); err != nil {
				page.Replies, page.RepliesRead = nil, false
			} else {
				slices.SortFunc(page.Replies[n:], func(a, b ReplyFactRow) int { return cmp.Compare(a.ID, b.ID) })
			}
		}
	}
	return page, rows.Err()
}

// unpackCase sets the fields of c packed in casePackedColumns[0].
func unpackCase(c *Case, f *[casePackedFields]string) error {
	var p packed.Parser
	c.ID, c.ProcuratorateID, c.State, c.Version = p.ID(f[0]), p.ID(f[1]), CaseState(f[2]), int(p.ID(f[3]))
	c.AgencyID, c.DeliveredAgencyID, c.ProsecutorID, c.ProjectID = p.OptID(f[4]), p.OptID(f[5]), p.ID(f[6]), p.OptID(f[7])
	c.IssuedAt, c.DeliveredOn, c.ReceivedOn, c.ReplyDue = p.Instant(f[8]), p.OptDate(f[9]), p.OptDate(f[10]), p.OptDate(f[11])
	c.FirstRepliedOn, c.ClosedAt = p.OptDate(f[12]), p.Instant(f[13])
	if t := p.Instant(f[14]); t != nil {
		c.UpdatedAt = *t
	}
	return p.Err
}

// appendReplyRows appends the reply rows of a case packed as
// pageRepliesColumn packs them.
func appendReplyRows(out []ReplyFactRow, caseID int64, text string) ([]ReplyFactRow, error) {
	for row := range strings.SplitSeq(text, ";") {
		var f [6]string
		n := 0
		for v := range strings.SplitSeq(row, ",") {
			if n == len(f) {
				return out, errPackedReply
			}
			f[n] = v
			n++
		}
		if n != len(f) {
			return out, errPackedReply
		}
		r := ReplyFactRow{CaseID: caseID, Kind: f[1], Position: f[2], Returned: f[5] == "1"}
		var err error
		if r.ID, err = strconv.ParseInt(f[0], 10, 64); err != nil {
			return out, errPackedReply
		}
		if err := r.SubmittedOn.ScanText(f[3]); err != nil {
			return out, errPackedReply
		}
		if f[4] != "-" {
			var due calendar.Date
			if err := due.ScanText(f[4]); err != nil {
				return out, errPackedReply
			}
			r.DueOn = &due
		}
		out = append(out, r)
	}
	return out, nil
}

var errPackedReply = errors.New("cases: a reply row packed with a separator in a value")

// repliesOf drops the reply rows of the case read past the page's end
// (rows are in page order: it is the last case's).
func repliesOf(rows []ReplyFactRow, past int64) []ReplyFactRow {
	for len(rows) > 0 && rows[len(rows)-1].CaseID == past {
		rows = rows[:len(rows)-1]
	}
	return rows
}
