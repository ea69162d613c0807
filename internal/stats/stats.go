package stats

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
	"jianyi/internal/reviews"
)

// StatsQuery filters statistics and the ledger. From and To bound the
// period, inclusive: counts of cases and the ledger by the issued date
// (制发日期, Asia/Shanghai; with either set only issued recommendations
// count), every other figure by its own date (Definitions["period"]).
type StatsQuery struct {
	ProcuratorateID int64
	DepartmentID    int64
	Field           string
	AgencyID        int64
	From, To        calendar.Date
	Today           calendar.Date
}

// statsScope is a resolved StatsQuery: the procuratorates, department and
// prosecutor the actor's role allows, plus the caller's filters.
type statsScope struct {
	procIDs      []int64
	subtree      int64 // the procuratorate whose subtree procIDs are (0: not a subtree)
	departmentID int64
	prosecutorID int64
	q            StatsQuery
	loc          *time.Location // where the From/To dates are counted
	wideAbove    int            // Service.WideAbove
}

// resolveScope is resolveStatsScope with the service's WideAbove.
func (s *Service) resolveScope(tx *gorm.DB, a *org.Actor, q StatsQuery) (*statsScope, error) {
	sc, err := resolveStatsScope(tx, a, q, s.Clock)
	if err != nil {
		return nil, err
	}
	sc.wideAbove = s.WideAbove
	return sc, nil
}

// resolveStatsScope applies the statistics access rule (policy.go,
// StatsAccess) and checks the filters against it.
func resolveStatsScope(tx *gorm.DB, a *org.Actor, q StatsQuery, clock *calendar.Clock) (*statsScope, error) {
	acc := StatsAccess(a)
	if acc == StatsNone {
		return nil, apperr.Forbidden("当前角色无权查看统计")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, apperr.InvalidField("to", "结束日期不能早于开始日期")
	}
	root := a.ProcuratoratePath
	if q.ProcuratorateID != 0 {
		p, err := org.ProcuratorateByID(tx, q.ProcuratorateID)
		if err != nil || !org.InSubtree(p.Path, a.ProcuratoratePath) || (acc != StatsSubtree && p.ID != a.ProcuratorateID) {
			return nil, apperr.InvalidField("procuratorate_id", "检察院不存在或不在统计范围内")
		}
		root = p.Path
	}
	if q.Today.IsZero() {
		q.Today = clock.Today()
	}
	sc := &statsScope{q: q, loc: clock.Location()}
	if acc == StatsSubtree {
		lo, hi := org.SubtreeRange(root)
		if err := tx.Model(&org.Procuratorate{}).Where("path >= ? AND path < ?", lo, hi).Order("id").Pluck("id", &sc.procIDs).Error; err != nil {
			return nil, err
		}
		sc.subtree = a.ProcuratorateID
		if q.ProcuratorateID != 0 {
			sc.subtree = q.ProcuratorateID
		}
	} else {
		sc.procIDs = []int64{a.ProcuratorateID}
	}
	sc.departmentID = q.DepartmentID
	switch acc {
	case StatsDepartment:
		if q.DepartmentID != 0 && q.DepartmentID != a.DepartmentID {
			return nil, apperr.Forbidden("部门负责人只能查看本部门的统计")
		}
		sc.departmentID = a.DepartmentID
	case StatsOwnCases:
		sc.prosecutorID = a.UserID
	}
	return sc, nil
}

// applyScope restricts a query on the cases table to the actor's scope and
// the caller's filters, without the period.
func (sc *statsScope) applyScope(q *gorm.DB) *gorm.DB {
	return sc.applyScopeOn(q, "cases.procuratorate_id")
}

// wideScope is the number of procuratorates above which a scope (a
// province) holds most rows: a query ordered by another column then walks
// that column's index and checks the procuratorate row by row, rather than
// gathering and sorting every row of every procuratorate.
const wideScope = 16

