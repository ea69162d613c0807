package jobs_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/demo"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

func d(s string) calendar.Date {
	v, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestReplyRemindersDue(t *testing.T) {
	t.Parallel()
	due := d("2026-05-06")
	soon := []int{15, 3}
	tests := []struct {
		today string
		want  []string
	}{
		{"2026-04-20", nil},
		{"2026-04-21", []string{"reply_due_soon_15"}},
		{"2026-04-30", []string{"reply_due_soon_15"}},
		{"2026-05-03", []string{"reply_due_soon_3"}},
		{"2026-05-06", []string{"reply_due_soon_3"}},
		{"2026-05-07", []string{"reply_overdue"}},
		{"2026-06-04", []string{"reply_overdue"}},
		{"2026-06-05", []string{"reply_overdue", "reply_very_overdue"}},
	}
	for _, tt := range tests {
		t.Run(tt.today, func(t *testing.T) {
			var got []string
			for _, r := range jobs.ReplyRemindersDue(due, d(tt.today), soon, 30) {
				got = append(got, r.Kind)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// replyEnv is one database with the demo organisation, a scheduler on a test
// clock and one delivered case received on 2026-03-02.
type replyEnv struct {
	db         *database.DB
	s          *jobs.Scheduler
	clock      *testClock
	c          *cases.Case
	received   calendar.Date
	due        calendar.Date
	prosecutor int64
}

func newReplyEnv(t *testing.T, db *database.DB, title string) *replyEnv {
	t.Helper()
	cfg := testConfig(t)
	org := seed(t, db)
	e := &replyEnv{db: db, clock: &testClock{}, received: d("2026-03-02"), prosecutor: userID(t, db, "prosecutor1")}
	e.s = newScheduler(t, db, cfg, e.clock)
	e.c = deliveredCaseFixture(t, db, org, cfg, title, e.received)
	e.due = *e.c.ReplyDue
	return e
}

// step runs the reply reminder job once a day at 08:00 from the receipt day
// to last (inclusive) and returns, per day, the kinds the prosecutor was sent
// that day. between, when set, runs before each day's tick.
func (e *replyEnv) step(t *testing.T, last calendar.Date, between func(day calendar.Date)) map[calendar.Date][]string {
	t.Helper()
	got := map[calendar.Date][]string{}
	before := countNotifications(t, e.db, e.prosecutor)
	for day := e.received; !day.After(last); day = day.AddDays(1) {
		if between != nil {
			between(day)
		}
		e.clock.Set(at8(day))
		run, err := e.s.Tick(context.Background(), "reply_reminders")
		if err != nil || run == nil || run.Status != jobs.RunOK {
			t.Fatalf("%s: run %+v, err %v", day, run, err)
		}
		after := countNotifications(t, e.db, e.prosecutor)
		for _, k := range slices.Sorted(maps.Keys(after)) {
			for range after[k] - before[k] {
				got[day] = append(got[day], k)
			}
		}
		before = after
	}
	return got
}

func TestReplyRemindersStepByDay(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newReplyEnv(t, db, "校园周边食品安全隐患")
		due := e.due
		got := e.step(t, due.AddDays(40), nil)
		want := map[calendar.Date][]string{
			due.AddDays(-15): {"reply_due_soon_15"},
			due.AddDays(-3):  {"reply_due_soon_3"},
			due.AddDays(1):   {"reply_overdue", "urging_letter_draft"},
			due.AddDays(30):  {"reply_very_overdue"},
		}
		if !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("reply due %s: reminders by day\n got %v\nwant %v", due, got, want)
		}
		// The agency's user gets the same reminders, but no urging letter draft.
		wantAgency := map[string]int{"reply_due_soon_15": 1, "reply_due_soon_3": 1, "reply_overdue": 1, "reply_very_overdue": 1}
		if a := countNotifications(t, db, userID(t, db, "agency1")); !maps.Equal(a, wantAgency) {
			t.Fatalf("agency notifications %v, want %v", a, wantAgency)
		}
		var letters []agency.UrgingLetter
		db.Where("case_id = ?", e.c.ID).Find(&letters)
		if len(letters) != 1 || letters[0].Status != agency.UrgingLetterDraft || letters[0].Deadline != due {
			t.Fatalf("urging letters %+v, want one draft for %s", letters, due)
		}
	})
}

func TestReplyRemindersFollowAnExtension(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newReplyEnv(t, db, "河道非法采砂")
		oldDue, newDue := e.due, e.due.AddDays(20)
		got := e.step(t, newDue.AddDays(31), func(day calendar.Date) {
			if day == oldDue.AddDays(-10) {
				extendReplyDeadline(t, db, e.c, newDue) // extension approved 10 days before the old deadline
			}
		})
		want := map[calendar.Date][]string{
			oldDue.AddDays(-15): {"reply_due_soon_15"}, // sent before the extension
			newDue.AddDays(-15): {"reply_due_soon_15"},
			newDue.AddDays(-3):  {"reply_due_soon_3"},
			newDue.AddDays(1):   {"reply_overdue", "urging_letter_draft"},
			newDue.AddDays(30):  {"reply_very_overdue"},
		}
		if !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("old due %s, new due %s: reminders by day\n got %v\nwant %v", oldDue, newDue, got, want)
		}
		if n := countRows(t, db, &notify.Reminder{}, "subject_id = ? AND deadline = ?", e.c.ID, oldDue.String()); n != 1 {
			t.Fatalf("%d reminders keyed to the old deadline, want 1 (the 15-day one)", n)
		}
	})
}

