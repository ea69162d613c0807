package stats

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
)

// The per-case rows of stats_case_groups (migration 0022) carry what the
// recurrence analysis (internal/analysis) sums: the letter's 制发 day and
// instant, its kind of problem, its own contribution to the reply figures
// (ReplyTally.Add as of stats_rollup_state.as_of, written by the recount
// that counts its group — the definitions are not written twice) and the
// letter before it to the same agency on the same field and kind of problem
// (the 回头看 chain, over every procuratorate).

// CaseRowsTable is the table of the per-case rows.
const CaseRowsTable = "stats_case_groups"

// caseReplyColumns are the reply counters a case row holds: stats_rollup's
// of the same names.
var caseReplyColumns = rollupColumns[1:14]

// chainLink is the letter before a case in its chain (agency, field, kind of
// problem; issue order), all nil when there is none.
type chainLink struct {
	PrevCaseID          *int64
	PrevDay             *int64
	PrevProcuratorateID *int64
	PrevDepartmentID    *int64
}

// chainKey is a 回头看 chain: the letters to one agency on one field and
// kind of problem.
type chainKey struct {
	AgencyID    int64
	Field       string
	ProblemKind string
}

func (c *caseGroup) chain() chainKey { return chainKey{c.AgencyID, c.Field, c.ProblemKind} }

// DayNumber is a legal date as stats_case_groups.issued_day stores it: days
// since 1970-01-01.
func DayNumber(d calendar.Date) int64 { return d.MidnightUTC().Unix() / 86400 }

// DateOfDay is the date of a day number.
func DateOfDay(n int64) calendar.Date { return calendar.DateOf(time.Unix(n*86400, 0), time.UTC) }

// fillCaseRow writes into a case row what the recurrence reads of the
// letter: its day, instant and kind, and its reply contribution as of asOf
// (the rollup's own tally of the one case).
func fillCaseRow(cg *caseGroup, r *groupCaseRow, f *CaseFacts, asOf calendar.Date) error {
	cg.IssuedDay = DayNumber(f.IssuedOn)
	cg.IssuedUs = r.IssuedAt.UnixMicro()
	if r.ProblemKind != nil {
		cg.ProblemKind = *r.ProblemKind
	}
	var one ReplyTally
	one.Add(f, Period{}, asOf)
	var err error
	cg.Reply, err = one.sums()
	return err
}

// classifyMissing stores the kind of problem of the rows read without one
// (written in bulk before cases.ClassifyMissingProblems ran), from their
// titles, as the analysis would.
func classifyMissing(tx *gorm.DB, rows []groupCaseRow) error {
	var ids []int64
	at := map[int64]*groupCaseRow{}
	for i := range rows {
		if rows[i].ProblemKind == nil || *rows[i].ProblemKind == "" {
			ids = append(ids, rows[i].ID)
			at[rows[i].ID] = &rows[i]
		}
	}
	for _, chunk := range chunks(ids) {
		var titles []struct {
			ID    int64
			Title string
		}
		if err := tx.Table("cases").Select("id, title").Where("id IN ?", chunk).Scan(&titles).Error; err != nil {
			return err
		}
		for _, t := range titles {
			k := cases.ClassifyProblem(t.Title)
			at[t.ID].ProblemKind = &k
		}
	}
	return nil
}

// linkChains sets the previous letter of every row in its chain: rows must
// hold whole chains. Letters without an agency are in no chain.
func linkChains(rows []*caseGroup) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.AgencyID != b.AgencyID {
			return a.AgencyID < b.AgencyID
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		if a.ProblemKind != b.ProblemKind {
			return a.ProblemKind < b.ProblemKind
		}
		if a.IssuedUs != b.IssuedUs {
			return a.IssuedUs < b.IssuedUs
		}
		return a.CaseID < b.CaseID
	})
	for i, r := range rows {
		r.Link = chainLink{}
		if r.AgencyID == 0 || i == 0 || rows[i-1].chain() != r.chain() {
			continue
		}
		p := rows[i-1]
		r.Link = chainLink{&p.CaseID, &p.IssuedDay, &p.ProcuratorateID, &p.DepartmentID}
	}
}