// wide reports a scope of more than wideScope procuratorates (wideAbove,
// when set: tests take the wide paths on a small province).
func (sc *statsScope) wide() bool {
	if sc.wideAbove > 0 {
		return len(sc.procIDs) > sc.wideAbove
	}
	return len(sc.procIDs) > wideScope
}

// whole reports a scope of every procuratorate with no filter and no
// period: a condition on the cases table would let every row through.
func (sc *statsScope) whole(tx *gorm.DB) (bool, error) {
	if !sc.wide() || sc.q.Field != "" || sc.q.AgencyID != 0 || !sc.q.From.IsZero() || !sc.q.To.IsZero() {
		return false, nil
	}
	return sc.everywhere(tx)
}

// everywhere reports a scope of every procuratorate and department (its
// field, agency and period filters aside).
func (sc *statsScope) everywhere(tx *gorm.DB) (bool, error) {
	if sc.departmentID != 0 || sc.prosecutorID != 0 {
		return false, nil
	}
	var n int64
	err := tx.Model(&org.Procuratorate{}).Count(&n).Error
	return n == int64(len(sc.procIDs)), err
}

// applyScopeOn is applyScope with the procuratorate column written as
// procCol ("+cases.procuratorate_id" keeps SQLite from choosing an index
// on it).
func (sc *statsScope) applyScopeOn(q *gorm.DB, procCol string) *gorm.DB {
	q = q.Where(procCol+" IN ?", sc.procIDs)
	if sc.departmentID != 0 {
		q = q.Where("cases.department_id = ?", sc.departmentID)
	}
	if sc.prosecutorID != 0 {
		q = q.Where("cases.prosecutor_id = ?", sc.prosecutorID)
	}
	if sc.q.Field != "" {
		q = q.Where("cases.field = ?", sc.q.Field)
	}
	if sc.q.AgencyID != 0 {
		q = q.Where("cases.agency_id = ?", sc.q.AgencyID)
	}
	return q
}

// apply restricts a query on the cases table to the scope and, for the
// counts of cases, to the period by the issued date.
func (sc *statsScope) apply(q *gorm.DB) *gorm.DB {
	return sc.applyOn(q, "cases.procuratorate_id")
}

// applyOn is apply with the procuratorate column written as procCol.
func (sc *statsScope) applyOn(q *gorm.DB, procCol string) *gorm.DB {
	q = sc.applyScopeOn(q, procCol)
	if !sc.q.From.IsZero() {
		q = q.Where("cases.issued_at >= ?", sc.q.From.StartIn(sc.loc))
	}
	if !sc.q.To.IsZero() {
		q = q.Where("cases.issued_at < ?", sc.q.To.AddDays(1).StartIn(sc.loc))
	}
	return q
}

// period is the caller's period for the figures counted by their own dates.
func (sc *statsScope) period() Period { return Period{From: sc.q.From, To: sc.q.To} }

// Count is one labelled count.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// Rate is a share with its numerator and denominator, so a reader can check it.
type Rate struct {
	Numerator   int64   `json:"numerator"`
	Denominator int64   `json:"denominator"`
	Percent     float64 `json:"percent"` // 0 when the denominator is 0
}

func rateOf(n, d int64) Rate {
	r := Rate{Numerator: n, Denominator: d}
	if d > 0 {
		r.Percent = round1(float64(n) * 100 / float64(d))
	}
	return r
}

// OverdueCase is an open recommendation whose reply deadline has passed.
type OverdueCase struct {
	ID             int64         `json:"id"`
	Title          string        `json:"title"`
	DocumentNumber *string       `json:"document_number"`
	AgencyID       *int64        `json:"agency_id"`
	AgencyName     string        `json:"agency_name"`
	ReplyDue       calendar.Date `json:"reply_due"`
	DaysOverdue    int           `json:"days_overdue"`
}

// NonResponder is an agency with recommendations it never answered (不回复).
type NonResponder struct {
	AgencyID   int64  `json:"agency_id"`
	AgencyName string `json:"agency_name"`
	NoReply    int64  `json:"no_reply"`
}

