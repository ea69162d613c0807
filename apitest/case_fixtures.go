package apitest

import (
	"fmt"
	"sync/atomic"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

var fixtureSeq atomic.Int64

// CaseFixture describes a case written straight into the database, for
// tests of features that start after a state the lifecycle actions would
// reach (e.g. documents of an issued or delivered case). Zero fields take
// the defaults documented on each.
type CaseFixture struct {
	State cases.CaseState // default drafting
	Title string          // default "校园周边食品安全隐患"
	// Content, when set, is saved as draft version 1.
	Content *cases.RecommendationContent
	// DocumentNumber (文号), IssuedAt and the delivery dates are set as given.
	DocumentNumber string
	IssuedAt       time.Time
	DeliveredOn    calendar.Date
	ReplyDue       calendar.Date
	// Agency is the recipient; default Agency1.
	Agency *org.Agency
	// FiledWith creates a Filing (备案) with this procuratorate, pending
	// unless FilingSubmitted.
	FiledWith       int64
	FilingSubmitted bool
}

// CaseFixture writes a case of the district's 第八检察部, handled by
// prosecutor1, in the fixture's state, with its draft and filing.
func (e *Env) CaseFixture(f CaseFixture) *cases.Case {
	e.T.Helper()
	var prosecutor org.User
	if err := e.DB.Where("username = ?", "prosecutor1").First(&prosecutor).Error; err != nil {
		e.T.Fatal(err)
	}
	if f.State == "" {
		f.State = cases.StateDrafting
	}
	if f.Title == "" {
		f.Title = "校园周边食品安全隐患"
	}
	agency := f.Agency
	if agency == nil {
		agency = &e.Org.Agency1
	}
	now := e.Now().UTC()
	// Numbered from 901: above the demo's own numbers, so fixtures can join
	// the demo's cases.
	caseNumber := fmt.Sprintf("清河检八立〔2026〕%d号", 900+fixtureSeq.Add(1))
	c := &cases.Case{ProcuratorateID: e.Org.District.ID, DepartmentID: e.Org.Department.ID, CaseNumber: &caseNumber,
		Title: f.Title, Field: "食品药品安全", Source: cases.SourceCaseFinding,
		Summary: "清河区部分学校周边流动摊贩无证经营，销售“三无”食品。", AgencyID: &agency.ID, ProsecutorID: prosecutor.ID,
		State: f.State, Version: 1, StateEnteredAt: now, CreatedBy: prosecutor.ID, CreatedAt: now, UpdatedAt: now}
	if f.DocumentNumber != "" {
		n := f.DocumentNumber
		c.DocumentNumber = &n
	}
	if !f.IssuedAt.IsZero() {
		t := f.IssuedAt.UTC()
		c.IssuedAt = &t
	}
	if !f.DeliveredOn.IsZero() {
		d := f.DeliveredOn
		c.DeliveredOn, c.ReceivedOn = &d, &d
	}
	if !f.ReplyDue.IsZero() {
		d := f.ReplyDue
		c.ReplyDue = &d
	}
	if err := e.DB.Create(c).Error; err != nil {
		e.T.Fatalf("case fixture: %v", err)
	}
	if f.Content != nil {
		d := &cases.RecommendationDraft{CaseID: c.ID, VersionNo: 1, Content: f.Content.Encode(), Status: "approved",
			AuthorID: prosecutor.ID, CreatedAt: now, UpdatedAt: now}
		if err := e.DB.Create(d).Error; err != nil {
			e.T.Fatalf("draft fixture: %v", err)
		}
	}
	var letter *cases.RecommendationContent
	if c.IssuedAt != nil {
		letter = f.Content
	}
	if err := cases.IndexCase(e.DB.DB, c, letter); err != nil {
		e.T.Fatalf("case fixture index: %v", err)
	}
	if f.FiledWith != 0 {
		due := calendar.DateOf(now, time.UTC).AddDays(5)
		fl := &cases.Filing{CaseID: c.ID, ProcuratorateID: c.ProcuratorateID, ParentProcuratorateID: f.FiledWith,
			DueOn: due, Status: cases.FilingPending, CreatedAt: now}
		if f.FilingSubmitted {
			today := calendar.DateOf(now, time.UTC)
			fl.Status, fl.FiledAt, fl.FiledOn = cases.FilingFiled, &now, &today
		}
		if err := e.DB.Create(fl).Error; err != nil {
			e.T.Fatalf("filing fixture: %v", err)
		}
	}
	return c
}

// EventFixture appends a timeline event to a case, as an action would.
func (e *Env) EventFixture(caseID int64, action, actorName string, role org.Role, note, data string, at time.Time) {
	e.T.Helper()
	if data == "" {
		data = "{}"
	}
	ev := &cases.CaseEvent{CaseID: caseID, Action: action, ActorName: actorName, Role: string(role), Note: note, Data: data,
		Internal: true, CreatedAt: at.UTC()}
	if err := e.DB.Create(ev).Error; err != nil {
		e.T.Fatalf("event fixture: %v", err)
	}
}
