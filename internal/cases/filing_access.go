package cases

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/packed"
)

// FilingView is a 备案 as the higher procuratorate reads it: the filing and
// the non-internal facts of the recommendation.
type FilingView struct {
	Filing
	ProcuratorateName string         `json:"procuratorate_name"`
	DocumentNumber    *string        `json:"document_number"`
	Title             string         `json:"title"`
	Field             string         `json:"field"`
	AgencyID          *int64         `json:"agency_id"`
	AgencyName        string         `json:"agency_name"`
	CaseState         CaseState      `json:"case_state"`
	IssuedAt          *time.Time     `json:"issued_at"`
	DeliveredOn       *calendar.Date `json:"delivered_on"`
	ReceivedOn        *calendar.Date `json:"received_on"`
	ReplyDue          *calendar.Date `json:"reply_due"`
	UrgentDays        int            `json:"urgent_days"`
	// Content is the issued 检察建议书 (detail view only, once filed).
	Content *RecommendationContent `json:"content,omitempty"`
	// Reviews are the comments and orders on the filing (detail view only).
	Reviews []FilingReview `json:"reviews,omitempty"`
}

// FilingListQuery pages through filings newest first.
type FilingListQuery struct {
	Cursor int64
	Limit  int
}

// filingViewColumns are the columns of a FilingView in the order
// filingViews reads them: the filing, its case and the case's agency
// (joined as filingViewJoins); the filer's name is read apart.
const filingViewColumns = "filings.id, filings.case_id, filings.procuratorate_id, filings.parent_procuratorate_id, filings.due_on, " +
	"filings.status, filings.filed_at, filings.filed_on, filings.report_file_id, filings.created_at, cases.document_number, " +
	"cases.title, cases.field, cases.agency_id, agencies.name, cases.state, cases.issued_at, cases.delivered_on, " +
	"cases.received_on, cases.reply_due, cases.urgent_days"

// filingPackedColumns are filingViewColumns as SQLite reads them: the
// numbers, codes, dates and times packed in one text (as
// casePackedColumns), the four free texts apart — 5 cells a row instead of
// 21, each a few driver calls under a mutex in the pure-Go build.
const filingPackedColumns = "CONCAT_WS(CHAR(31), filings.id, filings.case_id, filings.procuratorate_id, " +
	"filings.parent_procuratorate_id, filings.due_on, filings.status, COALESCE(CAST(filings.filed_at AS TEXT), ''), " +
	"COALESCE(filings.filed_on, ''), COALESCE(filings.report_file_id, ''), CAST(filings.created_at AS TEXT), " +
	"COALESCE(cases.agency_id, ''), cases.state, COALESCE(CAST(cases.issued_at AS TEXT), ''), COALESCE(cases.delivered_on, ''), " +
	"COALESCE(cases.received_on, ''), COALESCE(cases.reply_due, ''), cases.urgent_days), cases.document_number, cases.title, " +
	"cases.field, agencies.name"

// filingPackedFields is the number of fields packed in filingPackedColumns.
const filingPackedFields = 17

// filingColumns are the columns filingViews reads on db's dialect.
func filingColumns(db *gorm.DB) string {
	if db.Dialector.Name() == "sqlite" {
		return filingPackedColumns
	}
	return filingViewColumns
}

const filingViewJoins = " JOIN cases ON cases.id = filings.case_id LEFT JOIN agencies ON agencies.id = cases.agency_id"

// filingSeekLimit is the number of procuratorates below the actor's up to
// which the filings list seeks each one's newest filings.
const filingSeekLimit = 64

// filer is a procuratorate below the actor's as the filings list reads it:
// its name, and the id of its n-th newest filing below the cursor (none
// when it has fewer).
type filer struct {
	id    int64
	name  string
	nthID sql.NullInt64
	// newest are, on SQLite, the ids of its n newest filings below the
	// cursor, comma-separated (none: NULL).
	newest sql.NullString
}