// ReviewScoreStat is the quality review score of a department.
type ReviewScoreStat struct {
	DepartmentID int64   `json:"department_id"`
	Department   string  `json:"department"`
	Scored       int64   `json:"scored"`
	AvgPercent   float64 `json:"avg_percent"`
}

// Stats is the statistics page. The reply figures (ReplyFigures) and the
// activity figures are flat at the top, as for each procuratorate in
// ByProcuratorate; Definitions explains each by its JSON name.
type Stats struct {
	Filters         map[string]any     `json:"filters"`
	Scope           string             `json:"scope"`
	Total           int64              `json:"total"`
	Issued          int64              `json:"issued"`
	ByState         []Count            `json:"by_state"`
	BySource        []Count            `json:"by_source"`
	ByField         []Count            `json:"by_field"`
	IssuedByMonth   []Count            `json:"issued_by_month"`
	ReplyFigures                       // 回复率, 按期回复率, 不回复 … over the recommendations due
	ReplyClasses    []Count            `json:"reply_classes"`
	Positions       []Count            `json:"positions"`
	Rectifications  []Count            `json:"rectifications"`
	ActivityFigures                    // 宣告送达, 按期备案率, escalations, 办理周期
	LeadConversion  Rate               `json:"lead_conversion_rate"`
	Applications    ApplicationFigures `json:"applications"`
	// ByProcuratorate breaks the figures down by procuratorate of the scope
	// (a city's or a province's subtree); the rows add up to the totals.
	ByProcuratorate []ProcuratorateStat   `json:"by_procuratorate"`
	OpenOverdue     []OverdueCase         `json:"open_overdue"`
	NonResponders   []NonResponder        `json:"non_responders"`
	Projects        []ProjectStatRow      `json:"projects"`
	ReviewScores    []ReviewScoreStat     `json:"review_scores"`
	ReviewOverall   *ReviewScoreStat      `json:"review_overall"`
	Ratings         reviews.RatingSummary `json:"ratings"`
	Definitions     map[string]string     `json:"definitions"`
	ComputedAt      time.Time             `json:"computed_at"`
}

// ProcuratorateStat is one procuratorate's figures in a breakdown.
type ProcuratorateStat struct {
	ProcuratorateID int64  `json:"procuratorate_id"`
	Name            string `json:"name"`
	Level           string `json:"level"`
	Issued          int64  `json:"issued"`
	ReplyFigures
	ActivityFigures
}

// ProjectStatRow is a project's progress in the statistics.
type ProjectStatRow struct {
	ID       int64                    `json:"id"`
	Title    string                   `json:"title"`
	Stage    projects.ProjectStage    `json:"stage"`
	Status   string                   `json:"status"`
	Progress projects.ProjectProgress `json:"progress"`
}

// issuedMonthExpr is the Beijing-time month of issuance, per dialect.
func issuedMonthExpr(db *database.DB) string {
	if db.Dialect == "mysql" {
		return "DATE_FORMAT(DATE_ADD(cases.issued_at, INTERVAL 8 HOUR), '%Y-%m')"
	}
	return "strftime('%Y-%m', cases.issued_at, '+8 hours')"
}

// Service computes the statistics and prepares the ledger.
type Service struct {
	DB    *database.DB
	Clock *calendar.Clock
	// NoRollup makes Compute read every figure from the raw rows, as
	// without the maintained aggregates (tests compare the two).
	NoRollup bool
	// CatchUpWait, when set, bounds how long a request that finds the
	// aggregates behind waits for the catch-up (CatchUp, shared by the
	// requests that find them behind meanwhile) before it is served from
	// them as they are; the catch-up itself goes on to the end in the
	// background. Zero waits until it is done (the figures exact at the
	// moment of the request). The service sets RequestCatchUpWait: a
	// catch-up after a few actions takes milliseconds, so the figures
	// include them; a long one (a new day's recount, a burst of writes, the
	// logins at start) no longer holds every statistics request.
	CatchUpWait time.Duration
	// WideAbove, when set, replaces wideScope (tests take the paths of a
	// province's scope on a small one).
	WideAbove int
	// GroupsPerWrite, when set, replaces groupsPerWrite (tests take the
	// path of a catch-up written in several transactions).
	GroupsPerWrite int
	// RebuildAbove, when set, replaces rebuildGroups (tests take the path
	// of a new day that recounts everything on a small province).
	RebuildAbove int
}

