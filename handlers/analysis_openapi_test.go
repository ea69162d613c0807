package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestAnalysisConformsToTheContract drives every analysis operation, with
// successes and refusals, and checks each request and response against the
// OpenAPI contract.
func TestAnalysisConformsToTheContract(t *testing.T) {
	t.Parallel()
	_, router := loadContract(t)
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		co := genCorpus(t, env, 120, 5, true)
		cc := &contractChecker{router: router, seen: map[string]bool{}}
		env.Observe = cc.observe

		from := co.Today.AddDays(-700)
		env.Do("GET", fmt.Sprintf("/api/v1/analysis/recurrence?from=%s&to=%s&limit=5", from, co.Today), "casemgr1", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/analysis/recurrence?field=生态环境", "prosecutor1", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/analysis/recurrence?from=2026-01-01", "casemgr1", nil).Expect(t, http.StatusBadRequest)
		env.Do("GET", "/api/v1/analysis/recurrence", "agency1", nil).Expect(t, http.StatusForbidden)

		var ids []int64
		db.Table("cases").Where("procuratorate_id = ?", env.Org.District.ID).Order("id").Limit(2).Pluck("id", &ids)
		project := map[string]any{"case_ids": ids, "title": "专项治理", "field": "生态环境", "problem": "反复出现", "goals": "长效机制",
			"start_on": co.Today.String(), "planned_end_on": co.Today.AddDays(90).String()}
		env.Do("POST", "/api/v1/analysis/projects", "prosecutor1", project).Expect(t, http.StatusCreated)
		env.Do("POST", "/api/v1/analysis/projects", "prosecutor1", project).Expect(t, http.StatusConflict)
		env.Do("POST", "/api/v1/analysis/projects", "casemgr1", project).Expect(t, http.StatusForbidden)

		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", map[string]any{"title": "关于河道非法采砂的检察建议书",
			"facts": "河道非法采砂，破坏河床。", "items": []map[string]string{{"text": "依法查处非法采砂。"}}, "limit": 3}).Expect(t, http.StatusOK)
		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", map[string]any{"case_id": ids[0]}).Expect(t, http.StatusOK)
		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", map[string]any{"title": "。"}).Expect(t, http.StatusBadRequest)
		env.Do("POST", "/api/v1/analysis/similar", "agency1", map[string]any{"title": "采砂"}).Expect(t, http.StatusForbidden)

		env.Do("GET", "/api/v1/analysis/model-imports/template.xlsx", "casemgr1", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/analysis/model-imports/template.csv", "casemgr1", nil).Expect(t, http.StatusOK)
		file := hitFile(5, map[int]func([]string){3: func(r []string) { r[3] = "天文" }})
		var pv importView
		uploadHits(env, "/api/v1/analysis/model-imports/preview", "casemgr1", "hits.csv", file, nil).Expect(t, http.StatusOK).Decode(t, &pv)
		var imp importView
		uploadHits(env, "/api/v1/analysis/model-imports", "casemgr1", "hits.csv", file, map[string]string{"sha256": pv.FileSHA256}).
			Expect(t, http.StatusCreated).Decode(t, &imp)
		uploadHits(env, "/api/v1/analysis/model-imports", "casemgr1", "hits.csv", file, nil).Expect(t, http.StatusBadRequest)
		uploadHits(env, "/api/v1/analysis/model-imports", "casemgr1", "hits.csv", file, map[string]string{"sha256": "00"}).Expect(t, http.StatusConflict)
		uploadHits(env, "/api/v1/analysis/model-imports/preview", "prosecutor1", "hits.csv", file, nil).Expect(t, http.StatusForbidden)
		env.Do("POST", "/api/v1/analysis/model-imports/preview", "casemgr1", map[string]any{}).Expect(t, http.StatusUnsupportedMediaType)
		env.Do("GET", "/api/v1/analysis/model-imports", "casemgr1", nil).Expect(t, http.StatusOK)
		env.Do("GET", fmt.Sprintf("/api/v1/analysis/model-imports/%d", imp.ID), "casemgr1", nil).Expect(t, http.StatusOK)
		env.Do("GET", "/api/v1/analysis/model-imports/999999", "casemgr1", nil).Expect(t, http.StatusNotFound)

		if len(cc.errs) > 0 {
			t.Errorf("contract violations:\n%s", strings.Join(cc.errs, "\n\n"))
		}
	})
}
