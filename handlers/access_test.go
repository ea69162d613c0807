package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestCrossOrganisationReadsRefused checks access on the object, not only the
// route: another procuratorate's prosecutor and another agency see nothing.
func TestCrossOrganisationReadsRefused(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var c struct {
			ID int64 `json:"id"`
		}
		env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{
			"title": "河道非法采砂", "field": "生态环境", "source": "case_finding",
			"summary": "清河段夜间非法采砂。", "agency_id": env.Org.Agency1.ID,
		}).Expect(t, http.StatusCreated).Decode(t, &c)
		// Move the case to 已送达 directly: the lifecycle is another feature's test.
		if err := db.Exec("UPDATE cases SET state = ?, delivered_on = ?, received_on = ? WHERE id = ?",
			"delivered", "2026-03-01", "2026-03-01", c.ID).Error; err != nil {
			t.Fatal(err)
		}
		casePath := fmt.Sprintf("/api/v1/cases/%d", c.ID)
		tests := []struct {
			user, path string
			wantStatus int
		}{
			{"prosecutor1", casePath, http.StatusOK},
			{"agency1", casePath, http.StatusOK},
			{"agency1", casePath + "/events", http.StatusOK},
			{"cityprosecutor1", casePath, http.StatusNotFound},
			{"cityprosecutor1", casePath + "/events", http.StatusNotFound},
			{"agency2", casePath, http.StatusNotFound},
			{"agency2", casePath + "/events", http.StatusNotFound},
			{"admin", casePath, http.StatusNotFound},
			{"", casePath, http.StatusUnauthorized},
		}
		for _, tc := range tests {
			t.Run(tc.user+" "+tc.path, func(t *testing.T) {
				env.Do("GET", tc.path, tc.user, nil).Expect(t, tc.wantStatus)
			})
		}
		// Lists are filtered the same way.
		lists := []struct {
			user string
			want int
		}{
			{"prosecutor1", 1}, {"agency1", 1}, {"agency2", 0}, {"cityprosecutor1", 0},
		}
		for _, l := range lists {
			t.Run("list as "+l.user, func(t *testing.T) {
				items := env.Do("GET", "/api/v1/cases", l.user, nil).Expect(t, http.StatusOK).JSON()["items"].([]any)
				if len(items) != l.want {
					t.Fatalf("%s sees %d cases, want %d", l.user, len(items), l.want)
				}
			})
		}
		// The agency cannot act on another agency's case either.
		env.Do("POST", casePath+"/actions/sign", "agency2", map[string]any{"version": 1}).Expect(t, http.StatusNotFound)
	})
}
