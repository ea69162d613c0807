package benchseed

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// The life of one case, decided before any row is written: which actions
// happen, when and by whom. The same case index and seed always give the
// same life, so the numbering pass and the writing pass agree.

type stepKind uint8

const (
	stRegister stepKind = iota
	stCheck
	stDecline
	stFile
	stInvestigate
	stInvRecord
	stConsult
	stDraft
	stDraftSaved
	stSubmit
	stReturn
	stApprove
	stIssue
	stFilingSubmitted
	stDeliver
	stSign
	stInterim
	stReply
	stReturnReply
	stSupplement
	stAssess
	stFollowUp
	stProgress
	stEscalate
	stClose
	stWithdraw
	stTerminate
	stPublish
	stUnpublish
)

type step struct {
	kind stepKind
	at   time.Time
	by   *user
	n    int // draft version, reply position, verdict, follow-up kind …
}

// reply behaviours an agency shows on one recommendation.
const (
	behaveOnTime = iota
	behaveLate
	behavePerfunctory
	behaveNoReply
)

// plan is one case's life.
type plan struct {
	idx     int
	created time.Time
	proc    *proc
	dept    *dept
	pros    *user
	agency  *agency
	field   int
	source  int
	subject int
	rare    bool
	secret  [4]bool // state secret, trade secret, privacy, minors
	urgent  int
	items   int
	project *project
	behave  int
	steps   []step
}

// sources (线索来源) with their shares.
var sourceKeys = []string{"case_finding", "citizen_application", "deputy_referral", "higher_assigned", "data_model", "other"}
var sourceCum = cumulative([]float64{45, 10, 10, 12, 15, 8})
var fieldCum = cumulative(fieldWeights)

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		out[i] = s
	}
	return out
}

// caseRand is the case's own random stream: its index picks it, so any case
// can be simulated again on its own.
func (g *generator) caseRand(idx int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opts.Seed^(0x5eedbe4c00000001*(stream+1)), uint64(idx)))
}

// createdAt spreads the cases over the years with the volume growing (twice
// as many per day at the end as at the start), in id order.
func (g *generator) createdAt(idx int, r *rand.Rand) time.Time {
	const a = 1.0
	y := (float64(idx) + r.Float64()) / float64(g.opts.Cases)
	x := (-1 + math.Sqrt(1+2*a*y*(1+a/2))) / a
	span := g.untilTime.Sub(g.start)
	t := g.workTime(g.start.Add(time.Duration(x*float64(span))), r, 0)
	if t.After(g.untilTime) {
		// Registered after office hours on the seeding day: keep it on that day.
		t = g.untilTime.Add(-time.Duration(1+r.IntN(120)) * time.Minute)
	}
	return t
}

// workTime moves t into office hours (09:00–17:30 in the legal zone) of a
// working day, at least min after t.
func (g *generator) workTime(t time.Time, r *rand.Rand, min time.Duration) time.Time {
	t = t.Add(min)
	local := t.In(g.loc)
	d := dayOf(local.Year(), local.Month(), local.Day())
	minutes := local.Hour()*60 + local.Minute()
	if g.cal.isWorkingDay(d) && minutes >= 9*60 && minutes < 17*60+30 {
		return t.Truncate(time.Microsecond)
	}
	if minutes >= 9*60 {
		d++
	}
	d = g.cal.nextWorkingDay(d)
	dt := d.time()
	off := time.Duration(9*60+r.IntN(8*60+30))*time.Minute + time.Duration(r.IntN(60_000_000))*time.Microsecond
	return time.Date(dt.Year(), dt.Month(), dt.Day(), 0, 0, 0, 0, g.loc).Add(off).UTC()
}

