package handlers_test

import (
	"fmt"
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

// TestStatisticsDefinitionsThroughTheLifecycle is issue 14's table of
// cases, driven through the real router only: five recommendations
// delivered on 2026-03-02 (reply due 2026-05-06) — replied on time, late,
// on time but returned as perfunctory, no reply then escalated (移送公益诉讼,
// which became a 公益诉讼 case) and terminated, no reply then escalated
// (报告人大) and closed with that outcome. It also holds the observation
// from outside: after escalate and terminate, /api/v1/stats went from
// no_reply 1 to 0, non_responders emptied and /public/stats dropped the
// agency's 不回复. The figures must be the same before and after the cases
// end, and each case's own reply classes the ones it is counted under.
func TestStatisticsDefinitionsThroughTheLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		onTime := e2eDelivered(t, env, "按期回复")
		late := e2eDelivered(t, env, "慢回复")
		perfunctory := e2eDelivered(t, env, "按期回复后被退回")
		terminated := e2eDelivered(t, env, "无人回复后移送公益诉讼并终结")
		closed := e2eDelivered(t, env, "无人回复后报告人大并结案")
		at := func(day string) {
			d, err := time.Parse("2006-01-02", day)
			if err != nil {
				t.Fatal(err)
			}
			env.SetNow(d.Add(2 * time.Hour)) // 10:00 in Beijing
		}
		reply := func(c caseState, kind, position string) caseState {
			t.Helper()
			c, _ = act(t, env, c.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": kind, "items": allItems(position),
				"measures_taken": "已开展专项整治", "contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
			return c
		}
		assess := func(c caseState, verdict string) caseState {
			t.Helper()
			return mustAct(t, env, c, "assess", "prosecutor1", map[string]any{"verdict": verdict, "opinion": "评估整改情况"})
		}

		at("2026-04-20")
		onTime = assess(reply(onTime, "final", agency.PositionAdopted), agency.RectificationRectified)
		at("2026-04-25")
		perfunctory = reply(perfunctory, "final", agency.PositionAdopted)
		perfunctory = mustAct(t, env, perfunctory, "return_reply", "prosecutor1", map[string]any{"reason": "未逐项说明整改措施", "days": 15})
		// Before the due date nothing is counted yet; the single class
		// already tells what came.
		checkReplyClasses(t, env, map[int64]replyClasses{
			onTime.ID:      {cases.ReplyClassOnTime, cases.ReplyClassPending, false},
			perfunctory.ID: {cases.ReplyClassPerfunctory, cases.ReplyClassPending, false},
			closed.ID:      {cases.ReplyClassPending, cases.ReplyClassPending, false},
		})
		at("2026-05-07")
		late = assess(reply(late, "final", agency.PositionPartlyAdopted), agency.RectificationPartlyRectified)

		at("2026-05-08") // two days past the due date
		perfunctory = assess(reply(perfunctory, "supplement", agency.PositionAdopted), agency.RectificationNotRectified)
		escalate := func(c caseState, kind, target string) caseState {
			t.Helper()
			measures := []map[string]any{{"kind": kind, "decided_on": "2026-05-08", "target": target, "summary": "逾期不回复"}}
			var out caseState
			actMultipart(t, env, c.ID, "escalate", "chief1", c.Version, map[string]any{"measures": measures},
				[]apitest.File{{Field: "files", Name: "决定.pdf", Content: pdfBytes("escalation")}}).Expect(t, http.StatusOK).Decode(t, &out)
			return out
		}
		terminated = escalate(terminated, agency.EscalateLitigation, "本院公益诉讼检察部门")
		closed = escalate(closed, agency.EscalatePartyCongress, "清河区人大常委会")
		var escs []agency.Escalation
		if err := env.DB.Where("case_id = ?", terminated.ID).Find(&escs).Error; err != nil || len(escs) != 1 {
			t.Fatalf("escalations %v %v", escs, err)
		}

		type seen struct {
			due, replied, onTime, late, noReply, perfunctory   int64
			replyRate, onTimeRate, adoptionRate, rectifiedRate float64
			escalated, withResult, publicInterest              int64
			nonResponders                                      int
			public                                             int64
			ledgerNoReply                                      int
		}
		look := func() seen {
			t.Helper()
			var st stats.Stats
			env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &st)
			var pub struct {
				Agencies []disclosure.AgencyStat `json:"agencies"`
			}
			env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, http.StatusOK).Decode(t, &pub)
			s := seen{st.ReplyDue, st.Replied, st.OnTime, st.LateReply, st.NoReply, st.Perfunctory,
				st.ReplyRate.Percent, st.OnTimeRate.Percent, st.AdoptionRate.Percent, st.RectifiedRate.Percent,
				st.EscalatedCases, st.EscalationResults, st.PublicInterestCases, len(st.NonResponders), -1, 0}
			if len(pub.Agencies) == 1 {
				s.public = pub.Agencies[0].NoReply
			}
			ledger := string(env.Do("GET", "/api/v1/stats/ledger.csv", "casemgr1", nil).Expect(t, http.StatusOK).Body)
			s.ledgerNoReply = strings.Count(ledger, agency.StatsReplyClassLabels[cases.ReplyClassNoReply])
			return s
		}
		// Five fell due: three replied (60 %), two on time (40 % — the
		// perfunctory one counts as on time), one late, two never;
		// adoption (adopted, partly, adopted) 3 / 5, rectified 1 / 5.
		settled := seen{due: 5, replied: 3, onTime: 2, late: 1, noReply: 2, perfunctory: 1,
			replyRate: 60, onTimeRate: 40, adoptionRate: 60, rectifiedRate: 20,
			escalated: 2, nonResponders: 1, public: 2, ledgerNoReply: 2}
		if got := look(); got != settled {
			t.Fatalf("past the deadline, escalated:\ngot  %+v\nwant %+v", got, settled)
		}
		// Each case's page and the agency's inbox show the classes the
		// figures count it under: timeliness and 粗回复 apart, 不回复 kept.
		classesSettled := map[int64]replyClasses{
			onTime.ID:      {cases.ReplyClassOnTime, cases.ReplyClassOnTime, false},
			late.ID:        {cases.ReplyClassLate, cases.ReplyClassLate, false},
			perfunctory.ID: {cases.ReplyClassPerfunctory, cases.ReplyClassOnTime, true},
			terminated.ID:  {cases.ReplyClassNoReply, cases.ReplyClassNoReply, false},
			closed.ID:      {cases.ReplyClassNoReply, cases.ReplyClassNoReply, false},
		}
		checkReplyClasses(t, env, classesSettled)

		// The referral became a 公益诉讼 case: now it counts as a conversion.
		terminated, _ = act(t, env, terminated.ID, "record_escalation_result", "prosecutor1", map[string]any{"version": terminated.Version,
			"escalation_id": escs[0].ID, "reference": "清河检公益立〔2026〕3号", "result_on": "2026-05-08"}, http.StatusOK)
		settled.withResult, settled.publicInterest = 1, 1
		if got := look(); got != settled {
			t.Fatalf("after the 公益诉讼 case number:\ngot  %+v\nwant %+v", got, settled)
		}

		// The cases end: three closed on their assessment, one terminated,
		// the no-reply one closed with its escalation outcome — the real
		// close action from 已送达.
		at("2026-05-20")
		for _, c := range []*caseState{&onTime, &late, &perfunctory, &closed} {
			fileUpward(t, env, c.ID)
		}
		onTime = mustAct(t, env, onTime, "close", "prosecutor1", map[string]any{"outcome": "rectified", "summary": "整改到位"})
		late = mustAct(t, env, late, "close", "prosecutor1", map[string]any{"outcome": "partly_rectified", "summary": "部分整改"})
		perfunctory = mustAct(t, env, perfunctory, "close", "prosecutor1", map[string]any{"outcome": "not_rectified", "summary": "未整改"})
		terminated = mustAct(t, env, terminated, "terminate", "prosecutor1", validPayload["terminate"])
		closed = mustAct(t, env, closed, "close", "prosecutor1", map[string]any{"outcome": "escalated", "summary": "逾期未回复，已报告人大"})
		for _, c := range []caseState{onTime, late, perfunctory, closed} {
			if c.State != "closed" {
				t.Fatalf("case %d %s, want closed", c.ID, c.State)
			}
		}
		if terminated.State != "terminated" || closed.Outcome != "escalated" {
			t.Fatalf("terminated %s, closed with outcome %q", terminated.State, closed.Outcome)
		}
		if got := look(); got != settled {
			t.Fatalf("after the cases ended:\ngot  %+v\nwant %+v", got, settled)
		}
		checkReplyClasses(t, env, classesSettled)

		// A year on nothing changes: the facts are settled.
		at("2027-05-20")
		if got := look(); got != settled {
			t.Fatalf("a year later:\ngot  %+v\nwant %+v", got, settled)
		}
	})
}