func TestReplyRemindersStopWhenReplied(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newReplyEnv(t, db, "养老机构消防隐患")
		got := e.step(t, e.due.AddDays(35), func(day calendar.Date) {
			if day == e.due.AddDays(-5) {
				db.Model(&cases.Case{}).Where("id = ?", e.c.ID).Update("state", cases.StateReplied)
			}
		})
		if want := map[calendar.Date][]string{e.due.AddDays(-15): {"reply_due_soon_15"}}; !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}

// manyDeliveredCases makes cases whose deadlines put them in every reminder
// window on today.
func manyDeliveredCases(t *testing.T, db *database.DB, org *demo.DemoOrg, cfg *config.Config, n int) {
	t.Helper()
	for i := range n {
		// Received 2026-01-01 … spread over 100 days: some due soon, some
		// overdue, some very overdue on 2026-04-15.
		deliveredCaseFixture(t, db, org, cfg, fmt.Sprintf("案件%d", i), d("2026-01-01").AddDays(i*100/n))
	}
}

func TestReplyRemindersSameSlotTwice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		seed := seed(t, db)
		clock := &testClock{}
		s := newScheduler(t, db, cfg, clock)
		manyDeliveredCases(t, db, seed, cfg, 30)
		clock.Set(at8(d("2026-04-15")))
		first, err := s.Tick(context.Background(), "reply_reminders")
		if err != nil || first == nil || first.Handled == 0 {
			t.Fatalf("first run %+v, %v", first, err)
		}
		reminders := countRows(t, db, &notify.Reminder{}, "")
		notes := countRows(t, db, &notify.Notification{}, "")
		// The same slot again (a restart, a second timer): the slot row stops it.
		clock.Set(at8(d("2026-04-15")).Add(3 * time.Minute))
		if again, err := s.Tick(context.Background(), "reply_reminders"); err != nil || again != nil {
			t.Fatalf("second tick in the slot ran: %+v, %v", again, err)
		}
		// A manual run has no slot: it runs, and the reminders table stops the repeats.
		manual, err := s.RunNow(context.Background(), &org.Actor{Username: "test"}, "reply_reminders")
		if err != nil || manual.Status != jobs.RunOK || manual.Handled != 0 {
			t.Fatalf("manual run %+v, %v", manual, err)
		}
		if r, n := countRows(t, db, &notify.Reminder{}, ""), countRows(t, db, &notify.Notification{}, ""); r != reminders || n != notes {
			t.Fatalf("re-runs added reminders (%d→%d) or notifications (%d→%d)", reminders, r, notes, n)
		}
		if n := countRows(t, db, &jobs.JobRun{}, "job_name = ?", "reply_reminders"); n != 2 {
			t.Fatalf("%d job runs, want 2 (one scheduled, one manual)", n)
		}
	})
}

