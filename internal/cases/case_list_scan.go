package cases

import (
	"cmp"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
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
	rows, err := tx.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Case
		if err := scanCaseSummary(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanCaseSummary reads a row of CaseSummaryColumns (in that order) into c.
func scanCaseSummary(rows *sql.Rows, c *Case, more ...any) error {
	var (
		caseNumber, documentNumber                        sql.NullString
		agencyID, deliveredAgencyID, projectID            sql.NullInt64
		issuedAt, closedAt                                sql.NullTime
		deliveredOn, receivedOn, replyDue, firstRepliedOn calendar.Date
	)
	dest := append([]any{&c.ID, &c.ProcuratorateID, &caseNumber, &documentNumber, &c.Title, &c.Field, (*string)(&c.State), &c.Version,
		&agencyID, &deliveredAgencyID, &c.ProsecutorID, &projectID, &issuedAt, &deliveredOn, &receivedOn, &replyDue, &firstRepliedOn,
		&closedAt, &c.UpdatedAt}, more...)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	c.CaseNumber, c.DocumentNumber = nullable(caseNumber.String, caseNumber.Valid), nullable(documentNumber.String, documentNumber.Valid)
	c.AgencyID, c.DeliveredAgencyID = nullable(agencyID.Int64, agencyID.Valid), nullable(deliveredAgencyID.Int64, deliveredAgencyID.Valid)
	c.ProjectID = nullable(projectID.Int64, projectID.Valid)
	c.IssuedAt, c.ClosedAt = nullable(issuedAt.Time, issuedAt.Valid), nullable(closedAt.Time, closedAt.Valid)
	c.DeliveredOn, c.ReceivedOn = nullable(deliveredOn, !deliveredOn.IsZero()), nullable(receivedOn, !receivedOn.IsZero())
	c.ReplyDue, c.FirstRepliedOn = nullable(replyDue, !replyDue.IsZero()), nullable(firstRepliedOn, !firstRepliedOn.IsZero())
	return nil
}

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
// submitted_on, due_on, returned), the index alone.
const pageRepliesColumn = "(SELECT group_concat(replies.id || ',' || replies.kind || ',' || replies.position || ',' || " +
	"replies.submitted_on || ',' || COALESCE(replies.due_on, '-') || ',' || CASE WHEN replies.returned THEN 1 ELSE 0 END, ';') " +
	"FROM replies WHERE replies.case_id = cases.id) AS reply_rows"

var caseSummaryWithReplies = append(slices.Clip(CaseSummaryColumns), pageRepliesColumn)

// findCasesWithReplies runs a summary list's statement that reads
// pageRepliesColumn after CaseSummaryColumns. A reply row it cannot read
// (a kind or position with a separator in it) leaves RepliesRead false,
// for the caller to read them by themselves.
func findCasesWithReplies(tx *gorm.DB) (CasePage, error) {
	page := CasePage{RepliesRead: true}
	rows, err := tx.Rows()
	if err != nil {
		return page, err
	}
	defer rows.Close()
	var packed sql.NullString
	for rows.Next() {
		var c Case
		if err := scanCaseSummary(rows, &c, &packed); err != nil {
			return page, err
		}
		page.Cases = append(page.Cases, c)
		if page.RepliesRead && packed.Valid {
			n := len(page.Replies)
			if page.Replies, err = appendReplyRows(page.Replies, c.ID, packed.String); err != nil {
				page.Replies, page.RepliesRead = nil, false
			} else {
				slices.SortFunc(page.Replies[n:], func(a, b ReplyFactRow) int { return cmp.Compare(a.ID, b.ID) })
			}
		}
	}
	return page, rows.Err()
}

// appendReplyRows appends the reply rows of a case packed as
// pageRepliesColumn packs them.
func appendReplyRows(out []ReplyFactRow, caseID int64, packed string) ([]ReplyFactRow, error) {
	for row := range strings.SplitSeq(packed, ";") {
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
