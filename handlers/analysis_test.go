package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// recurrenceView is the part of the recurrence answer the tests read.
type recurrenceView struct {
	From, To         calendar.Date
	RepeatWindowDays int   `json:"repeat_window_days"`
	Letters          int64 `json:"letters"`
	ReplyDue         int64 `json:"reply_due"`
	NoReply          int64 `json:"no_reply"`
	GroupsTotal      int   `json:"groups_total"`
	Groups           []struct {
		AgencyID       int64   `json:"agency_id"`
		Field          string  `json:"field"`
		ProblemKind    string  `json:"problem_kind"`
		Letters        int64   `json:"letters"`
		CaseIDs        []int64 `json:"case_ids"`
		ReplyDue       int64   `json:"reply_due"`
		OnTime         int64   `json:"on_time"`
		LateReply      int64   `json:"late_reply"`
		NoReply        int64   `json:"no_reply"`
		Repeated       int64   `json:"repeated"`
		Rectifications []struct {
			Key   string `json:"key"`
			Count int64  `json:"count"`
		} `json:"rectifications"`
	} `json:"groups"`
	Repeated []struct {
		CaseID        int64 `json:"case_id"`
		EarlierCaseID int64 `json:"earlier_case_id"`
		DaysBetween   int   `json:"days_between"`
	} `json:"repeated"`
	Fields []struct {
		Field    string `json:"field"`
		Current  int64  `json:"current"`
		Previous int64  `json:"previous"`
		Rising   bool   `json:"rising"`
	} `json:"fields"`
	RisingFields []string `json:"rising_fields"`
}

// TestRecurrenceCountsEqualSQL: over a generated corpus of 3,000 letters,
// the recurrence groups add up to what a direct SQL count of the same scope
// and period gives — letters by agency and field, replies due, on time,
// late, never, rectified — for a district (its own letters) and for the
// city above it (its subtree).
func TestRecurrenceCountsEqualSQL(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		co := genCorpus(t, env, 3000, 1, false)
		from, to := co.Today.AddDays(-500), co.Today.AddDays(-20)
		loc := env.App.Clock.Location()
		for _, tc := range []struct {
			user  string
			procs []int64
		}{
			{"casemgr1", []int64{env.Org.District.ID}},
			{"citychief1", []int64{env.Org.City.ID, env.Org.District.ID}},
		} {
			var got recurrenceView
			env.Do("GET", fmt.Sprintf("/api/v1/analysis/recurrence?from=%s&to=%s&limit=1000", from, to), tc.user, nil).
				Expect(t, http.StatusOK).Decode(t, &got)
			inScope := func() *gorm.DB {
				return db.Table("cases").Where("procuratorate_id IN ? AND agency_id IS NOT NULL AND issued_at >= ? AND issued_at < ?",
					tc.procs, from.StartIn(loc), to.AddDays(1).StartIn(loc))
			}
			var byGroup []struct {
				AgencyID int64
				Field    string
				N        int64
			}
			if err := inScope().Select("agency_id, field, COUNT(*) AS n").Group("agency_id, field").Scan(&byGroup).Error; err != nil {
				t.Fatal(err)
			}
			type af struct {
				agency int64
				field  string
			}
			want := map[af]int64{}
			var total int64
			for _, g := range byGroup {
				want[af{g.AgencyID, g.Field}] = g.N
				total += g.N
			}
			gotBy := map[af]int64{}
			var due, onTime, late, noReply, rectified int64
			for _, g := range got.Groups {
				gotBy[af{g.AgencyID, g.Field}] += g.Letters
				if int64(len(g.CaseIDs)) != g.Letters {
					t.Errorf("%s: group lists %d cases for %d letters", tc.user, len(g.CaseIDs), g.Letters)
				}
				due, onTime, late, noReply = due+g.ReplyDue, onTime+g.OnTime, late+g.LateReply, noReply+g.NoReply
				for _, r := range g.Rectifications {
					if r.Key == "rectified" {
						rectified += r.Count
					}
				}
			}
			if got.Letters != total || got.GroupsTotal != len(got.Groups) || total < 500 {
				t.Errorf("%s: letters %d (groups %d of %d), SQL %d", tc.user, got.Letters, len(got.Groups), got.GroupsTotal, total)
			}
			for k, n := range want {
				if gotBy[k] != n {
					t.Errorf("%s: agency %d %s: %d letters, SQL %d", tc.user, k.agency, k.field, gotBy[k], n)
				}
			}
			if len(gotBy) != len(want) {
				t.Errorf("%s: %d agency×field pairs, SQL %d", tc.user, len(gotBy), len(want))
			}
			today := co.Today.String()
			count := func(cond string, args ...any) int64 {
				var n int64
				if err := inScope().Where("reply_due < ?", today).Where(cond, args...).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				return n
			}
			checks := []struct {
				name      string
				got, want int64
			}{
				{"reply_due", due, count("1 = 1")},
				{"on_time", onTime, count("first_replied_on IS NOT NULL AND first_replied_on <= reply_due")},
				{"late", late, count("first_replied_on > reply_due")},
				{"no_reply", noReply, count("first_replied_on IS NULL")},
				{"rectified", rectified, count("rectification = ?", "rectified")},
				{"reply_due (total)", got.ReplyDue, count("1 = 1")},
			}
			for _, c := range checks {
				if c.got != c.want || c.want == 0 {
					t.Errorf("%s: %s = %d, SQL %d", tc.user, c.name, c.got, c.want)
				}
			}
		}
		// The kind of problem is stored on the case when it is created; rows
		// without one (written in bulk, from before migration 0019) are
		// classified from their titles by the analysis itself, then stored by
		// the start-up step: the answer is the same throughout.
		url := fmt.Sprintf("/api/v1/analysis/recurrence?from=%s&to=%s&limit=1000", from, to)
		stored := env.Do("GET", url, "casemgr1", nil).Expect(t, http.StatusOK).Body
		if err := db.Exec("UPDATE cases SET problem_kind = NULL WHERE id % 2 = 0").Error; err != nil {
			t.Fatal(err)
		}
		if b := env.Do("GET", url, "casemgr1", nil).Expect(t, http.StatusOK).Body; string(b) != string(stored) {
			t.Error("the answer changed with kinds not stored")
		}
		if n, err := cases.ClassifyMissingProblems(t.Context(), db); err != nil || n < 1000 {
			t.Fatalf("classified %d: %v", n, err)
		}
		var list []cases.Case
		db.Select("id, title, problem_kind").Find(&list)
		for _, c := range list {
			if c.ProblemKind == nil || *c.ProblemKind != cases.ClassifyProblem(c.Title) {
				t.Fatalf("case %d %q: kind %v", c.ID, c.Title, c.ProblemKind)
			}
		}
		if b := env.Do("GET", url, "casemgr1", nil).Expect(t, http.StatusOK).Body; string(b) != string(stored) {
			t.Error("the answer changed once the kinds were stored again")
		}
		// A prosecutor's scope is their own cases; an agency user has none.
		env.Do("GET", "/api/v1/analysis/recurrence", "agency1", nil).Expect(t, http.StatusForbidden)
		if r := env.Do("GET", "/api/v1/analysis/recurrence?from=2026-03-01&to=2025-01-01", "casemgr1", nil).Expect(t, http.StatusBadRequest); r.ErrorCode() == "" {
			t.Error("no error code")
		}
	})
}

