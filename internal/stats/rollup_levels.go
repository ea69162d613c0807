package stats

import (
	"maps"
	"slices"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
)

// The aggregates a request reads (migration 0020): stats_rollup (per
// procuratorate, department, field and agency) and the grouped case counts
// summed to the levels of the statistics' filters — department_id 0 = every
// department, field "" = every field, agency_id allAgencies = every agency —
// so a province request reads about one row per procuratorate, not one per
// group. Both are derived here from the fine rows, in Go, by the same
// functions for the writes and for Verify.

// allAgencies is the agency_id of stats_rollup_sums rows summing every agency.
const allAgencies = -1

// level is one level of the filters: a department (0 = every) and a field
// ("" = every).
type level struct {
	DepartmentID int64
	Field        string
}

// levelsOf are the levels a row of department d and field f counts in.
func levelsOf(d int64, f string) [4]level {
	return [4]level{{d, f}, {d, ""}, {0, f}, {0, ""}}
}

// level is the level a scope reads.
func (sc *statsScope) level() level { return level{sc.departmentID, sc.q.Field} }

// counters are a rollup row's counters, in the order of rollupColumns.
func (r *RollupRow) counters() []*int64 {
	return []*int64{&r.Issued, &r.ReplyDue, &r.Awaiting, &r.OnTime, &r.Late, &r.NoReply, &r.Perfunctory, &r.DaysToReplySum,
		&r.PosAdopted, &r.PosPartlyAdopted, &r.PosNotAdopted, &r.RectRectified, &r.RectPartlyRectified, &r.RectNotRectified,
		&r.Delivered, &r.Announced, &r.FilingsDue, &r.FilingsOnTime,
		&r.EscHigher, &r.EscRegulator, &r.EscCongress, &r.EscDiscipline, &r.EscLitigation,
		&r.ResHigher, &r.ResRegulator, &r.ResCongress, &r.ResDiscipline, &r.ResLitigation,
		&r.EscalatedCases, &r.PublicInterest, &r.Closed, &r.HandlingDaysSum,
		&r.PubReceived, &r.PubReplyDue, &r.PubOnTime, &r.PubLate, &r.PubNoReply, &r.PubPerfunctory}
}

// plus adds o's counters to r's.
func (r *RollupRow) plus(o *RollupRow) {
	oc := o.counters()
	for i, c := range r.counters() {
		*c += *oc[i]
	}
}

// minus takes o's counters from r's.
func (r *RollupRow) minus(o *RollupRow) {
	oc := o.counters()
	for i, c := range r.counters() {
		*c -= *oc[i]
	}
}

// sumLevels sums fine stats_rollup rows to the rows of stats_rollup_sums:
// each level with every agency, and each agency over every department and
// field.
func sumLevels(rows []RollupRow) map[rollupKey]*RollupRow {
	out := map[rollupKey]*RollupRow{}
	add := func(k rollupKey, r *RollupRow) {
		s := out[k]
		if s == nil {
			s = &RollupRow{ProcuratorateID: k.ProcuratorateID, DepartmentID: k.DepartmentID, Field: k.Field, AgencyID: k.AgencyID}
			out[k] = s
		}
		s.plus(r)
	}
	for i := range rows {
		r := &rows[i]
		for _, l := range levelsOf(r.DepartmentID, r.Field) {
			add(rollupKey{r.ProcuratorateID, l.DepartmentID, l.Field, allAgencies}, r)
		}
		if r.AgencyID != 0 {
			add(rollupKey{r.ProcuratorateID, 0, "", r.AgencyID}, r)
		}
	}
	return out
}

// sumsTable is where sumLevels's rows are kept.
const sumsTable = "stats_rollup_sums"

// The dimensions of stats_counts.
const (
	dimState  = "state"
	dimSource = "source"
	dimField  = "field"
	dimMonth  = "month"
)

