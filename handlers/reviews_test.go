package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/reviews"
)

type reviewBatch struct {
	ID    int64 `json:"id"`
	Items []struct {
		ID           int64 `json:"id"`
		CaseID       int64 `json:"case_id"`
		ProsecutorID int64 `json:"prosecutor_id"`
	} `json:"items"`
}

func fullScores(env *apitest.Env, delta int) map[string]int {
	m := map[string]int{}
	for _, it := range env.Config.Reviews.ScoringSheet {
		m[it.Name] = it.MaxScore - delta
	}
	return m
}

func TestReviewRules(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		p3 := firstDeptProsecutor(t, env)
		own := insertCase(t, env, caseFixture{State: cases.StateClosed, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06", Rectification: "rectified", ReplyClass: cases.ReplyClassOnTime})
		own2 := insertCase(t, env, caseFixture{State: cases.StateClosed, IssuedOn: "2026-01-06", Rectification: "rectified", ReplyClass: cases.ReplyClassLate})
		other := insertCase(t, env, caseFixture{Prosecutor: "prosecutor3", State: cases.StateClosed, IssuedOn: "2026-01-07", Rectification: "not_rectified"})
		insertCase(t, env, caseFixture{State: cases.StateDelivered, IssuedOn: "2026-01-08"})
		insertCase(t, env, caseFixture{Prosecutor: "cityprosecutor1", State: cases.StateClosed, IssuedOn: "2026-01-08"})

		// Only case managers create batches; filters must match something.
		env.Do("POST", "/api/v1/reviews", "prosecutor1", map[string]any{"kind": "cross", "title": "x"}).Expect(t, http.StatusForbidden)
		env.Do("POST", "/api/v1/reviews", "casemgr1", map[string]any{"kind": "bogus", "title": "x"}).Expect(t, http.StatusBadRequest)
		r := env.Do("POST", "/api/v1/reviews", "casemgr1", map[string]any{"kind": "cross", "title": "x", "filter": map[string]any{"field": "不存在的领域"}}).Expect(t, http.StatusBadRequest)
		if r.ErrorCode() != "no_cases_selected" {
			t.Fatalf("code %s", r.ErrorCode())
		}
		var cross reviewBatch
		env.Do("POST", "/api/v1/reviews", "casemgr1", map[string]any{"kind": "cross", "title": "2026年第一季度交叉评查",
			"filter": map[string]any{"state": "closed", "issued_from": "2026-01-01", "issued_to": "2026-01-31"}}).Expect(t, http.StatusCreated).Decode(t, &cross)
		if len(cross.Items) != 3 { // the city's closed case is not the district's
			t.Fatalf("cross batch items %d, want 3", len(cross.Items))
		}
		item := map[int64]int64{}
		for _, it := range cross.Items {
			item[it.CaseID] = it.ID
		}
		assign := func(batch, itemID int64) string {
			return fmt.Sprintf("/api/v1/reviews/%d/items/%d/reviewer", batch, itemID)
		}

		var special reviewBatch
		env.Do("POST", "/api/v1/reviews", "casemgr1", map[string]any{"kind": "special", "title": "送达规范专项评查",
			"case_ids": []int64{own.ID}}).Expect(t, http.StatusCreated).Decode(t, &special)

		for _, tc := range []struct {
			name     string
			path     string
			user     string
			reviewer int64
			status   int
			code     string
		}{
			{"own case", assign(cross.ID, item[own.ID]), "casemgr1", userID(t, env.DB, "prosecutor1"), 409, "reviewer_is_handler"},
			{"same department in cross review", assign(cross.ID, item[own.ID]), "casemgr1", userID(t, env.DB, "prosecutor2"), 409, "reviewer_same_department"},
			{"dept head of the same department in cross review", assign(cross.ID, item[own.ID]), "casemgr1", userID(t, env.DB, "depthead1"), 409, "reviewer_same_department"},
			{"other procuratorate", assign(cross.ID, item[own.ID]), "casemgr1", userID(t, env.DB, "cityprosecutor1"), 400, "invalid_input"},
			{"only case managers assign", assign(cross.ID, item[own.ID]), "chief1", p3, 403, "forbidden"},
			{"another department in cross review", assign(cross.ID, item[own.ID]), "casemgr1", p3, 200, ""},
			{"own case again", assign(cross.ID, item[other.ID]), "casemgr1", p3, 409, "reviewer_is_handler"},
			{"cross review the other way", assign(cross.ID, item[other.ID]), "casemgr1", userID(t, env.DB, "prosecutor2"), 200, ""},
			{"same department is fine in a special review", assign(special.ID, special.Items[0].ID), "casemgr1", userID(t, env.DB, "prosecutor2"), 200, ""},
			{"own case in a special review", assign(special.ID, special.Items[0].ID), "casemgr1", userID(t, env.DB, "prosecutor1"), 409, "reviewer_is_handler"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := env.Do("PUT", tc.path, tc.user, map[string]any{"reviewer_id": tc.reviewer}).Expect(t, tc.status)
				if tc.code != "" && res.ErrorCode() != tc.code {
					t.Fatalf("code %s, want %s", res.ErrorCode(), tc.code)
				}
			})
		}

		score := func(itemID int64) string { return fmt.Sprintf("/api/v1/reviews/%d/items/%d/score", cross.ID, itemID) }
		answer := func(itemID int64) string { return fmt.Sprintf("/api/v1/reviews/%d/items/%d/answer", cross.ID, itemID) }
		bad := fullScores(env, 0)
		bad["文书质量"] = 99
		missing := fullScores(env, 0)
		delete(missing, "送达规范")
		extra := fullScores(env, 0)
		extra["额外项"] = 1
		for _, tc := range []struct {
			name, method, path, user string
			body                     any
			status                   int
		}{
			{"handler cannot answer before scoring", "POST", answer(item[own.ID]), "prosecutor1", map[string]any{"answer": "x"}, 409},
			{"handler cannot score own case", "POST", score(item[own.ID]), "prosecutor1", map[string]any{"scores": fullScores(env, 0)}, 403},
			{"outsider cannot see the item", "POST", score(item[own.ID]), "prosecutor2", map[string]any{"scores": fullScores(env, 0)}, 404},
			{"score over the maximum", "POST", score(item[own.ID]), "prosecutor3", map[string]any{"scores": bad}, 400},
			{"missing line", "POST", score(item[own.ID]), "prosecutor3", map[string]any{"scores": missing}, 400},
			{"unknown line", "POST", score(item[own.ID]), "prosecutor3", map[string]any{"scores": extra}, 400},
			{"reviewer scores", "POST", score(item[own.ID]), "prosecutor3", map[string]any{"scores": fullScores(env, 2), "findings": "送达回证签收日期缺失。"}, 200},
			{"other reviewer scores", "POST", score(item[other.ID]), "prosecutor2", map[string]any{"scores": fullScores(env, 0)}, 200},
			{"someone else cannot answer", "POST", answer(item[own.ID]), "prosecutor2", map[string]any{"answer": "x"}, 404},
			{"handler answers", "POST", answer(item[own.ID]), "prosecutor1", map[string]any{"answer": "已补充送达回证。"}, 200},
			{"no rescoring after the answer", "POST", score(item[own.ID]), "prosecutor3", map[string]any{"scores": fullScores(env, 0)}, 409},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env.Do(tc.method, tc.path, tc.user, tc.body).Expect(t, tc.status)
			})
		}

		// The handling prosecutor reads the findings on their own cases.
		var mine struct {
			Items []struct {
				CaseID   int64  `json:"case_id"`
				Findings string `json:"findings"`
				Status   string `json:"status"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/review-items?role=handler", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &mine)
		found := false
		for _, it := range mine.Items {
			if it.CaseID == own.ID && it.Findings == "送达回证签收日期缺失。" && it.Status == "answered" {
				found = true
			}
		}
		if !found {
			t.Fatalf("handler's items %+v", mine.Items)
		}
		// A prosecutor reading the batch sees only their own items; results are for case managers.
		var b struct {
			Items []struct{ ID int64 } `json:"items"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/reviews/%d", cross.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &b)
		if len(b.Items) != 2 {
			t.Fatalf("prosecutor1 sees %d items, want 2 (own cases)", len(b.Items))
		}
		env.Do("GET", fmt.Sprintf("/api/v1/reviews/%d/results", cross.ID), "prosecutor1", nil).Expect(t, http.StatusNotFound)
		env.Do("GET", fmt.Sprintf("/api/v1/reviews/%d", cross.ID), "cityprosecutor1", nil).Expect(t, http.StatusNotFound)

		// A random sample of N.
		var sample reviewBatch
		env.Do("POST", "/api/v1/reviews", "casemgr1", map[string]any{"kind": "routine", "title": "常规抽查", "filter": map[string]any{"sample_size": 2}}).Expect(t, http.StatusCreated).Decode(t, &sample)
		if len(sample.Items) != 2 {
			t.Fatalf("sample items %d", len(sample.Items))
		}

		// Results per case, prosecutor and department, with the external ratings.
		env.Do("POST", fmt.Sprintf("/api/v1/agency/recommendations/%d/rating", own.ID), "agency1", map[string]any{"accuracy": 5, "workability": 4, "effect": 3, "comment": "建议具体可行"}).Expect(t, http.StatusCreated)
		var res reviews.ReviewResults
		env.Do("GET", fmt.Sprintf("/api/v1/reviews/%d/results", cross.ID), "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &res)
		max := res.Batch.MaxScore
		wantOwn := float64(int((float64(max-2*len(env.Config.Reviews.ScoringSheet))*1000/float64(max))+0.5)) / 10
		byP := map[string]reviews.ReviewGroupResult{}
		for _, g := range res.ByProsecutor {
			byP[g.Name] = g
		}
		if g := byP["张检察官"]; g.Items != 2 || g.Scored != 1 || g.AvgPercent != wantOwn || g.Ratings.AgencyCount != 1 || g.Ratings.AvgOverall != 4 {
			t.Fatalf("prosecutor1 result %+v (want %.1f %%)", g, wantOwn)
		}
		if g := byP["钱检察官"]; g.Scored != 1 || g.AvgPercent != 100 {
			t.Fatalf("prosecutor3 result %+v", g)
		}
		if len(res.ByDepartment) != 2 || res.Overall.Scored != 2 || res.AnsweredCount != 1 || len(res.ByCase) != 3 {
			t.Fatalf("results %+v", res)
		}
		_ = own2
	})
}