// TestReplyRemindersTwoReplicas runs two schedulers on two database handles
// at once, as two server processes would: each slot runs once, and even
// unslotted concurrent runs send each reminder exactly once.
func TestReplyRemindersTwoReplicas(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	for _, driver := range dbtest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			db1, db2 := twoHandles(t, driver)
			cfg := testConfig(t)
			seed := seed(t, db1)
			manyDeliveredCases(t, db1, seed, cfg, 40)
			// The second replica's clock runs 2.5 s ahead: they still agree on the slot.
			clock, skewed := &testClock{}, &testClock{}
			clock.Set(at8(d("2026-04-15")))
			skewed.Set(at8(d("2026-04-15")).Add(2500 * time.Millisecond))
			replicas := []*jobs.Scheduler{newScheduler(t, db1, cfg, clock), newScheduler(t, db2, cfg, skewed)}

			// Both timers fire for the same slot.
			runs := make([]*jobs.JobRun, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, s := range replicas {
				wg.Go(func() { runs[i], errs[i] = s.Tick(context.Background(), "reply_reminders") })
			}
			wg.Wait()
			if errs[0] != nil || errs[1] != nil || (runs[0] == nil) == (runs[1] == nil) {
				t.Fatalf("want exactly one replica to run the slot: runs %+v %+v, errors %v %v", runs[0], runs[1], errs[0], errs[1])
			}
			reminders := countRows(t, db1, &notify.Reminder{}, "")
			wantReminders := expectedReminders(t, db1, cfg, d("2026-04-15"))
			if reminders != wantReminders || reminders == 0 {
				t.Fatalf("%d reminders, want %d", reminders, wantReminders)
			}

			// Next day, both replicas run by hand at once, several times over.
			clock.Set(at8(d("2026-04-16")))
			skewed.Set(at8(d("2026-04-16")).Add(2500 * time.Millisecond))
			for i := range 3 {
				for _, s := range replicas {
					wg.Go(func() {
						if _, err := s.RunNow(context.Background(), &org.Actor{Username: fmt.Sprint("admin", i)}, "reply_reminders"); err != nil && err != jobs.ErrJobRunning {
							t.Errorf("manual run: %v", err)
						}
					})
				}
			}
			wg.Wait()
			want := expectedReminders(t, db1, cfg, d("2026-04-15"), d("2026-04-16"))
			if want <= reminders {
				t.Fatalf("fixture: 2026-04-16 calls for no reminder beyond 04-15's %d, so the concurrent runs prove nothing", reminders)
			}
			if n := countRows(t, db1, &notify.Reminder{}, ""); n != want {
				t.Fatalf("%d reminders after concurrent runs, want %d", n, want)
			}
			assertOneNotificationPerReminder(t, db1)
		})
	}
}

// expectedReminders counts the distinct reminder keys the given days call
// for over all delivered cases, by ReplyRemindersDue.
func expectedReminders(t *testing.T, db *database.DB, cfg *config.Config, days ...calendar.Date) int64 {
	t.Helper()
	var list []cases.Case
	if err := db.Where("state = ?", cases.StateDelivered).Find(&list).Error; err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, c := range list {
		for _, day := range days {
			for _, r := range jobs.ReplyRemindersDue(*c.ReplyDue, day, cfg.Jobs.DueSoonDays, cfg.Jobs.VeryOverdueDays) {
				keys[fmt.Sprint(c.ID, r.Kind, *c.ReplyDue)] = true
			}
		}
	}
	return int64(len(keys))
}

// assertOneNotificationPerReminder checks that every reminder reached its two
// recipients (prosecutor1 and agency1) once, and every overdue reminder made
// one urging letter draft with one notice.
func assertOneNotificationPerReminder(t *testing.T, db *database.DB) {
	t.Helper()
	reminders := countRows(t, db, &notify.Reminder{}, "")
	notes := countRows(t, db, &notify.Notification{}, "kind <> ?", jobs.KindUrgingLetterDraft)
	if notes != 2*reminders {
		t.Fatalf("%d reminder notifications for %d reminders, want %d", notes, reminders, 2*reminders)
	}
	overdue := countRows(t, db, &notify.Reminder{}, "kind = ?", jobs.KindReplyOverdue)
	letters := countRows(t, db, &agency.UrgingLetter{}, "")
	drafts := countRows(t, db, &notify.Notification{}, "kind = ?", jobs.KindUrgingLetterDraft)
	if letters != overdue || drafts != overdue {
		t.Fatalf("%d overdue reminders, %d urging letters, %d draft notices: want all equal", overdue, letters, drafts)
	}
}

func TestEmitReminderOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		org := seed(t, db)
		c := deliveredCaseFixture(t, db, org, cfg, "重复提醒", d("2026-03-02"))
		steps := []struct {
			kind     string
			deadline string
			want     bool
		}{
			{"reply_overdue", "2026-05-06", true},
			{"reply_overdue", "2026-05-06", false}, // same key: nothing
			{"reply_overdue", "2026-05-26", true},  // moved deadline: a new key
			{"reply_very_overdue", "2026-05-06", true},
		}
		for i, st := range steps {
			var created bool
			err := db.WithTx(context.Background(), func(tx *gorm.DB) error {
				var err error
				created, err = notify.EmitReminder(tx, notify.Channels{},
					notify.ReminderKey{SubjectType: "case", SubjectID: c.ID, CaseID: c.ID, Kind: st.kind, Deadline: d(st.deadline)},
					notify.Spec{UserIDs: []int64{c.ProsecutorID}, Kind: st.kind, Title: "提醒"})
				return err
			})
			if err != nil || created != st.want {
				t.Fatalf("step %d %+v: created %v, err %v", i, st, created, err)
			}
		}
		if n := countRows(t, db, &notify.Notification{}, ""); n != 3 {
			t.Fatalf("%d notifications, want 3", n)
		}
	})
}