// levelCount is one row of stats_counts.
type levelCount struct {
	ProcuratorateID int64  `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Field           string `gorm:"primaryKey"`
	Dim             string `gorm:"primaryKey"`
	Dkey            string `gorm:"primaryKey"`
	N               int64
	Issued          int64
	Filed           int64
}

func (levelCount) TableName() string { return "stats_counts" }

type levelCountKey struct {
	ProcuratorateID, DepartmentID int64
	Field, Dim, Dkey              string
}

// countLevels sums the fine grouped counts of cases (countsSelect) to the
// rows of stats_counts.
func countLevels(fine []countRow) map[levelCountKey]*levelCount {
	out := map[levelCountKey]*levelCount{}
	for _, c := range fine {
		var issued, filed int64
		if c.IssuedMonth != "" {
			issued = c.N
		}
		if c.Filed {
			filed = c.N
		}
		for li, l := range levelsOf(c.DepartmentID, c.Field) {
			dims := [][2]string{{dimState, c.State}, {dimSource, c.Source}, {dimField, c.Field}}
			if c.IssuedMonth != "" && li > 0 {
				dims = append(dims, [2]string{dimMonth, c.IssuedMonth})
			}
			for _, d := range dims {
				k := levelCountKey{c.ProcuratorateID, l.DepartmentID, l.Field, d[0], d[1]}
				r := out[k]
				if r == nil {
					r = &levelCount{ProcuratorateID: k.ProcuratorateID, DepartmentID: k.DepartmentID, Field: k.Field, Dim: k.Dim, Dkey: k.Dkey}
					out[k] = r
				}
				r.N += c.N
				r.Issued += issued
				r.Filed += filed
			}
		}
	}
	return out
}

// monthsKept reports whether stats_counts keeps the months of a level (not
// of a department and a field at once).
func monthsKept(l level) bool { return l.DepartmentID == 0 || l.Field == "" }

// writeCounts replaces the stats_counts rows of each procuratorate of
// counts by those given (its cases counted afresh), and adds the difference
// at the subtree level to delta.
func writeCounts(tx *gorm.DB, counts map[int64][]levelCount, paths subtreePaths, delta map[levelCountKey]*levelCount) error {
	for _, p := range slices.Sorted(maps.Keys(counts)) {
		var old []levelCount
		if err := tx.Where("procuratorate_id = ? AND department_id = 0", p).Find(&old).Error; err != nil {
			return err
		}
		if err := tx.Where("procuratorate_id = ?", p).Delete(&levelCount{}).Error; err != nil {
			return err
		}
		cur := counts[p]
		if err := createAll(tx.Model(&levelCount{}), cur); err != nil {
			return err
		}
		addSubtree[levelCountKey](delta, cur, paths, 1)
		addSubtree[levelCountKey](delta, old, paths, -1)
	}
	return nil
}

// appCount is one row of stats_application_counts.
type appCount struct {
	ProcuratorateID int64 `gorm:"primaryKey;autoIncrement:false"`
	Received        int64
	AnswersDue      int64
	AnsweredOnTime  int64
	Accepted        int64
	Declined        int64
	Transferred     int64
	Pending         int64
	BecameLead      int64
	BecameCase      int64
	NextChangeOn    *string
}

func (appCount) TableName() string { return "stats_application_counts" }

func (a *appCount) tally() ApplicationTally {
	return ApplicationTally{Received: a.Received, AnswersDue: a.AnswersDue, AnsweredOnTime: a.AnsweredOnTime, Accepted: a.Accepted,
		Declined: a.Declined, Transferred: a.Transferred, Pending: a.Pending, BecameLead: a.BecameLead, BecameCase: a.BecameCase}
}

// applicationRows reads the facts of the applications q selects, with
// their procuratorate.
func applicationRows(q *gorm.DB) ([]ApplicationFacts, []int64, error) {
	var rows []struct {
		ProcuratorateID int64
		Status          string
		SubmittedOn     calendar.Date
		AnswerDue       calendar.Date
		AnsweredOn      *calendar.Date
		CaseID          *int64
		CaseNumber      *string
	}
	if err := q.Select("applications.procuratorate_id, applications.status, applications.submitted_on, applications.answer_due, applications.answered_on, applications.case_id, cases.case_number").
		Joins("LEFT JOIN cases ON cases.id = applications.case_id").Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	facts := make([]ApplicationFacts, len(rows))
	procs := make([]int64, len(rows))
	for i, r := range rows {
		facts[i] = ApplicationFacts{Status: r.Status, SubmittedOn: r.SubmittedOn, AnswerDue: r.AnswerDue, AnsweredOn: dateOr(r.AnsweredOn),
			CaseFiled: r.CaseNumber != nil}
		if r.CaseID != nil {
			facts[i].CaseID = *r.CaseID
		}
		procs[i] = r.ProcuratorateID
	}
	return facts, procs, nil
}

// countApplications tallies the applications of procs (nil: all) as of
// asOf, per procuratorate.
func countApplications(tx *gorm.DB, procs []int64, asOf calendar.Date) (map[int64]*appCount, error) {
	q := tx.Table("applications")
	if procs != nil {
		q = q.Where("applications.procuratorate_id IN ?", procs)
	}
	facts, of, err := applicationRows(q)
	if err != nil {
		return nil, err
	}
	tallies := map[int64]*ApplicationTally{}
	next := map[int64]calendar.Date{}
	for i := range facts {
		t := tallies[of[i]]
		if t == nil {
			t = &ApplicationTally{}
			tallies[of[i]] = t
		}
		t.Add(&facts[i], Period{}, asOf)
		// Only the answer's due day compares with the day counted as of.
		if n := laterOf(asOf, facts[i].AnswerDue); !n.IsZero() && (next[of[i]].IsZero() || n.Before(next[of[i]])) {
			next[of[i]] = n
		}
	}
	out := make(map[int64]*appCount, len(tallies))
	for p, t := range tallies {
		a := &appCount{ProcuratorateID: p, Received: t.Received, AnswersDue: t.AnswersDue, AnsweredOnTime: t.AnsweredOnTime,
			Accepted: t.Accepted, Declined: t.Declined, Transferred: t.Transferred, Pending: t.Pending, BecameLead: t.BecameLead, BecameCase: t.BecameCase}
		if n := next[p]; !n.IsZero() {
			s := n.String()
			a.NextChangeOn = &s
		}
		out[p] = a
	}
	return out, nil
}

// laterOf is the first of d and d+1 after asOf (zero: neither): a count
// comparing asOf with d is constant until then.
func laterOf(asOf, d calendar.Date) calendar.Date {
	if d.IsZero() {
		return calendar.Date{}
	}
	for _, c := range []calendar.Date{d, d.AddDays(1)} {
		if c.After(asOf) {
			return c
		}
	}
	return calendar.Date{}
}

// writeApplications replaces the stats_application_counts rows of procs
// by counts (their applications tallied; a procuratorate without any has
// none).
func writeApplications(tx *gorm.DB, procs []int64, counts map[int64]*appCount) error {
	for _, chunk := range chunks(procs) {
		if err := tx.Where("procuratorate_id IN ?", chunk).Delete(&appCount{}).Error; err != nil {
			return err
		}
		var rows []appCount
		for _, p := range chunk {
			if c := counts[p]; c != nil {
				rows = append(rows, *c)
			}
		}
		if err := createAll(tx.Model(&appCount{}), rows); err != nil {
			return err
		}
	}
	return nil
}

// applicationProcs are the procuratorates of the applications that became
// the cases ids.
func applicationProcs(tx *gorm.DB, ids []int64) ([]int64, error) {
	var procs []int64
	for _, chunk := range chunks(ids) {
		var p []int64
		if err := tx.Table("applications").Where("case_id IN ?", chunk).Distinct().Pluck("procuratorate_id", &p).Error; err != nil {
			return nil, err
		}
		procs = append(procs, p...)
	}
	return procs, nil
}