// RequestCatchUpWait is how long the service lets a statistics request wait
// for the aggregates' catch-up (CatchUpWait).
const RequestCatchUpWait = 250 * time.Millisecond

// Compute computes the statistics. Counts by state, source and field and the
// months come from grouped queries (the main one an index-only scan of
// ix_cases_stats); every reply, delivery, filing, escalation and closure
// figure comes from the per-case facts of the issued recommendations in
// scope (ScanFacts), tallied by the definitions of facts.go and tally.go,
// overall, per procuratorate and per agency.
func (s *Service) Compute(ctx context.Context, a *org.Actor, q StatsQuery) (*Stats, error) {
	db := s.DB
	tx := db.WithContext(ctx)
	sc, err := s.resolveScope(tx, a, q)
	if err != nil {
		return nil, err
	}
	q.Today = sc.q.Today
	st := &Stats{Scope: string(StatsAccess(a)), Definitions: Definitions, ComputedAt: s.Clock.Now(),
		Filters: map[string]any{"procuratorate_id": q.ProcuratorateID, "department_id": sc.departmentID, "field": q.Field, "agency_id": q.AgencyID, "from": q.From, "to": q.To}}

	if s.useRollup(sc) {
		if err := s.catchUpFor(ctx); err != nil {
			return nil, err
		}
	}
	// The counts of cases come from stats_counts unless an agency filter
	// asks for a dimension it does not keep (an agency's cases are few and
	// found by an index).
	countsFromRollup := s.useRollup(sc) && sc.q.AgencyID == 0
	var counts []levelCount
	if countsFromRollup {
		// A subtree's counts are summed already.
		l := sc.level()
		cq := tx.Model(&levelCount{}).Select("dim, dkey, SUM(n) AS n, SUM(issued) AS issued, SUM(filed) AS filed").
			Where("procuratorate_id IN ? AND department_id = ? AND field = ?", sc.procIDs, l.DepartmentID, l.Field).Group("dim, dkey")
		if root := sc.subtreeRoot(); root != 0 {
			cq = tx.Table(subtreeCountsTable).Select("dim, dkey, n, issued, filed").
				Where("procuratorate_id = ? AND department_id = 0 AND field = ?", root, l.Field)
		}
		if err := cq.Scan(&counts).Error; err != nil {
			return nil, err
		}
	}
	byState, bySource, byField := map[string]int64{}, map[string]int64{}, map[string]int64{}
	if countsFromRollup {
		for _, c := range counts {
			switch c.Dim {
			case dimState:
				st.Total += c.N
				st.Issued += c.Issued
				byState[c.Dkey] += c.N
			case dimSource:
				bySource[c.Dkey] += c.N
			case dimField:
				byField[c.Dkey] += c.N
			}
		}
	} else {
		var groups []struct {
			State  string
			Source string
			Field  string
			N      int64
			Issued int64
		}
		if err := sc.apply(tx.Table("cases")).Select(`cases.state, cases.source, cases.field, COUNT(*) AS n, COUNT(cases.issued_at) AS issued`).
			Group("cases.state, cases.source, cases.field").Scan(&groups).Error; err != nil {
			return nil, err
		}
		for _, g := range groups {
			st.Total += g.N
			st.Issued += g.Issued
			byState[g.State] += g.N
			bySource[g.Source] += g.N
			byField[g.Field] += g.N
		}
	}
	for _, s := range cases.AllStates {
		st.ByState = append(st.ByState, Count{string(s), cases.StateLabels[s], byState[string(s)]})
	}
	for _, k := range []string{cases.SourceCaseFinding, cases.SourceApplication, cases.SourceDeputy, cases.SourceAssigned, cases.SourceDataModel, cases.SourceOther} {
		st.BySource = append(st.BySource, Count{k, cases.SourceLabels[k], bySource[k]})
	}
	st.ByField = sortedCounts(byField, nil)

	// 制发 per month.
	var months []struct {
		Month string
		N     int64
	}
	if countsFromRollup && monthsKept(sc.level()) {
		for _, c := range counts {
			if c.Dim == dimMonth {
				months = append(months, struct {
					Month string
					N     int64
				}{c.Dkey, c.N})
			}
		}
		sort.Slice(months, func(i, j int) bool { return months[i].Month < months[j].Month })
	} else {
		mexpr := issuedMonthExpr(db)
		if err := sc.apply(tx.Table("cases")).Select(mexpr + " AS month, COUNT(*) AS n").Where("cases.issued_at IS NOT NULL").
			Group(mexpr).Order("month").Scan(&months).Error; err != nil {
			return nil, err
		}
	}
	st.IssuedByMonth = []Count{}
	for _, m := range months {
		st.IssuedByMonth = append(st.IssuedByMonth, Count{m.Month, m.Month, m.N})
	}

	if err := s.tallyFacts(ctx, sc, st); err != nil {
		return nil, err
	}
	if countsFromRollup {
		byState, endedFiled := map[cases.CaseState]int64{}, map[cases.CaseState]int64{}
		for _, c := range counts {
			if c.Dim == dimState {
				byState[cases.CaseState(c.Dkey)] += c.N
				endedFiled[cases.CaseState(c.Dkey)] += c.Filed
			}
		}
		st.LeadConversion = LeadConversionRate(leadGroups(byState, endedFiled))
	} else if st.LeadConversion, err = leadConversion(tx, sc); err != nil {
		return nil, err
	}
	if st.Applications, err = s.applicationFigures(tx, sc); err != nil {
		return nil, err
	}

	// Open recommendations past their reply deadline.
	st.OpenOverdue = []OverdueCase{}
	var overdue []struct {
		ID             int64
		Title          string
		DocumentNumber *string
		AgencyID       *int64
		AgencyName     *string
		ReplyDue       calendar.Date
	}
	// A province's overdue letters are many: SQLite walks them in due order
	// (ix_cases_state_due) and stops at the 100th, instead of sorting all.
	// (MariaDB is told the index by name.)
	procCol, table := "cases.procuratorate_id", "cases"
	switch {
	case !sc.wide():
	case db.Dialect == "mysql":
		table = "cases FORCE INDEX (ix_cases_state_due)"
	default:
		procCol = "+" + procCol
	}
	if err := sc.applyOn(tx.Table(table), procCol).Select("cases.id, cases.title, cases.document_number, cases.agency_id, agencies.name AS agency_name, cases.reply_due").
		Joins("LEFT JOIN agencies ON agencies.id = cases.agency_id").
		Where("cases.state = ? AND cases.reply_due < ?", cases.StateDelivered, q.Today.String()).
		Order("cases.reply_due, cases.id").Limit(100).Scan(&overdue).Error; err != nil {
		return nil, err
	}
	for _, o := range overdue {
		oc := OverdueCase{ID: o.ID, Title: o.Title, DocumentNumber: o.DocumentNumber, AgencyID: o.AgencyID, ReplyDue: o.ReplyDue, DaysOverdue: o.ReplyDue.DaysUntil(q.Today)}
		if o.AgencyName != nil {
			oc.AgencyName = *o.AgencyName
		}
		st.OpenOverdue = append(st.OpenOverdue, oc)
	}

	// Projects of the scope with their derived progress.
	st.Projects = []ProjectStatRow{}
	var list []projects.Project
	pq := tx.Where("procuratorate_id IN ?", sc.procIDs)
	if sc.departmentID != 0 {
		pq = pq.Where("department_id = ?", sc.departmentID)
	}
	if sc.prosecutorID != 0 {
		pq = pq.Where("id IN (SELECT project_id FROM project_members WHERE user_id = ?)", sc.prosecutorID)
	}
	if q.Field != "" {
		pq = pq.Where("field = ?", q.Field)
	}
	if err := pq.Order("id DESC").Limit(100).Find(&list).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	prog, err := projects.ProjectProgressOf(tx, ids, q.Today)
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		st.Projects = append(st.Projects, ProjectStatRow{ID: p.ID, Title: p.Title, Stage: p.Stage, Status: p.Status, Progress: prog[p.ID]})
	}

	// Rows that belong to cases (review items, ratings) are read with their
	// cases' scope — or, for a scope of every procuratorate with no filter,
	// without looking their cases up.
	whole, err := sc.whole(tx)
	if err != nil {
		return nil, err
	}
	ofCases := func(q *gorm.DB, table, join string) *gorm.DB {
		if whole {
			return q
		}
		return sc.apply(q).Joins(join + " cases ON cases.id = " + table + ".case_id")
	}

	// Quality review scores by department, over scored items of cases in scope.
	st.ReviewScores = []ReviewScoreStat{}
	var rs []struct {
		DepartmentID int64
		Department   string
		Scored       int64
		PctSum       float64
	}
	if err := ofCases(tx.Table("review_items"), "review_items", "JOIN").Select("review_items.department_id, departments.name AS department, COUNT(*) AS scored, SUM(review_items.total_score * 100.0 / review_items.max_score) AS pct_sum").
		Joins("JOIN departments ON departments.id = review_items.department_id").
		Where("review_items.status IN ? AND review_items.max_score > 0", []string{reviews.ReviewScored, reviews.ReviewAnswered}).
		Group("review_items.department_id, departments.name").Order("review_items.department_id").Scan(&rs).Error; err != nil {
		return nil, err
	}
	var allN int64
	var allSum float64
	for _, r := range rs {
		st.ReviewScores = append(st.ReviewScores, ReviewScoreStat{DepartmentID: r.DepartmentID, Department: r.Department, Scored: r.Scored, AvgPercent: round1(r.PctSum / float64(r.Scored))})
		allN += r.Scored
		allSum += r.PctSum
	}
	if allN > 0 {
		st.ReviewOverall = &ReviewScoreStat{Department: "全部", Scored: allN, AvgPercent: round1(allSum / float64(allN))}
	}

	// External ratings of the cases in scope.
	var ratings []reviews.RatingRow
	// Rated cases are few: for a wide scope read the ratings and look their
	// cases up (SQLite's CROSS JOIN keeps that order), rather than walking
	// every case of the scope.
	join := "JOIN"
	if sc.wide() {
		join = "CROSS JOIN"
	}
	rq := ofCases(tx.Table("case_ratings"), "case_ratings", join)
	sel := "case_ratings.rater_type, COUNT(*) AS n, SUM(case_ratings.accuracy) AS accuracy, SUM(case_ratings.workability) AS workability, SUM(case_ratings.effect) AS effect"
	if !whole && !sc.wide() && tx.Dialector.Name() == "mysql" {
		// For a narrow scope MariaDB walked every rating and looked its
		// case up by primary key (78 ms for a district of 18,299 cases
		// at 10^6); STRAIGHT_JOIN (also TiDB's) makes it start from the
		// scope's cases: 18–27 ms (docs/scale.md §17).
		rq = sc.apply(tx.Table("cases")).Joins("JOIN case_ratings ON case_ratings.case_id = cases.id")
		sel = "STRAIGHT_JOIN " + sel
	}
	if err := rq.Select(sel).Group("case_ratings.rater_type").Scan(&ratings).Error; err != nil {
		return nil, err
	}
	st.Ratings = reviews.SummariseRatings(ratings)
	return st, nil
}

func sortedCounts(m map[string]int64, labels map[string]string) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		l := k
		if labels != nil && labels[k] != "" {
			l = labels[k]
		}
		out = append(out, Count{k, l, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return strings.Compare(out[i].Key, out[j].Key) < 0
	})
	return out
}

// round1 rounds to one decimal place.
func round1(v float64) float64 { return math.Round(v*10) / 10 }
