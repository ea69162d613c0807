package agency

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// A case's reply classes, derived from stored facts only (nobody types
// them in) by the definitions of cases.ReplyFacts — the ones the statistics
// count with — so the case page, the agency inbox and the figures agree.

// ReplyFactRow is a reply row as the reply definitions read it (defined
// in cases, whose case list can read them with its page).
type ReplyFactRow = cases.ReplyFactRow

// ReplyFactColumns select a ReplyFactRow from the replies table.
const ReplyFactColumns = "replies.case_id, replies.id, replies.kind, replies.position, replies.submitted_on, replies.due_on, replies.returned"

// ReplyFold is what a case's replies contribute to its facts. Add them in id
// order. Only a case that had a final reply gains anything
// (cases.HadFinalReplySQL): interim replies are never returned and state no
// position.
type ReplyFold struct {
	// Returned: a reply was returned as perfunctory (粗回复).
	Returned bool
	// Position is the position of the last final or supplement reply not
	// returned; interim replies (阶段性回复) state none that counts.
	Position string
	// FirstFinalOn is the day of the first final reply (正式回复), DueAtFirst
	// the reply deadline in force when it was submitted.
	FirstFinalOn calendar.Date
	DueAtFirst   *calendar.Date
}

// Add folds in one reply.
func (o *ReplyFold) Add(r ReplyFactRow) {
	if r.Returned {
		o.Returned = true
	}
	if r.Kind == ReplyKindInterim {
		return
	}
	if !r.Returned {
		o.Position = r.Position
	}
	if r.Kind == ReplyKindFinal && (o.FirstFinalOn.IsZero() || r.SubmittedOn.Before(o.FirstFinalOn)) {
		o.FirstFinalOn, o.DueAtFirst = r.SubmittedOn, r.DueOn
	}
}

// Apply completes a case's reply facts with its replies: whether one was
// returned, the first final reply and the deadline in force then — the
// reply due date; a supplement deadline set later is not.
func (o *ReplyFold) Apply(f *cases.ReplyFacts) {
	f.Returned = o.Returned
	if o.DueAtFirst != nil {
		f.ReplyDue = *o.DueAtFirst
	}
	if f.RepliedOn.IsZero() {
		f.RepliedOn = o.FirstFinalOn
	}
}

// CaseReplyFacts are the reply facts the case row holds, before its replies
// are folded in; loc is the zone legal dates are counted in.
func CaseReplyFacts(c *cases.Case, loc *time.Location) cases.ReplyFacts {
	f := cases.ReplyFacts{State: c.State, ReceivedOn: dateOr(c.ReceivedOn), ReplyDue: dateOr(c.ReplyDue), RepliedOn: dateOr(c.FirstRepliedOn)}
	if c.ClosedAt != nil && c.State.IsFinal() {
		f.EndedOn = calendar.DateOf(*c.ClosedAt, loc)
	}
	return f
}

func dateOr(d *calendar.Date) calendar.Date {
	if d == nil {
		return calendar.Date{}
	}
	return *d
}

// LoadReplyFacts reads the reply facts of cases, with one query on the
// replies of those that had a final reply (cases.HadFinalReply), none if
// no case had.
func LoadReplyFacts(tx *gorm.DB, list []cases.Case, loc *time.Location) (map[int64]cases.ReplyFacts, error) {
	out := make(map[int64]cases.ReplyFacts, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(list))
	for i := range list {
		if list[i].HadFinalReply() {
			ids = append(ids, list[i].ID)
		}
	}
	if len(ids) == 0 {
		return foldReplyFacts(list, nil, loc), nil
	}
	// MySQL estimates an IN list by a dive into every index that could
	// serve it, for every value: naming the covering index halves the
	// planning of a page's 50 ids (0.2 → 0.1 ms, more than the read itself).
	table := "replies"
	if tx.Dialector.Name() == "mysql" {
		table = "replies FORCE INDEX (ix_replies_facts)"
	}
	replies, err := findReplyFactRows(tx.Table(table).Select(ReplyFactColumns).Where("replies.case_id IN ?", ids).Order("replies.case_id, replies.id"))
	if err != nil {
		return nil, err
	}
	return foldReplyFacts(list, replies, loc), nil
}

// findReplyFactRows runs a statement reading ReplyFactColumns, scanned by
// hand (no reflection per cell).
func findReplyFactRows(tx *gorm.DB) ([]ReplyFactRow, error) {
	var (
		out   []ReplyFactRow
		r     ReplyFactRow
		dueOn calendar.Date
	)
	err := database.ScanEach(tx, []any{&r.CaseID, &r.ID, &r.Kind, &r.Position, &r.SubmittedOn, &dueOn, &r.Returned}, func() error {
		r.DueOn = cases.OptDate(dueOn)
		out = append(out, r)
		return nil
	})
	return out, err
}