// simulate decides case idx's life into p (its slices reused).
func (g *generator) simulate(idx int, p *plan) {
	r := g.caseRand(idx, 0)
	*p = plan{idx: idx, steps: p.steps[:0]}
	p.created = g.createdAt(idx, r)
	p.proc = g.org.procs[choose(r, g.org.procCum)]
	p.dept = p.proc.depts[choose(r, p.proc.deptCum)]
	p.pros = p.dept.prosecutors[int(math.Min(float64(len(p.dept.prosecutors)-1), math.Abs(r.NormFloat64())*float64(len(p.dept.prosecutors))/2))]
	p.field = choose(r, fieldCum)
	p.subject = r.IntN(len(fieldSubjects[p.field]))
	p.source = choose(r, sourceCum)
	p.rare = r.IntN(10000) == 0
	cands := p.proc.byField[p.field]
	if len(cands) == 0 || r.IntN(10) < 3 {
		p.agency = p.proc.agencies[r.IntN(len(p.proc.agencies))]
	} else {
		p.agency = p.proc.agencies[cands[r.IntN(len(cands))]]
	}
	p.secret = [4]bool{r.IntN(100) == 0, r.IntN(100) == 0, r.IntN(50) == 0, r.IntN(33) == 0 || (p.field == 3 && r.IntN(6) == 0)}
	if r.IntN(20) == 0 {
		p.urgent = []int{15, 30}[r.IntN(2)]
	}
	p.items = 2 + r.IntN(3)
	switch x := r.Float64(); {
	case x < p.agency.pNoReply:
		p.behave = behaveNoReply
	case x < p.agency.pNoReply+p.agency.pLate:
		p.behave = behaveLate
	case x < p.agency.pNoReply+p.agency.pLate+p.agency.pPerfunctory:
		p.behave = behavePerfunctory
	default:
		p.behave = behaveOnTime
	}
	for _, pr := range p.proc.projects {
		if pr.field == p.field && !p.created.Before(pr.startAt) && p.created.Before(pr.endAt) && r.IntN(3) == 0 {
			p.project = pr
			break
		}
	}
	s := &simState{g: g, r: r, p: p, t: p.created}
	s.run()
	// Side steps (备案, publication) were decided with their own times.
	sort.SliceStable(p.steps, func(i, j int) bool { return p.steps[i].at.Before(p.steps[j].at) })
}

type simState struct {
	g *generator
	r *rand.Rand
	p *plan
	t time.Time
}

// after moves the clock by lo..hi days into office hours; false when that
// lies beyond the seeding day (the case stops where it is).
func (s *simState) after(lo, hi float64) bool {
	d := lo + s.r.Float64()*(hi-lo)
	t := s.g.workTime(s.t.Add(time.Duration(d*24*float64(time.Hour))), s.r, 10*time.Minute)
	if t.After(s.g.untilTime) {
		return false
	}
	s.t = t
	return true
}

func (s *simState) add(kind stepKind, by *user, n int) {
	s.p.steps = append(s.p.steps, step{kind: kind, at: s.t, by: by, n: n})
}

// the day of the current time in the legal zone.
func (s *simState) today() day { return s.g.dayOf(s.t) }

// ending maybe withdraws or terminates the case at an open stage (about 3%
// of cases end that way somewhere along their life).
func (s *simState) ending(chance float64) bool {
	if s.r.Float64() >= chance || !s.after(1, 30) {
		return false
	}
	if s.r.IntN(2) == 0 {
		s.add(stWithdraw, s.p.pros, s.r.IntN(len(endReasons)))
	} else {
		s.add(stTerminate, s.p.pros, s.r.IntN(len(endReasons)))
	}
	return true
}

