package agency_test

import (
	"database/sql"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// TestMigrationKeepsTheFirstReplyDay: migration 0031 gives a case that has a
// final reply and no first_replied_on the day of its earliest final reply
// (the day the reply definitions take when the column is empty), and
// leaves alone a case with interim replies only, one with none, and one
// whose first_replied_on is set — so that the case lists may read the
// replies of the cases that had a final reply only (cases.HadFinalReplySQL).
func TestMigrationKeepsTheFirstReplyDay(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		pros := dbtest.ActorNamed(t, db, "prosecutor1")
		t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
		kept := calendar.NewDate(2026, 1, 9)
		list := make([]cases.Case, 4)
		for i := range list {
			list[i] = cases.Case{ProcuratorateID: pros.ProcuratorateID, DepartmentID: pros.DepartmentID, ProsecutorID: pros.UserID,
				Title: "回复日", Field: "金融", Source: "case_finding", State: cases.StateReplied, Version: 1, CreatedBy: pros.UserID,
				CreatedAt: t0, StateEnteredAt: t0, UpdatedAt: t0}
		}
		list[3].FirstRepliedOn = &kept
		if err := db.Create(&list).Error; err != nil {
			t.Fatal(err)
		}
		reply := func(c cases.Case, kind string, day int) agency.Reply {
			return agency.Reply{CaseID: c.ID, Kind: kind, Position: agency.PositionAdopted, Content: "{}", SubmittedBy: pros.UserID,
				SubmittedOn: calendar.NewDate(2026, 1, day), CreatedAt: t0}
		}
		replies := []agency.Reply{
			reply(list[0], agency.ReplyKindInterim, 10), reply(list[0], agency.ReplyKindFinal, 14), reply(list[0], agency.ReplyKindFinal, 12),
			reply(list[0], agency.ReplyKindSupplement, 11),
			reply(list[1], agency.ReplyKindInterim, 10),
			reply(list[3], agency.ReplyKindFinal, 20),
		}
		if err := db.Create(&replies).Error; err != nil {
			t.Fatal(err)
		}
		dbtest.RunMigration(t, db, 31)
		for i, want := range []string{"2026-01-12", "", "", "2026-01-09"} {
			var got sql.NullString
			if err := db.Raw("SELECT first_replied_on FROM cases WHERE id = ?", list[i].ID).Row().Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got.String != want || got.Valid != (want != "") {
				t.Errorf("case %d: first_replied_on %+v, want %q", i, got, want)
			}
		}
	})
}
