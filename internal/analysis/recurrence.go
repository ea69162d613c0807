package analysis

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/projects"
	"jianyi/internal/stats"
)

// RecurrenceQuery asks for the recurrence analysis of a scope and period.
// The period bounds the recommendations by their issue date (制发日期);
// with neither end given it is the twelve months up to today.
type RecurrenceQuery struct {
	ProcuratorateID int64
	Field           string
	AgencyID        int64
	From, To        calendar.Date
	// Limit bounds the groups returned (the totals count them all).
	Limit int
}

// maxRecurrenceDays bounds a period: ten years.
const maxRecurrenceDays = 3660

// RecurrenceGroup is the recommendations of the period to one agency, in
// one field, on one kind of problem.
type RecurrenceGroup struct {
	AgencyID         int64  `json:"agency_id"`
	AgencyName       string `json:"agency_name"`
	Field            string `json:"field"`
	ProblemKind      string `json:"problem_kind"`
	ProblemKindLabel string `json:"problem_kind_label"`
	Letters          int64  `json:"letters"` // issued in the period
	// CaseIDs are the letters' cases, oldest first.
	CaseIDs []int64 `json:"case_ids"`
	// ReplyFigures count the group's letters by the statistics definitions
	// as of today: 应回复, 按期, 慢回复, 不回复, 粗回复, 采纳, 整改到位 with
	// their rates.
	stats.ReplyFigures
	ReplyClasses   []stats.Count `json:"reply_classes"`
	Positions      []stats.Count `json:"positions"`
	Rectifications []stats.Count `json:"rectifications"`
	// Repeated counts the group's letters that came within the repeat
	// window after an earlier letter to the same agency on the same field
	// and kind of problem (the earlier one may precede the period).
	Repeated int64 `json:"repeated"`
}

// RepeatedLetter is one letter flagged as repeated: the agency had been
// told about the same problem (field and kind) within the window.
type RepeatedLetter struct {
	CaseID           int64         `json:"case_id"`
	Title            string        `json:"title"`
	IssuedOn         calendar.Date `json:"issued_on"`
	EarlierCaseID    int64         `json:"earlier_case_id"`
	EarlierTitle     string        `json:"earlier_title"`
	EarlierIssuedOn  calendar.Date `json:"earlier_issued_on"`
	DaysBetween      int           `json:"days_between"`
	AgencyID         int64         `json:"agency_id"`
	AgencyName       string        `json:"agency_name"`
	Field            string        `json:"field"`
	ProblemKind      string        `json:"problem_kind"`
	ProblemKindLabel string        `json:"problem_kind_label"`
}

// FieldTrend compares a field's letters with the previous period of the
// same length.
type FieldTrend struct {
	Field    string   `json:"field"`
	Current  int64    `json:"current"`
	Previous int64    `json:"previous"`
	Change   int64    `json:"change"`
	Percent  *float64 `json:"change_percent"` // nil when the previous period had none
	Rising   bool     `json:"rising"`
}

// Recurrence is the analysis.
type Recurrence struct {
	From             calendar.Date `json:"from"`
	To               calendar.Date `json:"to"`
	PreviousFrom     calendar.Date `json:"previous_from"`
	PreviousTo       calendar.Date `json:"previous_to"`
	AsOf             calendar.Date `json:"as_of"`
	RepeatWindowDays int           `json:"repeat_window_days"`
	Letters          int64         `json:"letters"`
	// ReplyFigures are the same counts over all the period's letters.
	stats.ReplyFigures
	GroupsTotal   int               `json:"groups_total"`
	Groups        []RecurrenceGroup `json:"groups"`
	Repeated      []RepeatedLetter  `json:"repeated"`
	RepeatedTotal int               `json:"repeated_total"`
	Fields        []FieldTrend      `json:"fields"`
	RisingFields  []string          `json:"rising_fields"`
	ProblemKinds  []ProblemKind     `json:"problem_kinds"`
	Definitions   map[string]string `json:"definitions"`
}

