package cases

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

// CaseInput registers a lead (线索).
type CaseInput struct {
	Title               string `json:"title" validate:"required,max=200"`
	Field               string `json:"field" validate:"required,max=50"`
	Source              string `json:"source" validate:"required,oneof=case_finding citizen_application deputy_referral higher_assigned data_model other"`
	OriginCaseNumber    string `json:"origin_case_number" validate:"max=64"`
	Summary             string `json:"summary" validate:"required,max=20000"`
	AgencyID            *int64 `json:"agency_id" validate:"omitempty,gt=0"`
	ProsecutorID        *int64 `json:"prosecutor_id" validate:"omitempty,gt=0"`
	InvolvesStateSecret bool   `json:"involves_state_secret"`
	InvolvesTradeSecret bool   `json:"involves_trade_secret"`
	InvolvesPrivacy     bool   `json:"involves_privacy"`
	InvolvesMinors      bool   `json:"involves_minors"`
}

// CreateCase registers a lead in the actor's procuratorate and department.
func (s *Service) CreateCase(ctx context.Context, a *org.Actor, in CaseInput) (*Case, error) {
	if !a.HasRole(org.RoleProsecutor, org.RoleDeptHead) {
		return nil, apperr.Forbidden("只有承办检察官或部门负责人可以登记线索")
	}
	if a.DepartmentID == 0 {
		return nil, apperr.Forbidden("登记线索的用户须属于某一部门")
	}
	var out *Case
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		fields := map[string]string{}
		if !FieldActive(tx, in.Field) {
			fields["field"] = "领域不在可选列表中（可选领域见 GET /api/v1/fields）"
		}
		if in.AgencyID != nil {
			if _, err := org.AgencyByID(tx, *in.AgencyID); err != nil {
				fields["agency_id"] = "被建议单位不存在"
			}
		}
		prosecutorID := a.UserID
		if in.ProsecutorID != nil {
			u, err := org.UserByID(tx, *in.ProsecutorID)
			if err != nil || u.Role != org.RoleProsecutor || u.Disabled || u.DepartmentID == nil || *u.DepartmentID != a.DepartmentID {
				fields["prosecutor_id"] = "承办检察官须为本部门在岗检察官"
			} else {
				prosecutorID = u.ID
			}
		} else if a.Role != org.RoleProsecutor {
			fields["prosecutor_id"] = "请指定承办检察官"
		}
		if strings.TrimSpace(in.Title) == "" {
			fields["title"] = "标题不能为空"
		}
		if len(fields) > 0 {
			return apperr.Invalid("线索信息有误，请按字段提示修改", fields)
		}
		now := s.Now()
		c := &Case{
			ProcuratorateID: a.ProcuratorateID, DepartmentID: a.DepartmentID, Title: strings.TrimSpace(in.Title),
			Field: in.Field, Source: in.Source, OriginCaseNumber: in.OriginCaseNumber, Summary: in.Summary,
			AgencyID: in.AgencyID, ProsecutorID: prosecutorID, State: StateLead, Version: 1,
			InvolvesStateSecret: in.InvolvesStateSecret, InvolvesTradeSecret: in.InvolvesTradeSecret,
			InvolvesPrivacy: in.InvolvesPrivacy, InvolvesMinors: in.InvolvesMinors,
			StateEnteredAt: now, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now,
		}
		if _, err := RegisterLead(tx, a, c, "登记线索", nil); err != nil {
			return err
		}
		out = c
		return audit.Record(tx, a, "case.register", "case", c.ID, map[string]any{"title": c.Title, "source": c.Source, "field": c.Field})
	})
	return out, err
}

// CaseListQuery filters a case list.
type CaseListQuery struct {
	State        string
	Field        string
	AgencyID     int64
	ProsecutorID int64
	Q            string
	DueFrom      *calendar.Date
	DueTo        *calendar.Date
	Overdue      bool
	Cursor       int64 // list ids below this (newest first)
	// Sort "due" lists by reply deadline, the nearest first (cases without
	// one after them, newest first), paged by DueCursor.
	Sort      string
	DueCursor string // "YYYY-MM-DD.id" or "-.id" (no deadline), from the previous page
	Limit     int
	// Summary reads only CaseSummaryColumns (the API's list items); the
	// other fields of the cases returned are left zero.
	Summary bool
	// Replies asks a summary list for its cases' reply rows with the page
	// (CasePage.RepliesRead says whether they came): SQLite reads them in
	// the page's statement on newest-first pages, one statement per page
	// instead of two.
	Replies bool
}

