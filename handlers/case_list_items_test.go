package handlers_test

import (
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// caseListItemKeys are the fields of an item of GET /api/v1/cases
// (handlers.CaseListItem, openapi CaseListItem).
var caseListItemKeys = []string{"agency_id", "case_number", "days_left", "delivered_on", "document_number", "field", "id",
	"issued_at", "procuratorate_id", "project_id", "prosecutor_id", "reply_class", "reply_class_label", "reply_due",
	"reply_perfunctory", "reply_timeliness", "reply_timeliness_label", "state", "state_label", "title", "updated_at", "version"}

// TestCaseListItemsSummariseTheCasePage: an item of the case list holds the
// summary fields only (no texts such as the summary), and each of them
// equals the same field of the case page for the same user — the reply
// classes and days left as of today, and for an agency the same blanked
// case number and project and the same letter number.
func TestCaseListItemsSummariseTheCasePage(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		delivered := deliveredFixture(env)
		env.CaseFixture(apitest.CaseFixture{State: cases.StateDrafting, Title: "河道非法采砂"})
		for _, tc := range []struct {
			user string
			want int
		}{{"prosecutor1", 2}, {"agency1", 1}} {
			var list struct {
				Items []map[string]any `json:"items"`
			}
			env.Do("GET", "/api/v1/cases", tc.user, nil).Expect(t, http.StatusOK).Decode(t, &list)
			if len(list.Items) < tc.want {
				t.Fatalf("%s lists %d cases, want at least %d", tc.user, len(list.Items), tc.want)
			}
			seenDelivered := false
			for _, it := range list.Items {
				keys := make([]string, 0, len(it))
				for k := range it {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if !reflect.DeepEqual(keys, caseListItemKeys) {
					t.Fatalf("%s: item fields %v, want %v", tc.user, keys, caseListItemKeys)
				}
				id := int64(it["id"].(float64))
				seenDelivered = seenDelivered || id == delivered.ID
				page := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), tc.user, nil).Expect(t, http.StatusOK).JSON()
				for _, k := range caseListItemKeys {
					if !reflect.DeepEqual(it[k], page[k]) {
						t.Errorf("%s, case %d: list %s = %v, case page %v", tc.user, id, k, it[k], page[k])
					}
				}
			}
			if !seenDelivered {
				t.Fatalf("%s does not list the delivered case %d", tc.user, delivered.ID)
			}
		}
		// The agency's item of the delivered case: no case number, the
		// letter's number, days left counted.
		var agencyList struct {
			Items []map[string]any `json:"items"`
		}
		env.Do("GET", "/api/v1/cases", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &agencyList)
		it := agencyList.Items[0]
		if it["case_number"] != nil || it["document_number"] != docNumber || it["days_left"] == nil {
			t.Fatalf("agency item %v", it)
		}
	})
}
