package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/demo"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

func TestApplicationDeadlineReminders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org, err := demo.SeedDemo(ctx, db, org.NewPasswords(org.MinPasswordCost), "test-password-2026")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
		mk := func(no string, status applications.ApplicationStatus, answerDue calendar.Date, next *calendar.Date) {
			app := &applications.Application{TrackingNo: no, SecretHash: "x", ProcuratorateID: org.District.ID, ApplicantName: "欧阳娜娜",
				IDType: "resident_id", IDNumber: "x", IDNumberHash: no, Phone: "x", Problem: "x", Place: "x", Status: status, Version: 1,
				SubmittedOn: calendar.NewDate(2026, 3, 2), AnswerDue: answerDue, NextUpdateDue: next, CreatedAt: now, UpdatedAt: now}
			if err := db.Create(app).Error; err != nil {
				t.Fatal(err)
			}
		}
		overdueUpdate := calendar.NewDate(2026, 3, 5)
		farUpdate := calendar.NewDate(2026, 6, 5)
		mk("SQ1", applications.AppSubmitted, calendar.NewDate(2026, 3, 11), nil)             // answer due tomorrow
		mk("SQ2", applications.AppSubmitted, calendar.NewDate(2026, 3, 20), nil)             // not yet
		mk("SQ3", applications.AppUnderReview, calendar.NewDate(2026, 3, 1), &overdueUpdate) // update overdue
		mk("SQ4", applications.AppUnderReview, calendar.NewDate(2026, 3, 1), &farUpdate)
		mk("SQ5", applications.AppDeclined, calendar.NewDate(2026, 3, 1), nil) // closed: never reminded
		var job jobs.Job
		for _, j := range jobs.All() {
			if j.Name == "application_deadlines" {
				job = j
			}
		}
		if job.Run == nil {
			t.Fatal("job not registered")
		}
		env := &jobs.Env{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: now, Today: calendar.NewDate(2026, 3, 10)}
		for run, want := range []int{2, 0} { // the second run sends nothing again
			n, err := job.Run(ctx, env)
			if err != nil || n != want {
				t.Fatalf("run %d: sent %d, err %v; want %d", run, n, err, want)
			}
		}
		var kinds []string
		db.Model(&notify.Reminder{}).Where("subject_type = ?", "application").Order("kind").Pluck("kind", &kinds)
		if len(kinds) != 2 || kinds[0] != "application_answer_due_soon" || kinds[1] != "application_update_overdue" {
			t.Fatalf("reminders %v", kinds)
		}
		var notes int64
		db.Model(&notify.Notification{}).Where("kind LIKE ?", "application.%").Count(&notes)
		if notes != 2 { // one case manager each
			t.Fatalf("%d notifications, want 2", notes)
		}
	})
}
