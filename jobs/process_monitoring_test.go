package jobs_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
	"jianyi/jobs"
)

func TestStageCutoff(t *testing.T) {
	t.Parallel()
	loc := testZone
	tests := []struct {
		today string
		limit int
		want  time.Time
	}{
		// Entered on 03-01 (Beijing) or earlier is 30+ days in on 03-31.
		{"2026-03-31", 30, time.Date(2026, 3, 2, 0, 0, 0, 0, loc)},
		{"2026-03-31", 1, time.Date(2026, 3, 31, 0, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		if got := jobs.StageCutoff(d(tt.today), tt.limit, loc); !got.Equal(tt.want) {
			t.Errorf("StageCutoff(%s, %d) = %s, want %s", tt.today, tt.limit, got, tt.want)
		}
	}
}

// tickDaily runs a job at 08:30 each day and returns how many reminders it
// made per day.
func tickDaily(t *testing.T, s *jobs.Scheduler, clock *testClock, job string, first, last calendar.Date, between func(day calendar.Date)) map[calendar.Date]int {
	t.Helper()
	got := map[calendar.Date]int{}
	for day := first; !day.After(last); day = day.AddDays(1) {
		if between != nil {
			between(day)
		}
		clock.Set(at8(day).Add(30 * time.Minute))
		run, err := s.Tick(context.Background(), job)
		if err != nil || run == nil || run.Status != jobs.RunOK {
			t.Fatalf("%s %s: %+v %v", job, day, run, err)
		}
		if run.Handled > 0 {
			got[day] = run.Handled
		}
	}
	return got
}

func TestStageWarnings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t) // checking: 30 days
		org := seed(t, db)
		clock := &testClock{}
		s := newScheduler(t, db, cfg, clock)
		// Entered checking at 23:30 Beijing time on 03-01 (15:30 UTC): the
		// legal date counts, not the UTC one.
		entered := time.Date(2026, 3, 1, 23, 30, 0, 0, testZone)
		c := caseFixture(t, db, org, "未成年人网吧准入", cases.StateChecking, entered)
		caseFixture(t, db, org, "尚在期限内", cases.StateChecking, time.Date(2026, 3, 20, 9, 0, 0, 0, testZone))
		caseFixture(t, db, org, "已送达不监控", cases.StateDelivered, entered)

		reentered := time.Date(2026, 4, 10, 10, 0, 0, 0, testZone)
		got := tickDaily(t, s, clock, "stage_warnings", d("2026-03-02"), d("2026-05-12"), func(day calendar.Date) {
			if day == d("2026-04-10") { // back to checking after a return: a new stage entry
				db.Model(&cases.Case{}).Where("id = ?", c.ID).Update("state_entered_at", reentered.UTC())
			}
		})
		want := map[calendar.Date]int{d("2026-03-31"): 1, d("2026-04-19"): 1, d("2026-05-10"): 1}
		if !maps.Equal(got, want) {
			t.Fatalf("warnings by day %v, want %v", got, want)
		}
		kind := jobs.KindStageLimitPrefix + "checking"
		for _, u := range []string{"prosecutor1", "casemgr1"} {
			if n := countNotifications(t, db, userID(t, db, u))[kind]; n != 3 {
				t.Fatalf("%s got %d stage warnings, want 3", u, n)
			}
		}
		if n := countNotifications(t, db, userID(t, db, "agency1"))[kind]; n != 0 {
			t.Fatalf("agency got %d stage warnings", n)
		}
	})
}