// linkAll links the chains of a recount of every case.
func linkAll(c *computed) {
	ptrs := make([]*caseGroup, len(c.cases))
	for i := range c.cases {
		ptrs[i] = &c.cases[i]
	}
	linkChains(ptrs)
}

// relinkChains recomputes the links of the chains given (the chains of the
// cases a catch-up recounted, before and after) and updates the rows whose
// link changed.
func relinkChains(tx *gorm.DB, keys map[chainKey]bool) error {
	list := make([]chainKey, 0, len(keys))
	for k := range keys {
		if k.AgencyID != 0 {
			list = append(list, k)
		}
	}
	for start := 0; start < len(list); start += 200 {
		part := list[start:min(start+200, len(list))]
		var conds []string
		var args []any
		for _, k := range part {
			conds = append(conds, "(agency_id = ? AND field = ? AND problem_kind = ?)")
			args = append(args, k.AgencyID, k.Field, k.ProblemKind)
		}
		var rows []caseGroup
		if err := tx.Where(strings.Join(conds, " OR "), args...).Find(&rows).Error; err != nil {
			return err
		}
		stored := make(map[int64]chainLink, len(rows))
		ptrs := make([]*caseGroup, len(rows))
		for i := range rows {
			stored[rows[i].CaseID] = rows[i].Link
			ptrs[i] = &rows[i]
		}
		linkChains(ptrs)
		for _, r := range ptrs {
			if sameLink(stored[r.CaseID], r.Link) {
				continue
			}
			if err := tx.Model(&caseGroup{}).Where("case_id = ?", r.CaseID).Updates(map[string]any{
				"prev_case_id": r.Link.PrevCaseID, "prev_day": r.Link.PrevDay, "prev_procuratorate_id": r.Link.PrevProcuratorateID,
				"prev_department_id": r.Link.PrevDepartmentID}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

func sameLink(a, b chainLink) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.PrevCaseID, b.PrevCaseID) && eq(a.PrevDay, b.PrevDay) && eq(a.PrevProcuratorateID, b.PrevProcuratorateID) &&
		eq(a.PrevDepartmentID, b.PrevDepartmentID)
}

// CaseRowSums is the SELECT list summing the reply counters of the case
// rows (alias: the table's name in the query) under the names ReplySums
// scans (0 over no rows).
func CaseRowSums(alias string) string {
	parts := make([]string, len(caseReplyColumns))
	for i, c := range caseReplyColumns {
		parts[i] = "COALESCE(SUM(" + alias + "." + c + "), 0) AS " + c
	}
	return strings.Join(parts, ", ")
}

// CaseRowColumns is the SELECT list of the reply counters of a case row
// (alias: the table's name in the query), in the order ReplySums scans.
func CaseRowColumns(alias string) string {
	parts := make([]string, len(caseReplyColumns))
	for i, c := range caseReplyColumns {
		parts[i] = alias + "." + c
	}
	return strings.Join(parts, ", ")
}

// ReplySums are the sums of the reply counters of a set of case rows.
type ReplySums struct {
	ReplyDue            int64
	Awaiting            int64
	OnTime              int64
	Late                int64
	NoReply             int64
	Perfunctory         int64
	DaysToReplySum      int64
	PosAdopted          int64
	PosPartlyAdopted    int64
	PosNotAdopted       int64
	RectRectified       int64
	RectPartlyRectified int64
	RectNotRectified    int64
}

// Dest lists the destinations of the sums in CaseRowSums's order, for a
// database/sql Scan.
func (r *ReplySums) Dest() []any {
	return []any{&r.ReplyDue, &r.Awaiting, &r.OnTime, &r.Late, &r.NoReply, &r.Perfunctory, &r.DaysToReplySum,
		&r.PosAdopted, &r.PosPartlyAdopted, &r.PosNotAdopted, &r.RectRectified, &r.RectPartlyRectified, &r.RectNotRectified}
}

// Tally is the ReplyTally the sums make.
func (r *ReplySums) Tally() ReplyTally {
	row := RollupRow{ReplySums: *r}
	return row.tally().reply
}

// CaseRowsFor catches the aggregates up for a request (as the statistics
// do, waiting at most CatchUpWait) and reports whether the case rows are
// current — counted as of the scope's day and up to the audit trail's last
// entry — so that sums of them are the figures of the raw rows.
func (s *Service) CaseRowsFor(ctx context.Context, sc *Scope) (bool, error) {
	if err := s.catchUpFor(ctx); err != nil {
		return false, err
	}
	_, current, err := rollupCurrent(s.DB.WithContext(ctx), sc.Today())
	return current, err
}

// CaseRowsScope restricts the case rows under alias to the scope and its
// filters (not the period); ok is false when the scope has a condition the
// rows cannot express (a prosecutor's own cases). procIDs and departmentID
// are the scope's, for conditions on the chain's previous letter.
func (s *Scope) CaseRowsScope(alias string) (cond string, args []any, ok bool) {
	sc := s.sc
	if sc.prosecutorID != 0 {
		return "", nil, false
	}
	cond, args = s.CaseRowsOrgs(alias)
	conds := []string{cond}
	if sc.q.Field != "" {
		conds = append(conds, alias+".field = ?")
		args = append(args, sc.q.Field)
	}
	if sc.q.AgencyID != 0 {
		conds = append(conds, alias+".agency_id = ?")
		args = append(args, sc.q.AgencyID)
	}
	return strings.Join(conds, " AND "), args, true
}

// Everywhere reports a scope of every procuratorate and department (its
// field and agency filters aside): every letter's chain link, to the same
// agency on the same field, is then in the scope.
func (s *Scope) Everywhere(tx *gorm.DB) (bool, error) { return s.sc.everywhere(tx) }

// CaseRowsOrgs restricts the case rows under alias to the scope's
// procuratorates and department (not its field and agency filters).
func (s *Scope) CaseRowsOrgs(alias string) (string, []any) { return s.orgConds(alias + ".") }

// orgConds is the condition on the procuratorate and department columns
// named with prefix.
func (s *Scope) orgConds(prefix string) (string, []any) {
	cond, args := prefix+"procuratorate_id IN ?", []any{s.sc.procIDs}
	if s.sc.departmentID != 0 {
		cond += " AND " + prefix + "department_id = ?"
		args = append(args, s.sc.departmentID)
	}
	return cond, args
}

// PrevInScope is the condition that the previous letter of a case row under
// alias (prev_procuratorate_id, prev_department_id) is in the scope — its
// field and agency are the row's own.
func (s *Scope) PrevInScope(alias string) (string, []any) {
	return s.orgConds(alias + ".prev_")
}

// compareCaseRows lists the differences between the case rows recomputed
// (every case, linked) and those stored: group, next day of change, and
// what the recurrence reads.
func compareCaseRows(tx *gorm.DB, cases []caseGroup) []Difference {
	var stored []caseGroup
	if err := tx.Find(&stored).Error; err != nil {
		return []Difference{{CaseRowsTable, "(unreadable)", err.Error()}}
	}
	want := make(map[int64]*caseGroup, len(cases))
	for i := range cases {
		want[cases[i].CaseID] = &cases[i]
	}
	return compareRows(CaseRowsTable, want, stored, func(r caseGroup) int64 { return r.CaseID })
}

// Add adds another set of sums.
func (r *ReplySums) Add(o *ReplySums) {
	dst, src := r.Dest(), o.Dest()
	for i := range dst {
		*dst[i].(*int64) += *src[i].(*int64)
	}
}
