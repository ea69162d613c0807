package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// TestNoReplyStaysAfterEscalationAndEnd is issue 14's observation, from
// outside: after escalate (report to the 人大) and terminate, /api/v1/stats
// went from no_reply 1 to 0, non_responders emptied and /public/stats
// dropped the agency's 不回复. No-reply is a fact once the deadline passed:
// every figure keeps it, before and after the case ends — terminated
// through the API, or closed with its escalation outcome.
func TestNoReplyStaysAfterEscalationAndEnd(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		terminated := e2eDelivered(t, env, "无人回复后终结")
		closed := e2eDelivered(t, env, "无人回复后报告并结案")
		env.SetNow(time.Date(2026, 5, 8, 2, 0, 0, 0, time.UTC)) // two days past the due date 2026-05-06

		type seen struct {
			noReply, due, escalated int64
			onTime                  float64
			nonResponders           int
			public                  int64
			ledger                  int
		}
		look := func() seen {
			t.Helper()
			var st stats.Stats
			env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &st)
			var pub struct {
				Agencies []disclosure.AgencyStat `json:"agencies"`
			}
			env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, http.StatusOK).Decode(t, &pub)
			s := seen{noReply: st.NoReply, due: st.ReplyDue, escalated: st.EscalatedCases, onTime: st.OnTimeRate.Percent, nonResponders: len(st.NonResponders)}
			if len(pub.Agencies) == 1 {
				s.public = pub.Agencies[0].NoReply
			}
			ledger := string(env.Do("GET", "/api/v1/stats/ledger.csv", "casemgr1", nil).Expect(t, http.StatusOK).Body)
			s.ledger = strings.Count(ledger, agency.StatsReplyClassLabels[cases.ReplyClassNoReply])
			return s
		}
		before := look()
		if before != (seen{noReply: 2, due: 2, nonResponders: 1, public: 2, ledger: 2}) {
			t.Fatalf("past the deadline: %+v", before)
		}

		// The chief reports both to the people's congress …
		for _, c := range []caseState{terminated, closed} {
			measures := []map[string]any{{"kind": agency.EscalatePartyCongress, "decided_on": "2026-05-08", "target": "清河区人大常委会",
				"summary": "逾期不回复，报告人大"}}
			actMultipart(t, env, c.ID, "escalate", "chief1", c.Version, map[string]any{"measures": measures},
				[]apitest.File{{Field: "files", Name: "报告.pdf", Content: pdfBytes("report")}}).Expect(t, http.StatusOK)
		}
		escalated := look()
		if escalated != (seen{noReply: 2, due: 2, escalated: 2, nonResponders: 1, public: 2, ledger: 2}) {
			t.Fatalf("after escalating: %+v", escalated)
		}

		// … one is terminated through the API, the other closed with its
		// escalation outcome (closing a delivered case is the approval
		// rules' to allow; the row is set as that action will leave it).
		var c caseState
		env.Do("GET", "/api/v1/cases/"+jsonNumber(float64(terminated.ID)), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &c)
		mustAct(t, env, c, "terminate", "prosecutor1", validPayload["terminate"])
		env.SetNow(time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC))
		setCaseState(t, env, closed.ID, map[string]any{"state": cases.StateClosed, "outcome": "escalated", "closed_at": env.Now()})
		ended := look()
		if ended != escalated {
			t.Fatalf("after the cases ended: %+v, want %+v as before", ended, escalated)
		}
	})
}
