package handlers_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestFilingsListPagesNewestFirstAcrossProcuratorates pages through a city's
// filings one small page at a time: every filing of the procuratorates below
// it comes exactly once, newest first, however they interleave — the list
// merges each procuratorate's newest (cases.newestFilings) — and none of
// another city's.
func TestFilingsListPagesNewestFirstAcrossProcuratorates(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		city, district := env.Org.City, env.Org.District
		// A second district below the city and a city elsewhere with one of its own.
		mk := func(name, path string, parent int64) int64 {
			if err := db.Exec("INSERT INTO procuratorates (name, short_name, level, parent_id, path, created_at, updated_at) "+
				"VALUES (?, ?, 'district', ?, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", name, name[:6], parent).Error; err != nil {
				t.Fatal(err)
			}
			var id int64
			db.Raw("SELECT id FROM procuratorates WHERE name = ?", name).Scan(&id)
			if err := db.Exec("UPDATE procuratorates SET path = ? WHERE id = ?", fmt.Sprintf(path, id), id).Error; err != nil {
				t.Fatal(err)
			}
			return id
		}
		second := mk("东岸区人民检察院", city.Path+"%d/", city.ID)
		elsewhere := mk("外市某区人民检察院", env.Org.Province.Path+"%d/", env.Org.Province.ID)
		// Filings interleaved between the two districts, unevenly, and some elsewhere.
		owners := []int64{district.ID, second, second, district.ID, elsewhere, second, district.ID, district.ID, second, elsewhere, district.ID}
		var want []int64
		for i, p := range owners {
			// One case per filing (a case has one); its own procuratorate does not matter to the list.
			var c struct {
				ID int64 `json:"id"`
			}
			env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{
				"title": fmt.Sprintf("备案列表分页%d", i), "field": "生态环境", "source": "case_finding",
				"summary": "分页测试。", "agency_id": env.Org.Agency1.ID,
			}).Expect(t, http.StatusCreated).Decode(t, &c)
			if err := db.Exec("INSERT INTO filings (case_id, procuratorate_id, parent_procuratorate_id, due_on, status, created_at) VALUES (?, ?, ?, '2026-12-01', 'pending', CURRENT_TIMESTAMP)",
				c.ID, p, city.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		db.Raw("SELECT id FROM filings WHERE procuratorate_id IN ? ORDER BY id DESC", []int64{district.ID, second}).Scan(&want)
		var got []int64
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatalf("paging does not end: %v", got)
			}
			var page struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			env.Do("GET", "/api/v1/filings?limit=3&cursor="+cursor, "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &page)
			for _, f := range page.Items {
				got = append(got, f.ID)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages %v, want %v", got, want)
		}
	})
}
