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

// TestReplyDeadlineCalculator checks GET /deadlines/reply against dates
// worked out by hand from the 2026 State Council arrangement.
func TestReplyDeadlineCalculator(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		cases := []struct {
			name, query string
			status      int
			due, rule   string
			explains    string
		}{
			{"two months into the May Day break", "received=2026-03-02", 200, "2026-05-06", "months:2", "劳动节"},
			{"month end clamps", "received=2025-12-31", 200, "2026-02-28", "months:2", "届满日 2026-02-28"},
			{"two months on a working day", "received=2026-01-05", 200, "2026-03-05", "months:2", "届满日 2026-03-05（星期四）"},
			{"urgent fifteen days into National Day", "received=2026-09-20&days=15", 200, "2026-10-08", "days:15", "国庆节"},
			{"urgent ending on a make-up working Saturday", "received=2026-09-25&days=15", 200, "2026-10-10", "days:15", "调休上班日"},
			{"impossible date", "received=2026-02-30", 400, "", "", ""},
			{"not a date", "received=yesterday", 400, "", "", ""},
			{"missing date", "", 400, "", "", ""},
			{"zero days", "received=2026-03-02&days=0", 400, "", "", ""},
			{"days not a number", "received=2026-03-02&days=ten", 400, "", "", ""},
			{"too many days", "received=2026-03-02&days=400", 400, "", "", ""},
		}
		for _, tc := range cases {
			res := env.Do("GET", "/api/v1/deadlines/reply?"+tc.query, "prosecutor1", nil)
			if res.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, res.Status, res.Body, tc.status)
				continue
			}
			if tc.status != 200 {
				continue
			}
			var d struct{ Due, Rule, Explanation string }
			res.Decode(t, &d)
			if d.Due != tc.due || d.Rule != tc.rule || !strings.Contains(d.Explanation, tc.explains) {
				t.Errorf("%s: %+v, want due %s rule %s explaining %q", tc.name, d, tc.due, tc.rule, tc.explains)
			}
		}
	})
}

// TestHolidayEditMovesOpenDeadlines: an admin marks the due day of an open
// case as a holiday; its stored deadline moves in the same transaction, the
// timeline says why, closed cases keep theirs, and undoing the edit moves it
// back.
func TestHolidayEditMovesOpenDeadlines(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		open := driveTo(t, env, "期限重算", "delivered")
		closed := mustAct(t, env, driveTo(t, env, "已撤回", "delivered"), "withdraw", "chief1", validPayload["withdraw"])
		if *open.ReplyDue != "2026-05-06" || *closed.ReplyDue != "2026-05-06" {
			t.Fatalf("fixture deadlines %s %s", *open.ReplyDue, *closed.ReplyDue)
		}

		// Only administrators edit the calendar; bad input is 400.
		env.Do("PUT", "/api/v1/admin/holidays/2026-05-06", "chief1", map[string]any{"kind": "holiday", "year": 2026}).Expect(t, http.StatusForbidden)
		env.Do("PUT", "/api/v1/admin/holidays/2026-13-01", "admin", map[string]any{"kind": "holiday", "year": 2026}).Expect(t, http.StatusBadRequest)
		env.Do("PUT", "/api/v1/admin/holidays/2026-05-06", "admin", map[string]any{"kind": "festival", "year": 2026}).Expect(t, http.StatusBadRequest)
		if r := env.Do("PUT", "/api/v1/admin/holidays/2026-05-06", "admin", map[string]any{"kind": "workday", "year": 2026}).Expect(t, http.StatusBadRequest); r.ErrorCode() != "invalid_calendar" {
			t.Fatalf("weekday as make-up working day: %s", r.Body)
		}

		var resp struct {
			Recomputed []struct {
				CaseID int64  `json:"case_id"`
				OldDue string `json:"old_due"`
				NewDue string `json:"new_due"`
			} `json:"recomputed"`
		}
		env.Do("PUT", "/api/v1/admin/holidays/2026-05-06", "admin", map[string]any{"kind": "holiday", "name": "劳动节", "year": 2026}).
			Expect(t, http.StatusOK).Decode(t, &resp)
		if len(resp.Recomputed) != 1 || resp.Recomputed[0].CaseID != open.ID || resp.Recomputed[0].NewDue != "2026-05-07" {
			t.Fatalf("recomputed %+v, want only case %d moved to 2026-05-07", resp.Recomputed, open.ID)
		}
		var after caseState
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", open.ID), "agency1", nil).Expect(t, http.StatusOK).Decode(t, &after)
		if *after.ReplyDue != "2026-05-07" || !strings.Contains(after.ReplyDueExplanation, "顺延至 2026-05-07") || after.Version != open.Version+1 {
			t.Fatalf("open case after the edit: %+v", after)
		}
		// A form still holding the old version now gets 409 rather than
		// overwriting the new deadline.
		if r := actOn(env, open.ID, "withdraw", "chief1", open.Version, validPayload["withdraw"]); r.Status != http.StatusConflict {
			t.Fatalf("stale action after recompute: %d", r.Status)
		}
		var untouched caseState
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", closed.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &untouched)
		if *untouched.ReplyDue != "2026-05-06" {
			t.Fatalf("withdrawn case was recomputed: %s", *untouched.ReplyDue)
		}
		// The agency sees why on the timeline.
		var ev struct {
			Items []struct {
				Action string         `json:"action"`
				Note   string         `json:"note"`
				Data   map[string]any `json:"data"`
			} `json:"items"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", open.ID), "agency1", nil).Expect(t, http.StatusOK).Decode(t, &ev)
		last := ev.Items[len(ev.Items)-1]
		if last.Action != "deadline_recomputed" || last.Data["old_due"] != "2026-05-06" || last.Data["new_due"] != "2026-05-07" ||
			!strings.Contains(last.Note, "2026-05-06") {
			t.Fatalf("last event %+v", last)
		}
		// The calculator uses the edited calendar at once.
		var d struct{ Due string }
		env.Do("GET", "/api/v1/deadlines/reply?received=2026-03-06", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &d)
		if d.Due != "2026-05-07" {
			t.Fatalf("calculator after edit: %s", d.Due)
		}
		var list struct {
			Items []struct{ Date, Kind string } `json:"items"`
		}
		env.Do("GET", "/api/v1/admin/holidays?year=2026", "admin", nil).Expect(t, http.StatusOK).Decode(t, &list)
		found := false
		for _, h := range list.Items {
			found = found || (h.Date == "2026-05-06" && h.Kind == "holiday")
		}
		if !found || len(list.Items) < 30 {
			t.Fatalf("2026 calendar has %d rows, edited day found %v", len(list.Items), found)
		}

		// Undo: the deadline moves back.
		env.Do("DELETE", "/api/v1/admin/holidays/2026-05-06", "admin", nil).Expect(t, http.StatusOK).Decode(t, &resp)
		if len(resp.Recomputed) != 1 || resp.Recomputed[0].NewDue != "2026-05-06" || resp.Recomputed[0].OldDue != "2026-05-07" {
			t.Fatalf("after delete %+v", resp.Recomputed)
		}
		env.Do("DELETE", "/api/v1/admin/holidays/2026-05-06", "admin", nil).Expect(t, http.StatusNotFound)
	})
}