// ListFilings lists the filings a higher procuratorate's staff may read.
//
// The procuratorates below the actor's: none (a district) → nothing to read;
// a few (a city's districts) → the page is the newest of each one's newest:
// all of them have ids at or above the highest of each one's n-th newest id
// (one of them alone has n filings from there), a range read on
// ix_filings_proc_id (migration 0021) of about n rows per page whatever the
// history's size; many (a province) → most filings are in scope, and the
// walk newest first finds a page at once. Rows are scanned by hand: gorm's
// reflection cost more than the reads.
func (s *Service) ListFilings(ctx context.Context, a *org.Actor, q FilingListQuery) ([]FilingView, string, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	if !readsFilings(a) {
		return []FilingView{}, "", nil
	}
	db := s.DB.WithContext(ctx)
	n := q.Limit + 1
	var filers []filer
	var err error
	if q.Cursor == 0 && db.Dialector.Name() == "mysql" {
		v, _ := filerCaches.LoadOrStore(s.DB, &filerCache{})
		filers, err = v.(*filerCache).below(db, a, n)
	} else {
		filers, err = filersBelow(db, a, q.Cursor, n)
	}
	if err != nil {
		return nil, "", err
	}
	// The statement that reads the page tests the actor's standing too,
	// when the request did not read it first (org.StandingCheck).
	check, checkArgs := a.CheckSQL()
	var out []FilingView
	switch {
	case len(filers) == 0:
		return []FilingView{}, "", nil
	case len(filers) <= filingSeekLimit && db.Dialector.Name() == "sqlite":
		out, err = newestFilingsSQLite(db, filers, n, check, checkArgs)
	case len(filers) <= filingSeekLimit:
		out, err = newestFilings(db, filers, q.Cursor, n, check, checkArgs)
	default:
		where, args := FilingScope(a)
		if q.Cursor > 0 {
			where += " AND filings.id < ?"
			args = append(args, q.Cursor)
		}
		if check != "" {
			where += " AND " + check
			args = append(args, checkArgs...)
		}
		out, err = scopedFilings(db, where+" ORDER BY filings.id DESC LIMIT "+strconv.Itoa(n), args...)
	}
	if err != nil {
		return nil, "", err
	}
	a.CheckedRows(len(out))
	next := ""
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, nil
}

// filerCacheTTL bounds how long the procuratorates below an actor's, with
// the floor of their newest filings, serve first pages of the filings list
// on MariaDB/MySQL (filerCache).
const filerCacheTTL = 30 * time.Second

// filerCacheMax bounds the cache: past it, it starts again empty.
const filerCacheMax = 1000

// filerCache keeps, per subtree and page size, the procuratorates below
// and the id of each one's n-th newest filing that filersBelow read for a
// first page, so a first page on MariaDB/MySQL is one statement
// (newestFilings) instead of two: at 10^6 cases the read of ten
// districts' n-th newest ids was 0.33 ms of mariadbd CPU of the list's
// ~1.1 ms, with a round trip. What it keeps stays right:
//
//   - the floor (newestFilings: the highest of the n-th newest ids) stays
//     a lower bound of the page: filings are only ever added, never moved
//     or deleted, so the procuratorate that had n filings from the floor
//     up still has them; newer filings make the range read a little longer,
//     never the page wrong;
//   - procuratorates never move in the tree: the list cached holds none
//     outside the subtree. What it may lack for up to filerCacheTTL is a
//     procuratorate created by another process since (this process's own
//     changes drop the entry at once, org.TreeEpoch), and a name changed
//     there.
//
// The zero value is ready to use.
type filerCache struct {
	mu      sync.Mutex
	entries map[filerKey]filerEntry
}

type filerKey struct {
	path string
	n    int
}

type filerEntry struct {
	filers []filer // read only, shared by the requests it serves
	epoch  uint64
	read   time.Time // monotonic
}

// filerCaches holds one filerCache per database, as the public agency
// table's cache is held (disclosure.agencyStatsCaches): the case service is
// a plain value its builders copy (the demo seeder stops a copy's clock).
var filerCaches sync.Map // *database.DB → *filerCache

