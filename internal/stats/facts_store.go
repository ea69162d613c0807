package stats

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/packed"
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
	return facts, fillFacts(tx, rows, facts, loc, true)
}

// fillFacts fills facts (one per row) from the case rows and their fact
// tables; withFiled reads the 立案 events too (FiledOn: the statistics count
// it, the ledger shows no such column and skips the largest table). The
// rows are read with database/sql's Rows: at a thousand cases a batch,
// gorm's reflection cost more than the queries.
func fillFacts(tx *gorm.DB, rows []CaseRow, facts []CaseFacts, loc *time.Location, withFiled bool) error {
	if len(rows) == 0 {
		return nil
	}
	first, last := rows[0].ID, rows[len(rows)-1].ID
	// A dense batch (the ids of every case, or of a large share) is found by
	// its id range; a sparse one (one procuratorate of a province, whose ids
	// are spread over the whole table) by its ids, else the range would read
	// the replies of every case between.
	dense := last-first+1 <= int64(4*len(rows))
	var ids []int64
	if !dense {
		ids = make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
	}
	of := func(table, columns string) *gorm.DB {
		q := tx.Table(table).Select(columns)
		if dense {
			return q.Where(table+".case_id BETWEEN ? AND ?", first, last)
		}
		return q.Where(table+".case_id IN ?", ids)
	}
	// at finds a case's facts by binary search over the batch (in id
	// order); nil for a case in the id range but not in the batch.
	at := func(id int64) *CaseFacts {
		i := sort.Search(len(rows), func(i int) bool { return rows[i].ID >= id })
		if i < len(rows) && rows[i].ID == id {
			return &facts[i]
		}
		return nil
	}
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
	}

	// Replies come in case order: each case's are folded as they come.
	var (
		f     [7]string
		p     packed.Parser
		reply agency.ReplyFactRow
		fold  agency.ReplyFold
		cur   *CaseFacts
		dues  []calendar.Date // the replies' due dates (DueOn points into them)
	)
	flush := func() {
		if cur != nil {
			fold.Apply(&cur.ReplyFacts)
			cur.Position = fold.Position
		}
	}
	err := scanPacked(of("replies", packedExpr(replyFactFields[:])).Order("replies.case_id, replies.id"), f[:], func() error {
		reply = agency.ReplyFactRow{CaseID: p.ID(f[0]), ID: p.ID(f[1]), SubmittedOn: p.Date(f[2]), Returned: p.Bool(f[4]), Kind: f[5], Position: f[6]}
		if due := p.Date(f[3]); !due.IsZero() {
			if len(dues) == cap(dues) {
				dues = make([]calendar.Date, 0, 256)
			}
			dues = append(dues, due)
			reply.DueOn = &dues[len(dues)-1]
		}
		if p.Err != nil {
			return fmt.Errorf("stats: reply %s: %w", f[1], p.Err)
		}
		if cur == nil || cur.CaseID != reply.CaseID {
			flush()
			cur, fold = at(reply.CaseID), agency.ReplyFold{}
		}
		if cur != nil { // else a case in the id range but not in the batch
			fold.Add(reply)
		}
		return nil
	})
	if err != nil {
		return err
	}
	flush()

	var (
		caseID    int64
		kind      string
		decidedOn calendar.Date
		reference string
		resultOn  calendar.Date
	)
	err = database.ScanEach(of("escalations", "escalations.case_id, escalations.kind, escalations.decided_on, escalations.result_reference, escalations.result_on").
		Order("escalations.case_id, escalations.id"), []any{&caseID, &kind, &decidedOn, &reference, &resultOn}, func() error {
		if f := at(caseID); f != nil {
			f.Escalations = append(f.Escalations, EscalationFact{Kind: kind, DecidedOn: decidedOn, Outcome: reference, OutcomeOn: resultOn})
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = scanPacked(of("case_deliveries", packedExpr(deliveryFactFields[:])).Order("case_deliveries.case_id, case_deliveries.id"), f[:2], func() error {
		if c := at(p.ID(f[0])); c != nil {
			c.DeliveryMethod = f[1]
		}
		return p.Err
	})
	if err != nil {
		return err
	}

	filings := make([]FilingFact, 0, len(rows)) // what Filing points to
	err = scanPacked(of("filings", packedExpr(filingFactFields[:])), f[:3], func() error {
		c := at(p.ID(f[0]))
		due := p.Date(f[1])
		filedAt, filed := p.Time(f[2])
		if p.Err != nil {
			return fmt.Errorf("stats: filing of case %s: %w", f[0], p.Err)
		}
		if c == nil {
			return nil
		}
		if len(filings) == cap(filings) {
			filings = make([]FilingFact, 0, len(rows))
		}
		filings = append(filings, FilingFact{Due: due})
		c.Filing = &filings[len(filings)-1]
		if filed {
			c.Filing.FiledOn = calendar.DateOf(filedAt, loc)
		}
		return nil
	})
	if err != nil || !withFiled {
		return err
	}

	var createdAt time.Time
	return database.ScanEach(of("case_events", "case_events.case_id, case_events.created_at").Where("case_events.action = ?", "file").
		Order("case_events.case_id, case_events.id"), []any{&caseID, &createdAt}, func() error {
		if f := at(caseID); f != nil && f.FiledOn.IsZero() {
			f.FiledOn = calendar.DateOf(createdAt, loc)
		}
		return nil
	})
}

// The fact tables' columns a batch reads, packed (packed.go): a reply as
// agency.ReplyFactColumns (its kind and position codes last), a delivery's
// method, a filing's due date and time filed.
var (
	replyFactFields = [7]packedCol{{expr: "replies.case_id"}, {expr: "replies.id"}, {expr: "replies.submitted_on"},
		{expr: "replies.due_on", nullable: true}, {expr: "replies.returned"}, {expr: "replies.kind", code: true}, {expr: "replies.position", code: true}}
	deliveryFactFields = [2]packedCol{{expr: "case_deliveries.case_id"}, {expr: "case_deliveries.method", code: true}}
	filingFactFields   = [3]packedCol{{expr: "filings.case_id"}, {expr: "filings.due_on"}, {expr: "filings.filed_at", nullable: true}}
)

func dateOr(d *calendar.Date) calendar.Date {
	if d == nil {
		return calendar.Date{}
	}
	return *d
}
