package analysis

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/stats"
)

// The recurrence from the statistics' per-case rows (stats_case_groups,
// migration 0022): each issued letter's row carries its 制发 day, kind of
// problem, its own contribution to the reply figures as of the statistics'
// day (the Add of stats.ReplyTally, written by the catch-up that keeps the
// statistics exact) and the letter before it in its 回头看 chain (same agency,
// field and kind of problem, every procuratorate). The analysis is then
// grouped sums of the period's rows, not the facts of every letter:
//
//   - the groups: one GROUP BY agency, field, kind over the period, with the
//     repeated letters counted in the same pass — a letter repeats when the
//     letter before it in the scope lies within the window; the chain's
//     previous letter is that one when it is in the scope (it is the latest
//     earlier letter of all), and only when it is not (a letter of another
//     procuratorate or department) does an index search of the chain look for
//     an earlier one in the scope;
//   - the repeated letters listed: the flagged rows of the period, latest
//     first, up to the limit;
//   - the case ids of the groups listed only;
//   - the field trends: the period's from the groups, the previous period's
//     by GROUP BY field.

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
	in, inArgs := rq.scope.PrevInScope("g")
	// The earlier letter's field and agency are g's (in the scope).
	ecol, eArgs := rq.scope.CaseRowsOrgs("e")
	cond := "g.prev_day IS NOT NULL AND g.prev_day >= g.issued_day - ? AND ((" + in + ") OR EXISTS (SELECT 1 FROM " +
		stats.CaseRowsTable + " e WHERE e.agency_id = g.agency_id AND e.field = g.field AND e.problem_kind = g.problem_kind" +
		" AND e.issued_day BETWEEN g.issued_day - ? AND g.issued_day" +
		" AND (e.issued_us < g.issued_us OR (e.issued_us = g.issued_us AND e.case_id < g.case_id)) AND " + ecol + "))"
	args := append([]any{rq.window}, inArgs...)
	args = append(args, rq.window)
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

	// The groups, with their repeated letters.
	where, wargs := rq.period(rq.from, rq.to)
	rep, repArgs := rq.repeats()
	rows, err := tx.Table(caseRows).Select("g.agency_id, g.field, g.problem_kind, COUNT(*), SUM(CASE WHEN "+rep+" THEN 1 ELSE 0 END), "+
		stats.CaseRowSums("g"), repArgs...).Where(where, wargs...).Group("g.agency_id, g.field, g.problem_kind").Rows()
	if err != nil {
		return false, err
	}
	defer rows.Close()
	type groupRow struct {
		groupKey
		letters, repeated int64
		sums              stats.ReplySums
	}
	var list []groupRow
	var all stats.ReplySums
	current := map[string]int64{}
	for rows.Next() {
		var r groupRow
		if err := rows.Scan(append([]any{&r.agency, &r.field, &r.kind, &r.letters, &r.repeated}, r.sums.Dest()...)...); err != nil {
			return false, err
		}
		list = append(list, r)
		all.Add(&r.sums)
		out.Letters += r.letters
		out.RepeatedTotal += int(r.repeated)
		current[r.field] += r.letters
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	rows.Close()
	tally := all.Tally()
	out.ReplyFigures = tally.Figures()
	groups := make(map[groupKey]*groupTally, len(list))
	sums := make(map[groupKey]*stats.ReplySums, len(list))
	for i := range list {
		r := &list[i]
		groups[r.groupKey] = &groupTally{letters: r.letters, repeated: r.repeated}
		sums[r.groupKey] = &r.sums
	}
	listGroups(out, groups, q.Limit)
	// Only the groups listed are made: their tallies and case ids.
	for _, v := range out.Groups {
		k := groupKey{v.AgencyID, v.Field, v.ProblemKind}
		groups[k].reply = sums[k].Tally()
	}
	if err := s.listedCaseIDs(tx, rq, out, groups); err != nil {
		return false, err
	}
	if err := s.listRepeated(tx, rq, q.Limit, out); err != nil {
		return false, err
	}

	// The previous period's letters by field.
	where, wargs = rq.period(stats.DayNumber(out.PreviousFrom), rq.from-1)
	var prev []struct {
		Field string
		N     int64
	}
	if err := tx.Table(caseRows).Select("g.field, COUNT(*) AS n").Where(where, wargs...).Group("g.field").Scan(&prev).Error; err != nil {
		return false, err
	}
	previous := map[string]int64{}
	for _, p := range prev {
		previous[p.Field] = p.N
	}
	s.fieldTrends(out, current, previous)
	s.rowsAnswers.Add(1)
	return true, finishRecurrence(tx, out)
}

// listedCaseIDs fills in the tallies and case ids (in issue order) of the
// groups listed.
func (s *Service) listedCaseIDs(tx *gorm.DB, rq *rowsQuery, out *Recurrence, groups map[groupKey]*groupTally) error {
	for start := 0; start < len(out.Groups); start += 200 {
		part := out.Groups[start:min(start+200, len(out.Groups))]
		var conds []string
		var args []any
		for _, v := range part {
			conds = append(conds, "(g.agency_id = ? AND g.field = ? AND g.problem_kind = ?)")
			args = append(args, v.AgencyID, v.Field, v.ProblemKind)
		}
		// The scope's procuratorates and department only: its field and
		// agency filters are the groups' own, and MariaDB 10.11 answers an
		// equality on a column both outside and inside the OR of the
		// groups wrongly (fewer rows) when it reads the chain index.
		cond, cargs := rq.scope.CaseRowsOrgs("g")
		rows, err := tx.Table(caseRows).Select("g.case_id, g.agency_id, g.field, g.problem_kind").
			Where(cond+" AND g.issued_day BETWEEN ? AND ?", append(cargs, rq.from, rq.to)...).
			Where(strings.Join(conds, " OR "), args...).Order("g.issued_us, g.case_id").Rows()
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var k groupKey
			if err := rows.Scan(&id, &k.agency, &k.field, &k.kind); err != nil {
				rows.Close()
				return err
			}
			g := groups[k]
			g.ids = append(g.ids, id)

		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for i := range out.Groups {
		v := &out.Groups[i]
		*v = groups[groupKey{v.AgencyID, v.Field, v.ProblemKind}].view(groupKey{v.AgencyID, v.Field, v.ProblemKind})
	}
	return nil
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
