package stats

import (
	"context"
	"sort"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// tallyFacts fills the reply and activity figures, the per-procuratorate
// breakdown and the non-responders from the facts of the issued
// recommendations in scope.
func (s *Service) tallyFacts(ctx context.Context, sc *statsScope, st *Stats) error {
	var (
		reply    ReplyTally
		activity ActivityTally
		byProc   map[int64]*procTally
		noReply  map[int64]int64
		err      error
	)
	if s.useRollup(sc) {
		byProc, noReply, err = s.rollupTallies(ctx, sc)
		if err != nil {
			return err
		}
		for _, pt := range byProc {
			reply.Merge(pt.reply)
			activity.Merge(pt.activity)
		}
	} else if byProc, reply, activity, noReply, err = s.rawTallies(ctx, sc); err != nil {
		return err
	}
	return s.fillTallies(ctx, sc, st, reply, activity, byProc, noReply)
}

// procTally is one procuratorate's part of the figures.
type procTally struct {
	issued   int64
	reply    ReplyTally
	activity ActivityTally
}

// useRollup reports whether the maintained aggregates answer the request:
// the whole history (no period), not limited to a prosecutor's own cases.
func (s *Service) useRollup(sc *statsScope) bool {
	return !s.NoRollup && sc.q.From.IsZero() && sc.q.To.IsZero() && sc.prosecutorID == 0
}

// rollupTallies reads the tallies per procuratorate and the no-reply counts
// per agency from stats_rollup (caught up by Compute).
func (s *Service) rollupTallies(ctx context.Context, sc *statsScope) (map[int64]*procTally, map[int64]int64, error) {
	tx := s.DB.WithContext(ctx)
	var rows []RollupRow
	if err := sc.rollupQuery(tx).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	byProc := make(map[int64]*procTally, len(rows))
	for i := range rows {
		g := rows[i].tally()
		byProc[rows[i].ProcuratorateID] = &procTally{issued: g.issued, reply: g.reply, activity: g.activity}
	}
	var agencies []struct {
		AgencyID int64
		N        int64
	}
	if err := sc.nonResponders(tx).Scan(&agencies).Error; err != nil {
		return nil, nil, err
	}
	noReply := make(map[int64]int64, len(agencies))
	for _, a := range agencies {
		noReply[a.AgencyID] = a.N
	}
	return byProc, noReply, nil
}

// nonResponderLimit is how many non-responding agencies the statistics list.
const nonResponderLimit = 50

// rawTallies tallies the facts of every issued recommendation in scope.
func (s *Service) rawTallies(ctx context.Context, sc *statsScope) (map[int64]*procTally, ReplyTally, ActivityTally, map[int64]int64, error) {
	p, asOf := sc.period(), sc.q.Today
	var reply ReplyTally
	var activity ActivityTally
	byProc := map[int64]*procTally{}
	noReply := map[int64]int64{}
	err := ScanFacts(ctx, s.DB, sc.loc, sc.applyScope, func(batch []CaseFacts) error {
		for i := range batch {
			f := &batch[i]
			reply.Add(f, p, asOf)
			activity.Add(f, p, asOf)
			pt := byProc[f.ProcuratorateID]
			if pt == nil {
				pt = &procTally{}
				byProc[f.ProcuratorateID] = pt
			}
			if p.Contains(f.IssuedOn) {
				pt.issued++
			}
			pt.reply.Add(f, p, asOf)
			pt.activity.Add(f, p, asOf)
			if f.AgencyID != 0 && p.Contains(f.ReplyDue) && f.Timeliness(asOf) == cases.ReplyClassNoReply {
				noReply[f.AgencyID]++
			}
		}
		return nil
	})
	return byProc, reply, activity, noReply, err
}

// fillTallies turns the tallies into the figures of st.
func (s *Service) fillTallies(ctx context.Context, sc *statsScope, st *Stats, reply ReplyTally, activity ActivityTally,
	byProc map[int64]*procTally, noReply map[int64]int64) error {
	st.ReplyFigures = reply.Figures()
	st.ActivityFigures = activity.Figures()
	st.ReplyClasses = []Count{
		{cases.ReplyClassOnTime, agency.StatsReplyClassLabels[cases.ReplyClassOnTime], reply.OnTime},
		{cases.ReplyClassLate, agency.StatsReplyClassLabels[cases.ReplyClassLate], reply.Late},
		{cases.ReplyClassPerfunctory, agency.StatsReplyClassLabels[cases.ReplyClassPerfunctory], reply.Perfunctory},
		{cases.ReplyClassNoReply, agency.StatsReplyClassLabels[cases.ReplyClassNoReply], reply.NoReply},
	}
	st.Positions = []Count{}
	for _, k := range []string{agency.PositionAdopted, agency.PositionPartlyAdopted, agency.PositionNotAdopted} {
		st.Positions = append(st.Positions, Count{k, agency.StatsPositionLabels[k], reply.Positions[k]})
	}
	st.Rectifications = []Count{}
	for _, k := range []string{agency.RectificationRectified, agency.RectificationPartlyRectified, agency.RectificationNotRectified} {
		st.Rectifications = append(st.Rectifications, Count{k, agency.StatsRectificationLabels[k], reply.Rectifications[k]})
	}

	tx := s.DB.WithContext(ctx)
	var procs []org.Procuratorate
	if err := tx.Select("id, name, level, path").Where("id IN ?", sc.procIDs).Order("path").Find(&procs).Error; err != nil {
		return err
	}
	st.ByProcuratorate = make([]ProcuratorateStat, 0, len(procs))
	for _, pr := range procs {
		row := ProcuratorateStat{ProcuratorateID: pr.ID, Name: pr.Name, Level: pr.Level}
		pt := byProc[pr.ID]
		if pt == nil {
			pt = &procTally{}
		}
		row.Issued, row.ReplyFigures, row.ActivityFigures = pt.issued, pt.reply.Figures(), pt.activity.Figures()
		st.ByProcuratorate = append(st.ByProcuratorate, row)
	}

	st.NonResponders = []NonResponder{}
	if len(noReply) > 0 {
		ids := make([]int64, 0, len(noReply))
		for id := range noReply {
			ids = append(ids, id)
		}
		var agencies []org.Agency
		if err := tx.Select("id, name").Where("id IN ?", ids).Find(&agencies).Error; err != nil {
			return err
		}
		for _, ag := range agencies {
			st.NonResponders = append(st.NonResponders, NonResponder{AgencyID: ag.ID, AgencyName: ag.Name, NoReply: noReply[ag.ID]})
		}
		sort.Slice(st.NonResponders, func(i, j int) bool {
			a, b := st.NonResponders[i], st.NonResponders[j]
			if a.NoReply != b.NoReply {
				return a.NoReply > b.NoReply
			}
			return a.AgencyID < b.AgencyID
		})
		if len(st.NonResponders) > nonResponderLimit {
			st.NonResponders = st.NonResponders[:nonResponderLimit]
		}
	}
	return nil
}

// leadConversion is 线索成案率 over the leads registered in the period. A
// case past 线索, 初核 and 不立案 was filed, by the lifecycle; only for the
// withdrawn and terminated does the case number (given at 立案) tell, so the
// count by state stays on an index and only those rows are read.
func leadConversion(tx *gorm.DB, sc *statsScope) (Rate, error) {
	registered := func() *gorm.DB {
		q := sc.applyScope(tx.Table("cases"))
		if !sc.q.From.IsZero() {
			q = q.Where("cases.created_at >= ?", sc.q.From.StartIn(sc.loc))
		}
		if !sc.q.To.IsZero() {
			q = q.Where("cases.created_at < ?", sc.q.To.AddDays(1).StartIn(sc.loc))
		}
		return q
	}
	var byState []struct {
		State cases.CaseState
		N     int64
	}
	if err := registered().Select("cases.state, COUNT(*) AS n").Group("cases.state").Scan(&byState).Error; err != nil {
		return Rate{}, err
	}
	var endedFiled []struct {
		State cases.CaseState
		N     int64
	}
	ended := []cases.CaseState{cases.StateWithdrawn, cases.StateTerminated}
	if err := registered().Select("cases.state, COUNT(*) AS n").Where("cases.state IN ? AND cases.case_number IS NOT NULL", ended).
		Group("cases.state").Scan(&endedFiled).Error; err != nil {
		return Rate{}, err
	}
	counts, filed := map[cases.CaseState]int64{}, map[cases.CaseState]int64{}
	for _, g := range byState {
		counts[g.State] += g.N
	}
	for _, e := range endedFiled {
		filed[e.State] += e.N
	}
	return LeadConversionRate(leadGroups(counts, filed)), nil
}

// leadGroups are the lead groups of cases counted by state, with the number
// of withdrawn and terminated ones that had been filed (a case number).
func leadGroups(byState, endedFiled map[cases.CaseState]int64) []LeadGroup {
	var groups []LeadGroup
	for state, n := range byState {
		switch state {
		case cases.StateLead, cases.StateChecking, cases.StateNotFiled:
			groups = append(groups, LeadGroup{State: state, N: n})
		case cases.StateWithdrawn, cases.StateTerminated:
			f := endedFiled[state]
			groups = append(groups, LeadGroup{State: state, Filed: true, N: f}, LeadGroup{State: state, N: n - f})
		default:
			groups = append(groups, LeadGroup{State: state, Filed: true, N: n})
		}
	}
	return groups
}

// applicationFigures counts the citizen applications of the scope submitted
// in the period. Applications belong to a procuratorate, not to a department
// or a prosecutor: a narrower scope counts those that became its cases.
// Without period or narrower scope they come from stats_application_counts.
func (s *Service) applicationFigures(tx *gorm.DB, sc *statsScope) (ApplicationFigures, error) {
	narrow := sc.departmentID != 0 || sc.prosecutorID != 0 || sc.q.Field != "" || sc.q.AgencyID != 0
	var t ApplicationTally
	if s.useRollup(sc) && !narrow {
		var sum appCount
		if err := tx.Model(&appCount{}).Select(`SUM(received) AS received, SUM(answers_due) AS answers_due,
			SUM(answered_on_time) AS answered_on_time, SUM(accepted) AS accepted, SUM(declined) AS declined,
			SUM(transferred) AS transferred, SUM(pending) AS pending, SUM(became_lead) AS became_lead, SUM(became_case) AS became_case`).
			Where("procuratorate_id IN ?", sc.procIDs).Scan(&sum).Error; err != nil {
			return ApplicationFigures{}, err
		}
		t = sum.tally()
		return t.Figures(), nil
	}
	q := tx.Table("applications").Where("applications.procuratorate_id IN ?", sc.procIDs)
	if narrow {
		q = sc.applyScope(q.Where("applications.case_id IS NOT NULL"))
	}
	if !sc.q.From.IsZero() {
		q = q.Where("applications.submitted_on >= ?", sc.q.From.String())
	}
	if !sc.q.To.IsZero() {
		q = q.Where("applications.submitted_on <= ?", sc.q.To.String())
	}
	facts, _, err := applicationRows(q)
	if err != nil {
		return ApplicationFigures{}, err
	}
	for i := range facts {
		t.Add(&facts[i], Period{}, sc.q.Today)
	}
	return t.Figures(), nil
}
