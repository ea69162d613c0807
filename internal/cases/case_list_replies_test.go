package cases_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// TestCasePageRepliesAreTheCasesReplies: the reply rows a newest-first
// summary page reads with its cases (SQLite, packed in one column) are the
// rows of the replies table of the cases that had a final reply — every
// kind, position, due date or none, returned or not, several to a case — in
// page order and each case's in id order, none of the case read past the
// page's end, and none of a case with interim replies only
// (cases.HadFinalReplySQL); a value the packing cannot carry (a separator in
// it) leaves them unread for the caller to read apart, without an error.
// MySQL does not read them with the page.
func TestCasePageRepliesAreTheCasesReplies(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		a := dbtest.ActorNamed(t, db, "prosecutor1")
		t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
		var list []cases.Case
		for i := range 11 {
			list = append(list, cases.Case{ProcuratorateID: a.ProcuratorateID, DepartmentID: a.DepartmentID, ProsecutorID: a.UserID,
				Title: fmt.Sprintf("回复%d", i), Field: "金融", Source: "case_finding", State: cases.StateDelivered, Version: 1,
				CreatedBy: a.UserID, CreatedAt: t0, StateEnteredAt: t0, UpdatedAt: t0})
		}
		if err := db.Create(&list).Error; err != nil {
			t.Fatal(err)
		}
		kinds := []string{"interim", "final", "supplement", "final"}
		positions := []string{"adopted", "partly_adopted", "not_adopted"}
		for i, c := range list {
			for j := range i % 4 {
				var due any
				if (i+j)%3 != 0 {
					due = calendar.NewDate(2026, 2, 1+i).String()
				}
				if err := db.Exec("INSERT INTO replies (case_id, kind, position, content, submitted_by, submitted_on, due_on, returned, created_at) "+
					"VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)", c.ID, kinds[(i+j)%4], positions[(i*j)%3], a.UserID, calendar.NewDate(2026, 1, 20-j).String(),
					due, (i+j)%5 == 0, t0).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, c := range []cases.Case{list[0], list[4]} { // interim replies only
			if err := db.Exec("INSERT INTO replies (case_id, kind, position, content, submitted_by, submitted_on, due_on, returned, created_at) "+
				"VALUES (?, 'interim', 'adopted', '', ?, '2026-01-21', '2026-02-01', ?, ?)", c.ID, a.UserID, false, t0).Error; err != nil {
				t.Fatal(err)
			}
		}
		// first_replied_on as the service keeps it: the first final reply's day.
		dbtest.RunMigration(t, db, 31)
		ids := make([]int64, len(list))
		for i := range list {
			ids[i] = list[i].ID
		}
		var want []cases.ReplyFactRow
		if err := db.Table("replies").Select("case_id, id, kind, position, submitted_on, due_on, returned").
			Where("case_id IN ? AND case_id IN (SELECT id FROM cases WHERE first_replied_on IS NOT NULL)", ids).
			Order("case_id DESC, id").Scan(&want).Error; err != nil {
			t.Fatal(err)
		}
		var unread int64
		if err := db.Table("replies").Where("case_id IN ?", ids).Count(&unread).Error; err != nil {
			t.Fatal(err)
		}
		if unread -= int64(len(want)); len(want) < 10 || unread < 2 {
			t.Fatalf("the fixture has %d replies of cases with a final reply, %d of others", len(want), unread)
		}
		page := func() ([]cases.ReplyFactRow, bool) {
			var got []cases.ReplyFactRow
			read := true
			q := cases.CaseListQuery{Summary: true, Replies: true, Limit: 4, Cursor: list[len(list)-1].ID + 1}
			for {
				p, err := (&cases.Service{DB: db}).ListCasePage(ctx, a, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range p.Replies {
					if r.CaseID >= list[0].ID { // not the seeded cases the last page may reach
						got = append(got, r)
					}
				}
				read = read && p.RepliesRead
				if p.Next == "" || p.Cases[len(p.Cases)-1].ID == list[0].ID {
					return got, read
				}
				fmt.Sscan(p.Next, &q.Cursor)
			}
		}
		got, read := page()
		if read != (db.Dialect == "sqlite") {
			t.Fatalf("replies read with the page: %v on %s", read, db.Dialect)
		}
		if read && !reflect.DeepEqual(got, want) {
			t.Fatalf("replies read with the pages\n%+v\nwant\n%+v", got, want)
		}
		if err := db.Exec("UPDATE replies SET position = 'a,b' WHERE id = ?", want[0].ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, read := page(); read {
			t.Fatal("a reply packed with a separator in a value was read")
		}
	})
}
