package stats

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
)

// Statistics from maintained aggregates (issue 18, point 1).
//
// stats_rollup holds, per (procuratorate, department, field, agency), the
// ReplyTally and ActivityTally of its issued recommendations as of one day
// (stats_rollup_state.as_of), made by the very Add functions of tally.go over
// the facts of facts_store.go: the definitions are not written twice.
// stats_case_counts holds the counts of every case by state, source, 制发
// month and 立案. A request for the whole history (no period) then reads a
// row per group instead of every case with its replies, deliveries, filings
// and escalations.
//
// How they are kept current: incrementally, with a watermark on the audit
// trail, caught up before every statistics request (so the figures are exact
// at the moment of the request, unless the catch-up takes longer than the
// request may wait: CatchUpWait) and by the minutely job. The facts of a case
// change through some forty actions in four packages, but every one writes
// an audit entry naming the case (or its filing) in its own transaction, and
// the audit head serialises those entries, so their ids commit in order and
// "every entry after the watermark" misses nothing. A case's contribution
// also changes with the date alone (a reply falls due, …): each case keeps the
// first day that can happen (stats_case_groups.next_change_on), and the
// catch-up of a new day recounts the groups of the cases whose day came.
// A catch-up recounts whole groups from the raw rows — no increments that
// could drift — and `server stats verify` recomputes everything and compares.

// rollupColumns are stats_rollup's counters, in the order of rollupRow.
var rollupColumns = []string{"issued", "reply_due", "awaiting", "on_time", "late", "no_reply", "perfunctory", "days_to_reply_sum",
	"pos_adopted", "pos_partly_adopted", "pos_not_adopted", "rect_rectified", "rect_partly_rectified", "rect_not_rectified",
	"delivered", "announced", "filings_due", "filings_on_time",
	"esc_higher", "esc_regulator", "esc_congress", "esc_discipline", "esc_litigation",
	"res_higher", "res_regulator", "res_congress", "res_discipline", "res_litigation",
	"escalated_cases", "public_interest", "closed", "handling_days_sum",
	"pub_received", "pub_reply_due", "pub_on_time", "pub_late", "pub_no_reply", "pub_perfunctory"}

// rollupKey is a rollup group.
type rollupKey struct {
	ProcuratorateID int64
	DepartmentID    int64
	Field           string
	AgencyID        int64
}

