package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
)

// BenchmarkAnalysisPage compares the analysis page with its API call over a
// generated corpus of 3,000 letters (case manager: the whole procuratorate),
// and the 类案参考 panel's refresh with the similar-letter API for a letter
// of the corpus: the pages add the case titles, the charts, the frame and
// the template.
func BenchmarkAnalysisPage(b *testing.B) {
	for _, driver := range dbtest.Drivers() {
		b.Run(driver, func(b *testing.B) {
			env := apitest.New(b, dbtest.OpenSeeded(b, driver))
			genCorpus(b, env, 3000, 11, true)
			var id int64
			env.DB.Model(&cases.Case{}).Where("procuratorate_id = ?", env.Org.District.ID).Order("id DESC").Limit(1).Pluck("id", &id)
			for _, run := range []struct {
				name, user, page string
				api              func() *apitest.Response
			}{
				{"recurrence", "casemgr1", "/analysis", func() *apitest.Response {
					return env.Do("GET", "/api/v1/analysis/recurrence", "casemgr1", nil)
				}},
				{"similar", "prosecutor1", fmt.Sprintf("/cases/%d/draft/similar", id), func() *apitest.Response {
					return env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", map[string]any{"case_id": id})
				}},
			} {
				br := env.WebLogIn(b, run.user)
				env.Token(run.user)
				b.Run(run.name+"/page", func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						if res := br.Get(run.page); res.Status != http.StatusOK {
							b.Fatalf("status %d", res.Status)
						}
					}
				})
				b.Run(run.name+"/api", func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						if res := run.api(); res.Status != http.StatusOK {
							b.Fatalf("status %d: %s", res.Status, res.Body)
						}
					}
				})
			}
		})
	}
}