// RecurrenceDefinitions explain the analysis's figures next to the
// statistics definitions they use.
var RecurrenceDefinitions = map[string]string{
	"letters": "期间内制发（按制发日期）的检察建议件数，按被建议单位 × 领域 × 问题类型分组。",
	"reply_figures": "各组的回复类数字（应回复、按期回复、慢回复、不回复、粗回复、采纳、整改到位）为该组检察建议截至统计日的情况，" +
		"口径与统计页相同（见统计口径）；未到回复期限的不计入应回复。",
	"problem_kind": "问题类型按检察建议标题中的关键词归类（problem_kinds 列出各类关键词，按顺序取第一个命中的类型）。",
	"repeated":     "重复建议：同一被建议单位在同一领域、同一问题类型上，距上一次制发不超过 repeat_window_days 天又收到检察建议（回头看信号）；上一次可在期间之前。",
	"rising":       "领域上升：与紧邻的等长上一期间相比，制发件数增长达到设定比例且增加件数达到设定下限。",
}

// letterRow is a letter as the recurrence reads it: the columns of the
// index ix_cases_analysis (migration 0019), so the query reads one narrow
// index entry per letter — the kind of problem stored, not the title; the
// case row's reply facts, not the whole case.
type letterRow struct {
	ID       int64
	AgencyID int64
	Field    string
	issuedAt time.Time
	issuedOn calendar.Date
	kind     string
	// The case row's reply facts (agency.CaseReplyFacts reads them).
	state                       cases.CaseState
	received, due, firstReplied nullDate
	rectification               string
	closedAt                    stats.NullTime
	// The letter before it to the same agency on the same field and kind of
	// problem, within the rows read (0: none).
	prevID       int64
	prevIssuedOn calendar.Date
}

// letterColumns select a letterRow.
const letterColumns = "cases.id, cases.agency_id, cases.field, cases.problem_kind, cases.issued_at, cases.state, " +
	"cases.received_on, cases.reply_due, cases.first_replied_on, cases.rectification, cases.closed_at"

type groupKey struct {
	agency int64
	field  string
	kind   string
}