func TestFilingDeadlines(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		org := seed(t, db)
		clock := &testClock{}
		s := newScheduler(t, db, cfg, clock)
		late := caseFixture(t, db, org, "备案逾期", cases.StateIssued, at8(d("2026-03-02")))
		onTime := caseFixture(t, db, org, "按期备案", cases.StateIssued, at8(d("2026-03-02")))
		filings := []*cases.Filing{
			{CaseID: late.ID, ProcuratorateID: org.District.ID, ParentProcuratorateID: org.City.ID, DueOn: d("2026-03-09"), Status: cases.FilingPending},
			{CaseID: onTime.ID, ProcuratorateID: org.District.ID, ParentProcuratorateID: org.City.ID, DueOn: d("2026-03-09"), Status: cases.FilingPending},
		}
		for _, f := range filings {
			if err := db.Create(f).Error; err != nil {
				t.Fatal(err)
			}
		}
		got := tickDaily(t, s, clock, "filing_deadlines", d("2026-03-02"), d("2026-03-20"), func(day calendar.Date) {
			if day == d("2026-03-09") {
				db.Model(&cases.Filing{}).Where("id = ?", filings[1].ID).Updates(map[string]any{"status": cases.FilingFiled, "filed_at": time.Now()})
			}
		})
		if want := map[calendar.Date]int{d("2026-03-10"): 1}; !maps.Equal(got, want) {
			t.Fatalf("filing reminders by day %v, want %v", got, want)
		}
		for _, u := range []string{"prosecutor1", "casemgr1"} {
			if n := countNotifications(t, db, userID(t, db, u))[jobs.KindFilingOverdue]; n != 1 {
				t.Fatalf("%s got %d filing reminders, want 1", u, n)
			}
		}
	})
}

func TestDailyStats(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		seed := seed(t, db)
		clock := &testClock{}
		s := newScheduler(t, db, cfg, clock)
		overdue := deliveredCaseFixture(t, db, seed, cfg, "逾期未回复", d("2026-01-05"))
		deliveredCaseFixture(t, db, seed, cfg, "期限内", d("2026-04-01"))
		late := deliveredCaseFixture(t, db, seed, cfg, "慢回复", d("2026-01-05"))
		caseFixture(t, db, seed, "线索", cases.StateLead, at8(d("2026-04-01")))
		issued := time.Now()
		db.Model(overdue).Update("issued_at", issued)
		// Replied five days after its due date, then escalated: 慢回复.
		db.Model(late).Updates(map[string]any{"state": cases.StateReplied, "issued_at": issued, "first_replied_on": late.ReplyDue.AddDays(5)})
		if err := db.Create(&agency.Escalation{CaseID: late.ID, Kind: agency.EscalateSuperiorRegulator, DecidedOn: d("2026-04-10"),
			Target: "临江市市场监督管理局", Summary: "通报", DecidedBy: userID(t, db, "chief1"), CreatedAt: issued}).Error; err != nil {
			t.Fatal(err)
		}

		clock.Set(at8(d("2026-04-15")).Add(-7 * time.Hour)) // 01:00
		if run, err := s.Tick(context.Background(), "daily_stats"); err != nil || run == nil || run.Status != jobs.RunOK {
			t.Fatalf("run %+v %v", run, err)
		}
		// A manual re-run the same day updates rather than duplicates.
		caseFixture(t, db, seed, "新线索", cases.StateLead, at8(d("2026-04-15")))
		if _, err := s.RunNow(context.Background(), &org.Actor{Username: "test"}, "daily_stats"); err != nil {
			t.Fatal(err)
		}
		var procs int64
		db.Model(&org.Procuratorate{}).Count(&procs)
		if n := countRows(t, db, &stats.DailyStat{}, "stat_date = ?", "2026-04-15"); n != procs {
			t.Fatalf("%d stat rows, want one per procuratorate (%d)", n, procs)
		}
		var st stats.DailyStat
		db.Where("stat_date = ? AND procuratorate_id = ?", "2026-04-15", seed.District.ID).First(&st)
		// The overdue case nobody answered counts as 不回复 although its
		// stored reply_class is still empty: the figures come from the
		// statistics definitions (stats.ReplyTally), as the API's do.
		want := stats.DailyStat{Total: 5, Issued: 2, Delivered: 3, ReplyDue: 2, Replied: 1, RepliedLate: 1, OverdueOpen: 1, NoReply: 1,
			Escalated: 1, StateCounts: `{"delivered":2,"lead":2,"replied":1}`}
		if st.Total != want.Total || st.Issued != want.Issued || st.Delivered != want.Delivered || st.RepliedLate != want.RepliedLate ||
			st.OverdueOpen != want.OverdueOpen || st.StateCounts != want.StateCounts || st.NoReply != want.NoReply || st.RepliedOnTime != 0 ||
			st.ReplyDue != want.ReplyDue || st.Replied != want.Replied || st.Escalated != want.Escalated {
			t.Fatalf("district stats %+v, want %+v", st, want)
		}
	})
}
