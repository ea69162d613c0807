package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestReviewAcrossProcuratorates (issue 14, point 6): a higher procuratorate
// organises a review over its subtree with reviewers of another
// procuratorate (院际交叉评查); each sees exactly its own items, and a score
// earns its 等次 by the configured thresholds.
func TestReviewAcrossProcuratorates(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		env.Do("POST", "/api/v1/admin/users", "admin", map[string]any{"username": "citycasemgr1", "display_name": "钱案管", "password": apitest.Password,
			"role": "case_manager", "procuratorate_id": env.Org.City.ID}).Expect(t, http.StatusCreated)
		c := driveTo(t, env, "院际评查", "issued")

		create := map[string]any{"kind": "inter_procuratorate", "title": "2026年院际交叉评查", "case_ids": []int64{c.ID}}
		if r := env.Do("POST", "/api/v1/reviews", "citycasemgr1", create); r.Status != http.StatusBadRequest {
			t.Fatalf("inter-procuratorate review of the city's own cases: %d %s", r.Status, r.Body)
		}
		create["scope"] = "subtree"
		var batch struct {
			ID    int64 `json:"id"`
			Items []struct {
				ID              int64 `json:"id"`
				ProcuratorateID int64 `json:"procuratorate_id"`
			} `json:"items"`
		}
		env.Do("POST", "/api/v1/reviews", "citycasemgr1", create).Expect(t, http.StatusCreated).Decode(t, &batch)
		if len(batch.Items) != 1 || batch.Items[0].ProcuratorateID != env.Org.District.ID {
			t.Fatalf("batch %+v", batch)
		}
		base := fmt.Sprintf("/api/v1/reviews/%d", batch.ID)
		item := fmt.Sprintf("%s/items/%d", base, batch.Items[0].ID)
		assign := func(user, reviewer string, want int) *apitest.Response {
			t.Helper()
			return env.Do("PUT", item+"/reviewer", user, map[string]any{"reviewer_id": userID(t, db, reviewer)}).Expect(t, want)
		}
		if r := assign("citycasemgr1", "prosecutor2", http.StatusConflict); r.ErrorCode() != "reviewer_same_procuratorate" {
			t.Fatalf("reviewer of the case's procuratorate: %s", r.Body)
		}
		assign("casemgr1", "cityprosecutor1", http.StatusForbidden) // the district does not run the city's batch
		assign("citycasemgr1", "cityprosecutor1", http.StatusOK)

		for _, tc := range []struct {
			user       string
			batch, cas int
		}{
			{"citycasemgr1", 200, 200}, {"cityprosecutor1", 200, 200}, {"prosecutor1", 200, 403}, {"chief1", 200, 403},
			{"prosecutor2", 404, 404}, {"citychief1", 200, 200}, {"agency1", 404, 404},
		} {
			if got := env.Do("GET", base, tc.user, nil).Status; got != tc.batch {
				t.Errorf("%s reads the batch: %d, want %d", tc.user, got, tc.batch)
			}
			if got := env.Do("GET", item+"/case", tc.user, nil).Status; got != tc.cas {
				t.Errorf("%s reads the case under review: %d, want %d", tc.user, got, tc.cas)
			}
		}
		// The reviewer reads the case through the review, nowhere else.
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "cityprosecutor1", nil).Expect(t, http.StatusNotFound)
		env.Do("GET", fmt.Sprintf("%s/items/%d/case", base, batch.Items[0].ID+1000), "cityprosecutor1", nil).Expect(t, http.StatusNotFound)

		scores := map[string]int{"线索来源": 8, "调查核实充分性": 20, "文书质量": 20, "送达规范": 8, "跟踪落实": 12, "整改成效": 12}
		var scored struct {
			TotalScore int    `json:"total_score"`
			Grade      string `json:"grade"`
		}
		env.Do("POST", item+"/score", "cityprosecutor1", map[string]any{"scores": scores, "findings": "文书说理可加强"}).Expect(t, http.StatusOK).Decode(t, &scored)
		if scored.TotalScore != 80 || scored.Grade != "qualified" {
			t.Fatalf("scored %+v, want 80 合格", scored)
		}
		var res struct {
			Overall struct {
				Grades map[string]int `json:"grades"`
			} `json:"overall"`
			ByCase []struct {
				GradeLabel string `json:"grade_label"`
			} `json:"by_case"`
			ByProcuratorate []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"by_procuratorate"`
		}
		env.Do("GET", base+"/results", "citycasemgr1", nil).Expect(t, http.StatusOK).Decode(t, &res)
		if res.Overall.Grades["qualified"] != 1 || res.Overall.Grades["excellent"] != 0 || len(res.ByCase) != 1 || res.ByCase[0].GradeLabel != "合格" ||
			len(res.ByProcuratorate) != 1 || res.ByProcuratorate[0].ID != env.Org.District.ID {
			t.Fatalf("results %+v", res)
		}
		env.Do("GET", base+"/results", "chief1", nil).Expect(t, http.StatusNotFound)
		// The district's chief and case managers find the city's batch in their list.
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/reviews", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		found := false
		for _, b := range list.Items {
			found = found || b.ID == batch.ID
		}
		if !found {
			t.Fatalf("district list %+v lacks the city's batch %d", list.Items, batch.ID)
		}
	})
}