func TestRatingsOnlyForOwnClosedCases(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		closed := insertCase(t, env, caseFixture{State: cases.StateClosed, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06"})
		open := insertCase(t, env, caseFixture{State: cases.StateFollowingUp, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06"})
		undelivered := insertCase(t, env, caseFixture{State: cases.StateClosed})
		path := func(id int64) string { return fmt.Sprintf("/api/v1/agency/recommendations/%d/rating", id) }
		good := map[string]any{"accuracy": 5, "workability": 4, "effect": 4, "comment": "整改有成效"}
		for _, tc := range []struct {
			name, user string
			id         int64
			body       any
			status     int
			code       string
		}{
			{"mark out of range", "agency1", closed.ID, map[string]any{"accuracy": 6, "workability": 4, "effect": 4}, 400, "validation_failed"},
			{"mark missing", "agency1", closed.ID, map[string]any{"accuracy": 5}, 400, "validation_failed"},
			{"other agency", "agency2", closed.ID, good, 404, "not_found"},
			{"staff cannot use the agency route", "prosecutor1", closed.ID, good, 403, "forbidden"},
			{"not closed", "agency1", open.ID, good, 409, "case_not_closed"},
			{"never delivered", "agency1", undelivered.ID, good, 404, "not_found"},
			{"own closed case", "agency1", closed.ID, good, 201, ""},
			{"only once", "agency1", closed.ID, good, 409, "already_rated"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := env.Do("POST", path(tc.id), tc.user, tc.body).Expect(t, tc.status)
				if tc.code != "" && r.ErrorCode() != tc.code {
					t.Fatalf("code %s, want %s", r.ErrorCode(), tc.code)
				}
			})
		}
		// The rating is on the case's timeline, visible to the agency.
		var ev struct {
			Items []struct {
				Action      string `json:"action"`
				ActionLabel string `json:"action_label"`
			} `json:"items"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", closed.ID), "agency1", nil).Expect(t, http.StatusOK).Decode(t, &ev)
		if len(ev.Items) != 1 || ev.Items[0].Action != "rate" || ev.Items[0].ActionLabel != "外部评价" {
			t.Fatalf("timeline %+v", ev.Items)
		}

		// The statistics count it, for the district (a narrow scope, which
		// MariaDB reads from the district's cases) and from the city above
		// (a wide one, read from the ratings).
		for _, user := range []string{"casemgr1", "citychief1"} {
			var st struct {
				Ratings reviews.RatingSummary `json:"ratings"`
			}
			env.Do("GET", "/api/v1/stats", user, nil).Expect(t, http.StatusOK).Decode(t, &st)
			if r := st.Ratings; r.Count != 1 || r.AgencyCount != 1 || r.AvgAccuracy != 5 || r.AvgEffect != 4 {
				t.Fatalf("%s: statistics' ratings %+v, want the one agency rating 5/4/4", user, r)
			}
		}

		// Two submissions at once: the unique index lets exactly one through.
		twice := insertCase(t, env, caseFixture{State: cases.StateClosed, IssuedOn: "2026-01-05", DeliveredOn: "2026-01-06"})
		statuses := make(chan int, 2)
		for range 2 {
			go func() { statuses <- env.Do("POST", path(twice.ID), "agency1", good).Status }()
		}
		if a, b := <-statuses, <-statuses; a+b != 201+409 {
			t.Fatalf("concurrent ratings %d, %d; want 201 and 409", a, b)
		}

		// Citizens rate through their application (the applications feature calls this).
		applied := insertCase(t, env, caseFixture{State: cases.StateClosed, Source: cases.SourceApplication, IssuedOn: "2026-01-05"})
		appliedOpen := insertCase(t, env, caseFixture{State: cases.StateReplied, Source: cases.SourceApplication, IssuedOn: "2026-01-05"})
		rate := func(caseID int64, tn string, in reviews.RatingInput) error {
			return env.DB.WithTx(t.Context(), func(tx *gorm.DB) error {
				_, err := reviews.RateCaseAsCitizen(tx, caseID, tn, in)
				return err
			})
		}
		ok := reviews.RatingInput{Accuracy: 4, Workability: 4, Effect: 5, Comment: "问题解决了"}
		for _, tc := range []struct {
			name    string
			caseID  int64
			tracker string
			in      reviews.RatingInput
			code    string
		}{
			{"not closed", appliedOpen.ID, "SQ2026000001", ok, "case_not_closed"},
			{"not an application's case", closed.ID, "SQ2026000001", ok, "not_found"},
			{"bad mark", applied.ID, "SQ2026000001", reviews.RatingInput{Accuracy: 0, Workability: 4, Effect: 5}, "invalid_input"},
			{"empty tracking number", applied.ID, " ", ok, "invalid_input"},
			{"rated", applied.ID, "SQ2026000001", ok, ""},
			{"only once per application", applied.ID, "SQ2026000001", ok, "already_rated"},
			{"another applicant of the same case", applied.ID, "SQ2026000002", ok, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := rate(tc.caseID, tc.tracker, tc.in)
				code := ""
				if e, isDomain := err.(*apperr.Error); isDomain {
					code = e.Code
				} else if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if code != tc.code {
					t.Fatalf("code %q, want %q (%v)", code, tc.code, err)
				}
			})
		}
		var n int64
		env.DB.Model(&reviews.CaseRating{}).Where("case_id = ? AND rater_type = ?", applied.ID, "citizen").Count(&n)
		if n != 2 {
			t.Fatalf("citizen ratings %d", n)
		}
	})
}
