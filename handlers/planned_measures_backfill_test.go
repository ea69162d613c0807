package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// TestPlannedMeasuresBackfill: measures planned in replies made before
// migration 0010 lived only in the reply's content, so nothing reminded them.
// Migration 0016 copies them into planned_measures as the reply action
// would have (the latest list planned, earlier ones superseded), leaves the
// replies made since alone, and the follow_through job then reminds them.
func TestPlannedMeasuresBackfill(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		today := svcToday(env)
		agencyUser := userID(t, db, "agency1")
		oldReply := func(caseID int64, kind, content string, on calendar.Date) int64 {
			t.Helper()
			r := &agency.Reply{CaseID: caseID, Kind: kind, Position: agency.PositionAdopted, Content: content, ContactPerson: "王科长",
				ContactPhone: "1", SubmittedBy: agencyUser, SubmittedOn: on, CreatedAt: env.Now().UTC()}
			if err := db.Create(r).Error; err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		body := func(measures ...agency.PlannedMeasure) string {
			raw, err := json.Marshal(agency.ReplyContent{Text: "已整改", MeasuresPlanned: measures})
			if err != nil {
				t.Fatal(err)
			}
			return string(raw)
		}
		soon := today.AddDays(3)
		// Two replies before 0010: the supplement's list replaced the first.
		twice := createDeliveredCaseFixture(t, env, 91, true)
		first := oldReply(twice.ID, agency.ReplyKindFinal, body(
			agency.PlannedMeasure{Measure: "建立巡查台账", DueOn: today.AddDays(30)},
			agency.PlannedMeasure{Measure: "开展培训", DueOn: today.AddDays(40)}), today.AddDays(-20))
		latest := oldReply(twice.ID, agency.ReplyKindSupplement, body(
			agency.PlannedMeasure{Measure: "  完成“三无”食品清查 & 公示 <结果>  ", DueOn: soon}), today.AddDays(-10))
		// A reply with no measures and one stored as plain text.
		other := createDeliveredCaseFixture(t, env, 92, true)
		oldReply(other.ID, agency.ReplyKindFinal, body(), today.AddDays(-5))
		oldReply(other.ID, agency.ReplyKindSupplement, "measures_planned: 书面材料另附", today.AddDays(-4))
		// A reply made since, through the action: its rows exist already.
		since := createDeliveredCaseFixture(t, env, 93, true)
		act(t, env, since.ID, "reply", "agency1", map[string]any{"version": since.Version, "kind": "final", "items": allItems("adopted", "adopted", "adopted"),
			"contact_person": "王科长", "contact_phone": "1", "measures_planned": []map[string]any{{"measure": "建立长效机制", "due_on": soon.String()}}},
			http.StatusOK)

		// Run the backfill on these rows, as an upgrade from before 0010 does.
		if err := db.Exec("DELETE FROM schema_migrations WHERE version = ?", 16).Error; err != nil {
			t.Fatal(err)
		}
		if done, err := db.Migrate(context.Background()); err != nil || len(done) != 1 || done[0].Version != 16 {
			t.Fatalf("migrate: %v %v", done, err)
		}

		var rows []agency.PlannedMeasureRow
		if err := db.Order("case_id, reply_id, seq").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		type row struct {
			caseID, replyID int64
			seq             int
			measure, due    string
			status          string
		}
		var got []row
		for _, r := range rows {
			got = append(got, row{r.CaseID, r.ReplyID, r.Seq, r.Measure, r.DueOn.String(), r.Status})
		}
		var sinceReply agency.Reply
		if err := db.Where("case_id = ?", since.ID).Take(&sinceReply).Error; err != nil {
			t.Fatal(err)
		}
		want := []row{
			{twice.ID, first, 1, "建立巡查台账", today.AddDays(30).String(), agency.MeasureSuperseded},
			{twice.ID, first, 2, "开展培训", today.AddDays(40).String(), agency.MeasureSuperseded},
			{twice.ID, latest, 1, "完成“三无”食品清查 & 公示 <结果>", soon.String(), agency.MeasurePlanned},
			{since.ID, sinceReply.ID, 1, "建立长效机制", soon.String(), agency.MeasurePlanned},
		}
		if len(got) != len(want) {
			t.Fatalf("rows\n got %+v\nwant %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("row %d\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}

		// Running it again adds nothing.
		db.Exec("DELETE FROM schema_migrations WHERE version = ?", 16)
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, "planned_measures", "1 = 1"); n != int64(len(want)) {
			t.Fatalf("%d rows after a second run, want %d", n, len(want))
		}

		// The reminders now cover the backfilled measures.
		env.SetNow(env.Now().Add(24 * time.Hour))
		env.Do("POST", "/api/v1/admin/jobs/follow_through/run", "admin", nil).Expect(t, http.StatusOK)
		for _, user := range []string{"agency1", "prosecutor1"} {
			if n := countRows(t, db, "notifications", "user_id = ? AND kind = ? AND case_id = ?", userID(t, db, user), "measure_due_soon", twice.ID); n != 1 {
				t.Fatalf("%s: %d due-soon reminders of the backfilled measure", user, n)
			}
		}
	})
}