// below is filersBelow for a first page (no cursor), from the cache when
// its entry is recent and read under the current org.TreeEpoch.
func (fc *filerCache) below(db *gorm.DB, a *org.Actor, n int) ([]filer, error) {
	key := filerKey{a.ProcuratoratePath, n}
	fc.mu.Lock()
	e, ok := fc.entries[key]
	fc.mu.Unlock()
	epoch := org.TreeEpoch()
	if ok && e.epoch == epoch && time.Since(e.read) < filerCacheTTL {
		return e.filers, nil
	}
	read := time.Now()
	filers, err := filersBelow(db, a, 0, n)
	if err != nil {
		return nil, err
	}
	fc.mu.Lock()
	if fc.entries == nil || len(fc.entries) >= filerCacheMax {
		fc.entries = map[filerKey]filerEntry{}
	}
	fc.entries[key] = filerEntry{filers: filers, epoch: epoch, read: read}
	fc.mu.Unlock()
	return filers, nil
}

// filersBelow reads the procuratorates below the actor's, up to one more than
// filingSeekLimit, each with the id of its n-th newest filing below the
// cursor: a seek on ix_filings_proc_id of n entries each.
func filersBelow(db *gorm.DB, a *org.Actor, cursor int64, n int) ([]filer, error) {
	after, before := org.SubtreeRange(a.ProcuratoratePath) // strictly below: path > after
	below := ""
	args := []any{}
	if cursor > 0 {
		below = " AND filings.id < ?"
		args = append(args, cursor)
	}
	args = append(args, after, before)
	newest := "(SELECT filings.id FROM filings WHERE filings.procuratorate_id = procuratorates.id" + below +
		" ORDER BY filings.id DESC LIMIT 1 OFFSET " + strconv.Itoa(n-1) + ")"
	sqlite := db.Dialector.Name() == "sqlite"
	if sqlite {
		newest = "(SELECT group_concat(id) FROM (SELECT filings.id FROM filings WHERE filings.procuratorate_id = procuratorates.id" +
			below + " ORDER BY filings.id DESC LIMIT " + strconv.Itoa(n) + "))"
	}
	rows, err := db.Raw("SELECT procuratorates.id, procuratorates.name, "+newest+" FROM procuratorates "+
		"WHERE procuratorates.path > ? AND procuratorates.path < ? ORDER BY procuratorates.path LIMIT "+
		strconv.Itoa(filingSeekLimit+1), args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []filer
	for rows.Next() {
		var f filer
		last := any(&f.nthID)
		if sqlite {
			last = &f.newest
		}
		if err := rows.Scan(&f.id, &f.name, last); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// newestFilingsSQLite is newestFilings on SQLite, which has each filer's n
// newest ids (filer.newest): the page is the n highest of them, read in
// one statement driven by their list (one JSON argument read by json_each:
// no temporary table, and no statement text or argument per id).
// newestFilings' IN list, derived table and sort each opened an in-memory
// b-tree, whose pages the pure-Go build maps and unmaps — a tenth of the
// list's CPU in system calls; a VALUES list of the ids cost as much again
// in parsing.
func newestFilingsSQLite(db *gorm.DB, filers []filer, n int, check string, checkArgs []any) ([]FilingView, error) {
	names := make(map[int64]string, len(filers))
	var ids []int64
	for _, f := range filers {
		names[f.id] = f.name
		if !f.newest.Valid {
			continue
		}
		for v := range strings.SplitSeq(f.newest.String, ",") {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("cases: the newest filings of procuratorate %d read as %q", f.id, f.newest.String)
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return []FilingView{}, nil
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	list := []byte{'['}
	for i, id := range ids[:min(n, len(ids))] {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, id, 10)
	}
	out, err := filingViews(db, names, "SELECT "+filingColumns(db)+" FROM json_each(?) AS page CROSS JOIN filings ON filings.id = page.value"+
		filingViewJoins+whereClause(check), append([]any{string(append(list, ']'))}, checkArgs...)...)
	slices.SortFunc(out, func(a, b FilingView) int { return cmp.Compare(b.ID, a.ID) })
	return out, err
}

// newestFilings reads the newest n filings (below the cursor, if given) of a
// few procuratorates, newest first: those at or above the highest of each
// one's n-th newest id, at most n of each, read on ix_filings_proc_id and
// sorted; the page's n are then joined to their cases.
func newestFilings(db *gorm.DB, filers []filer, cursor int64, n int, check string, checkArgs []any) ([]FilingView, error) {
	ids := make([]int64, len(filers))
	names := make(map[int64]string, len(filers))
	var floor int64
	for i, f := range filers {
		ids[i], names[f.id] = f.id, f.name
		floor = max(floor, f.nthID.Int64)
	}
	args := []any{ids, floor}
	below := ""
	if cursor > 0 {
		below = " AND id < ?"
		args = append(args, cursor)
	}
	out, err := filingViews(db, names, "SELECT "+filingColumns(db)+" FROM (SELECT id FROM filings WHERE procuratorate_id IN ? AND id >= ?"+
		below+" ORDER BY id DESC LIMIT "+strconv.Itoa(n)+") AS page JOIN filings ON filings.id = page.id"+filingViewJoins+whereClause(check),
		append(args, checkArgs...)...)
	// Sorted here: an ORDER BY of the joined rows made SQLite sort them in
	// a sorter grown by reallocation, which the pure-Go driver maps and
	// unmaps (a third of the list's CPU).
	slices.SortFunc(out, func(a, b FilingView) int { return cmp.Compare(b.ID, a.ID) })
	return out, err
}

// whereClause is " WHERE cond", or "" when cond is.
func whereClause(cond string) string {
	if cond == "" {
		return ""
	}
	return " WHERE " + cond
}

// scopedFilings reads the filing views FilingScope admits with the further
// condition (and order) given. The walk starts from the filings (SQLite's
// CROSS JOIN and MariaDB's STRAIGHT_JOIN keep that order): started from the
// procuratorates in range, a province's list joined and sorted every filing
// (5.6 s on MariaDB at 10^5).
func scopedFilings(db *gorm.DB, where string, args ...any) ([]FilingView, error) {
	sel := "SELECT "
	if db.Dialector.Name() == "mysql" {
		sel += "STRAIGHT_JOIN "
	}
	return filingViews(db, nil, sel+filingColumns(db)+", fp.name FROM filings CROSS JOIN procuratorates fp ON fp.id = filings.procuratorate_id"+
		filingViewJoins+" WHERE "+where, args...)
}

// filingViews runs a statement reading filingColumns and, without names,
// the filer's name after them.
func filingViews(db *gorm.DB, names map[int64]string, query string, args ...any) ([]FilingView, error) {
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if db.Dialector.Name() == "sqlite" {
		return packedFilingViews(rows, names)
	}
	out := []FilingView{}
	// The cells serve every row (each row's own were a dozen allocations).
	var (
		v                                          FilingView
		filedAt, issuedAt                          sql.NullTime
		reportFileID, agencyID                     sql.NullInt64
		documentNumber, agencyName                 sql.NullString
		filedOn, deliveredOn, receivedOn, replyDue calendar.Date
	)
	dest := []any{&v.ID, &v.CaseID, &v.ProcuratorateID, &v.ParentProcuratorateID, &v.DueOn, &v.Status, &filedAt, &filedOn,
		&reportFileID, &v.CreatedAt, &documentNumber, &v.Title, &v.Field, &agencyID, &agencyName, (*string)(&v.CaseState),
		&issuedAt, &deliveredOn, &receivedOn, &replyDue, &v.UrgentDays}
	if names == nil {
		dest = append(dest, &v.ProcuratorateName)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if names != nil {
			v.ProcuratorateName = names[v.ProcuratorateID]
		}
		v.FiledAt, v.IssuedAt = nullable(filedAt.Time, filedAt.Valid), nullable(issuedAt.Time, issuedAt.Valid)
		v.ReportFileID, v.AgencyID = nullable(reportFileID.Int64, reportFileID.Valid), nullable(agencyID.Int64, agencyID.Valid)
		v.DocumentNumber, v.AgencyName = nullable(documentNumber.String, documentNumber.Valid), agencyName.String
		v.FiledOn, v.DeliveredOn = nullable(filedOn, !filedOn.IsZero()), nullable(deliveredOn, !deliveredOn.IsZero())
		v.ReceivedOn, v.ReplyDue = nullable(receivedOn, !receivedOn.IsZero()), nullable(replyDue, !replyDue.IsZero())
		out = append(out, v)
	}
	return out, rows.Err()
}

// packedFilingViews reads the rows of filingPackedColumns (and, without
// names, the filer's name after them).
func packedFilingViews(rows *sql.Rows, names map[int64]string) ([]FilingView, error) {
	out := []FilingView{}
	var (
		row                        string
		documentNumber, agencyName sql.NullString
		f                          [filingPackedFields]string
		v                          FilingView
	)
	dest := []any{&row, &documentNumber, &v.Title, &v.Field, &agencyName}
	if names == nil {
		dest = append(dest, &v.ProcuratorateName)
	}
	for rows.Next() {
		v = FilingView{}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if !packed.Split(row, f[:]) {
			return nil, fmt.Errorf("cases: a filing read as %q, not %d fields", row, len(f))
		}
		var p packed.Parser
		v.ID, v.CaseID, v.ProcuratorateID, v.ParentProcuratorateID = p.ID(f[0]), p.ID(f[1]), p.ID(f[2]), p.ID(f[3])
		if due := p.OptDate(f[4]); due != nil {
			v.DueOn = *due
		}
		v.Status, v.FiledAt, v.FiledOn, v.ReportFileID = f[5], p.Instant(f[6]), p.OptDate(f[7]), p.OptID(f[8])
		if t := p.Instant(f[9]); t != nil {
			v.CreatedAt = *t
		}
		v.AgencyID, v.CaseState, v.IssuedAt, v.DeliveredOn = p.OptID(f[10]), CaseState(f[11]), p.Instant(f[12]), p.OptDate(f[13])
		v.ReceivedOn, v.ReplyDue, v.UrgentDays = p.OptDate(f[14]), p.OptDate(f[15]), int(p.ID(f[16]))
		if p.Err != nil {
			return nil, fmt.Errorf("cases: filing %s: %w", f[0], p.Err)
		}
		if names != nil {
			v.ProcuratorateName = names[v.ProcuratorateID]
		}
		v.DocumentNumber, v.AgencyName = nullable(documentNumber.String, documentNumber.Valid), agencyName.String
		out = append(out, v)
	}
	return out, rows.Err()
}

// Nullable is &v, nil when not valid (a NULL column scanned by hand).
func Nullable[T any](v T, valid bool) *T { return nullable(v, valid) }

// nullable is a pointer to v when valid, nil otherwise.
func nullable[T any](v T, valid bool) *T {
	if !valid {
		return nil
	}
	return &v
}

// GetFiling returns one filing with the issued letter's content; filings the
// actor may not read are "not found" so their existence does not leak.
func (s *Service) GetFiling(ctx context.Context, a *org.Actor, id int64) (*FilingView, error) {
	where, args := FilingScope(a)
	rows, err := scopedFilings(s.DB.WithContext(ctx), where+" AND filings.id = ?", append(args, id)...)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.NotFound("备案")
	}
	v := rows[0]
	if v.Reviews, err = filingReviews(s.DB.WithContext(ctx), v.ID); err != nil {
		return nil, err
	}
	if v.Status != FilingFiled {
		// The letter reaches the higher procuratorate with the filing, not
		// before: a pending filing shows only that it is due.
		return &v, nil
	}
	var d RecommendationDraft
	err = s.DB.WithContext(ctx).Where("case_id = ? AND status = ?", v.CaseID, DraftIssued).Order("version_no DESC").Limit(1).Take(&d).Error
	switch {
	case err == nil:
		rc, err := ParseRecommendationContent(d.Content)
		if err != nil {
			return nil, err
		}
		v.Content = &rc
	case !database.IsNotFound(err):
		return nil, err
	}
	return &v, nil
}
