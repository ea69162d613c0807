package cases

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
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

type filingRow struct {
	Filing
	ProcuratorateName string
	DocumentNumber    *string
	Title             string
	Field             string
	AgencyID          *int64
	AgencyName        *string
	CaseState         CaseState
	IssuedAt          *time.Time
	DeliveredOn       *calendar.Date
	ReceivedOn        *calendar.Date
	ReplyDue          *calendar.Date
	UrgentDays        int
}

const filingColumns = "filings.*, fp.name AS procuratorate_name, cases.document_number, cases.title, cases.field, cases.agency_id, " +
	"agencies.name AS agency_name, cases.state AS case_state, cases.issued_at, cases.delivered_on, cases.received_on, cases.reply_due, cases.urgent_days"

func (r filingRow) view() FilingView {
	v := FilingView{Filing: r.Filing, ProcuratorateName: r.ProcuratorateName, DocumentNumber: r.DocumentNumber, Title: r.Title,
		Field: r.Field, AgencyID: r.AgencyID, CaseState: r.CaseState, IssuedAt: r.IssuedAt, DeliveredOn: r.DeliveredOn,
		ReceivedOn: r.ReceivedOn, ReplyDue: r.ReplyDue, UrgentDays: r.UrgentDays}
	if r.AgencyName != nil {
		v.AgencyName = *r.AgencyName
	}
	return v
}

// filingSeekLimit is the number of procuratorates below the actor's up to
// which the filings list seeks each one's newest filings.
const filingSeekLimit = 64

// ListFilings lists the filings a higher procuratorate's staff may read.
func (s *Service) ListFilings(ctx context.Context, a *org.Actor, q FilingListQuery) ([]FilingView, string, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	db := s.DB.WithContext(ctx)
	tx := db.Table("filings").Select(filingColumns).
		Joins("JOIN cases ON cases.id = filings.case_id").Joins("LEFT JOIN agencies ON agencies.id = cases.agency_id")
	if q.Cursor > 0 {
		tx = tx.Where("filings.id < ?", q.Cursor)
	}
	// The procuratorates below the actor's: none (a district) → nothing to
	// read; a few (a city's districts) → the page is the newest of each
	// one's newest, each found on ix_filings_proc_id (migration 0021);
	// many (a province) → most filings are in scope, and the walk newest
	// first finds a page at once.
	var below []int64
	if readsFilings(a) {
		if err := db.Model(&org.Procuratorate{}).Where("path LIKE ? AND path <> ?", a.ProcuratoratePath+"%", a.ProcuratoratePath).
			Order("id").Limit(filingSeekLimit+1).Pluck("id", &below).Error; err != nil {
			return nil, "", err
		}
	}
	if len(below) == 0 {
		return []FilingView{}, "", nil
	}
	if len(below) <= filingSeekLimit {
		ids, err := newestFilings(db, below, q.Cursor, q.Limit+1)
		if err != nil {
			return nil, "", err
		}
		if len(ids) == 0 {
			return []FilingView{}, "", nil
		}
		// below is every procuratorate FilingScope admits (fewer than the
		// limit were found): the same scope without its path LIKE, which
		// makes SQLite prepare the statement twice (a bound LIKE pattern
		// may change the plan).
		tx = tx.Joins("JOIN procuratorates fp ON fp.id = filings.procuratorate_id").
			Where("filings.procuratorate_id IN ? AND filings.id IN ?", below, ids)
	} else {
		tx = tx.Scopes(FilingScope(a))
	}
	var rows []filingRow
	if err := tx.Order("filings.id DESC").Limit(q.Limit + 1).Scan(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	out := make([]FilingView, len(rows))
	for i, r := range rows {
		out[i] = r.view()
	}
	return out, next, nil
}

// newestFilings returns the ids of the newest n filings (below cursor, if
// given) of the procuratorates named, newest first: each procuratorate's n
// newest read on ix_filings_proc_id (migration 0021), merged here. They are
// read in one statement, a UNION ALL of one derived table per procuratorate
// (each a seek on the index in its order: no sort); a statement per
// procuratorate cost more than the reads, since SQLite parses each anew.
// A union ordered as a whole costs more still: SQLite then sorts each
// branch in a temporary b-tree of its own.
func newestFilings(db *gorm.DB, procuratorates []int64, cursor int64, n int) ([]int64, error) {
	var sql strings.Builder
	args := make([]any, 0, 2*len(procuratorates))
	for i, p := range procuratorates {
		if i > 0 {
			sql.WriteString(" UNION ALL ")
		}
		sql.WriteString("SELECT id FROM (SELECT id FROM filings WHERE procuratorate_id = ?")
		args = append(args, p)
		if cursor > 0 {
			sql.WriteString(" AND id < ?")
			args = append(args, cursor)
		}
		fmt.Fprintf(&sql, " ORDER BY id DESC LIMIT %d) AS f%d", n, i)
	}
	// Up to n ids of each procuratorate: scanned by hand, as gorm's Scan
	// costs more per row than the read.
	rows, err := db.Raw(sql.String(), args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		all = append(all, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b int64) int { return cmp.Compare(b, a) })
	return all[:min(len(all), n)], nil
}

// GetFiling returns one filing with the issued letter's content; filings the
// actor may not read are "not found" so their existence does not leak.
func (s *Service) GetFiling(ctx context.Context, a *org.Actor, id int64) (*FilingView, error) {
	var rows []filingRow
	err := s.DB.WithContext(ctx).Table("filings").Scopes(FilingScope(a)).Select(filingColumns).
		Joins("JOIN cases ON cases.id = filings.case_id").Joins("LEFT JOIN agencies ON agencies.id = cases.agency_id").
		Where("filings.id = ?", id).Limit(1).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.NotFound("备案")
	}
	v := rows[0].view()
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