// TestRecurrenceFlagsRepeatedProblem: a second letter to the same agency on
// the same field and kind of problem within the window is flagged with the
// earlier one — also when the earlier one precedes the period — and not a
// letter on another problem, to another agency, or after a longer gap; the
// window is the configuration's; a field whose letters rose is named.
func TestRecurrenceFlagsRepeatedProblem(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		co := genCorpus(t, env, 0, 2, false) // the agencies only
		x, y := co.Agencies[0].ID, co.Agencies[1].ID
		today := co.Today
		letter := func(subject, field string, agencyID int64, daysAgo int) int64 {
			t.Helper()
			loc := env.App.Clock.Location()
			c := corpusCase(env, int(agencyID)*1000+daysAgo, subject, field, agencyID, today.AddDays(-daysAgo), 0, loc)
			var pros org.User
			env.DB.Where("username = ?", "prosecutor1").First(&pros)
			c.DepartmentID, c.ProsecutorID = env.Org.Department.ID, pros.ID
			list := []cases.Case{c}
			err := env.DB.WithTx(t.Context(), func(tx *gorm.DB) error {
				return writeLetters(tx, env, list, []cases.RecommendationContent{corpusContent("临江镇", subject, "某局")}, false)
			})
			if err != nil {
				t.Fatal(err)
			}
			return list[0].ID
		}
		e := letter("云阳村河道非法采砂", "生态环境", x, 600)   // before the window of a
		a := letter("临江镇河道非法采砂", "生态环境", x, 200)   // 400 days after e: not repeated
		b := letter("青川街道养殖场粪污直排", "生态环境", x, 100) // same kind (pollution) 100 days after a: repeated
		c := letter("临江镇校车安全管理不规范", "校园安全", x, 50) // another field
		d := letter("临江镇河道非法采砂", "生态环境", y, 90)    // another agency
		for i := range 5 {
			letter(fmt.Sprintf("第%d号预付卡消费资金监管缺位", i), "金融", co.Agencies[2+i].ID, 10+i) // 金融: 5 now …
		}
		letter("预付卡消费资金监管缺位", "金融", co.Agencies[8].ID, 400) // … 1 in the previous period

		var got recurrenceView
		env.Do("GET", "/api/v1/analysis/recurrence", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &got)
		if got.RepeatWindowDays != 365 || !got.From.Equal(today.AddDays(-364)) || !got.To.Equal(today) {
			t.Errorf("window %d, period %s–%s", got.RepeatWindowDays, got.From, got.To)
		}
		flagged := map[int64]int64{}
		for _, r := range got.Repeated {
			flagged[r.CaseID] = r.EarlierCaseID
		}
		if flagged[b] != a {
			t.Errorf("letter b not flagged as repeating a: %+v", got.Repeated)
		}
		for _, id := range []int64{e, a, c, d} {
			if _, ok := flagged[id]; ok {
				t.Errorf("letter %d flagged: %+v", id, got.Repeated)
			}
		}
		var group bool
		for _, g := range got.Groups {
			if g.AgencyID == x && g.Field == "生态环境" && g.ProblemKind == "pollution" {
				group = g.Repeated == 1 && g.Letters == 2
			}
		}
		if !group {
			t.Errorf("the group of a and b does not count one repeat of two letters: %+v", got.Groups)
		}
		if len(got.RisingFields) != 1 || got.RisingFields[0] != "金融" {
			t.Errorf("rising fields %v, want [金融] (%+v)", got.RisingFields, got.Fields)
		}

		cfg := apitest.TestConfig(t, func(cfg *config.Config) { cfg.Analysis.RepeatWindowDays = 90 })
		narrow := apitest.NewWithConfig(t, db, cfg)
		var got90 recurrenceView
		narrow.Do("GET", "/api/v1/analysis/recurrence", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &got90)
		if got90.RepeatWindowDays != 90 || len(got90.Repeated) != 0 {
			t.Errorf("with a 90-day window: %d, %+v", got90.RepeatWindowDays, got90.Repeated)
		}
	})
}