// Recurrence computes the recurrence analysis for the actor's statistics
// scope (StatsAccess: subtree for chiefs and case managers, department,
// own cases).
func (s *Service) Recurrence(ctx context.Context, a *org.Actor, q RecurrenceQuery) (*Recurrence, error) {
	today := s.Clock.Today()
	if q.From.IsZero() && q.To.IsZero() {
		q.To = today
		q.From = today.AddDays(-364)
	}
	switch {
	case q.From.IsZero():
		return nil, apperr.InvalidField("from", "请同时填写开始日期")
	case q.To.IsZero():
		return nil, apperr.InvalidField("to", "请同时填写结束日期")
	case q.To.Before(q.From):
		return nil, apperr.InvalidField("to", "结束日期不能早于开始日期")
	case q.From.DaysUntil(q.To) >= maxRecurrenceDays:
		return nil, apperr.InvalidField("from", "分析期间不能超过十年")
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 200
	}
	scope, err := s.Stats.ResolveScope(ctx, a, stats.StatsQuery{ProcuratorateID: q.ProcuratorateID, Field: q.Field,
		AgencyID: q.AgencyID, From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	asOf := scope.Today()
	window := s.Settings.RepeatWindowDays
	days := q.From.DaysUntil(q.To) + 1
	out := &Recurrence{From: q.From, To: q.To, PreviousFrom: q.From.AddDays(-days), PreviousTo: q.From.AddDays(-1), AsOf: asOf,
		RepeatWindowDays: window, ProblemKinds: ProblemKinds, Definitions: RecurrenceDefinitions,
		Groups: []RecurrenceGroup{}, Repeated: []RepeatedLetter{}, Fields: []FieldTrend{}, RisingFields: []string{}}
	tx := s.DB.WithContext(ctx)

	// From the statistics' per-case rows when they can express the scope
	// and are current (caught up as the statistics are); else letter by
	// letter (a prosecutor's own cases, a catch-up still running).
	if !s.LetterLevel {
		if ok, err := s.fromCaseRows(ctx, tx, scope, q, out); err != nil || ok {
			return out, err
		}
	}
	if err := s.letterLevel(tx, scope, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// letterLevel computes the analysis from the letters' case rows and
// replies: every letter of the period and of the repeat window before it.
func (s *Service) letterLevel(tx *gorm.DB, scope *stats.Scope, q RecurrenceQuery, out *Recurrence) error {
	loc, asOf, window := scope.Location(), out.AsOf, out.RepeatWindowDays
	// The period's letters, oldest first, each with the letter to the same
	// agency on the same field and kind of problem before it — which may
	// precede the period by up to the repeat window.
	issued := func(from, to calendar.Date) *gorm.DB {
		return scope.Apply(tx.Table("cases")).Where("cases.issued_at >= ? AND cases.issued_at < ? AND cases.agency_id IS NOT NULL",
			from.StartIn(loc), to.AddDays(1).StartIn(loc))
	}
	letters, err := periodLetters(tx, issued, q.From.AddDays(-window), q.From, q.To, loc)
	if err != nil {
		return err
	}

	// The reply facts of the period's letters, by the statistics
	// definitions: the case row's facts with its replies folded in
	// (agency.CaseReplyFacts, agency.ReplyFold — what stats.ScanFacts builds
	// them from), counted by stats.ReplyTally. The figures of a group need
	// no other facts (deliveries, filings, escalations), so they are not read.
	folds, err := replyFolds(tx, scope, q, loc)
	if err != nil {
		return err
	}
	groups := map[groupKey]*groupTally{}
	var all stats.ReplyTally
	var repeated []int
	for i := range letters {
		r := &letters[i]
		k := groupKey{r.AgencyID, r.Field, r.kind}
		g := groups[k]
		if g == nil {
			g = &groupTally{}
			groups[k] = g
		}
		g.letters++
		g.ids = append(g.ids, r.ID)
		f := r.facts(folds[r.ID], loc)
		g.reply.Add(&f, stats.Period{}, asOf)
		all.Add(&f, stats.Period{}, asOf)
		if r.prevID != 0 && r.prevIssuedOn.DaysUntil(r.issuedOn) <= window {
			g.repeated++
			repeated = append(repeated, i)
		}
	}
	// The repeated letters, latest day first (in issue order within a day);
	// only those listed are made.
	sort.SliceStable(repeated, func(i, j int) bool { return letters[repeated[i]].issuedOn.After(letters[repeated[j]].issuedOn) })
	out.RepeatedTotal = len(repeated)
	for _, i := range repeated[:min(len(repeated), q.Limit)] {
		r := &letters[i]
		out.Repeated = append(out.Repeated, RepeatedLetter{CaseID: r.ID, IssuedOn: r.issuedOn,
			EarlierCaseID: r.prevID, EarlierIssuedOn: r.prevIssuedOn,
			DaysBetween: r.prevIssuedOn.DaysUntil(r.issuedOn), AgencyID: r.AgencyID, Field: r.Field,
			ProblemKind: r.kind, ProblemKindLabel: problemKindLabels[r.kind]})
	}
	out.Letters = int64(len(letters))
	out.ReplyFigures = all.Figures()
	listGroups(out, groups, q.Limit)

	current := map[string]int64{}
	for i := range letters {
		current[letters[i].Field]++
	}
	var prev []struct {
		Field string
		N     int64
	}
	if err := scope.Apply(tx.Table("cases")).Select("cases.field, COUNT(*) AS n").
		Where("cases.issued_at >= ? AND cases.issued_at < ? AND cases.agency_id IS NOT NULL",
			out.PreviousFrom.StartIn(loc), q.From.StartIn(loc)).Group("cases.field").Scan(&prev).Error; err != nil {
		return err
	}
	previous := map[string]int64{}
	for _, p := range prev {
		previous[p.Field] = p.N
	}
	s.fieldTrends(out, current, previous)
	return finishRecurrence(tx, out)
}

// listGroups lists the groups, most repeated first, then most letters, up
// to limit (GroupsTotal counts them all).
func listGroups(out *Recurrence, groups map[groupKey]*groupTally, limit int) {
	keys := make([]groupKey, 0, len(groups))
	for k, g := range groups {
		if g.letters > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		ga, gb := groups[a], groups[b]
		if ga.repeated != gb.repeated {
			return ga.repeated > gb.repeated
		}
		if ga.letters != gb.letters {
			return ga.letters > gb.letters
		}
		if a.agency != b.agency {
			return a.agency < b.agency
		}
		if a.field != b.field {
			return a.field < b.field
		}
		return a.kind < b.kind
	})
	out.GroupsTotal = len(keys)
	for _, k := range keys[:min(len(keys), limit)] {
		out.Groups = append(out.Groups, groups[k].view(k))
	}
}

// finishRecurrence fills in the names of the agencies listed and the
// titles of the repeated letters listed and of their earlier letters.
func finishRecurrence(tx *gorm.DB, out *Recurrence) error {
	ids := make([]int64, 0, len(out.Groups)+len(out.Repeated))
	for _, g := range out.Groups {
		ids = append(ids, g.AgencyID)
	}
	for _, r := range out.Repeated {
		ids = append(ids, r.AgencyID)
	}
	names, err := agencyNames(tx, ids)
	if err != nil {
		return err
	}
	for i := range out.Groups {
		out.Groups[i].AgencyName = names[out.Groups[i].AgencyID]
	}
	for i := range out.Repeated {
		out.Repeated[i].AgencyName = names[out.Repeated[i].AgencyID]
	}
	return repeatedTitles(tx, out.Repeated)
}

// replyFolds reads what the replies of the letters issued in the period in
// scope add to their facts (agency.ReplyFold), by case: one query.
func replyFolds(tx *gorm.DB, scope *stats.Scope, q RecurrenceQuery, loc *time.Location) (map[int64]*agency.ReplyFold, error) {
	// Read with database/sql's Rows: at tens of thousands of rows, gorm's
	// reflection costs more than the queries.
	rr, err := scope.Apply(tx.Table("replies").Joins("JOIN cases ON cases.id = replies.case_id")).
		Where("cases.issued_at >= ? AND cases.issued_at < ? AND cases.agency_id IS NOT NULL", q.From.StartIn(loc), q.To.AddDays(1).StartIn(loc)).
		Select(agency.ReplyFactColumns).Order("replies.case_id, replies.id").Rows()
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	folds := map[int64]*agency.ReplyFold{}
	for rr.Next() {
		var r agency.ReplyFactRow
		var dueOn nullDate
		if err := rr.Scan(&r.CaseID, &r.ID, &r.Kind, &r.Position, &r.SubmittedOn, &dueOn, &r.Returned); err != nil {
			return nil, err
		}
		r.DueOn = dueOn.ptr()
		o := folds[r.CaseID]
		if o == nil {
			o = &agency.ReplyFold{}
			folds[r.CaseID] = o
		}
		o.Add(r)
	}
	return folds, rr.Err()
}

// facts are the letter's reply facts by the statistics definitions: the
// case row's (agency.CaseReplyFacts) with its replies folded in
// (agency.ReplyFold) — what stats.ScanFacts builds them from. The figures
// of a group need no other facts (deliveries, filings, escalations).
func (r *letterRow) facts(o *agency.ReplyFold, loc *time.Location) stats.CaseFacts {
	c := cases.Case{ID: r.ID, State: r.state, ReceivedOn: r.received.ptr(), ReplyDue: r.due.ptr(), FirstRepliedOn: r.firstReplied.ptr(),
		Rectification: r.rectification, ClosedAt: r.closedAt.Ptr()}
	f := stats.CaseFacts{CaseID: r.ID, ReplyFacts: agency.CaseReplyFacts(&c, loc), Rectification: r.rectification}
	if o != nil {
		o.Apply(&f.ReplyFacts)
		f.Position = o.Position
	}
	return f
}

// repeatedTitles fills in the titles of the repeated letters listed and of
// their earlier letters (only those are read: the analysis groups by the
// stored kind, not by title).
func repeatedTitles(tx *gorm.DB, list []RepeatedLetter) error {
	ids := make([]int64, 0, 2*len(list))
	for _, x := range list {
		ids = append(ids, x.CaseID, x.EarlierCaseID)
	}
	titles, err := cases.TitlesByID(tx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Title, list[i].EarlierTitle = titles[list[i].CaseID], titles[list[i].EarlierCaseID]
	}
	return nil
}

// groupTally is what one group has counted.
type groupTally struct {
	letters  int64
	ids      []int64 // of the groups listed
	reply    stats.ReplyTally
	repeated int64
}

func (g *groupTally) view(k groupKey) RecurrenceGroup {
	v := RecurrenceGroup{AgencyID: k.agency, Field: k.field, ProblemKind: k.kind,
		ProblemKindLabel: problemKindLabels[k.kind], Letters: g.letters, CaseIDs: g.ids,
		ReplyFigures: g.reply.Figures(), Repeated: g.repeated}
	t := &g.reply
	v.ReplyClasses = []stats.Count{
		{Key: cases.ReplyClassOnTime, Label: agency.StatsReplyClassLabels[cases.ReplyClassOnTime], Count: t.OnTime},
		{Key: cases.ReplyClassLate, Label: agency.StatsReplyClassLabels[cases.ReplyClassLate], Count: t.Late},
		{Key: cases.ReplyClassPerfunctory, Label: agency.StatsReplyClassLabels[cases.ReplyClassPerfunctory], Count: t.Perfunctory},
		{Key: cases.ReplyClassNoReply, Label: agency.StatsReplyClassLabels[cases.ReplyClassNoReply], Count: t.NoReply},
	}
	v.Positions = []stats.Count{}
	for _, k := range []string{agency.PositionAdopted, agency.PositionPartlyAdopted, agency.PositionNotAdopted} {
		v.Positions = append(v.Positions, stats.Count{Key: k, Label: agency.StatsPositionLabels[k], Count: t.Positions[k]})
	}
	v.Rectifications = []stats.Count{}
	for _, k := range []string{agency.RectificationRectified, agency.RectificationPartlyRectified, agency.RectificationNotRectified} {
		v.Rectifications = append(v.Rectifications, stats.Count{Key: k, Label: agency.StatsRectificationLabels[k], Count: t.Rectifications[k]})
	}
	return v
}

// agencyNames reads the names of agencies.
func agencyNames(tx *gorm.DB, list []int64) (map[int64]string, error) {
	seen := map[int64]bool{}
	ids := []int64{}
	for _, id := range list {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var list []org.Agency
		if err := tx.Select("id, name").Where("id IN ?", ids[start:end]).Find(&list).Error; err != nil {
			return nil, err
		}
		for _, ag := range list {
			out[ag.ID] = ag.Name
		}
	}
	return out, nil
}

// fieldTrends compares each field's letters in the period (current) with
// the previous period of the same length and names the rising ones.
func (s *Service) fieldTrends(out *Recurrence, current, previous map[string]int64) {
	fields := map[string]bool{}
	for f, n := range current {
		fields[f] = n > 0
	}
	for f, n := range previous {
		fields[f] = fields[f] || n > 0
	}
	for f, any := range fields {
		if !any {
			continue
		}
		t := FieldTrend{Field: f, Current: current[f], Previous: previous[f]}
		t.Change = t.Current - t.Previous
		if t.Previous > 0 {
			v := float64(int64(float64(t.Change)*1000/float64(t.Previous))) / 10
			t.Percent = &v
		}
		t.Rising = t.Change >= int64(s.Settings.RiseMinCases) &&
			(t.Previous == 0 || t.Change*100 >= t.Previous*int64(s.Settings.RisePercent))
		out.Fields = append(out.Fields, t)
	}
	sort.Slice(out.Fields, func(i, j int) bool {
		a, b := out.Fields[i], out.Fields[j]
		if a.Change != b.Change {
			return a.Change > b.Change
		}
		return a.Field < b.Field
	})
	for _, t := range out.Fields {
		if t.Rising {
			out.RisingFields = append(out.RisingFields, t.Field)
		}
	}
}

// ProjectFromCasesInput starts a project (项目化) from cases the analysis
// grouped.
type ProjectFromCasesInput struct {
	CaseIDs []int64 `json:"case_ids" validate:"required,min=1,max=200"`
	projects.ProjectInput
}

// StartProject starts a project with the selected cases linked, in one
// transaction, through the projects service (its rules: who may start a
// project, only cases of the project's procuratorate the actor may read,
// a case in one project at most).
func (s *Service) StartProject(ctx context.Context, a *org.Actor, in ProjectFromCasesInput) (*projects.Project, error) {
	if len(in.CaseIDs) > 200 {
		return nil, apperr.InvalidField("case_ids", fmt.Sprintf("一次最多选择 %d 件案件", 200))
	}
	return s.Projects.CreateProjectFromCases(ctx, a, in.ProjectInput, in.CaseIDs)
}

// nullDate scans a nullable legal date.
type nullDate struct {
	d     calendar.Date
	valid bool
}

func (n *nullDate) Scan(src any) error {
	if src == nil {
		n.valid = false
		return nil
	}
	n.valid = true
	return n.d.Scan(src)
}

func (n nullDate) ptr() *calendar.Date {
	if !n.valid {
		return nil
	}
	d := n.d
	return &d
}

// periodLetters reads the letters issued from from to to (days) of the
// rows issued selects, in issue order (issued_at, id), each with the letter
// before it in its group (agency, field, kind of problem), which may have
// been issued from lookFrom on. Of the letters before the period only the
// group and the issue date are read; the database returns the rows in
// index order (no sort), and they are put in issue order here. A letter
// without a stored kind (written in bulk before ClassifyMissingProblems
// ran) is classified from its title.
func periodLetters(tx *gorm.DB, issued func(from, to calendar.Date) *gorm.DB, lookFrom, from, to calendar.Date,
	loc *time.Location) ([]letterRow, error) {
	var before []letterRow
	var err error
	if lookFrom.Before(from) {
		if before, err = readLetters(tx, issued(lookFrom, from.AddDays(-1)).Select(letterKeyColumns), false, loc); err != nil {
			return nil, err
		}
	}
	period, err := readLetters(tx, issued(from, to).Select(letterColumns), true, loc)
	if err != nil {
		return nil, err
	}
	last := map[groupKey]*letterRow{}
	for _, list := range [][]letterRow{before, period} {
		for i := range list {
			r := &list[i]
			k := groupKey{r.AgencyID, r.Field, r.kind}
			if prev := last[k]; prev != nil {
				r.prevID, r.prevIssuedOn = prev.ID, prev.issuedOn
			}
			last[k] = r
		}
	}
	return period, nil
}

// letterKeyColumns select the group and issue date of a letter.
const letterKeyColumns = "cases.id, cases.agency_id, cases.field, cases.problem_kind, cases.issued_at"

// readLetters reads the letters a query selects (letterKeyColumns, or with
// facts letterColumns) in issue order.
func readLetters(tx *gorm.DB, q *gorm.DB, facts bool, loc *time.Location) ([]letterRow, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// One set of destinations for every row (a slice made per row costs
	// more than the row at 10^5 rows).
	var chunks [][]letterRow // filled one after another, so rows are never copied as the list grows
	var unclassified []int64
	var r letterRow
	var kind *string
	var issued stats.NullTime
	dest := []any{&r.ID, &r.AgencyID, &r.Field, &kind, &issued}
	if facts {
		dest = append(dest, &r.state, &r.received, &r.due, &r.firstReplied, &r.rectification, &r.closedAt)
	}
	for rows.Next() {
		r, kind = letterRow{}, nil
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.issuedAt, r.issuedOn = issued.Time, calendar.DateOf(issued.Time, loc)
		if kind != nil {
			r.kind = *kind
		} else {
			unclassified = append(unclassified, r.ID)
		}
		if len(chunks) == 0 || len(chunks[len(chunks)-1]) == cap(chunks[len(chunks)-1]) {
			chunks = append(chunks, make([]letterRow, 0, 4096))
		}
		chunks[len(chunks)-1] = append(chunks[len(chunks)-1], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	out := make([]letterRow, 0, n)
	for _, c := range chunks {
		out = append(out, c...)
	}
	if len(unclassified) > 0 {
		titles, err := cases.TitlesByID(tx, unclassified)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].kind == "" {
				out[i].kind = cases.ClassifyProblem(titles[out[i].ID])
			}
		}
	}
	sortLetters(out)
	return out, nil
}

// sortLetters puts letters in issue order: issued_at, then id.
func sortLetters(list []letterRow) {
	sort.Slice(list, func(i, j int) bool {
		a, b := &list[i], &list[j]
		if !a.issuedAt.Equal(b.issuedAt) {
			return a.issuedAt.Before(b.issuedAt)
		}
		return a.ID < b.ID
	})
}
