package agency_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// TestListCasesWithClassesAgreesWithTwoReads: the case list with its reply
// classes (one statement on MySQL, the page joined to its replies) gives,
// page by page, the cases, classes and cursors that ListCases followed by
// CaseReplyClasses give, for each filter, as staff and as an agency, with
// cases of no, one and several replies (interim, final, supplement,
// returned), newest first and as a text search's results; and the classes are those of all the case's replies folded,
// although both read only the replies of cases that had a final reply
// (cases.HadFinalReplySQL) — the data kept as the service keeps it: only a
// final or supplement reply returned, first_replied_on the first final
// reply's day.
func TestListCasesWithClassesAgreesWithTwoReads(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		user := func(name string) *org.Actor { return dbtest.ActorNamed(t, db, name) }
		casemgr, pros, ag := user("casemgr1"), user("prosecutor1"), user("agency1")
		today := calendar.NewDate(2026, 3, 2)
		rng := rand.New(rand.NewPCG(18, 7))
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		states := []cases.CaseState{cases.StateDelivered, cases.StateDelivered, cases.StateReplied, cases.StateClosed}
		var rows []cases.Case
		for i := range 60 {
			issued := t0.Add(time.Duration(i) * time.Hour)
			delivered := today.AddDays(-rng.IntN(120))
			due := delivered.AddDays(60)
			c := cases.Case{ProcuratorateID: casemgr.ProcuratorateID, DepartmentID: pros.DepartmentID, ProsecutorID: pros.UserID,
				Title: fmt.Sprintf("第%d号", i) + []string{"", "尾矿库渗漏"}[i%2], Field: []string{"金融", "生态环境"}[rng.IntN(2)], Source: "case_finding",
				State: states[rng.IntN(len(states))], Version: 1, CreatedBy: pros.UserID, CreatedAt: t0, StateEnteredAt: t0, UpdatedAt: issued,
				AgencyID: &ag.AgencyID, IssuedAt: &issued, DeliveredOn: &delivered, ReceivedOn: &delivered, ReplyDue: &due}
			if c.State == cases.StateClosed {
				closed := issued.Add(24 * time.Hour)
				c.ClosedAt = &closed
			}
			rows = append(rows, c)
		}
		if err := db.CreateInBatches(rows, 30).Error; err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if err := cases.IndexCase(db.DB, &rows[i], nil); err != nil {
				t.Fatal(err)
			}
		}
		kinds := []string{agency.ReplyKindInterim, agency.ReplyKindFinal, agency.ReplyKindFinal, agency.ReplyKindSupplement}
		positions := []string{agency.PositionAdopted, agency.PositionPartlyAdopted, agency.PositionNotAdopted}
		var replies []agency.Reply
		for _, c := range rows {
			final := false
			for range rng.IntN(4) {
				due := *c.ReplyDue
				kind := kinds[rng.IntN(len(kinds))]
				if kind == agency.ReplyKindSupplement && !final { // a supplement follows a final reply
					kind = agency.ReplyKindFinal
				}
				final = final || kind == agency.ReplyKindFinal
				replies = append(replies, agency.Reply{CaseID: c.ID, AgencyID: &ag.AgencyID, Kind: kind,
					Position: positions[rng.IntN(len(positions))], Content: "{}", SubmittedBy: pros.UserID,
					SubmittedOn: c.DeliveredOn.AddDays(rng.IntN(90)), DueOn: &due, CreatedAt: t0})
				r := &replies[len(replies)-1]
				r.Returned = r.Kind != agency.ReplyKindInterim && rng.IntN(5) == 0
			}
		}
		if err := db.CreateInBatches(replies, 50).Error; err != nil {
			t.Fatal(err)
		}
		// first_replied_on as the service keeps it: the first final reply's day.
		dbtest.RunMigration(t, db, 31)
		allReplies := map[int64][]agency.ReplyFactRow{} // in id order
		hadFinal := map[int64]bool{}
		for _, r := range replies {
			allReplies[r.CaseID] = append(allReplies[r.CaseID], agency.ReplyFactRow{CaseID: r.CaseID, ID: r.ID, Kind: r.Kind,
				Position: r.Position, SubmittedOn: r.SubmittedOn, DueOn: r.DueOn, Returned: r.Returned})
			hadFinal[r.CaseID] = hadFinal[r.CaseID] || r.Kind == agency.ReplyKindFinal
		}
		if !slices.Contains(slices.Collect(maps.Values(hadFinal)), false) {
			t.Fatal("the fixture has no case with interim replies only")
		}
		folded := func(c cases.Case) agency.ReplyClasses {
			f := agency.CaseReplyFacts(&c, time.UTC)
			var o agency.ReplyFold
			for _, r := range allReplies[c.ID] {
				o.Add(r)
			}
			o.Apply(&f)
			return agency.ReplyClassesOf(f, today)
		}
		clock := calendar.NewClock(time.UTC, func() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) })
		svc := &agency.Service{Cases: &cases.Service{DB: db, Settings: cases.Settings{ReplyMonths: 2}, Clock: clock}}
		for _, q := range []cases.CaseListQuery{{}, {State: string(cases.StateDelivered), Overdue: true}, {State: string(cases.StateReplied)},
			{Field: "金融"}, {Sort: cases.CaseSortDue}, {Q: "尾矿库"}, {Q: "尾矿库", State: string(cases.StateDelivered)}} {
			for _, a := range []*org.Actor{casemgr, ag} {
				q.Limit, q.Summary = 7, true
				listed := 0
				for pages := 0; pages < 20; pages++ {
					got, gotClasses, gotNext, err := svc.ListCasesWithClasses(ctx, a, q)
					if err != nil {
						t.Fatal(err)
					}
					want, wantNext, err := svc.Cases.ListCases(ctx, a, q)
					if err != nil {
						t.Fatal(err)
					}
					wantClasses, err := svc.CaseReplyClasses(db.DB, want)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotClasses, wantClasses) || gotNext != wantNext {
						t.Fatalf("%+v as %s, page %d:\n got %v %v %q\nwant %v %v %q", q, a.Username, pages, ids(got), gotClasses, gotNext,
							ids(want), wantClasses, wantNext)
					}
					for _, c := range got {
						if want := folded(c); gotClasses[c.ID] != want {
							t.Fatalf("%+v as %s: case %d (replies %+v) listed as %+v, its replies fold to %+v", q, a.Username, c.ID,
								allReplies[c.ID], gotClasses[c.ID], want)
						}
					}
					listed += len(got)
					if gotNext == "" {
						break
					}
					if q.Sort == cases.CaseSortDue {
						q.DueCursor = gotNext
					} else {
						fmt.Sscan(gotNext, &q.Cursor)
					}
				}
				if listed == 0 {
					t.Errorf("%+v as %s: nothing listed", q, a.Username)
				}
			}
		}
	})
}

func ids(list []cases.Case) []int64 {
	out := make([]int64, len(list))
	for i := range list {
		out[i] = list[i].ID
	}
	return out
}