// TestProjectFromCases: the cases an analysis grouped start a project in
// one step; a case the user may not read leaves nothing behind.
func TestProjectFromCases(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		genCorpus(t, env, 60, 3, false)
		var own, city []int64
		db.Model(&cases.Case{}).Where("procuratorate_id = ?", env.Org.District.ID).Order("id").Limit(3).Pluck("id", &own)
		db.Model(&cases.Case{}).Where("procuratorate_id = ?", env.Org.City.ID).Order("id").Limit(1).Pluck("id", &city)
		if len(own) != 3 || len(city) != 1 {
			t.Fatalf("corpus: %v %v", own, city)
		}
		body := func(ids []int64) map[string]any {
			return map[string]any{"case_ids": ids, "title": "河道采砂专项治理", "field": "生态环境", "problem": "同一单位反复收到采砂问题建议",
				"goals": "建立长效机制", "start_on": env.Now().Format("2006-01-02"), "planned_end_on": env.Now().AddDate(0, 6, 0).Format("2006-01-02")}
		}
		var before int64
		db.Table("projects").Count(&before)
		r := env.Do("POST", "/api/v1/analysis/projects", "prosecutor1", body(append(own[:2:2], city[0]))).Expect(t, http.StatusBadRequest)
		if r.ErrorCode() == "" {
			t.Error("no error code")
		}
		var after int64
		db.Table("projects").Count(&after)
		if after != before {
			t.Fatal("a refused project was written")
		}
		var p struct{ ID int64 }
		env.Do("POST", "/api/v1/analysis/projects", "prosecutor1", body(own)).Expect(t, http.StatusCreated).Decode(t, &p)
		var linked int64
		db.Model(&cases.Case{}).Where("project_id = ?", p.ID).Count(&linked)
		if linked != 3 {
			t.Errorf("%d cases linked, want 3", linked)
		}
		var audits int64
		db.Table("audit_entries").Where("action = ? AND object_id = ?", "project.case_link", p.ID).Count(&audits)
		if audits != 3 {
			t.Errorf("%d link audit entries", audits)
		}
		env.Do("POST", "/api/v1/analysis/projects", "casemgr1", body(own)).Expect(t, http.StatusForbidden)
	})
}
