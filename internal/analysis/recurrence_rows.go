package analysis

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/stats"
)

// The recurrence from the statistics' per-case rows (stats_case_groups,
// migration 0022): each issued letter's row carries its 制发 day, kind of
// problem, its own contribution to the reply figures as of the statistics'
// day (the Add of stats.ReplyTally, written by the catch-up that keeps the
// statistics exact) and the letter before it in its 回头看 chain (same agency,
// field and kind of problem, every procuratorate). The analysis is then
// sums over the period's rows, not the facts of every letter:
//
//   - the period's figures, repeated letters and number of groups: one pass.
//     A letter repeats when the letter before it in the scope lies within
//     the window; the chain's previous letter is that one when it is in the
//     scope (it is the latest earlier letter of all), and only when it is
//     not (a letter of another procuratorate or department) does a search
//     of the chain index look for an earlier one in the scope. A group is
//     counted by its first letter in the period, found the same way;
//   - the groups listed: the first groups by their counts, each joined to
//     the chain index for its letters' ids and reply counters;
//   - the repeated letters listed: the flagged rows of the period, latest
//     first, up to the limit;
//   - the field trends: the letters by procuratorate and field of both
//     periods, in index order.

// caseRows is the alias of stats_case_groups in the queries.
const caseRows = stats.CaseRowsTable + " g"

// rowsQuery is a scope and period on the case rows.
type rowsQuery struct {
	cond   string // the scope on g
	args   []any
	from   int64 // day numbers
	to     int64
	window int
	scope  *stats.Scope
	// everywhere: the scope is every procuratorate and department, so the
	// letter before each one in its chain is in it.
	everywhere bool
}

// period is the condition on g: in the scope, issued in the period, to an
// agency.
func (rq *rowsQuery) period(from, to int64) (string, []any) {
	return rq.cond + " AND g.agency_id <> 0 AND g.issued_day BETWEEN ? AND ?", append(append([]any{}, rq.args...), from, to)
}

// repeats is the condition that the letter g repeats: the letter before it
// in the scope, to the same agency on the same field and kind of problem,
// was issued at most window days earlier.
func (rq *rowsQuery) repeats() (string, []any) {
	return rq.earlierSince("g.issued_day - ?", rq.window)
}

// notFirst is the condition that g is not the first letter of its group in
// the period: an earlier letter of the group in the scope was issued in it.
func (rq *rowsQuery) notFirst() (string, []any) { return rq.earlierSince("?", rq.from) }

// earlierSince is the condition that the letter before g in the scope (same
// agency, field and kind of problem) was issued on or after the day since
// (an expression with one argument). The chain's link is that letter when
// it is in the scope (it is the latest earlier letter of all); when it is
// not, the chain index is searched for an earlier one in the scope.
func (rq *rowsQuery) earlierSince(since string, arg any) (string, []any) {
	if rq.everywhere {
		return "g.prev_day IS NOT NULL AND g.prev_day >= " + since, []any{arg}
	}
	in, inArgs := rq.scope.PrevInScope("g")
	// The earlier letter's field and agency are g's (in the scope).
	ecol, eArgs := rq.scope.CaseRowsOrgs("e")
	cond := "g.prev_day IS NOT NULL AND g.prev_day >= " + since + " AND ((" + in + ") OR EXISTS (SELECT 1 FROM " +
		stats.CaseRowsTable + " e WHERE e.agency_id = g.agency_id AND e.field = g.field AND e.problem_kind = g.problem_kind" +
		" AND e.issued_day BETWEEN " + since + " AND g.issued_day" +
		" AND (e.issued_us < g.issued_us OR (e.issued_us = g.issued_us AND e.case_id < g.case_id)) AND " + ecol + "))"
	args := append([]any{arg}, inArgs...)
	args = append(args, arg)
	return cond, append(args, eArgs...)
}