// foldReplyFacts are the reply facts of cases with their reply rows (each
// case's in id order).
func foldReplyFacts(list []cases.Case, rows []ReplyFactRow, loc *time.Location) map[int64]cases.ReplyFacts {
	out := make(map[int64]cases.ReplyFacts, len(list))
	folds := make(map[int64]*ReplyFold, len(list))
	for _, r := range rows {
		foldReply(folds, r)
	}
	for i := range list {
		out[list[i].ID] = foldedFacts(&list[i], folds, loc)
	}
	return out
}

// foldReply adds a reply to its case's fold.
func foldReply(folds map[int64]*ReplyFold, r ReplyFactRow) {
	if folds[r.CaseID] == nil {
		folds[r.CaseID] = &ReplyFold{}
	}
	folds[r.CaseID].Add(r)
}

// foldedFacts are a case's reply facts with its replies' folds applied.
func foldedFacts(c *cases.Case, folds map[int64]*ReplyFold, loc *time.Location) cases.ReplyFacts {
	f := CaseReplyFacts(c, loc)
	if o := folds[c.ID]; o != nil {
		o.Apply(&f)
	}
	return f
}

// caseReplyRow is a row of a case list page joined to its replies: the case
// (cases.CaseSummaryColumns) and one of its replies (replyJoinColumns), or
// none (Reply.ID 0: replies are numbered from 1).
type caseReplyRow struct {
	cases.Case
	Reply ReplyFactRow
}

// findCaseReplyRows runs a case list page's statement joined to its replies
// (cases.CaseSummaryColumns, then replyJoinColumns), scanned by hand: gorm's
// reflection over the 26 cells of each row was a third of the overdue
// list's CPU. n is the rows expected (a hint).
func findCaseReplyRows(tx *gorm.DB, n int) ([]caseReplyRow, error) {
	var (
		caseID, id         sql.NullInt64
		kind, position     sql.NullString
		submittedOn, dueOn calendar.Date
		returned           sql.NullBool
	)
	out := make([]caseReplyRow, 0, n)
	err := cases.NewSummaryScanner(&caseID, &id, &kind, &position, &submittedOn, &dueOn, &returned).Each(tx, func(c cases.Case) error {
		var reply ReplyFactRow
		if id.Valid {
			reply = ReplyFactRow{CaseID: caseID.Int64, ID: id.Int64, Kind: kind.String, Position: position.String,
				SubmittedOn: submittedOn, DueOn: cases.OptDate(dueOn), Returned: returned.Bool}
		}
		out = append(out, caseReplyRow{Case: c, Reply: reply})
		return nil
	})
	return out, err
}

// replyJoinColumns are ReplyFactColumns named for caseReplyRow.
var replyJoinColumns = []string{"replies.case_id AS reply_case_id", "replies.id AS reply_id", "replies.kind AS reply_kind",
	"replies.position AS reply_position", "replies.submitted_on AS reply_submitted_on", "replies.due_on AS reply_due_on",
	"replies.returned AS reply_returned"}

