package cases_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// TestCaseListAgreesWithAReferenceFilter pages through the case list with
// each filter (the overdue list among them), as staff and as an agency, and
// compares every page with the cases a plain filter over the whole table
// picks, newest first — ids and the columns a list item is made of.
func TestCaseListAgreesWithAReferenceFilter(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		user := func(name string) *org.Actor { return dbtest.ActorNamed(t, db, name) }
		casemgr, cityPros, agency := user("casemgr1"), user("cityprosecutor1"), user("agency1")
		pros := user("prosecutor1")
		var other org.Agency
		if err := db.Where("id <> ?", agency.AgencyID).Order("id").First(&other).Error; err != nil {
			t.Fatal(err)
		}
		today := calendar.NewDate(2026, 3, 2)
		states := []cases.CaseState{cases.StateDelivered, cases.StateDelivered, cases.StateReplied, cases.StateClosed, cases.StateLead,
			cases.StateWithdrawn}
		fields := []string{"食品药品安全", "生态环境", "金融"}
		rng := rand.New(rand.NewPCG(7, 18))
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		var rows []cases.Case
		for i := range 160 {
			c := cases.Case{ProcuratorateID: casemgr.ProcuratorateID, DepartmentID: pros.DepartmentID, ProsecutorID: pros.UserID,
				Title: fmt.Sprintf("第%d号", i), Field: fields[rng.IntN(len(fields))], Source: "case_finding", State: states[rng.IntN(len(states))],
				Version: 1 + rng.IntN(3), CreatedBy: pros.UserID, CreatedAt: t0, StateEnteredAt: t0,
				UpdatedAt: t0.Add(time.Duration(i) * time.Hour)}
			if rng.IntN(4) == 0 {
				c.ProcuratorateID, c.DepartmentID, c.ProsecutorID = cityPros.ProcuratorateID, cityPros.DepartmentID, cityPros.UserID
			}
			ag := agency.AgencyID
			if rng.IntN(3) == 0 {
				ag = other.ID
			}
			c.AgencyID = &ag
			if c.State != cases.StateLead {
				issued := t0.Add(time.Duration(i) * time.Minute)
				delivered := today.AddDays(-rng.IntN(90))
				due := delivered.AddDays(60)
				c.IssuedAt, c.DeliveredOn, c.ReceivedOn, c.ReplyDue = &issued, &delivered, &delivered, &due
				if rng.IntN(8) == 0 { // re-addressed after delivery: the new recipient sees nothing yet
					c.DeliveredAgencyID = &other.ID
				}
				number, doc := fmt.Sprintf("案%d", i), fmt.Sprintf("文%d", i)
				c.CaseNumber, c.DocumentNumber = &number, &doc
				if c.State == cases.StateReplied || c.State == cases.StateClosed {
					replied, closed := delivered.AddDays(3), issued.Add(90*24*time.Hour)
					c.FirstRepliedOn, c.ClosedAt = &replied, &closed
				}
			}
			rows = append(rows, c)
		}
		if err := db.CreateInBatches(rows, 50).Error; err != nil {
			t.Fatal(err)
		}
		var all []cases.Case
		if err := db.Order("id DESC").Find(&all).Error; err != nil {
			t.Fatal(err)
		}
		svc := &cases.Service{DB: db, Settings: cases.Settings{ReplyMonths: 2},
			Clock: calendar.NewClock(time.UTC, func() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) })}
		sees := func(a *org.Actor, c *cases.Case) bool {
			if a.Role == org.RoleAgency {
				return c.AgencyID != nil && *c.AgencyID == a.AgencyID && c.DeliveredOn != nil &&
					(c.DeliveredAgencyID == nil || *c.DeliveredAgencyID == *c.AgencyID)
			}
			return c.ProcuratorateID == a.ProcuratorateID
		}
		from, to := today.AddDays(-20), today.AddDays(10)
		for _, tc := range []struct {
			name string
			q    cases.CaseListQuery
			keep func(c *cases.Case) bool
		}{
			{"all", cases.CaseListQuery{}, func(*cases.Case) bool { return true }},
			{"overdue", cases.CaseListQuery{State: string(cases.StateDelivered), Overdue: true}, func(c *cases.Case) bool {
				return c.State == cases.StateDelivered && c.ReplyDue != nil && c.ReplyDue.Before(today)
			}},
			{"overdue, any state asked", cases.CaseListQuery{Overdue: true}, func(c *cases.Case) bool {
				return c.State == cases.StateDelivered && c.ReplyDue != nil && c.ReplyDue.Before(today)
			}},
			{"state", cases.CaseListQuery{State: string(cases.StateClosed)}, func(c *cases.Case) bool { return c.State == cases.StateClosed }},
			{"field", cases.CaseListQuery{Field: "金融"}, func(c *cases.Case) bool { return c.Field == "金融" }},
			{"agency", cases.CaseListQuery{AgencyID: other.ID}, func(c *cases.Case) bool { return c.AgencyID != nil && *c.AgencyID == other.ID }},
			{"due range", cases.CaseListQuery{DueFrom: &from, DueTo: &to}, func(c *cases.Case) bool {
				return c.ReplyDue != nil && !c.ReplyDue.Before(from) && !to.Before(*c.ReplyDue)
			}},
		} {
			for _, a := range []*org.Actor{casemgr, cityPros, agency} {
				var want []cases.Case
				for i := range all {
					if sees(a, &all[i]) && tc.keep(&all[i]) {
						want = append(want, all[i])
					}
				}
				var got []cases.Case
				q := tc.q
				q.Limit, q.Summary = 7, true
				for pages := 0; ; pages++ {
					items, next, err := svc.ListCases(ctx, a, q)
					if err != nil {
						t.Fatalf("%s as %s: %v", tc.name, a.Username, err)
					}
					got = append(got, items...)
					if next == "" || pages > 100 {
						break
					}
					fmt.Sscan(next, &q.Cursor)
				}
				if len(want) == 0 && tc.name != "agency" {
					t.Fatalf("%s as %s: the fixture has no such case", tc.name, a.Username)
				}
				if !slices.EqualFunc(got, want, sameListItem) {
					t.Errorf("%s as %s: listed %v, want %v", tc.name, a.Username, listIDs(got), listIDs(want))
				}
			}
		}
	})
}

// sameListItem compares the columns a list item is read from
// (cases.CaseSummaryColumns, which the list scans by hand).
func sameListItem(a, b cases.Case) bool {
	eqDate := func(x, y *calendar.Date) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqTime := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	eqID := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqText := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.ID == b.ID && a.ProcuratorateID == b.ProcuratorateID && eqText(a.CaseNumber, b.CaseNumber) &&
		eqText(a.DocumentNumber, b.DocumentNumber) && a.Title == b.Title && a.Field == b.Field && a.State == b.State &&
		a.Version == b.Version && eqID(a.AgencyID, b.AgencyID) && eqID(a.DeliveredAgencyID, b.DeliveredAgencyID) &&
		a.ProsecutorID == b.ProsecutorID && eqID(a.ProjectID, b.ProjectID) && eqTime(a.IssuedAt, b.IssuedAt) &&
		eqDate(a.DeliveredOn, b.DeliveredOn) && eqDate(a.ReceivedOn, b.ReceivedOn) && eqDate(a.ReplyDue, b.ReplyDue) &&
		eqDate(a.FirstRepliedOn, b.FirstRepliedOn) && eqTime(a.ClosedAt, b.ClosedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func listIDs(list []cases.Case) []int64 {
	out := make([]int64, len(list))
	for i := range list {
		out[i] = list[i].ID
	}
	return out
}