// fromCaseRows computes the analysis from the case rows; false when they
// cannot answer (a scope they cannot express, not current).
func (s *Service) fromCaseRows(ctx context.Context, tx *gorm.DB, scope *stats.Scope, q RecurrenceQuery, out *Recurrence) (bool, error) {
	cond, args, ok := scope.CaseRowsScope("g")
	if !ok {
		return false, nil
	}
	if current, err := s.Stats.CaseRowsFor(ctx, scope); err != nil || !current {
		return false, err
	}
	rq := &rowsQuery{cond: cond, args: args, from: stats.DayNumber(q.From), to: stats.DayNumber(q.To), window: out.RepeatWindowDays,
		scope: scope}
	var err error
	if rq.everywhere, err = scope.Everywhere(tx); err != nil {
		return false, err
	}

	where, wargs := rq.period(rq.from, rq.to)
	rep, repArgs := rq.repeats()
	repeated := "SUM(CASE WHEN " + rep + " THEN 1 ELSE 0 END)"

	// The period's figures, and the number of groups: of letters first in
	// their group in the period (none earlier in it), one row.
	var all stats.ReplySums
	var repeatedTotal, groupsTotal int64
	notFirst, nfArgs := rq.notFirst()
	if err := tx.Table(caseRows).Select("COUNT(*), COALESCE("+repeated+", 0), COALESCE(SUM(CASE WHEN "+notFirst+" THEN 0 ELSE 1 END), 0), "+stats.CaseRowSums("g"),
		append(append([]any{}, repArgs...), nfArgs...)...).Where(where, wargs...).
		Row().Scan(append([]any{&out.Letters, &repeatedTotal, &groupsTotal}, all.Dest()...)...); err != nil {
		return false, err
	}
	out.GroupsTotal = int(groupsTotal)
	out.RepeatedTotal = int(repeatedTotal)
	tally := all.Tally()
	out.ReplyFigures = tally.Figures()

	// The groups listed, most repeated first, then most letters (in the
	// order the letter-level path sorts them: strings by their bytes) —
	// only their keys and counts are sorted, and only the first kept — each
	// with its letters in issue order, read from the chain index.
	bin := ""
	if s.DB.Dialect == "mysql" {
		bin = " COLLATE utf8mb4_bin"
	}
	order := func(counts, keys string) string {
		return counts + "repeated DESC, " + counts + "letters DESC, " + keys + "agency_id, " + keys + "field" + bin + ", " + keys + "problem_kind" + bin
	}
	top := tx.Table(caseRows).Select("g.agency_id, g.field, g.problem_kind, COUNT(*) AS letters, "+repeated+" AS repeated", repArgs...).
		Where(where, wargs...).Group("g.agency_id, g.field, g.problem_kind").Order(order("", "g.")).Limit(q.Limit)
	// The scope's procuratorates and department are conditions to check
	// ("+": not ranges to read); its field and agency are the groups' own.
	orgs, orgArgs := rq.scope.CaseRowsOrgs("c")
	rows, err := tx.Table("(?) t", top).Select("t.agency_id, t.field, t.problem_kind, t.letters, t.repeated, c.case_id, "+stats.CaseRowColumns("c")).
		Joins("JOIN "+stats.CaseRowsTable+" c ON c.agency_id = t.agency_id AND c.field = t.field AND c.problem_kind = t.problem_kind"+
			" AND c.issued_day BETWEEN ? AND ? AND +"+orgs, append([]any{rq.from, rq.to}, orgArgs...)...).
		Order(order("t.", "t.") + ", c.issued_us, c.case_id").Rows()
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var k, last groupKey
	var g *groupTally
	var sums stats.ReplySums
	flush := func() {
		if g != nil {
			g.reply = sums.Tally()
			out.Groups = append(out.Groups, g.view(last))
		}
	}
	for rows.Next() {
		var letters, repeated, id int64
		var one stats.ReplySums
		if err := rows.Scan(append([]any{&k.agency, &k.field, &k.kind, &letters, &repeated, &id}, one.Dest()...)...); err != nil {
			return false, err
		}
		if g == nil || k != last {
			flush()
			g, last, sums = &groupTally{letters: letters, repeated: repeated}, k, stats.ReplySums{}
		}
		g.ids = append(g.ids, id)
		sums.Add(&one)
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	flush()
	rows.Close()
	if err := s.listRepeated(tx, rq, q.Limit, out); err != nil {
		return false, err
	}

	// The letters by field, of the period and of the one before.
	where, wargs = rq.period(stats.DayNumber(out.PreviousFrom), rq.to)
	var byField []struct {
		Field             string
		Current, Previous int64
	}
	// By procuratorate and field: on SQLite in the order of
	// ix_stats_case_groups_field, so the rows are counted as read, not
	// sorted first — reading the scope's narrow index entries of every
	// period costs less than sorting the two periods' rows, but without
	// statistics on the table (before ANALYZE) SQLite would choose the
	// latter. MariaDB sorts the periods' rows (a temporary table) either way.
	table := caseRows
	if s.DB.Dialect != "mysql" {
		table += " INDEXED BY ix_stats_case_groups_field"
	}
	if err := tx.Table(table).Select("g.field, SUM(CASE WHEN g.issued_day >= ? THEN 1 ELSE 0 END) AS current, "+
		"SUM(CASE WHEN g.issued_day < ? THEN 1 ELSE 0 END) AS previous", rq.from, rq.from).
		Where(where, wargs...).Group("g.procuratorate_id, g.field").Scan(&byField).Error; err != nil {
		return false, err
	}
	current, previous := map[string]int64{}, map[string]int64{}
	for _, f := range byField {
		current[f.Field] += f.Current
		previous[f.Field] += f.Previous
	}
	s.fieldTrends(out, current, previous)
	s.rowsAnswers.Add(1)
	return true, finishRecurrence(tx, out)
}

// listRepeated lists the repeated letters of the period, latest day first
// (in issue order within a day), up to limit, each with the letter before
// it in the scope.
func (s *Service) listRepeated(tx *gorm.DB, rq *rowsQuery, limit int, out *Recurrence) error {
	if out.RepeatedTotal == 0 {
		return nil
	}
	where, wargs := rq.period(rq.from, rq.to)
	rep, repArgs := rq.repeats()
	in, inArgs := rq.scope.PrevInScope("g")
	if rq.everywhere {
		in, inArgs = "1 = 1", nil
	}
	var list []struct {
		CaseID      int64
		AgencyID    int64
		Field       string
		ProblemKind string
		IssuedDay   int64
		IssuedUs    int64
		PrevCaseID  int64
		PrevDay     int64
		PrevInScope bool
	}
	if err := tx.Table(caseRows).Select("g.case_id, g.agency_id, g.field, g.problem_kind, g.issued_day, g.issued_us, g.prev_case_id, g.prev_day, "+
		"CASE WHEN "+in+" THEN 1 ELSE 0 END AS prev_in_scope", inArgs...).Where(where, wargs...).Where(rep, repArgs...).
		Order("g.issued_day DESC, g.issued_us, g.case_id").Limit(limit).Scan(&list).Error; err != nil {
		return err
	}
	ecol, eArgs := rq.scope.CaseRowsOrgs("e")
	for _, r := range list {
		if !r.PrevInScope {
			// The chain's previous letter is outside the scope: the one
			// before it in the scope.
			var e struct {
				CaseID    int64
				IssuedDay int64
			}
			if err := tx.Table(stats.CaseRowsTable+" e").Select("e.case_id, e.issued_day").
				Where("e.agency_id = ? AND e.field = ? AND e.problem_kind = ? AND (e.issued_us < ? OR (e.issued_us = ? AND e.case_id < ?))",
					r.AgencyID, r.Field, r.ProblemKind, r.IssuedUs, r.IssuedUs, r.CaseID).Where(ecol, eArgs...).
				Order("e.issued_us DESC, e.case_id DESC").Limit(1).Scan(&e).Error; err != nil {
				return err
			}
			r.PrevCaseID, r.PrevDay = e.CaseID, e.IssuedDay
		}
		on, earlier := stats.DateOfDay(r.IssuedDay), stats.DateOfDay(r.PrevDay)
		out.Repeated = append(out.Repeated, RepeatedLetter{CaseID: r.CaseID, IssuedOn: on, EarlierCaseID: r.PrevCaseID,
			EarlierIssuedOn: earlier, DaysBetween: earlier.DaysUntil(on), AgencyID: r.AgencyID, Field: r.Field,
			ProblemKind: r.ProblemKind, ProblemKindLabel: problemKindLabels[r.ProblemKind]})
	}
	return nil
}