// RollupRow is one row of stats_rollup.
type RollupRow struct {
	ProcuratorateID int64  `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Field           string `gorm:"primaryKey"`
	AgencyID        int64  `gorm:"primaryKey;autoIncrement:false"`
	Issued          int64
	// ReplySums are the reply counters (stats_rollup's columns reply_due …
	// rect_not_rectified), the part a case row of the recurrence holds.
	ReplySums
	Delivered       int64
	Announced       int64
	FilingsDue      int64
	FilingsOnTime   int64
	EscHigher       int64
	EscRegulator    int64
	EscCongress     int64
	EscDiscipline   int64
	EscLitigation   int64
	ResHigher       int64
	ResRegulator    int64
	ResCongress     int64
	ResDiscipline   int64
	ResLitigation   int64
	EscalatedCases  int64
	PublicInterest  int64
	Closed          int64
	HandlingDaysSum int64
	// The public agency table (disclosure.AgencyStats): cases not involving
	// state secrets; received = issued and not withdrawn.
	PubReceived    int64
	PubReplyDue    int64
	PubOnTime      int64
	PubLate        int64
	PubNoReply     int64
	PubPerfunctory int64
}

// TableName is stats_rollup.
func (RollupRow) TableName() string { return "stats_rollup" }

func (r *RollupRow) key() rollupKey {
	return rollupKey{r.ProcuratorateID, r.DepartmentID, r.Field, r.AgencyID}
}

// escalationColumns pair the escalation kinds with their counters.
func (r *RollupRow) escalationCounters() map[string][2]*int64 {
	return map[string][2]*int64{
		agency.EscalateHigherProcuratorate:  {&r.EscHigher, &r.ResHigher},
		agency.EscalateSuperiorRegulator:    {&r.EscRegulator, &r.ResRegulator},
		agency.EscalatePartyCongress:        {&r.EscCongress, &r.ResCongress},
		agency.EscalateGovernmentDiscipline: {&r.EscDiscipline, &r.ResDiscipline},
		agency.EscalateLitigation:           {&r.EscLitigation, &r.ResLitigation},
	}
}

// groupTally is what a group's cases add up to.
type groupTally struct {
	issued   int64
	reply    ReplyTally
	activity ActivityTally
	// The public table's part: not secret; received = not withdrawn.
	pubReceived int64
	pub         ReplyTally
}

// add counts one recommendation as of asOf over the whole history.
func (g *groupTally) add(f *CaseFacts, secret bool, asOf calendar.Date) {
	var all Period
	if all.Contains(f.IssuedOn) {
		g.issued++
	}
	g.reply.Add(f, all, asOf)
	g.activity.Add(f, all, asOf)
	if !secret {
		if f.State != cases.StateWithdrawn {
			g.pubReceived++
		}
		g.pub.Add(f, all, asOf)
	}
}

// row turns the tally into a stats_rollup row. It fails on a position,
// rectification or escalation kind the table has no column for, rather than
// dropping it.
func (g *groupTally) row(k rollupKey) (RollupRow, error) {
	sums, err := g.reply.sums()
	r := RollupRow{ProcuratorateID: k.ProcuratorateID, DepartmentID: k.DepartmentID, Field: k.Field, AgencyID: k.AgencyID,
		Issued: g.issued, ReplySums: sums,
		Delivered: g.activity.Delivered, Announced: g.activity.Announced, FilingsDue: g.activity.FilingsDue,
		FilingsOnTime: g.activity.FilingsOnTime, EscalatedCases: g.activity.EscalatedCases, PublicInterest: g.activity.PublicInterest,
		Closed: g.activity.Closed, HandlingDaysSum: g.activity.handlingDaysSum,
		PubReceived: g.pubReceived, PubReplyDue: g.pub.Due, PubOnTime: g.pub.OnTime, PubLate: g.pub.Late, PubNoReply: g.pub.NoReply,
		PubPerfunctory: g.pub.Perfunctory}
	if err != nil {
		return r, err
	}
	// A kind outside escalationKinds (a legacy or imported row) shows in no
	// figure (ActivityFigures lists those kinds only), so it has no column.
	cols := r.escalationCounters()
	for k, v := range g.activity.Escalations {
		if c, ok := cols[k]; ok {
			*c[0] = v
		}
	}
	for k, v := range g.activity.Results {
		if c, ok := cols[k]; ok {
			*c[1] = v
		}
	}
	return r, nil
}

// sums are the tally's reply counters as stats_rollup's columns. It fails
// on a position or rectification the table has no column for, rather than
// dropping it.
func (t *ReplyTally) sums() (ReplySums, error) {
	r := ReplySums{ReplyDue: t.Due, Awaiting: t.Awaiting, OnTime: t.OnTime, Late: t.Late, NoReply: t.NoReply,
		Perfunctory: t.Perfunctory, DaysToReplySum: t.daysToReplySum}
	for k, v := range t.Positions {
		switch k {
		case agency.PositionAdopted:
			r.PosAdopted = v
		case agency.PositionPartlyAdopted:
			r.PosPartlyAdopted = v
		case agency.PositionNotAdopted:
			r.PosNotAdopted = v
		default:
			return r, fmt.Errorf("stats rollup: no column for position %q", k)
		}
	}
	for k, v := range t.Rectifications {
		switch k {
		case agency.RectificationRectified:
			r.RectRectified = v
		case agency.RectificationPartlyRectified:
			r.RectPartlyRectified = v
		case agency.RectificationNotRectified:
			r.RectNotRectified = v
		default:
			return r, fmt.Errorf("stats rollup: no column for rectification %q", k)
		}
	}
	return r, nil
}

// tally turns a row (or a sum of rows) back into tallies.
func (r *RollupRow) tally() groupTally {
	g := groupTally{issued: r.Issued}
	g.reply = ReplyTally{Due: r.ReplyDue, Awaiting: r.Awaiting, OnTime: r.OnTime, Late: r.Late, NoReply: r.NoReply,
		Perfunctory: r.Perfunctory, daysToReplySum: r.DaysToReplySum}
	for k, v := range map[string]int64{agency.PositionAdopted: r.PosAdopted, agency.PositionPartlyAdopted: r.PosPartlyAdopted,
		agency.PositionNotAdopted: r.PosNotAdopted} {
		if v != 0 {
			addCount(&g.reply.Positions, k, v)
		}
	}
	for k, v := range map[string]int64{agency.RectificationRectified: r.RectRectified, agency.RectificationPartlyRectified: r.RectPartlyRectified,
		agency.RectificationNotRectified: r.RectNotRectified} {
		if v != 0 {
			addCount(&g.reply.Rectifications, k, v)
		}
	}
	g.activity = ActivityTally{Delivered: r.Delivered, Announced: r.Announced, FilingsDue: r.FilingsDue, FilingsOnTime: r.FilingsOnTime,
		EscalatedCases: r.EscalatedCases, PublicInterest: r.PublicInterest, Closed: r.Closed, handlingDaysSum: r.HandlingDaysSum}
	for k, c := range r.escalationCounters() {
		if *c[0] != 0 {
			addCount(&g.activity.Escalations, k, *c[0])
		}
		if *c[1] != 0 {
			addCount(&g.activity.Results, k, *c[1])
		}
	}
	return g
}

// nextChange is the first day after asOf on which the facts' contribution
// may differ from the one as of asOf: every definition compares asOf with
// one of the case's dates (before, on or after it), so the contribution is
// constant between a date d and d+1; no date after asOf → zero (never).
func nextChange(f *CaseFacts, asOf calendar.Date) calendar.Date {
	var next calendar.Date
	consider := func(d calendar.Date) {
		if c := laterOf(asOf, d); !c.IsZero() && (next.IsZero() || c.Before(next)) {
			next = c
		}
	}
	for _, d := range []calendar.Date{f.RegisteredOn, f.FiledOn, f.IssuedOn, f.DeliveredOn, f.ReceivedOn, f.ReplyDue, f.RepliedOn, f.EndedOn} {
		consider(d)
	}
	for _, e := range f.Escalations {
		consider(e.DecidedOn)
		consider(e.OutcomeOn)
	}
	if f.Filing != nil {
		consider(f.Filing.Due)
		consider(f.Filing.FiledOn)
	}
	return next
}

// caseGroup is one row of stats_case_groups.
type caseGroup struct {
	CaseID          int64 `gorm:"primaryKey;autoIncrement:false"`
	ProcuratorateID int64
	DepartmentID    int64
	Field           string
	AgencyID        int64
	NextChangeOn    *string
	// What the recurrence analysis reads (case_rows.go).
	IssuedDay   int64
	IssuedUs    int64
	ProblemKind string
	Reply       ReplySums `gorm:"embedded"`
	Link        chainLink `gorm:"embedded"`
}

func (caseGroup) TableName() string { return "stats_case_groups" }

func (c *caseGroup) key() rollupKey {
	return rollupKey{c.ProcuratorateID, c.DepartmentID, c.Field, c.AgencyID}
}

// rollupState is the single row of stats_rollup_state.
type rollupState struct {
	ID      int64 `gorm:"primaryKey;autoIncrement:false"`
	AuditID int64
	AsOf    string
	BuiltAt *time.Time
}

func (rollupState) TableName() string { return "stats_rollup_state" }

// groupCaseRow is a case as the rollup reads it: its facts' columns and its field.
type groupCaseRow struct {
	CaseRow
	Field               string
	InvolvesStateSecret bool
	ProblemKind         *string
}

// scanGroupFacts streams the facts of the issued recommendations filter lets
// through, in batches in id order, inside tx.
func scanGroupFacts(tx *gorm.DB, loc *time.Location, filter func(*gorm.DB) *gorm.DB, fn func([]groupCaseRow, []CaseFacts) error) error {
	var after int64
	for {
		var rows []groupCaseRow
		q := tx.Table("cases").Select(factsCaseColumns+", cases.field, cases.involves_state_secret, cases.problem_kind").Where("cases.issued_at IS NOT NULL AND cases.id > ?", after)
		if filter != nil {
			q = filter(q)
		}
		if err := q.Order("cases.id").Limit(factsBatch).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := classifyMissing(tx, rows); err != nil {
			return err
		}
		plain := make([]CaseRow, len(rows))
		for i := range rows {
			plain[i] = rows[i].CaseRow
		}
		facts, err := buildFacts(tx, plain, loc, filter)
		if err != nil {
			return err
		}
		if err := fn(rows, facts); err != nil {
			return err
		}
		if len(rows) < factsBatch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

func keyOf(r *groupCaseRow) rollupKey {
	k := rollupKey{ProcuratorateID: r.ProcuratorateID, DepartmentID: r.DepartmentID, Field: r.Field}
	if r.AgencyID != nil {
		k.AgencyID = *r.AgencyID
	}
	return k
}

// computed is a recount from the raw rows.
type computed struct {
	groups map[rollupKey]*groupTally
	cases  []caseGroup
}

// recount tallies the issued recommendations filter lets through, by group.
func recount(tx *gorm.DB, loc *time.Location, asOf calendar.Date, filter func(*gorm.DB) *gorm.DB) (*computed, error) {
	out := &computed{groups: map[rollupKey]*groupTally{}}
	err := scanGroupFacts(tx, loc, filter, func(rows []groupCaseRow, facts []CaseFacts) error {
		for i := range rows {
			k := keyOf(&rows[i])
			g := out.groups[k]
			if g == nil {
				g = &groupTally{}
				out.groups[k] = g
			}
			g.add(&facts[i], rows[i].InvolvesStateSecret, asOf)
			cg := caseGroup{CaseID: rows[i].ID, ProcuratorateID: k.ProcuratorateID, DepartmentID: k.DepartmentID, Field: k.Field, AgencyID: k.AgencyID}
			if n := nextChange(&facts[i], asOf); !n.IsZero() {
				s := n.String()
				cg.NextChangeOn = &s
			}
			if err := fillCaseRow(&cg, &rows[i], &facts[i], asOf); err != nil {
				return err
			}
			out.cases = append(out.cases, cg)
		}
		return nil
	})
	return out, err
}

// countRow is a grouped count of cases (countsSelect), summed to the rows
// of stats_counts by countLevels.
type countRow struct {
	ProcuratorateID int64
	DepartmentID    int64
	Field           string
	State           string
	Source          string
	IssuedMonth     string
	Filed           bool
	N               int64
}

// countsSelect is the grouped count of cases stats_counts is summed from.
func countsSelect(db *database.DB, tx *gorm.DB) *gorm.DB {
	return tx.Table("cases").Select(`cases.procuratorate_id, cases.department_id, cases.field, cases.state, cases.source,
		COALESCE(` + issuedMonthExpr(db) + `, '') AS issued_month, CASE WHEN cases.case_number IS NOT NULL THEN 1 ELSE 0 END AS filed, COUNT(*) AS n`).
		Group("cases.procuratorate_id, cases.department_id, cases.field, cases.state, cases.source, issued_month, filed")
}

// rollupLocks serialises the catch-ups of one database in this process.
var rollupLocks sync.Map // *database.DB → *sync.Mutex

// rebuildGroups is the number of groups above which a catch-up recounts
// everything in one pass rather than group by group: at 10^6 cases a group
// recounted alone cost ~16 ms (a new day of 3,300 groups: 54 s), a full
// recount ~1.4 ms a group (108,000 groups: 2.5 min), so the full pass is
// cheaper from about 9,000 groups. Both hold the write lock for less than a
// second at a time.
const rebuildGroups = 8000

// rebuildAbove is the number of groups above which a catch-up recounts
// everything (rebuildGroups unless RebuildAbove is set).
func (s *Service) rebuildAbove() int {
	if s.RebuildAbove > 0 {
		return s.RebuildAbove
	}
	return rebuildGroups
}

// groupsChangingBy counts the groups of the cases whose contribution may
// change by day (stats_case_groups.next_change_on, indexed): what a new
// day's catch-up recounts, besides the cases acted on.
func groupsChangingBy(db *gorm.DB, day calendar.Date) (int64, error) {
	var n int64
	err := db.Raw(`SELECT COUNT(*) FROM (SELECT DISTINCT procuratorate_id, department_id, field, agency_id
		FROM stats_case_groups WHERE next_change_on <= ?) g`, day.String()).Scan(&n).Error
	return n, err
}

// CatchUp brings the maintained aggregates up to the audit trail's last
// entry and to today. It writes nothing when they are current. Both ways —
// a catch-up of what changed (catchUpOnce) and a full recount (the first
// build, a calendar edit, a large backlog: recountAll) — read outside any
// transaction and write only what changed, in short transactions, so
// writers are not held up (on SQLite the write lock is the whole
// database's).
func (s *Service) CatchUp(ctx context.Context) error {
	today := s.Clock.Today()
	mu, _ := rollupLocks.LoadOrStore(s.DB, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	_, current, err := rollupCurrent(s.DB.WithContext(ctx), today)
	if err != nil || current {
		return err
	}
	for attempt := 1; ; attempt++ {
		err = s.catchUpOnce(ctx, today)
		switch {
		case errors.Is(err, errFullRecount):
			return s.rebuildAll(ctx, today)
		case !errors.Is(err, errRollupMoved) || attempt == recountAttempts:
			return err
		}
	}
}

// rollupCurrent reads the aggregates' state and reports whether they are
// counted as of today and up to the audit trail's last entry.
func rollupCurrent(db *gorm.DB, today calendar.Date) (rollupState, bool, error) {
	var st rollupState
	if err := db.First(&st, 1).Error; err != nil {
		return st, false, err
	}
	var maxID int64
	if err := db.Table("audit_entries").Select("COALESCE(MAX(id), 0)").Scan(&maxID).Error; err != nil {
		return st, false, err
	}
	return st, st.AsOf == today.String() && st.AuditID == maxID, nil
}

// catchUpTimeout bounds a catch-up started for a request, which outlives
// the request's own deadline.
const catchUpTimeout = 10 * time.Minute

// catchUpFor brings the aggregates up for a request. When they are current
// (the common case) it only reads their state: no lock, no goroutine, so
// concurrent requests do not queue behind one another. Otherwise, with
// CatchUpWait zero, it catches up (exact at the moment of the request);
// with CatchUpWait set, the request joins the catch-up in flight (or starts
// one, in a context of its own: a catch-up slower than the request is not
// thrown away) and waits for it at most CatchUpWait, then is served from
// the aggregates as they are.
func (s *Service) catchUpFor(ctx context.Context) error {
	if _, current, err := rollupCurrent(s.DB.WithContext(ctx), s.Clock.Today()); err != nil || current {
		return err
	}
	if s.CatchUpWait <= 0 {
		return s.CatchUp(ctx)
	}
	f := s.sharedCatchUp(ctx)
	t := time.NewTimer(s.CatchUpWait)
	defer t.Stop()
	select {
	case <-f.done:
		return f.err
	case <-t.C:
		return nil // served from the aggregates as they are
	case <-ctx.Done():
		return ctx.Err()
	}
}

// catchUpFlight is a catch-up started for requests, which later requests
// join rather than queue another behind it.
type catchUpFlight struct {
	done chan struct{}
	err  error
}

// flights holds each database's catch-up in flight.
type flights struct {
	mu  sync.Mutex
	cur *catchUpFlight
}

var catchUpFlights sync.Map // *database.DB → *flights

// sharedCatchUp is the catch-up in flight for the database, started if
// there is none.
func (s *Service) sharedCatchUp(ctx context.Context) *catchUpFlight {
	v, _ := catchUpFlights.LoadOrStore(s.DB, &flights{})
	fl := v.(*flights)
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.cur != nil {
		return fl.cur
	}
	f := &catchUpFlight{done: make(chan struct{})}
	fl.cur = f
	go func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), catchUpTimeout)
		defer cancel()
		f.err = s.CatchUp(cctx)
		fl.mu.Lock()
		fl.cur = nil
		fl.mu.Unlock()
		close(f.done)
	}()
	return f
}

// errFullRecount makes a catch-up give way to a full recount.
var errFullRecount = errors.New("stats rollup: recount everything")

// Rebuild recounts the aggregates from the raw rows and reports how many
// rows it changed (wrote or deleted): none when they were right.
func (s *Service) Rebuild(ctx context.Context) (int, error) {
	mu, _ := rollupLocks.LoadOrStore(s.DB, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	n, err := s.recountAll(ctx, s.Clock.Today())
	if err != nil {
		return n, err
	}
	// The projects' case counts are kept with the cases, not caught up:
	// only this command rewrites them (verify compares them).
	return n, s.DB.WithTx(ctx, projects.RecountCaseCounts)
}

// factlessActions are audited actions on a case that change none of the
// rows its facts are read from (facts_store.go: the case row, its replies,
// deliveries, filings, escalations and 立案 event): freezing a document
// (stored_files), saving a draft (recommendation_drafts and a case event
// other than 立案) and an investigation record (its rows, files and such an
// event). They are the commonest entries — a draft autosaves every few
// seconds, every first download freezes a letter — and a catch-up that
// recounted their cases' groups at 10^6 cases took 21 s after a benchmark's
// 316 first downloads, stalling every statistics request meanwhile.
var factlessActions = []string{"document.generate", "case.draft_saved", "case.investigation_record"}

// catchUpPlan is what a catch-up reads and recounts outside any
// transaction — everything up to the audit entry maxID is in what it reads
// (the audit head commits entries in order), later changes are the next
// catch-up's — for its write transaction to apply, if the aggregates are
// still in the state was.
type catchUpPlan struct {
	was   rollupState
	maxID int64
	// groups are the groups recounted, with their cases' rows.
	groups map[rollupKey]*computed
	// The case rows to write, by procuratorate (planCaseRows): removed (no
	// longer issued), added, and the columns that changed of the others —
	// most rows of a group recounted are as they were.
	remove  map[int64][]int64
	insert  map[int64][]caseGroup
	changed map[int64][]caseRowChange
	// fine are the groups' stats_rollup rows as stored (none: a new group).
	fine map[rollupKey]*RollupRow
	// chains are the 回头看 chains whose links may change (planCaseRows).
	chains map[chainKey]bool
	// counts are the stats_counts rows of the procuratorates whose cases
	// were acted on, counted afresh (a day alone changes no count).
	counts map[int64][]levelCount
	// apps are the application figures of the procuratorates in appProcs.
	appProcs []int64
	apps     map[int64]*appCount
}

// catchUpOnce plans a catch-up outside any transaction and applies it in
// one; errRollupMoved: another process caught up meanwhile (plan again).
// On SQLite the write lock is the whole database's: what it holds is the
// writes, not the reading and recounting (a new day at 10^6 cases held it
// two minutes when the recount was inside).
func (s *Service) catchUpOnce(ctx context.Context, today calendar.Date) error {
	p, err := s.planCatchUp(s.DB.WithContext(ctx), today)
	if err != nil || p == nil {
		return err
	}
	parts := p.parts(s.groupsPerWrite())
	for i, procs := range parts {
		last := i == len(parts)-1
		err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
			if err := lockUnmoved(tx, p.was, today, p.maxID); err != nil {
				return err
			}
			return s.applyCatchUp(tx, p, procs, last, today)
		})
		if errors.Is(err, errLaterState) {
			return nil // another process caught up as far meanwhile
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// groupsPerWrite is about how many groups one write transaction of a
// catch-up replaces.
const groupsPerWrite = 250

func (s *Service) groupsPerWrite() int {
	if s.GroupsPerWrite > 0 {
		return s.GroupsPerWrite
	}
	return groupsPerWrite
}

// parts splits a catch-up's writes into transactions of whole
// procuratorates, in id order, of about per groups each (a procuratorate's
// counts or applications alone weigh as a group). Each part writes its
// procuratorates' rows and adds their difference to the sums and subtree
// rows, so the aggregates add up after every part; the last relinks the
// chains and moves the watermark. Between parts a request may read some
// procuratorates counted as of the new state and the others as of the old
// one; a catch-up of another process meanwhile sees the old watermark,
// recounts what it finds changed since then from the raw rows, and this
// one stops at its next part (errLaterState or errRollupMoved).
func (p *catchUpPlan) parts(per int) []map[int64]bool {
	weight := map[int64]int{}
	for k := range p.groups {
		weight[k.ProcuratorateID]++
	}
	for proc := range p.counts {
		weight[proc]++
	}
	for _, proc := range p.appProcs {
		weight[proc]++
	}
	for proc := range p.remove {
		if _, ok := weight[proc]; !ok {
			weight[proc] = 0 // only rows to delete
		}
	}
	var out []map[int64]bool
	cur, n := map[int64]bool{}, 0
	for _, proc := range slices.Sorted(maps.Keys(weight)) {
		if n > 0 && n+weight[proc] > per {
			out = append(out, cur)
			cur, n = map[int64]bool{}, 0
		}
		cur[proc] = true
		n += weight[proc]
	}
	return append(out, cur)
}

// planCatchUp reads what changed since the watermark and recounts it; nil
// when the aggregates are current.
func (s *Service) planCatchUp(db *gorm.DB, today calendar.Date) (*catchUpPlan, error) {
	st, err := rollupStateOf(db)
	if err != nil {
		return nil, err
	}
	var maxID int64
	if err := db.Table("audit_entries").Select("COALESCE(MAX(id), 0)").Scan(&maxID).Error; err != nil {
		return nil, err
	}
	asOf, err := calendar.ParseDate(st.AsOf)
	if st.AsOf == "" || err != nil || today.Before(asOf) {
		return nil, errFullRecount
	}
	if st.AsOf == today.String() && st.AuditID == maxID {
		return nil, nil // caught up by another request meanwhile
	}
	p := &catchUpPlan{was: st, maxID: maxID, groups: map[rollupKey]*computed{}, fine: map[rollupKey]*RollupRow{},
		remove: map[int64][]int64{}, insert: map[int64][]caseGroup{}, changed: map[int64][]caseRowChange{},
		chains: map[chainKey]bool{}, counts: map[int64][]levelCount{}}
	acted := map[int64]bool{} // the cases acted on
	entries, err := auditAfter(db, st.AuditID, maxID)
	if err != nil {
		return nil, err
	}
	var filingIDs, applicationIDs []int64
	for _, e := range entries {
		switch {
		case slices.Contains(factlessActions, e.Action):
		case e.ObjectType == "holiday" || e.ObjectType == "case_field":
			// A calendar edit moves due dates of many cases; a field edit
			// may rename a field: recount everything.
			return nil, errFullRecount
		case e.ObjectID == nil:
		case e.ObjectType == "case":
			acted[*e.ObjectID] = true
		case e.ObjectType == "filing":
			filingIDs = append(filingIDs, *e.ObjectID)
		case e.ObjectType == "application":
			applicationIDs = append(applicationIDs, *e.ObjectID)
		}
	}
	appProcs := map[int64]bool{}
	if err := pluckInto(db, "applications", "procuratorate_id", applicationIDs, appProcs); err != nil {
		return nil, err
	}
	if err := pluckInto(db, "filings", "case_id", filingIDs, acted); err != nil {
		return nil, err
	}
	dirty := maps.Clone(acted)
	if today.After(asOf) {
		// A new day's size is decided before reading its cases' rows: a
		// day that gives way to a full recount is not walked first.
		n, err := groupsChangingBy(db, today)
		if err != nil {
			return nil, err
		}
		if n > int64(s.rebuildAbove()) {
			return nil, errFullRecount
		}
		var ids []int64
		if err := db.Table("stats_case_groups").Where("next_change_on <= ?", today.String()).Pluck("case_id", &ids).Error; err != nil {
			return nil, err
		}
		for _, id := range ids {
			dirty[id] = true
		}
		var procs []int64
		if err := db.Table("stats_application_counts").Where("next_change_on <= ?", today.String()).Pluck("procuratorate_id", &procs).Error; err != nil {
			return nil, err
		}
		for _, p := range procs {
			appProcs[p] = true
		}
	}
	groups := map[rollupKey]bool{}
	countProcs := map[int64]bool{}
	stored := map[int64]caseGroup{} // the case rows of the cases recounted, as stored
	for _, chunk := range chunks(sortedIDs(dirty)) {
		procs, err := applicationProcs(db, chunk)
		if err != nil {
			return nil, err
		}
		for _, id := range procs {
			appProcs[id] = true
		}
		var old []caseGroup
		if err := db.Where("case_id IN ?", chunk).Find(&old).Error; err != nil {
			return nil, err
		}
		for i := range old {
			stored[old[i].CaseID] = old[i]
			groups[old[i].key()] = true
			if acted[old[i].CaseID] {
				countProcs[old[i].ProcuratorateID] = true
			}
		}
		var cur []groupCaseRow
		if err := db.Table("cases").Select("cases.id, cases.procuratorate_id, cases.department_id, cases.agency_id, cases.issued_at, cases.field").
			Where("cases.id IN ?", chunk).Scan(&cur).Error; err != nil {
			return nil, err
		}
		for i := range cur {
			if acted[cur[i].ID] {
				countProcs[cur[i].ProcuratorateID] = true
			}
			if cur[i].IssuedAt != nil {
				groups[keyOf(&cur[i])] = true
			}
		}
	}
	if len(groups) > s.rebuildAbove() {
		return nil, errFullRecount
	}
	loc := s.Clock.Location()
	for k := range groups {
		filter := func(q *gorm.DB) *gorm.DB {
			q = q.Where("cases.procuratorate_id = ? AND cases.department_id = ? AND cases.field = ?", k.ProcuratorateID, k.DepartmentID, k.Field)
			if k.AgencyID == 0 {
				return q.Where("cases.agency_id IS NULL")
			}
			return q.Where("cases.agency_id = ?", k.AgencyID)
		}
		c, err := recount(db, loc, today, filter)
		if err != nil {
			return nil, err
		}
		p.groups[k] = c
		var fine []RollupRow
		if err := db.Where("procuratorate_id = ? AND department_id = ? AND field = ? AND agency_id = ?",
			k.ProcuratorateID, k.DepartmentID, k.Field, k.AgencyID).Find(&fine).Error; err != nil {
			return nil, err
		}
		if len(fine) > 0 {
			p.fine[k] = &fine[0]
		}
	}
	if err := p.planCaseRows(db, stored); err != nil {
		return nil, err
	}
	for _, proc := range sortedIDs(countProcs) {
		var fine []countRow
		if err := countsSelect(s.DB, db).Where("cases.procuratorate_id = ?", proc).Scan(&fine).Error; err != nil {
			return nil, err
		}
		p.counts[proc] = values(countLevels(fine))
	}
	p.appProcs = sortedIDs(appProcs)
	if len(p.appProcs) > 0 {
		if p.apps, err = countApplications(db, p.appProcs, today); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// caseRowChange is the columns that changed of a stored case row.
type caseRowChange struct {
	caseID  int64
	columns map[string]any
}

// planCaseRows compares the case rows of the groups recounted with those
// stored (stored holds the dirty cases' rows; the others of their groups are
// read here): a row stored and not recounted is removed (the case is no
// longer issued), a row recounted and not stored is added, and of the others
// only the columns that changed are written — a new day changes the reply
// counters and next day of a few cases of each group, and rewriting every
// row of the groups (five indexes each) made most of a new day's write
// transactions at 10^6 cases. It also lists the 回头看 chains whose links
// may change: those of a row added, removed, or moved in its chain (another
// chain, issue instant or day, procuratorate or department); a new day moves
// none (relinking every chain a day touched, 7,495 at 10^6, held the write
// lock 5.4 s). A row keeps its stored link until relinkChains.
func (p *catchUpPlan) planCaseRows(db *gorm.DB, stored map[int64]caseGroup) error {
	var missing []int64
	for _, c := range p.groups {
		for i := range c.cases {
			if _, ok := stored[c.cases[i].CaseID]; !ok {
				missing = append(missing, c.cases[i].CaseID)
			}
		}
	}
	slices.Sort(missing)
	for _, chunk := range chunks(missing) {
		var rows []caseGroup
		if err := db.Where("case_id IN ?", chunk).Find(&rows).Error; err != nil {
			return err
		}
		for i := range rows {
			stored[rows[i].CaseID] = rows[i]
		}
	}
	sch := &gorm.Statement{DB: db}
	if err := sch.Parse(&caseGroup{}); err != nil {
		return err
	}
	kept := make(map[int64]bool, len(stored))
	for _, c := range p.groups {
		for i := range c.cases {
			cg := c.cases[i]
			kept[cg.CaseID] = true
			old, ok := stored[cg.CaseID]
			if !ok {
				p.chains[cg.chain()] = true
				p.insert[cg.ProcuratorateID] = append(p.insert[cg.ProcuratorateID], cg)
				continue
			}
			if old.chain() != cg.chain() || old.IssuedUs != cg.IssuedUs || old.IssuedDay != cg.IssuedDay ||
				old.ProcuratorateID != cg.ProcuratorateID || old.DepartmentID != cg.DepartmentID {
				p.chains[cg.chain()] = true
				p.chains[old.chain()] = true
			}
			cg.Link = old.Link
			if cols := changedColumns(sch, &old, &cg); len(cols) > 0 {
				p.changed[cg.ProcuratorateID] = append(p.changed[cg.ProcuratorateID], caseRowChange{cg.CaseID, cols})
			}
		}
	}
	for id, old := range stored {
		if !kept[id] {
			p.chains[old.chain()] = true
			p.remove[old.ProcuratorateID] = append(p.remove[old.ProcuratorateID], id)
		}
	}
	return nil
}

// changedColumns are the columns (and new values) in which two rows of
// sch's model differ.
func changedColumns[T any](sch *gorm.Statement, old, cur *T) map[string]any {
	ctx := context.Background()
	ov, cv := reflect.ValueOf(old).Elem(), reflect.ValueOf(cur).Elem()
	cols := map[string]any{}
	for _, f := range sch.Schema.Fields {
		if f.DBName == "" || f.PrimaryKey {
			continue
		}
		a, _ := f.ValueOf(ctx, ov)
		b, _ := f.ValueOf(ctx, cv)
		if !reflect.DeepEqual(a, b) {
			cols[f.DBName] = b
		}
	}
	return cols
}

// applyCatchUp writes the part of a catch-up's plan of the procuratorates
// procs (parts); the last part relinks the chains and moves the watermark.
func (s *Service) applyCatchUp(tx *gorm.DB, p *catchUpPlan, procs map[int64]bool, last bool, today calendar.Date) error {
	var insert []caseGroup
	for proc := range procs {
		for _, chunk := range chunks(p.remove[proc]) {
			if err := tx.Where("case_id IN ?", chunk).Delete(&caseGroup{}).Error; err != nil {
				return err
			}
		}
		for _, c := range p.changed[proc] {
			if err := tx.Model(&caseGroup{}).Where("case_id = ?", c.caseID).Updates(c.columns).Error; err != nil {
				return err
			}
		}
		insert = append(insert, p.insert[proc]...)
	}
	if err := createAll(tx, insert); err != nil {
		return err
	}
	// The groups' rows are written in bulk: at a new day of 10^6 cases
	// there are thousands.
	fineDelta := make(map[rollupKey]*RollupRow, len(p.groups))
	var fine []RollupRow
	for k, c := range p.groups {
		if !procs[k.ProcuratorateID] {
			continue
		}
		rows, err := c.rows()
		if err != nil {
			return err
		}
		d := RollupRow{ProcuratorateID: k.ProcuratorateID, DepartmentID: k.DepartmentID, Field: k.Field, AgencyID: k.AgencyID}
		for i := range rows {
			d.plus(&rows[i])
		}
		if old := p.fine[k]; old != nil {
			d.minus(old)
			if len(rows) == 0 { // the group is empty now
				if err := tx.Where(old.keyColumns()).Delete(&RollupRow{}).Error; err != nil {
					return err
				}
			}
		}
		fineDelta[k] = &d
		fine = append(fine, rows...)
	}
	if len(fine) > 0 {
		if err := tx.Model(&RollupRow{}).Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(fine, rowsPerStatement[RollupRow](tx)).Error; err != nil {
			return err
		}
	}
	paths, err := loadSubtreePaths(tx)
	if err != nil {
		return err
	}
	// stats_rollup_sums and the subtree sums by the groups' difference.
	sumsDelta := sumLevels(values(fineDelta))
	if err := addDelta(tx, sumsTable, sumsDelta); err != nil {
		return err
	}
	if err := addDelta(tx, subtreeSumsTable, subtreeOf[rollupKey](values(sumsDelta), paths)); err != nil {
		return err
	}
	counts := map[int64][]levelCount{}
	for proc, rows := range p.counts {
		if procs[proc] {
			counts[proc] = rows
		}
	}
	countsDelta := map[levelCountKey]*levelCount{}
	if err := writeCounts(tx, counts, paths, countsDelta); err != nil {
		return err
	}
	if err := addDelta(tx, subtreeCountsTable, countsDelta); err != nil {
		return err
	}
	var appProcs []int64
	for _, proc := range p.appProcs {
		if procs[proc] {
			appProcs = append(appProcs, proc)
		}
	}
	if err := writeApplications(tx, appProcs, p.apps); err != nil {
		return err
	}
	if !last {
		return nil
	}
	if err := relinkChains(tx, p.chains); err != nil {
		return err
	}
	return saveState(tx, today, p.maxID)
}

// auditEntry is what a catch-up reads of an audit entry.
type auditEntry struct {
	ObjectType string
	ObjectID   *int64
	Action     string
}

// auditBatch is how many audit entries a catch-up reads at a time.
const auditBatch = 10000

// auditAfter reads the audit entries after the watermark up to maxID, in
// batches on the primary key, and keeps those of the object types a
// catch-up recounts. The filter is applied here, not in SQL: with a
// condition on object_type the planners chose ix_audit_object and read
// every case entry ever written (seconds at 10^5 cases, every catch-up).
func auditAfter(tx *gorm.DB, after, maxID int64) ([]auditEntry, error) {
	var out []auditEntry
	for after < maxID {
		var batch []struct {
			ID         int64
			ObjectType string
			ObjectID   *int64
			Action     string
		}
		if err := tx.Table("audit_entries").Select("id, object_type, object_id, action").Where("id > ? AND id <= ?", after, maxID).
			Order("id").Limit(auditBatch).Scan(&batch).Error; err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			switch e.ObjectType {
			case "case", "filing", "application", "holiday", "case_field":
				out = append(out, auditEntry{ObjectType: e.ObjectType, ObjectID: e.ObjectID, Action: e.Action})
			}
		}
		after = batch[len(batch)-1].ID
	}
	return out, nil
}

// sortedIDs lists a set's ids in order.
func sortedIDs(set map[int64]bool) []int64 {
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// rebuildAll recounts every group and every count from the raw rows and
// writes what differs from the rows stored (rollup_diff.go).
func (s *Service) rebuildAll(ctx context.Context, today calendar.Date) error {
	_, err := s.recountAll(ctx, today)
	return err
}

// recountAll is rebuildAll, reporting how many rows it wrote or deleted.
func (s *Service) recountAll(ctx context.Context, today calendar.Date) (int, error) {
	for attempt := 1; ; attempt++ {
		n, err := s.recountOnce(ctx, today)
		if !errors.Is(err, errRollupMoved) || attempt == recountAttempts {
			return n, err
		}
	}
}

// recountOnce reads outside any transaction — everything up to the audit
// entry read first is in what it reads; later changes are recounted by the
// next catch-up, their entries being after the watermark — compares with the
// stored rows, also outside, and writes the differences in one transaction.
func (s *Service) recountOnce(ctx context.Context, today calendar.Date) (int, error) {
	db := s.DB.WithContext(ctx)
	var auditID int64
	if err := db.Table("audit_entries").Select("COALESCE(MAX(id), 0)").Scan(&auditID).Error; err != nil {
		return 0, err
	}
	e, err := s.countEverything(db, today)
	if err != nil {
		return 0, err
	}
	paths, err := loadSubtreePaths(db)
	if err != nil {
		return 0, err
	}
	was, err := rollupStateOf(db)
	if err != nil {
		return 0, err
	}
	var changes []tableChange
	for _, diff := range []func() (tableChange, error){
		func() (tableChange, error) { return diffByProcuratorate(db, "stats_rollup", e.fine) },
		func() (tableChange, error) { return diffByProcuratorate(db, sumsTable, e.sums) },
		func() (tableChange, error) { return diffByProcuratorate(db, "stats_counts", e.levels) },
		func() (tableChange, error) {
			return diffByProcuratorate(db, subtreeSumsTable, subtreeOf[rollupKey](values(e.sums), paths))
		},
		func() (tableChange, error) {
			return diffByProcuratorate(db, subtreeCountsTable, subtreeOf[levelCountKey](values(e.levels), paths))
		},
		func() (tableChange, error) { return diffByProcuratorate(db, "stats_application_counts", e.apps) },
		func() (tableChange, error) { return diffCaseGroups(db, e.cases) },
	} {
		ch, err := diff()
		if err != nil {
			return 0, err
		}
		changes = append(changes, ch)
	}
	n := 0
	for _, ch := range changes {
		n += ch.size()
	}
	return n, s.writeChanges(ctx, was, today, auditID, changes)
}

// everything is every aggregate row counted afresh from the raw rows as of
// a day: what a full recount writes and Verify compares with the rows
// stored.
type everything struct {
	cases  []caseGroup // in case id order, the chains linked
	fine   map[rollupKey]*RollupRow
	sums   map[rollupKey]*RollupRow
	levels map[levelCountKey]*levelCount
	apps   map[int64]*appCount
}

// countEverything counts every aggregate row from the raw rows as of asOf.
func (s *Service) countEverything(db *gorm.DB, asOf calendar.Date) (*everything, error) {
	c, err := recount(db, s.Clock.Location(), asOf, nil)
	if err != nil {
		return nil, err
	}
	linkAll(c)
	var counts []countRow
	if err := countsSelect(s.DB, db).Scan(&counts).Error; err != nil {
		return nil, err
	}
	apps, err := countApplications(db, nil, asOf)
	if err != nil {
		return nil, err
	}
	rows, err := c.rows()
	if err != nil {
		return nil, err
	}
	fine := make(map[rollupKey]*RollupRow, len(rows))
	for i := range rows {
		fine[rows[i].key()] = &rows[i]
	}
	return &everything{cases: c.cases, fine: fine, sums: sumLevels(rows), levels: countLevels(counts), apps: apps}, nil
}

func saveState(tx *gorm.DB, today calendar.Date, auditID int64) error {
	now := database.Now(tx)
	return tx.Model(&rollupState{}).Where("id = 1").Updates(map[string]any{"audit_id": auditID, "as_of": today.String(), "built_at": now}).Error
}

// rows are the recount's stats_rollup rows.
func (c *computed) rows() ([]RollupRow, error) {
	rows := make([]RollupRow, 0, len(c.groups))
	for k, g := range c.groups {
		r, err := g.row(k)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// values lists a map's rows.
func values[K comparable, V any](m map[K]*V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	return out
}

// createAll inserts rows (none: nothing) in batches.
func createAll[T any](tx *gorm.DB, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, rowsPerStatement[T](tx)).Error
}

// sqliteArguments is about the most arguments a SQLite statement of the
// aggregates binds: the driver finds each placeholder's argument by a linear
// search (github.com/glebarez/go-sqlite, conn.bind), so a statement of n
// arguments costs n²/2 steps. 200 rows of stats_rollup's 42 columns, 8,400
// arguments, took tens of milliseconds to bind — most of a new day's write
// transaction; a few hundred bind in microseconds, and a statement's own
// cost is small beside it.
const sqliteArguments = 360

// rowsPerStatement is how many rows of T one INSERT writes: on MySQL the
// driver writes the arguments into the statement's text (interpolateParams),
// a batch of 200 is one round trip.
func rowsPerStatement[T any](tx *gorm.DB) int {
	if tx.Dialector.Name() == "mysql" {
		return 200
	}
	st := &gorm.Statement{DB: tx}
	if err := st.Parse(new(T)); err != nil || len(st.Schema.DBNames) == 0 {
		return 8
	}
	return max(1, sqliteArguments/len(st.Schema.DBNames))
}

// chunks splits ids for IN lists.
func chunks(ids []int64) [][]int64 {
	var out [][]int64
	for len(ids) > 0 {
		n := min(len(ids), 500)
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return out
}

// rollupQuery is the query on the aggregates that answers a scope without
// period or prosecutor, a row per procuratorate with every counter: the
// sums of its level over every agency; with an agency filter, the agency's
// sums over every department and field (each one row of stats_rollup_sums
// per procuratorate, read as they are), or the sums of its fine rows when a
// department or field filter is set too.
func (sc *statsScope) rollupQuery(tx *gorm.DB) *gorm.DB {
	l := sc.level()
	cols := "procuratorate_id, " + strings.Join(rollupColumns, ", ")
	switch {
	case sc.q.AgencyID == 0:
		return tx.Table(sumsTable).Select(cols).Where("procuratorate_id IN ? AND department_id = ? AND field = ? AND agency_id = ?",
			sc.procIDs, l.DepartmentID, l.Field, allAgencies)
	case l == level{}:
		return tx.Table(sumsTable).Select(cols).Where("procuratorate_id IN ? AND department_id = 0 AND field = '' AND agency_id = ?",
			sc.procIDs, sc.q.AgencyID)
	}
	return sc.fineRollup(tx).Select("procuratorate_id, "+rollupSums()).Where("agency_id = ?", sc.q.AgencyID).Group("procuratorate_id")
}

// nonResponders is the query on the aggregates for the agencies with the
// most recommendations never answered (不回复) of a scope without period or
// prosecutor, at most nonResponderLimit (agency_id, n): a subtree's rows per
// agency (one each, walked in that order on ix_stats_subtree_sums_no_reply),
// or the per-agency sums over every department and field, or the fine rows.
func (sc *statsScope) nonResponders(tx *gorm.DB) *gorm.DB {
	if root := sc.subtreeRoot(); root != 0 && sc.level() == (level{}) {
		q := tx.Table(subtreeSumsTable).Select("agency_id, no_reply AS n").
			Where("procuratorate_id = ? AND department_id = 0 AND field = '' AND no_reply > 0 AND agency_id > 0", root)
		if sc.q.AgencyID != 0 {
			q = q.Where("agency_id = ?", sc.q.AgencyID)
		}
		return q.Order("no_reply DESC, agency_id").Limit(nonResponderLimit)
	}
	q := sc.fineRollup(tx).Where("agency_id <> 0")
	if sc.level() == (level{}) {
		q = tx.Table(sumsTable).Where("procuratorate_id IN ? AND department_id = 0 AND field = '' AND agency_id > 0", sc.procIDs)
	}
	if sc.q.AgencyID != 0 {
		q = q.Where("agency_id = ?", sc.q.AgencyID)
	}
	return q.Select("agency_id, SUM(no_reply) AS n").Where("no_reply > 0").Group("agency_id").
		Order("n DESC, agency_id").Limit(nonResponderLimit)
}

// fineRollup restricts stats_rollup to the scope's procuratorates,
// department and field.
func (sc *statsScope) fineRollup(tx *gorm.DB) *gorm.DB {
	q := tx.Model(&RollupRow{}).Where("procuratorate_id IN ?", sc.procIDs)
	if sc.departmentID != 0 {
		q = q.Where("department_id = ?", sc.departmentID)
	}
	if sc.q.Field != "" {
		q = q.Where("field = ?", sc.q.Field)
	}
	return q
}

// rollupSums is the SELECT list summing every counter.
func rollupSums() string {
	parts := make([]string, len(rollupColumns))
	for i, c := range rollupColumns {
		parts[i] = "SUM(" + c + ") AS " + c
	}
	return strings.Join(parts, ", ")
}

// Difference is one disagreement found by Verify.
type Difference struct {
	What, Stored, Recomputed string
}

// Verify catches the aggregates up, then recomputes them from the raw rows
// (as of the same day) and lists every difference; none means the
// statistics read from the aggregates are those of the raw rows.
func (s *Service) Verify(ctx context.Context) (groups int, diffs []Difference, err error) {
	if err := s.CatchUp(ctx); err != nil {
		return 0, nil, err
	}
	// Read without a transaction (on SQLite one would hold the write lock):
	// run it when no actions change the cases, or run it again.
	err = func(tx *gorm.DB) error {
		var st rollupState
		if err := tx.First(&st, 1).Error; err != nil {
			return err
		}
		asOf, err := calendar.ParseDate(st.AsOf)
		if err != nil {
			return err
		}
		e, err := s.countEverything(tx, asOf)
		if err != nil {
			return err
		}
		diffs = append(diffs, compareCaseRows(tx, e.cases)...)
		groups = len(e.fine)
		var stored, storedSums []RollupRow
		if err := tx.Find(&stored).Error; err != nil {
			return err
		}
		if err := tx.Table(sumsTable).Find(&storedSums).Error; err != nil {
			return err
		}
		rollupKeyOf := func(r RollupRow) rollupKey { return r.key() }
		diffs = append(diffs, compareRows("stats_rollup", e.fine, stored, rollupKeyOf)...)
		diffs = append(diffs, compareRows(sumsTable, e.sums, storedSums, rollupKeyOf)...)
		var storedCounts []levelCount
		if err := tx.Find(&storedCounts).Error; err != nil {
			return err
		}
		countKeyOf := func(r levelCount) levelCountKey { return r.key() }
		diffs = append(diffs, compareRows("stats_counts", e.levels, storedCounts, countKeyOf)...)
		subDiffs, err := verifySubtree(tx, values(e.sums), values(e.levels), rollupKeyOf, countKeyOf)
		if err != nil {
			return err
		}
		diffs = append(diffs, subDiffs...)
		var storedApps []appCount
		if err := tx.Find(&storedApps).Error; err != nil {
			return err
		}
		diffs = append(diffs, compareRows("stats_application_counts", e.apps, storedApps, func(r appCount) int64 { return r.ProcuratorateID })...)

		wantProjects, err := projects.CountProjectCases(tx, nil)
		if err != nil {
			return err
		}
		var storedProjects []cases.ProjectCaseCounts
		if err := tx.Find(&storedProjects).Error; err != nil {
			return err
		}
		diffs = append(diffs, compareRows("project_case_counts", wantProjects, storedProjects,
			func(r cases.ProjectCaseCounts) int64 { return r.ProjectID })...)
		return nil
	}(s.DB.WithContext(ctx))
	return groups, diffs, err
}

// compareRows lists the differences between the rows recomputed (want) and
// those stored; a row missing on one side is compared with a zero row.
func compareRows[K comparable, V any](table string, want map[K]*V, stored []V, key func(V) K) []Difference {
	var diffs []Difference
	seen := make(map[K]bool, len(stored))
	for _, r := range stored {
		k := key(r)
		seen[k] = true
		w := want[k]
		if w == nil {
			diffs = append(diffs, Difference{fmt.Sprintf("%s %+v", table, k), fmt.Sprintf("%+v", r), "(none)"})
			continue
		}
		if !reflect.DeepEqual(*w, r) {
			diffs = append(diffs, Difference{fmt.Sprintf("%s %+v", table, k), fmt.Sprintf("%+v", r), fmt.Sprintf("%+v", *w)})
		}
	}
	for k, w := range want {
		if !seen[k] {
			diffs = append(diffs, Difference{fmt.Sprintf("%s %+v", table, k), "(missing)", fmt.Sprintf("%+v", *w)})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].What < diffs[j].What })
	return diffs
}

// PublicAgencyRow is one agency's line of the public table, from the
// aggregates: the reply tally of its recommendations not involving state
// secrets and how many it received (issued, not withdrawn).
type PublicAgencyRow struct {
	AgencyID int64
	Name     string
	Received int64
	Tally    ReplyTally
}

// PublicAgencies reads the public table from the aggregates (caught up
// first), every agency that received a recommendation, by name; the version
// says which state of the aggregates it is (audit watermark and day), for
// caching.
func (s *Service) PublicAgencies(ctx context.Context) (rows []PublicAgencyRow, version string, err error) {
	if err := s.catchUpFor(ctx); err != nil {
		return nil, "", err
	}
	db := s.DB.WithContext(ctx)
	var st rollupState
	if err := db.First(&st, 1).Error; err != nil {
		return nil, "", err
	}
	var sums []struct {
		AgencyID       int64
		Name           string
		PubReceived    int64
		PubReplyDue    int64
		PubOnTime      int64
		PubLate        int64
		PubNoReply     int64
		PubPerfunctory int64
	}
	if err := db.Table(sumsTable + " AS s").Select(`s.agency_id, agencies.name, SUM(pub_received) AS pub_received,
		SUM(pub_reply_due) AS pub_reply_due, SUM(pub_on_time) AS pub_on_time, SUM(pub_late) AS pub_late,
		SUM(pub_no_reply) AS pub_no_reply, SUM(pub_perfunctory) AS pub_perfunctory`).
		Joins("JOIN agencies ON agencies.id = s.agency_id").Where("s.department_id = 0 AND s.field = '' AND s.agency_id > 0").
		Group("s.agency_id, agencies.name").Having("SUM(pub_received) > 0").
		Order("agencies.name, s.agency_id").Scan(&sums).Error; err != nil {
		return nil, "", err
	}
	rows = make([]PublicAgencyRow, len(sums))
	for i, r := range sums {
		rows[i] = PublicAgencyRow{AgencyID: r.AgencyID, Name: r.Name, Received: r.PubReceived,
			Tally: ReplyTally{Due: r.PubReplyDue, OnTime: r.PubOnTime, Late: r.PubLate, NoReply: r.PubNoReply, Perfunctory: r.PubPerfunctory}}
	}
	return rows, fmt.Sprintf("%s-%d", st.AsOf, st.AuditID), nil
}

// RollupVersion catches the aggregates up and names their state (audit
// watermark and day) with the time it last changed.
func (s *Service) RollupVersion(ctx context.Context) (string, time.Time, error) {
	if err := s.catchUpFor(ctx); err != nil {
		return "", time.Time{}, err
	}
	var st rollupState
	if err := s.DB.WithContext(ctx).First(&st, 1).Error; err != nil {
		return "", time.Time{}, err
	}
	var built time.Time
	if st.BuiltAt != nil {
		built = st.BuiltAt.UTC()
	}
	return fmt.Sprintf("%s-%d", st.AsOf, st.AuditID), built, nil
}

// pluckInto adds to set the column of the table's rows with the ids.
func pluckInto(tx *gorm.DB, table, column string, ids []int64, set map[int64]bool) error {
	for _, chunk := range chunks(ids) {
		var vals []int64
		if err := tx.Table(table).Where("id IN ?", chunk).Pluck(column, &vals).Error; err != nil {
			return err
		}
		for _, v := range vals {
			set[v] = true
		}
	}
	return nil
}
