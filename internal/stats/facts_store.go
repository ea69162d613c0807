package stats

import (
	"context"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// factsBatch is how many cases one round of fact queries covers: the cases
// are walked by id, so memory stays bounded however many there are.
const factsBatch = 1000

// factsCaseColumns are the columns of cases the facts come from; a query
// that reads facts selects them (and may select more, as the ledger does).
const factsCaseColumns = `cases.id, cases.procuratorate_id, cases.department_id, cases.agency_id, cases.state, cases.created_at,
	cases.issued_at, cases.delivered_on, cases.received_on, cases.reply_due, cases.first_replied_on, cases.rectification, cases.closed_at`

// CaseRow is one case as factsCaseColumns read it: the columns of the case
// row its facts start from (exported so that gorm fills it when embedded).
type CaseRow struct {
	ID              int64
	ProcuratorateID int64
	DepartmentID    int64
	AgencyID        *int64
	State           cases.CaseState
	CreatedAt       time.Time
	IssuedAt        *time.Time
	DeliveredOn     *calendar.Date
	ReceivedOn      *calendar.Date
	ReplyDue        *calendar.Date
	FirstRepliedOn  *calendar.Date
	Rectification   string
	ClosedAt        *time.Time
}

// ScanFacts streams the facts of the issued recommendations that filter (a
// condition on the cases table; nil for all) lets through, in batches in
// case-id order. loc is the zone legal dates are counted in.
func ScanFacts(ctx context.Context, db *database.DB, loc *time.Location, filter func(*gorm.DB) *gorm.DB, fn func([]CaseFacts) error) error {
	var after int64
	rows := make([]CaseRow, 0, factsBatch)
	for {
		rows = rows[:0]
		q := db.WithContext(ctx).Table("cases").Select(factsCaseColumns).Where("cases.issued_at IS NOT NULL AND cases.id > ?", after)
		if filter != nil {
			q = filter(q)
		}
		if err := q.Order("cases.id").Limit(factsBatch).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		facts, err := buildFacts(db.WithContext(ctx), rows, loc, filter)
		if err != nil {
			return err
		}
		if err := fn(facts); err != nil {
			return err
		}
		if len(rows) < factsBatch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// buildFacts completes the facts of a batch of cases (in id order, all
// issued and let through by filter) from their replies, escalations,
// deliveries, filings and 立案 events: one query each, selecting the batch's
// cases again by their id range rather than by a long IN list, which costs
// more to parse than to run.
func buildFacts(tx *gorm.DB, rows []CaseRow, loc *time.Location, filter func(*gorm.DB) *gorm.DB) ([]CaseFacts, error) {
	facts := make([]CaseFacts, len(rows))
	if len(rows) == 0 {
		return facts, nil
	}
	first, last := rows[0].ID, rows[len(rows)-1].ID
	// A dense batch (the ids of every case, or of a large share) is found by
	// its id range; a sparse one (one procuratorate of a province, whose ids
	// are spread over the whole table) by its ids, else the range would read
	// the replies of every case between.
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	dense := last-first+1 <= int64(4*len(rows))
	of := func(table string) *gorm.DB {
		if dense {
			return tx.Table(table).Where(table+".case_id BETWEEN ? AND ?", first, last)
		}
		return tx.Table(table).Where(table+".case_id IN ?", ids)
	}
	at := make(map[int64]*CaseFacts, len(rows))
	for i := range rows {
		r := &rows[i]
		f := &facts[i]
		*f = CaseFacts{CaseID: r.ID, ProcuratorateID: r.ProcuratorateID, DepartmentID: r.DepartmentID,
			RegisteredOn: calendar.DateOf(r.CreatedAt, loc), DeliveredOn: dateOr(r.DeliveredOn), Rectification: r.Rectification,
			ReplyFacts: cases.ReplyFacts{State: r.State, ReceivedOn: dateOr(r.ReceivedOn), ReplyDue: dateOr(r.ReplyDue),
				RepliedOn: dateOr(r.FirstRepliedOn)}}
		if r.AgencyID != nil {
			f.AgencyID = *r.AgencyID
		}
		if r.IssuedAt != nil {
			f.IssuedOn = calendar.DateOf(*r.IssuedAt, loc)
		}
		if r.ClosedAt != nil && r.State.IsFinal() {
			f.EndedOn = calendar.DateOf(*r.ClosedAt, loc)
		}
		at[r.ID] = f
	}

	var replies []agency.ReplyFactRow
	if err := of("replies").Select(agency.ReplyFactColumns).Order("replies.case_id, replies.id").Scan(&replies).Error; err != nil {
		return nil, err
	}
	folds := map[int64]*agency.ReplyFold{}
	for _, r := range replies {
		if at[r.CaseID] == nil {
			continue // a case in the id range but not in the batch
		}
		if folds[r.CaseID] == nil {
			folds[r.CaseID] = &agency.ReplyFold{}
		}
		folds[r.CaseID].Add(r)
	}
	for id, o := range folds {
		f := at[id]
		o.Apply(&f.ReplyFacts)
		f.Position = o.Position
	}

	var escalations []struct {
		CaseID          int64
		Kind            string
		DecidedOn       calendar.Date
		ResultReference string
		ResultOn        *calendar.Date
	}
	if err := of("escalations").Select("escalations.case_id, escalations.kind, escalations.decided_on, escalations.result_reference, escalations.result_on").
		Order("escalations.id").Scan(&escalations).Error; err != nil {
		return nil, err
	}
	for _, e := range escalations {
		f := at[e.CaseID]
		if f == nil {
			continue
		}
		f.Escalations = append(f.Escalations, EscalationFact{Kind: e.Kind, DecidedOn: e.DecidedOn, Outcome: e.ResultReference,
			OutcomeOn: dateOr(e.ResultOn)})
	}

	var deliveries []struct {
		CaseID int64
		Method string
	}
	if err := of("case_deliveries").Select("case_deliveries.case_id, case_deliveries.method").Order("case_deliveries.id").
		Scan(&deliveries).Error; err != nil {
		return nil, err
	}
	for _, d := range deliveries {
		if f := at[d.CaseID]; f != nil {
			f.DeliveryMethod = d.Method
		}
	}

	var filings []struct {
		CaseID  int64
		DueOn   calendar.Date
		FiledAt *time.Time
	}
	if err := of("filings").Select("filings.case_id, filings.due_on, filings.filed_at").Scan(&filings).Error; err != nil {
		return nil, err
	}
	for _, fl := range filings {
		if at[fl.CaseID] == nil {
			continue
		}
		ff := &FilingFact{Due: fl.DueOn}
		if fl.FiledAt != nil {
			ff.FiledOn = calendar.DateOf(*fl.FiledAt, loc)
		}
		at[fl.CaseID].Filing = ff
	}

	var filed []struct {
		CaseID    int64
		CreatedAt time.Time
	}
	if err := of("case_events").Select("case_events.case_id, case_events.created_at").Where("case_events.action = ?", "file").
		Order("case_events.id").Scan(&filed).Error; err != nil {
		return nil, err
	}
	for _, e := range filed {
		if f := at[e.CaseID]; f != nil && f.FiledOn.IsZero() {
			f.FiledOn = calendar.DateOf(e.CreatedAt, loc)
		}
	}
	return facts, nil
}

func dateOr(d *calendar.Date) calendar.Date {
	if d == nil {
		return calendar.Date{}
	}
	return *d
}