// replyClasses are the reply fields of a case view and an inbox item.
type replyClasses struct {
	Class       string `json:"reply_class"`
	Timeliness  string `json:"reply_timeliness"`
	Perfunctory bool   `json:"reply_perfunctory"`
}

// checkReplyClasses compares the reply classes of cases as prosecutor1 reads
// them (GET /cases/{id} and the case list) and as agency1 does (its inbox
// and the recommendation) with want.
func checkReplyClasses(t *testing.T, env *apitest.Env, want map[int64]replyClasses) {
	t.Helper()
	type item struct {
		ID int64 `json:"id"`
		replyClasses
	}
	var list, inbox struct {
		Items []item `json:"items"`
	}
	env.Do("GET", "/api/v1/cases?limit=100", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &list)
	env.Do("GET", "/api/v1/agency/recommendations?limit=100", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
	seen := map[string]map[int64]replyClasses{"case list": {}, "agency inbox": {}}
	for _, it := range list.Items {
		seen["case list"][it.ID] = it.replyClasses
	}
	for _, it := range inbox.Items {
		seen["agency inbox"][it.ID] = it.replyClasses
	}
	for id, w := range want {
		var page, rec replyClasses
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &page)
		env.Do("GET", fmt.Sprintf("/api/v1/agency/recommendations/%d", id), "agency1", nil).Expect(t, http.StatusOK).Decode(t, &rec)
		for where, got := range map[string]replyClasses{"case page": page, "agency recommendation": rec,
			"case list": seen["case list"][id], "agency inbox": seen["agency inbox"][id]} {
			if got != w {
				t.Errorf("case %d, %s: %+v, want %+v", id, where, got, w)
			}
		}
	}
}