// ListCasesWithClasses is cases.ListCases of the summary columns
// (cases.CaseSummaryColumns) with the page's cases' reply classes
// (CaseReplyClasses). On MySQL a newest-first page is read with its
// replies in one statement, the replies joined to the page's ids: a second
// statement naming the 50 ids cost its planning a dive into
// ix_replies_facts for each (0.2 ms in mariadbd at 10^5, 0.37 ms at 10^6,
// more than the read; docs/scale.md §21).
func (s *Service) ListCasesWithClasses(ctx context.Context, a *org.Actor, q cases.CaseListQuery) ([]cases.Case, map[int64]ReplyClasses, string, error) {
	q.Summary = true
	page, limit, ok := s.Cases.NewestPageIDs(ctx, a, q)
	if !ok {
		// Elsewhere (SQLite: the page's replies packed into its own
		// statement; text search, the due sort: a second read).
		q.Replies = true
		pg, err := s.Cases.ListCasePage(ctx, a, q)
		if err != nil {
			return nil, nil, "", err
		}
		classes, err := s.PageReplyClasses(s.Cases.DB.WithContext(ctx), pg)
		return pg.Cases, classes, pg.Next, err
	}
	rows, err := findCaseReplyRows(s.Cases.DB.WithContext(ctx).Table("(?) AS page", page).Joins(cases.MySQLPageJoin).Joins(pageRepliesJoin).
		Select(slices.Concat(cases.CaseSummaryColumns, replyJoinColumns)), limit+1)
	if err != nil {
		return nil, nil, "", err
	}
	a.CheckedRows(len(rows)) // the page's ids are read with cases.CaseScope
	list, classes := s.pageWithClasses(rows)
	next := ""
	if len(list) > limit {
		delete(classes, list[limit].ID)
		list = list[:limit]
		next = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	return list, classes, next, nil
}

// pageRepliesJoin joins a MySQL page's ids ("page") to their cases' replies,
// on the covering index, so that a page and its replies are one statement;
// only a case that cases.HadFinalReplySQL is looked up (MariaDB tests the
// case's column before the lookup).
const pageRepliesJoin = "LEFT JOIN replies FORCE INDEX (ix_replies_facts) ON replies.case_id = page.id AND " + cases.HadFinalReplySQL

// pageWithClasses folds the rows of a page joined to its cases' replies
// (caseReplyRow) into the page's cases, newest first (the statement has no
// order: cases.MySQLPageJoin), and their reply classes as of today. The
// classes of cases past the page's limit are computed too (one more than
// the limit is read).
func (s *Service) pageWithClasses(rows []caseReplyRow) ([]cases.Case, map[int64]ReplyClasses) {
	slices.SortFunc(rows, func(a, b caseReplyRow) int {
		if c := cmp.Compare(b.ID, a.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Reply.ID, b.Reply.ID)
	})
	list := make([]cases.Case, 0, len(rows))
	folds := make(map[int64]*ReplyFold, len(rows))
	for i := range rows {
		r := &rows[i]
		if n := len(list); n == 0 || list[n-1].ID != r.ID {
			list = append(list, r.Case)
		}
		if r.Reply.ID != 0 {
			foldReply(folds, r.Reply)
		}
	}
	loc, today := s.Cases.Clock.Location(), s.Cases.Today()
	classes := make(map[int64]ReplyClasses, len(list))
	for i := range list {
		classes[list[i].ID] = ReplyClassesOf(foldedFacts(&list[i], folds, loc), today)
	}
	return list, classes
}

// ClassifyReply is the single reply class (cases.ReplyFacts.Class) of a case
// with these replies, as of today; the actions store it in cases.reply_class
// whenever it can change (reply, return_reply, assess, close). The views
// compute it afresh (ReplyClassesOf), since the deadline passing changes it
// without an action.
func ClassifyReply(c *cases.Case, replies []Reply, today calendar.Date, loc *time.Location) string {
	f := CaseReplyFacts(c, loc)
	var o ReplyFold
	for _, r := range replies {
		o.Add(ReplyFactRow{CaseID: r.CaseID, ID: r.ID, Kind: r.Kind, Position: r.Position, SubmittedOn: r.SubmittedOn, DueOn: r.DueOn,
			Returned: r.Returned})
	}
	o.Apply(&f)
	return f.Class(today)
}

// ReplyClasses are a case's reply classes as its views show them, as of
// today, each by the statistics definitions:
//
//   - reply_class (kept from the first API version): one class — 粗回复 once
//     a reply was returned, else 按期/慢回复 as soon as the first final reply
//     came, else 不回复 once the reply fell due — which stays 不回复 whatever
//     the later state (escalated, terminated, closed);
//   - reply_timeliness: the timeliness class the figures count the case
//     under (按期回复率, 慢回复, 不回复) — empty until the reply fell due;
//   - reply_perfunctory: counted as 粗回复 (a reply returned as perfunctory,
//     the reply fell due) — separate from timeliness: an on-time reply
//     returned later is on time and perfunctory.
type ReplyClasses struct {
	ReplyClass           string `json:"reply_class"`
	ReplyClassLabel      string `json:"reply_class_label"`
	ReplyTimeliness      string `json:"reply_timeliness"`
	ReplyTimelinessLabel string `json:"reply_timeliness_label"`
	ReplyPerfunctory     bool   `json:"reply_perfunctory"`
}

// ReplyClassesOf classifies a case's reply facts as of today.
func ReplyClassesOf(f cases.ReplyFacts, today calendar.Date) ReplyClasses {
	class, timeliness := f.Class(today), f.Timeliness(today)
	return ReplyClasses{ReplyClass: class, ReplyClassLabel: StatsReplyClassLabels[class], ReplyTimeliness: timeliness,
		ReplyTimelinessLabel: StatsReplyClassLabels[timeliness], ReplyPerfunctory: f.Perfunctory(today)}
}

// CaseReplyClasses are the reply classes of cases as of today, by id (one
// query on their replies).
func (s *Service) CaseReplyClasses(tx *gorm.DB, list []cases.Case) (map[int64]ReplyClasses, error) {
	facts, err := LoadReplyFacts(tx, list, s.Cases.Clock.Location())
	if err != nil {
		return nil, err
	}
	return s.classesOf(facts), nil
}

// PageReplyClasses are the reply classes of a case list page's cases: from
// the reply rows read with the page when it has them, else as
// CaseReplyClasses.
func (s *Service) PageReplyClasses(tx *gorm.DB, page cases.CasePage) (map[int64]ReplyClasses, error) {
	if !page.RepliesRead {
		return s.CaseReplyClasses(tx, page.Cases)
	}
	return s.classesOf(foldReplyFacts(page.Cases, page.Replies, s.Cases.Clock.Location())), nil
}

func (s *Service) classesOf(facts map[int64]cases.ReplyFacts) map[int64]ReplyClasses {
	today := s.Cases.Today()
	out := make(map[int64]ReplyClasses, len(facts))
	for id, f := range facts {
		out[id] = ReplyClassesOf(f, today)
	}
	return out
}
