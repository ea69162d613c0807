package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/demo"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

const demoPassword = "test-password-2026"

// testClock is the controllable clock the scheduler reads.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// testZone is the configured zone of the shipped configuration (UTC+8).
var testZone = time.FixedZone("CST", 8*60*60)

// at8 is 08:00 Beijing time on d: when the reply reminder job runs by default.
func at8(d calendar.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, testZone)
}

func testConfig(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode = "dev"
	cfg.Database.DSN = "test"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func seed(t testing.TB, db *database.DB) *demo.DemoOrg {
	t.Helper()
	seeded, err := demo.SeedDemo(context.Background(), db, org.NewPasswords(org.MinPasswordCost), demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	return seeded
}

func newScheduler(t testing.TB, db *database.DB, cfg *config.Config, clock *testClock) *jobs.Scheduler {
	t.Helper()
	s, err := jobs.New(jobs.Options{DB: db, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock: calendar.NewClock(cfg.Location(), clock.Now)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(context.Background()) })
	return s
}

func userID(t testing.TB, db *database.DB, username string) int64 {
	t.Helper()
	var u org.User
	if err := db.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u.ID
}

// deliveredCaseFixture stores a case of the demo district as the delivery
// action would leave it — state delivered, received on the given day, reply
// deadline computed by cases.Service.SetReplyDeadline — directly through GORM,
// without the prosecutor-side actions.
func deliveredCaseFixture(t testing.TB, db *database.DB, org *demo.DemoOrg, cfg *config.Config, title string, received calendar.Date) *cases.Case {
	t.Helper()
	c := caseFixture(t, db, org, title, cases.StateDelivered, at8(received))
	svc := &cases.Service{DB: db, Clock: calendar.NewClock(cfg.Location(), time.Now), Settings: cases.Settings{ReplyMonths: cfg.Deadlines.ReplyMonths,
		ObjectionDays: cfg.Deadlines.ObjectionDays}}
	r := received
	c.DeliveredOn = &r
	svc.SetReplyDeadline(db.DB, c, received)
	if err := db.Save(c).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

// caseFixture stores a case of the demo district in a state, entered at the
// given instant, handled by prosecutor1 and addressed to agency1.
func caseFixture(t testing.TB, db *database.DB, org *demo.DemoOrg, title string, state cases.CaseState, entered time.Time) *cases.Case {
	t.Helper()
	agency := org.Agency1.ID
	c := &cases.Case{ProcuratorateID: org.District.ID, DepartmentID: org.Department.ID, Title: title, Field: "食品药品安全",
		Source: cases.SourceCaseFinding, Summary: "测试案件", AgencyID: &agency, ProsecutorID: userID(t, db, "prosecutor1"),
		State: state, Version: 1, StateEnteredAt: entered.UTC(), CreatedBy: userID(t, db, "prosecutor1"),
		CreatedAt: entered.UTC(), UpdatedAt: entered.UTC()}
	if err := db.Create(c).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

// extendReplyDeadline moves the deadline as an approved extension would.
func extendReplyDeadline(t testing.TB, db *database.DB, c *cases.Case, due calendar.Date) {
	t.Helper()
	if err := db.Model(&cases.Case{}).Where("id = ?", c.ID).Update("reply_due", due.String()).Error; err != nil {
		t.Fatal(err)
	}
	c.ReplyDue = &due
}

// countNotifications counts a user's notifications by kind.
func countNotifications(t testing.TB, db *database.DB, userID int64) map[string]int {
	t.Helper()
	var rows []struct {
		Kind string
		N    int
	}
	if err := db.Model(&notify.Notification{}).Select("kind, COUNT(*) AS n").Where("user_id = ?", userID).
		Group("kind").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Kind] = r.N
	}
	return out
}

func countRows(t testing.TB, db *database.DB, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := db.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// twoHandles opens a migrated database and a second, independent handle on
// it, as two server replicas would have.
func twoHandles(t *testing.T, driver string) (*database.DB, *database.DB) {
	t.Helper()
	db1, opts := dbtest.OpenUnmigrated(t, driver)
	if _, err := db1.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db2, err := database.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	return db1, db2
}
