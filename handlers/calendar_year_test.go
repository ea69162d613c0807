package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestYearWithoutNotice is issue 14's calendar observation, seen from
// outside: received on 2027-08-01 gave a reply due date of 2027-10-01, the
// first day of 国庆节, because no 2027 notice was loaded. Now the fixed-date
// statutory holidays count in any year, the deadline says it is provisional,
// the calendar says the year is, and loading the notice recomputes it.
func TestYearWithoutNotice(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		var d struct {
			Due         string `json:"due"`
			Explanation string `json:"explanation"`
			Provisional bool   `json:"provisional"`
		}
		env.Do("GET", "/api/v1/deadlines/reply?received=2027-08-01", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &d)
		if d.Due != "2027-10-04" || !d.Provisional || !strings.Contains(d.Explanation, "国庆节") || !strings.Contains(d.Explanation, "尚未载入") {
			t.Fatalf("received 2027-08-01: %+v", d)
		}

		type year struct {
			Year        int    `json:"year"`
			Provisional bool   `json:"provisional"`
			Basis       string `json:"basis"`
			Days        []struct {
				Date, Kind, Name, Source string
			} `json:"days"`
		}
		var y2027, y2026 year
		env.Do("GET", "/api/v1/calendar/years/2027", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &y2027)
		if !y2027.Provisional || len(y2027.Days) != 6 || y2027.Days[5].Date != "2027-10-03" || y2027.Days[5].Source != "statutory" {
			t.Fatalf("2027: %+v", y2027)
		}
		env.Do("GET", "/api/v1/calendar/years/2026", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &y2026)
		if y2026.Provisional || len(y2026.Days) < 30 || y2026.Days[0].Source != "notice" {
			t.Fatalf("2026: %+v", y2026)
		}
		env.Do("GET", "/api/v1/calendar/years/1999", "prosecutor1", nil).Expect(t, http.StatusBadRequest)
		env.Do("GET", "/api/v1/calendar/years/next", "prosecutor1", nil).Expect(t, http.StatusBadRequest)

		// A recommendation received on 2027-08-01 gets the provisional date …
		env.SetNow(time.Date(2027, 8, 1, 2, 0, 0, 0, time.UTC))
		open := mustAct(t, env, driveTo(t, env, "二〇二七年送达", "issued"), "deliver", "prosecutor1",
			map[string]any{"method": "written", "delivered_on": "2027-08-01"})
		if *open.ReplyDue != "2027-10-04" {
			t.Fatalf("stored due %s", *open.ReplyDue)
		}
		// … and loading the 2027 notice (国庆节 10-01 to 10-07) recomputes it.
		for _, day := range []string{"2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"} {
			env.Do("PUT", "/api/v1/admin/holidays/"+day, "admin", map[string]any{"kind": "holiday", "name": "国庆节", "year": 2027}).Expect(t, http.StatusOK)
		}
		var after caseState
		env.Do("GET", "/api/v1/cases/"+jsonNumber(float64(open.ID)), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &after)
		if *after.ReplyDue != "2027-10-08" || strings.Contains(after.ReplyDueExplanation, "尚未载入") {
			t.Fatalf("after the notice: %s %s", *after.ReplyDue, after.ReplyDueExplanation)
		}
		y2027 = year{}
		env.Do("GET", "/api/v1/calendar/years/2027", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &y2027)
		if y2027.Provisional || len(y2027.Days) != 4 {
			t.Fatalf("2027 after loading: %+v", y2027)
		}
	})
}