// CaseSummaryColumns are the columns a case list item is made of: what a
// list shows and picks a case by, what its reply classes and days left are
// computed from (agency.CaseReplyFacts), and what decides whether an agency
// sees the letter's number (AgencySeesLetter). On SQLite every column of
// every row read costs (the driver fetches each cell through its own
// calls): half the columns, nearly half the time of a page.
var CaseSummaryColumns = []string{"cases.id", "cases.procuratorate_id", "cases.case_number", "cases.document_number",
	"cases.title", "cases.field", "cases.state", "cases.version", "cases.agency_id", "cases.delivered_agency_id",
	"cases.prosecutor_id", "cases.project_id", "cases.issued_at", "cases.delivered_on", "cases.received_on",
	"cases.reply_due", "cases.first_replied_on", "cases.closed_at", "cases.updated_at"}

// CaseSortDue orders a case list by reply deadline.
const CaseSortDue = "due"

// ParseDueCursor reads a due-sort cursor; ok is false when it is malformed.
func ParseDueCursor(s string) (due *calendar.Date, id int64, ok bool) {
	d, rest, found := strings.Cut(s, ".")
	if !found {
		return nil, 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n <= 0 {
		return nil, 0, false
	}
	if d == "-" {
		return nil, n, true
	}
	day, err := calendar.ParseDate(d)
	if err != nil {
		return nil, 0, false
	}
	return &day, n, true
}

func dueCursorOf(c *Case) string {
	if c.ReplyDue == nil {
		return "-." + strconv.FormatInt(c.ID, 10)
	}
	return c.ReplyDue.String() + "." + strconv.FormatInt(c.ID, 10)
}

// ListCases lists the cases the actor may read, newest first, with a keyset
// cursor on id so pages stay fast and stable while cases are added.
func (s *Service) ListCases(ctx context.Context, a *org.Actor, q CaseListQuery) ([]Case, string, error) {
	p, err := s.ListCasePage(ctx, a, q)
	return p.Cases, p.Next, err
}

// CasePage is a page of a case list.
type CasePage struct {
	Cases []Case
	Next  string // the next page's cursor, "" on the last page
	// Replies are the reply rows of the page's cases when RepliesRead (see
	// CaseListQuery.Replies), in case and id order.
	Replies     []ReplyFactRow
	RepliesRead bool
}

// ListCasePage is ListCases with the page's reply rows when asked for and
// read with the page.
func (s *Service) ListCasePage(ctx context.Context, a *org.Actor, q CaseListQuery) (CasePage, error) {
	q = q.normalised()
	tx, ranked := s.filteredCases(ctx, a, q)
	page, err := s.listFiltered(ctx, a, q, tx, ranked)
	if err == nil {
		a.CheckedRows(len(page.Cases)) // every statement of the page has CaseScope
	}
	return page, err
}

// normalised is the query with its limit in range and its text trimmed.
func (q CaseListQuery) normalised() CaseListQuery {
	q.Q = strings.TrimSpace(q.Q)
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	return q
}

// filteredCases is the actor's cases with the query's filters; ranked when
// a text search orders them.
func (s *Service) filteredCases(ctx context.Context, a *org.Actor, q CaseListQuery) (tx *gorm.DB, ranked bool) {
	tx = s.DB.WithContext(ctx).Model(&Case{}).Scopes(CaseScope(a))
	if q.Summary {
		tx = tx.Select(CaseSummaryColumns)
	}
	if q.State != "" {
		tx = tx.Where("cases.state = ?", q.State)
	}
	if q.Field != "" {
		tx = tx.Where("cases.field = ?", q.Field)
	}
	if q.AgencyID != 0 {
		tx = tx.Where("cases.agency_id = ?", q.AgencyID)
	}
	if q.ProsecutorID != 0 {
		tx = tx.Where("cases.prosecutor_id = ?", q.ProsecutorID)
	}
	if q.Q != "" {
		// The full-text index (search_index.go) finds every run of two
		// characters or more and ranks the cases; a query with a single
		// character between spaces is searched by LIKE, newest first.
		if sq := search.ParseQuery(q.Q); sq.Usable() {
			tx = search.Cases.Match(tx, "cases", sq)
			if p, ok := scopeProcuratorate(a); ok {
				// The scope tested on the index row before the case is read.
				tx = search.Cases.Within(tx, p)
			}
			ranked = true
			if s.DB.Dialect == "mysql" {
				// MySQL reads the matches on the full-text index and each
				// case by its primary key; named, the key is the only one
				// the optimizer weighs for cases (it estimated the 11 others
				// the scope's column starts, 0.18 of 0.27 ms in mariadbd).
				tx = tx.Table("cases FORCE INDEX (PRIMARY)")
			}
		} else {
			p := database.LikePattern(q.Q)
			tx = tx.Where("(cases.title LIKE ? ESCAPE '!' OR cases.summary LIKE ? ESCAPE '!')", p, p)
		}
	}
	if q.DueFrom != nil {
		tx = tx.Where("cases.reply_due >= ?", q.DueFrom.String())
	}
	if q.DueTo != nil {
		tx = tx.Where("cases.reply_due <= ?", q.DueTo.String())
	}
	if q.Overdue {
		tx = tx.Where("cases.state = ? AND cases.reply_due < ?", StateDelivered, s.Today().String())
	}
	return tx, ranked
}

// listFiltered reads a page of the filtered cases: ranked by the text
// search, by reply deadline or newest first.
func (s *Service) listFiltered(ctx context.Context, a *org.Actor, q CaseListQuery, tx *gorm.DB, ranked bool) (CasePage, error) {
	if ranked {
		// Ranked results page by position: the cursor is the number of
		// results already shown (opaque to clients, as every cursor).
		out, err := findCases(tx.Order("cases.id DESC").Offset(int(q.Cursor)).Limit(q.Limit+1), q.Summary)
		if err != nil {
			return CasePage{}, err
		}
		next := ""
		if len(out) > q.Limit {
			out = out[:q.Limit]
			next = strconv.FormatInt(q.Cursor+int64(q.Limit), 10)
		}
		return CasePage{Cases: out, Next: next}, nil
	}
	if q.Sort == CaseSortDue {
		out, next, err := listByDue(tx, q)
		return CasePage{Cases: out, Next: next}, err
	}
	if s.DB.Dialect == "mysql" {
		// MySQL finds the page's ids first, on the index alone where the
		// filters' columns are in it, and reads only the page's rows (by
		// primary key). Walking an index in id order for a LIMIT it tests
		// no filter on the index: the overdue list of a busy procuratorate
		// read the whole row of every delivered case until 51 were overdue
		// (90 at 10^5, 547 at 10^6). SQLite tests them on the index already;
		// the derived table would cost it a sort of the page (its sorter's
		// allocations are system calls in the pure-Go build). The page's
		// rows are put in order here (sortNewestFirst), not by an ORDER BY,
		// which made MySQL copy the joined rows into a temporary table and
		// sort it (MySQLPageJoin).
		cols := []string{"cases.*"}
		if q.Summary {
			cols = CaseSummaryColumns
		}
		tx = s.DB.WithContext(ctx).Table("(?) AS page", mysqlPage(tx, a, q)).Joins(MySQLPageJoin).Select(cols)
	} else {
		tx = newestFirst(tx, q)
	}
	var (
		page CasePage
		err  error
	)
	if q.Summary && s.DB.Dialect == "sqlite" {
		page, err = findPackedCases(tx, q.Replies, q.Limit+1)
	} else {
		page.Cases, err = findCases(tx, q.Summary)
	}
	if err != nil {
		return CasePage{}, err
	}
	if s.DB.Dialect == "mysql" {
		sortNewestFirst(page.Cases)
	}
	if out := page.Cases; len(out) > q.Limit {
		page.Cases = out[:q.Limit]
		page.Next = strconv.FormatInt(out[q.Limit-1].ID, 10)
		page.Replies = repliesOf(page.Replies, out[q.Limit].ID)
	}
	return page, nil
}

// MySQLPageJoin joins a MySQL page's ids (mysqlPage, "page") to their
// cases by primary key, named: the optimizer otherwise weighed the join
// anew for each statement. The statement has no ORDER BY: its caller puts
// the few rows in order — sorting them in MySQL copied the joined rows into
// a temporary table first (together 0.1 of 0.44 ms of mariadbd's CPU for
// the overdue list at 10^5).
const MySQLPageJoin = "JOIN cases FORCE INDEX (PRIMARY) ON cases.id = page.id"

// sortNewestFirst puts cases in the lists' order, newest (highest id) first.
func sortNewestFirst(list []Case) {
	slices.SortFunc(list, func(a, b Case) int { return cmp.Compare(b.ID, a.ID) })
}

// newestFirst pages the filtered cases newest first, one more than the
// limit (to tell whether a next page exists).
func newestFirst(tx *gorm.DB, q CaseListQuery) *gorm.DB {
	if q.Cursor > 0 {
		tx = tx.Where("cases.id < ?", q.Cursor)
	}
	return tx.Order("cases.id DESC").Limit(q.Limit + 1)
}

// mysqlPage is the ids of a newest-first page of the filtered cases on
// MySQL, on the index mysqlCaseListIndex names.
func mysqlPage(tx *gorm.DB, a *org.Actor, q CaseListQuery) *gorm.DB {
	page := newestFirst(tx, q).Select("cases.id")
	if ix := mysqlCaseListIndex(a, q); ix != "" {
		page = page.Table("cases FORCE INDEX (" + ix + ")")
	}
	return page
}

// NewestPageIDs is, on MySQL, the statement of a newest-first case list
// page's ids (the next page's first among them), which ListCases joins to
// the cases' rows, for a caller that reads more of each case of the page in
// the same statement; ok is false where ListCases reads the list otherwise
// (SQLite, text search, the due sort). q.Summary is ignored.
func (s *Service) NewestPageIDs(ctx context.Context, a *org.Actor, q CaseListQuery) (page *gorm.DB, limit int, ok bool) {
	q = q.normalised()
	if s.DB.Dialect != "mysql" || q.Sort == CaseSortDue {
		return nil, 0, false
	}
	q.Summary = false
	tx, ranked := s.filteredCases(ctx, a, q)
	if ranked {
		return nil, 0, false
	}
	return mysqlPage(tx, a, q), q.Limit, true
}

// mysqlCaseListIndex names the index a staff member's newest-first case
// list is read on in MySQL when the filters leave one index that serves
// them best: each of these has the procuratorate and the filter's column
// first and id after them, so the page is a walk of its entries in id order
// that stops at the page's end (the overdue list tests reply_due on
// ix_cases_proc_state_id too). Named, the optimizer weighs it alone: it
// otherwise estimated every one of the cases table's 14 indexes with dives
// into the index, as long as the read itself (docs/scale.md §21), and chose
// ix_cases_proc_state_due for the overdue list, which reads every overdue
// case of the procuratorate and sorts them. "" leaves the choice to the
// optimizer (other combinations, text search, agencies' lists).
func mysqlCaseListIndex(a *org.Actor, q CaseListQuery) string {
	if a == nil || !a.Role.IsStaff() || a.Role == org.RoleAdmin || q.Q != "" {
		return ""
	}
	state := q.State != "" || q.Overdue
	due := q.DueFrom != nil || q.DueTo != nil
	switch {
	case q.Field == "" && q.AgencyID == 0 && q.ProsecutorID == 0:
		if state {
			return "ix_cases_proc_state_id" // (procuratorate_id, state, id, reply_due)
		}
		if !due {
			return "ix_cases_proc_id"
		}
	case state || due:
	case q.AgencyID == 0 && q.ProsecutorID == 0:
		return "ix_cases_proc_field"
	case q.Field == "" && q.ProsecutorID == 0:
		return "ix_cases_proc_agency"
	case q.Field == "" && q.AgencyID == 0:
		return "ix_cases_proc_prosecutor"
	}
	return ""
}

// listByDue pages the filtered list by (reply_due, id), the cases without a
// reply deadline last, newest first.
func listByDue(tx *gorm.DB, q CaseListQuery) ([]Case, string, error) {
	if q.DueCursor != "" {
		due, id, ok := ParseDueCursor(q.DueCursor)
		if !ok {
			return nil, "", apperr.InvalidField("cursor", "分页游标格式不正确")
		}
		if due == nil {
			tx = tx.Where("cases.reply_due IS NULL AND cases.id < ?", id)
		} else {
			tx = tx.Where("(cases.reply_due IS NULL OR cases.reply_due > ? OR (cases.reply_due = ? AND cases.id > ?))", due.String(), due.String(), id)
		}
	}
	out, err := findCases(tx.Order("CASE WHEN cases.reply_due IS NULL THEN 1 ELSE 0 END, cases.reply_due, "+
		"CASE WHEN cases.reply_due IS NULL THEN -cases.id ELSE cases.id END").Limit(q.Limit+1), q.Summary)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = dueCursorOf(&out[len(out)-1])
	}
	return out, next, nil
}