func (s *simState) run() {
	p, r := s.p, s.r
	chief, head := p.proc.chief, p.dept.head
	s.add(stRegister, p.pros, 0)
	if r.IntN(100) < 3 {
		if s.after(1, 20) {
			s.add(stDecline, p.pros, r.IntN(len(endReasons)))
		}
		return
	}
	if !s.after(0, 7) {
		return
	}
	s.add(stCheck, p.pros, 0)
	if r.IntN(100) < 12 {
		if s.after(5, 30) {
			s.add(stDecline, head, r.IntN(len(endReasons)))
		}
		return
	}
	if !s.after(5, 30) {
		return
	}
	s.add(stFile, head, 0)
	if s.ending(0.01) || !s.after(0, 3) {
		return
	}
	s.add(stInvestigate, p.pros, 0)
	for k := 0; k < 1+r.IntN(3); k++ {
		if !s.after(3, 20) {
			return
		}
		s.add(stInvRecord, p.pros, r.IntN(6))
	}
	if r.IntN(4) == 0 {
		if !s.after(2, 10) {
			return
		}
		s.add(stConsult, p.pros, 0)
	}
	if s.ending(0.01) || !s.after(2, 15) {
		return
	}
	s.add(stDraft, p.pros, 0)
	version := 1
	if !s.after(0, 3) {
		return
	}
	s.add(stDraftSaved, p.pros, version)
	for {
		if !s.after(3, 20) {
			return
		}
		s.add(stSubmit, p.pros, version)
		if r.IntN(100) >= 15 || version > 2 {
			break
		}
		if !s.after(1, 7) {
			return
		}
		s.add(stReturn, []*user{head, chief}[r.IntN(2)], version)
		version++
		if !s.after(1, 10) {
			return
		}
		s.add(stDraftSaved, p.pros, version)
	}
	if !s.after(1, 10) {
		return
	}
	s.add(stApprove, chief, version)
	if !s.after(0, 5) {
		return
	}
	s.add(stIssue, p.pros, version)
	issued := s.t
	if p.proc.parent != nil && r.IntN(100) < 92 {
		// 备案 within the five days mostly; a few late.
		saved := s.t
		if s.after(0.2, []float64{5, 12}[min(1, r.IntN(8))]) {
			s.add(stFilingSubmitted, p.pros, 0)
		}
		s.t = saved
	}
	if !s.after(1, 10) {
		return
	}
	s.add(stDeliver, p.pros, 0)
	delivered := s.t
	received := s.today()
	due := s.g.cal.replyDeadline(received, p.urgent).due
	if r.IntN(10) < 9 {
		if !s.after(0, 4) {
			return
		}
		s.add(stSign, p.agency.users[0], 0)
	}
	if s.ending(0.015) {
		return
	}
	s.publishMaybe(issued, delivered)
	agencyUser := p.agency.users[r.IntN(len(p.agency.users))]
	if r.IntN(10) == 0 && s.after(7, 30) {
		s.add(stInterim, agencyUser, position(r))
	}
	dueTime := s.g.dayStart(due)
	switch p.behave {
	case behaveNoReply:
		// Never answers: urged, some escalated, the case stays delivered.
		if !s.at(dueTime, 5, 30) {
			return
		}
		s.add(stFollowUp, p.pros, r.IntN(3))
		if r.IntN(5) == 0 && s.after(30, 120) {
			s.add(stEscalate, chief, r.IntN(3))
		}
		return
	case behaveLate:
		if !s.at(dueTime, 1, 60) {
			return
		}
	default:
		lo := math.Max(float64(s.t.Sub(delivered))/float64(24*time.Hour)+3, 7)
		span := float64(dueTime.Sub(delivered)) / float64(24*time.Hour)
		if !s.at(delivered, lo, math.Max(lo+1, span-0.5)) {
			return
		}
	}
	s.add(stReply, agencyUser, position(r))
	if p.behave == behavePerfunctory {
		if !s.after(3, 15) {
			return
		}
		s.add(stReturnReply, p.pros, 15+r.IntN(16))
		if !s.after(5, 25) {
			return
		}
		s.add(stSupplement, agencyUser, position(r))
	}
	if r.IntN(100) < 15 {
		if s.after(10, 60) {
			s.add(stClose, p.pros, 3+r.IntN(2)) // closed on the reply: escalated / other
		}
		return
	}
	if !s.after(5, 30) {
		return
	}
	verdict := choose(r, verdictCum)
	s.add(stAssess, p.pros, verdict)
	for k := 0; k < r.IntN(3); k++ {
		if !s.after(10, 60) {
			return
		}
		if r.IntN(2) == 0 {
			s.add(stFollowUp, p.pros, r.IntN(5))
		} else {
			s.add(stProgress, agencyUser, 30+r.IntN(71))
		}
	}
	if !s.after(20, 150) {
		return
	}
	s.add(stClose, p.pros, verdict)
}

// at moves the clock to from + lo..hi days (never backwards).
func (s *simState) at(from time.Time, lo, hi float64) bool {
	if from.Before(s.t) {
		from = s.t
	}
	saved := s.t
	s.t = from
	if !s.after(lo, hi) {
		s.t = saved
		return false
	}
	return true
}

// publishMaybe decides 公开 for about DisclosedShare of issued letters; it
// is recorded some time after delivery (or after the reply), as chiefs do.
func (s *simState) publishMaybe(issued, delivered time.Time) {
	p := s.p
	if p.secret != [4]bool{} || s.r.Float64() >= s.g.opts.DisclosedShare*1.06 {
		return
	}
	// The publication time is decided now but recorded in time order by the
	// row writer: a step with its own time.
	t := s.g.workTime(delivered.Add(time.Duration((5+s.r.Float64()*60)*24*float64(time.Hour))), s.r, 0)
	if t.After(s.g.untilTime) {
		return
	}
	p.steps = append(p.steps, step{kind: stPublish, at: t, by: p.proc.chief})
	if s.r.IntN(50) == 0 {
		w := s.g.workTime(t.Add(time.Duration((10+s.r.Float64()*100)*24*float64(time.Hour))), s.r, 0)
		if !w.After(s.g.untilTime) {
			p.steps = append(p.steps, step{kind: stUnpublish, at: w, by: p.proc.chief})
		}
	}
}

// verdicts (整改到位 / 部分到位 / 未整改) and closing outcomes.
var verdictKeys = []string{"rectified", "partly_rectified", "not_rectified", "escalated", "other"}
var verdictCum = cumulative([]float64{70, 20, 10})

var positionKeys = []string{"adopted", "partly_adopted", "not_adopted"}
var positionCum = cumulative([]float64{78, 17, 5})

func position(r *rand.Rand) int { return choose(r, positionCum) }
