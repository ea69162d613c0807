package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/notify"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
	"jianyi/internal/projects"
	"jianyi/internal/stats"
)

// The end-to-end tests drive whole cases through the real router only — no
// fixture writes rows — so the features built on separate branches are
// proved to work together.

// e2eContract checks every request and response of the test against the
// published OpenAPI contract, as TestOpenAPIConformance does for its session.
// The public HTML pages and the Atom feed are not part of the contract.
func e2eContract(t *testing.T, env *apitest.Env) *apitest.Env {
	t.Helper()
	_, router := loadContract(t)
	cc := &contractChecker{router: router, seen: map[string]bool{}}
	env.Observe = func(req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) {
		if strings.HasPrefix(req.URL.Path, "/api/") {
			cc.observe(req, reqBody, rec)
		}
	}
	t.Cleanup(func() {
		for _, e := range cc.errs {
			t.Error(e)
		}
	})
	return env
}

// e2eTimeline is the action list of GET /cases/{id}/events as user sees it.
func e2eTimeline(t *testing.T, env *apitest.Env, id int64, user string) []string {
	t.Helper()
	var ev struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), user, nil).Expect(t, http.StatusOK).Decode(t, &ev)
	out := make([]string, len(ev.Items))
	for i, e := range ev.Items {
		out[i] = e.Action
	}
	return out
}

// e2eToDrafting takes a new lead to drafting with an investigation record
// (with a file) and a consultation, the way a prosecutor does it.
func e2eToDrafting(t *testing.T, env *apitest.Env, title string) caseState {
	t.Helper()
	c := newLead(t, env, title)
	base := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	c = mustAct(t, env, c, "check", "prosecutor1", map[string]any{"note": "初核线索"})
	c = mustAct(t, env, c, "file", "depthead1", nil)
	c = mustAct(t, env, c, "investigate", "prosecutor1", nil)
	req := apitest.Multipart("POST", base+"/investigation-records", map[string]string{
		"payload": `{"kind":"site_visit","date":"2026-03-01","place":"清河区实验小学门口","participants":"张检察官、陈检察官","summary":"现场查看三处流动摊点。"}`,
	}, []apitest.File{{Field: "files", Name: "现场照片说明.pdf", ContentType: "application/pdf", Content: pdfBytes("site visit")}})
	env.DoRequest(req, "prosecutor1").Expect(t, http.StatusCreated)
	c = mustAct(t, env, c, "consult", "prosecutor1", map[string]any{
		"date": "2026-03-02", "participants": "张检察官、王科长", "opinion": "市场监管局表示已关注，愿意配合整治。"})
	c = mustAct(t, env, c, "draft", "prosecutor1", nil)
	return c
}

// e2eIssue submits the current draft, has depthead1 review and chief1
// approve it and issues it.
func e2eIssue(t *testing.T, env *apitest.Env, c caseState) caseState {
	t.Helper()
	env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
	c = submitApproved(t, env, c, nil, "同意制发。")
	return mustAct(t, env, c, "issue", "prosecutor1", nil)
}

// e2eDelivered walks a new lead all the way to delivered.
func e2eDelivered(t *testing.T, env *apitest.Env, title string) caseState {
	t.Helper()
	c := e2eIssue(t, env, e2eToDrafting(t, env, title))
	return mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": env.Now().Format("2006-01-02"), "recipient_person": "王科长"})
}

// e2eDownload fetches a case document.
func e2eDownload(env *apitest.Env, id int64, kind, user string) *apitest.Response {
	return env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/%s.pdf", id, kind), user, nil)
}

func TestEndToEndRecommendation(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		c := e2eToDrafting(t, env, "校园周边食品安全隐患")
		id := c.ID
		base := fmt.Sprintf("/api/v1/cases/%d", id)

		// Draft, submit, return with comments, re-save, submit, approve, issue.
		env.Do("PUT", base+"/draft", "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		investigationDone(t, env, id)
		c = mustAct(t, env, c, "submit", "prosecutor1", map[string]any{"note": "建议制发"})
		c = mustAct(t, env, c, "return", "depthead1", map[string]any{"comments": "请补充法律依据的条款内容。"})
		if c.State != "drafting" {
			t.Fatalf("after return: %s", c.State)
		}
		c = e2eIssue(t, env, c)
		if c.State != "issued" || c.DocumentNumber == nil || *c.DocumentNumber != "清河检八建〔2026〕1号" {
			t.Fatalf("after issue: %s %v", c.State, c.DocumentNumber)
		}
		docNo := *c.DocumentNumber

		// The letter is frozen at issue: byte-identical on every download.
		first := e2eDownload(env, id, "recommendation", "prosecutor1").Expect(t, http.StatusOK)
		if first.Header.Get("X-Document-Draft") != "" {
			t.Fatalf("issued letter served as a draft")
		}
		if text := pdfText(t, first.Body); !strings.Contains(foldDigits(text), docNo) {
			t.Fatalf("letter text lacks %s:\n%s", docNo, text)
		}

		// Filed upward: visible to the city procuratorate.
		var filings struct {
			Items []struct {
				DocumentNumber string `json:"document_number"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/filings", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &filings)
		if len(filings.Items) != 1 || filings.Items[0].DocumentNumber != docNo {
			t.Fatalf("city filings %+v", filings.Items)
		}

		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": "2026-03-02", "recipient_person": "王科长"})
		if c.ReplyDue == nil || *c.ReplyDue != "2026-05-06" {
			t.Fatalf("reply due %v", c.ReplyDue)
		}

		// The agency's inbox lists it; the other agency's does not.
		var inbox struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/agency/recommendations", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != id {
			t.Fatalf("agency1 inbox %+v", inbox.Items)
		}
		inbox.Items = nil
		env.Do("GET", "/api/v1/agency/recommendations", "agency2", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 0 {
			t.Fatalf("agency2 inbox %+v", inbox.Items)
		}

		c, _ = act(t, env, id, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "王科长", "received_on": "2026-03-02"}, http.StatusOK)
		c, _ = act(t, env, id, "request_extension", "agency1", map[string]any{"version": c.Version, "reason": "整改涉及多部门，需延期", "requested_days": 30}, http.StatusOK)
		c, _ = act(t, env, id, "decide_extension", "prosecutor1", map[string]any{"version": c.Version, "decision": "grant", "days": 30, "reason": "理由成立"}, http.StatusOK)
		if c.ReplyDue == nil || *c.ReplyDue <= "2026-05-06" {
			t.Fatalf("extended reply due %v", c.ReplyDue)
		}
		due, err := time.Parse("2006-01-02", *c.ReplyDue)
		if err != nil {
			t.Fatal(err)
		}

		// The final reply comes after the (extended) deadline.
		env.SetNow(due.AddDate(0, 0, 10).Add(2 * time.Hour))
		res := actMultipart(t, env, id, "reply", "agency1", c.Version, map[string]any{
			"kind": "final", "items": allItems("adopted"), "measures_taken": "已开展专项整治",
			"contact_person": "王科长", "contact_phone": "0571-00000001",
		}, []apitest.File{{Field: "files", Name: "整改报告.pdf", ContentType: "application/pdf", Content: pdfBytes("reply")}}).Expect(t, http.StatusOK)
		res.Decode(t, &c)
		if c.State != "replied" || c.ReplyClass != cases.ReplyClassLate {
			t.Fatalf("after late reply: %s %s", c.State, c.ReplyClass)
		}
		c, _ = act(t, env, id, "return_reply", "prosecutor1", map[string]any{"version": c.Version, "reason": "未逐项说明整改措施", "days": 15}, http.StatusOK)
		c, _ = act(t, env, id, "reply", "agency1", map[string]any{"version": c.Version, "kind": "supplement", "items": allItems("partly_adopted"),
			"measures_taken": "补充说明逐项措施", "contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
		c, _ = act(t, env, id, "assess", "prosecutor1", map[string]any{"version": c.Version, "verdict": "partly_rectified", "opinion": "部分整改到位"}, http.StatusOK)
		if c.State != "following_up" || c.Rectification != "partly_rectified" {
			t.Fatalf("after assess: %s %s", c.State, c.Rectification)
		}
		today := env.Now().Format("2006-01-02")
		c, _ = act(t, env, id, "follow_up", "prosecutor1", map[string]any{"version": c.Version, "kind": "return_visit", "held_on": today,
			"participants": "张检察官、王科长", "findings": "巡查机制已建立", "internal": true}, http.StatusOK)
		c, _ = act(t, env, id, "report_progress", "agency1", map[string]any{"version": c.Version, "percent": 80, "description": "培训已完成八成"}, http.StatusOK)
		fileUpward(t, env, id)
		c, _ = act(t, env, id, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "partly_rectified", "summary": "部分整改到位，结案。"}, http.StatusOK)
		if c.State != "closed" || c.ReplyClass != cases.ReplyClassPerfunctory {
			t.Fatalf("after close: state %s reply class %s", c.State, c.ReplyClass)
		}

		// The timeline has every step; the agency's view hides internal ones.
		all := strings.Join(e2eTimeline(t, env, id, "prosecutor1"), ",")
		for _, step := range []string{"register", "check", "file", "investigation_record", "investigate", "consult", "draft", "submit", "return",
			"approve", "issue", "deliver", "sign", "request_extension", "decide_extension", "reply", "return_reply", "assess", "follow_up",
			"report_progress", "close"} {
			if !strings.Contains(","+all+",", ","+step+",") {
				t.Errorf("timeline lacks %s: %s", step, all)
			}
		}
		agencyView := e2eTimeline(t, env, id, "agency1")
		for _, a := range agencyView {
			if spec, ok := cases.ActionByName(a); (ok && spec.Internal) || a == "register" || a == "investigation_record" || a == "draft_saved" || a == "follow_up" {
				t.Errorf("agency timeline shows internal %s: %v", a, agencyView)
			}
		}
		if !strings.Contains(strings.Join(agencyView, ","), "deliver") || !strings.Contains(strings.Join(agencyView, ","), "close") {
			t.Errorf("agency timeline %v", agencyView)
		}

		_, breaks, err := audit.VerifyChain(context.Background(), db)
		if err != nil || len(breaks) != 0 {
			t.Fatalf("audit chain: breaks %v, err %v", breaks, err)
		}

		// Documents.
		a1 := e2eDownload(env, id, "recommendation", "agency1").Expect(t, http.StatusOK)
		a2 := e2eDownload(env, id, "recommendation", "agency1").Expect(t, http.StatusOK)
		if !bytes.Equal(a1.Body, a2.Body) || !bytes.Equal(a1.Body, first.Body) {
			t.Fatalf("recommendation PDF not byte-identical across downloads")
		}
		e2eDownload(env, id, "recommendation", "agency2").Expect(t, http.StatusNotFound)
		e2eDownload(env, id, "service-receipt", "prosecutor1").Expect(t, http.StatusOK)
		e2eDownload(env, id, "approval-form", "chief1").Expect(t, http.StatusOK)
		e2eDownload(env, id, "approval-form", "agency1").Expect(t, http.StatusNotFound)

		// Statistics and the ledger.
		var st stats.Stats
		env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &st)
		if st.Total < 1 || st.Issued < 1 || st.Perfunctory != 1 {
			t.Fatalf("stats total %d issued %d perfunctory %d", st.Total, st.Issued, st.Perfunctory)
		}
		ledger := env.Do("GET", "/api/v1/stats/ledger.csv", "casemgr1", nil).Expect(t, http.StatusOK)
		if !strings.Contains(string(ledger.Body), docNo) {
			t.Fatalf("ledger lacks %s:\n%s", docNo, ledger.Body)
		}

		// agency1's inbox has the delivery notification.
		var notes struct {
			Items []notify.Notification `json:"items"`
		}
		env.Do("GET", "/api/v1/notifications", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &notes)
		found := false
		for _, n := range notes.Items {
			if n.Kind == "recommendation_delivered" && n.CaseID != nil && *n.CaseID == id {
				found = true
			}
		}
		if !found {
			t.Fatalf("agency1 notifications %+v", notes.Items)
		}
	})
}

func TestEndToEndObjectionAmendReissue(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		c := e2eDelivered(t, env, "校园周边食品安全隐患")
		id := c.ID
		if c.DocumentNumber == nil || *c.DocumentNumber != "清河检八建〔2026〕1号" {
			t.Fatalf("first 文号 %v", c.DocumentNumber)
		}
		oldNo := *c.DocumentNumber
		oldPDF := e2eDownload(env, id, "recommendation", "agency1").Expect(t, http.StatusOK).Body

		c, _ = act(t, env, id, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "王科长", "received_on": "2026-03-02"}, http.StatusOK)
		env.SetNow(env.Now().AddDate(0, 0, 2))
		res := actMultipart(t, env, id, "object", "agency1", c.Version, map[string]any{"reason": "建议第一项超出本单位职能范围"},
			[]apitest.File{{Field: "files", Name: "职能说明.pdf", ContentType: "application/pdf", Content: pdfBytes("duties")}}).Expect(t, http.StatusOK)
		res.Decode(t, &c)
		// The handling prosecutor proposes the outcome; the chief decides it.
		c, _ = act(t, env, id, "propose_objection_review", "prosecutor1", map[string]any{"version": c.Version, "outcome": "amend", "reason": "异议部分成立，拟修改第一项"}, http.StatusOK)
		act(t, env, id, "review_objection", "prosecutor1", map[string]any{"version": c.Version, "outcome": "amend", "reason": "x"}, http.StatusForbidden)
		c, _ = act(t, env, id, "review_objection", "chief1", map[string]any{"version": c.Version, "outcome": "amend", "reason": "异议部分成立，修改第一项",
			"opinion": "同意承办检察官意见。"}, http.StatusOK)
		if c.State != "drafting" || c.DocumentNumber != nil || c.ReplyDue != nil {
			t.Fatalf("after amend: %+v", c)
		}
		// While the letter is redrafted, approved and re-issued the agency
		// reads the history (the letter it objected to, its objection and the
		// review) but neither the new draft nor the new letter.
		agencyHidesLetter := func(stage string) {
			t.Helper()
			issues := 0
			for _, a := range e2eTimeline(t, env, id, "agency1") {
				if a == "issue" {
					issues++
				}
			}
			if issues != 1 {
				t.Fatalf("%s: the agency's timeline shows %d issuances", stage, issues)
			}
			d, res := detail(t, env, id, "agency1")
			if d.DocumentNumber != nil || len(d.Content.Items) != 1 || d.Content.Items[0].Text != "依法开展校园周边食品经营专项整治。" ||
				bytes.Contains(res.Body, []byte("会同教育部门")) || len(d.Objections) != 1 || d.Objections[0]["status"] != "amend" {
				t.Fatalf("%s: agency detail %s", stage, res.Body)
			}
			for _, kind := range []string{"recommendation", "service-receipt"} {
				e2eDownload(env, id, kind, "agency1").Expect(t, http.StatusNotFound)
			}
			if v := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), "agency1", nil).Expect(t, http.StatusOK).JSON(); v["document_number"] != nil {
				t.Fatalf("%s: agency case view shows 文号 %v", stage, v["document_number"])
			}
			var letters []files.StoredFile
			if err := env.DB.Omit("content").Where("owner_type = ? AND owner_id = ?", "recommendation_pdf", id).Find(&letters).Error; err != nil {
				t.Fatal(err)
			}
			// The letter objected to is frozen; once re-issued, the new one too.
			wantLetters := 1
			if stage == "re-issued" {
				wantLetters = 2
			}
			if len(letters) != wantLetters {
				t.Fatalf("%s: %d frozen letters, want %d", stage, len(letters), wantLetters)
			}
			for _, f := range letters {
				env.Do("GET", fmt.Sprintf("/api/v1/files/%d", f.ID), "agency1", nil).Expect(t, http.StatusNotFound)
			}
		}
		agencyHidesLetter("drafting")

		// Edit the draft, submit, approve and issue again: a new 文号.
		draft := completeDraft(0)
		content := draft["content"].(map[string]any)
		content["items"] = []map[string]any{{"text": "会同教育部门开展校园周边食品经营专项整治。", "legal_basis": "《中华人民共和国食品安全法》第一百一十条"}}
		env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", id), "prosecutor1", draft).Expect(t, http.StatusOK)
		agencyHidesLetter("new draft")
		c = submitApproved(t, env, c, nil, "同意修改后重新制发。")
		agencyHidesLetter("approved")
		c = mustAct(t, env, c, "issue", "prosecutor1", nil)
		if c.DocumentNumber == nil || *c.DocumentNumber != "清河检八建〔2026〕2号" {
			t.Fatalf("re-issued 文号 %v", c.DocumentNumber)
		}
		newNo := *c.DocumentNumber
		// Issued again but not yet delivered: the new letter is still hidden.
		agencyHidesLetter("re-issued")

		// The letter served now is the amended one, under the new number.
		pdf := e2eDownload(env, id, "recommendation", "prosecutor1").Expect(t, http.StatusOK).Body
		if bytes.Equal(pdf, oldPDF) {
			t.Fatalf("the old letter is still served")
		}
		text := foldDigits(pdfText(t, pdf))
		if !strings.Contains(text, newNo) || strings.Contains(text, oldNo) || !strings.Contains(strings.Join(strings.Fields(text), ""), "会同教育部门") {
			t.Fatalf("re-issued letter text:\n%s", text)
		}

		// Verifying the letters: the old one is recognised as superseded
		// under the number printed on it, the new one as current.
		verify := func(pdf []byte) map[string]any {
			return env.Do("POST", "/api/v1/documents/verify", "prosecutor1", map[string]any{"sha256": cases.SHA256Of(pdf)}).Expect(t, http.StatusOK).JSON()
		}
		if v := verify(oldPDF); v["matched"] != true || v["document_number"] != oldNo || v["superseded"] != true {
			t.Fatalf("verify the superseded letter: %v", v)
		}
		if v := verify(pdf); v["matched"] != true || v["document_number"] != newNo || v["superseded"] != nil {
			t.Fatalf("verify the current letter: %v", v)
		}

		// The old 文号 is recorded as superseded, on the objection and the timeline.
		var records struct {
			Objections []struct {
				Status                   string `json:"status"`
				SupersededDocumentNumber string `json:"superseded_document_number"`
			} `json:"objections"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/agency-records", id), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &records)
		if len(records.Objections) != 1 || records.Objections[0].SupersededDocumentNumber != oldNo || records.Objections[0].Status != "amend" {
			t.Fatalf("objections %+v", records.Objections)
		}
		var ev struct {
			Items []struct {
				Action string         `json:"action"`
				Data   map[string]any `json:"data"`
			} `json:"items"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &ev)
		superseded := false
		for _, e := range ev.Items {
			if e.Action == "review_objection" && e.Data["superseded_document_number"] == oldNo {
				superseded = true
			}
		}
		if !superseded {
			t.Fatalf("timeline does not record the superseded 文号: %+v", ev.Items)
		}

		// The filing row was reset: one filing, under the new number, pending, due again.
		var filings struct {
			Items []struct {
				DocumentNumber string `json:"document_number"`
				Status         string `json:"status"`
				DueOn          string `json:"due_on"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/filings", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &filings)
		wantDue := env.Now().AddDate(0, 0, 5).Format("2006-01-02")
		if len(filings.Items) != 1 || filings.Items[0].DocumentNumber != newNo || filings.Items[0].Status != "pending" || filings.Items[0].DueOn != wantDue {
			t.Fatalf("filings after re-issue %+v (want due %s)", filings.Items, wantDue)
		}

		// Delivering again works, and the reply clock restarts.
		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": env.Now().Format("2006-01-02")})
		if c.State != "delivered" || c.ReplyDue == nil {
			t.Fatalf("after re-delivery %+v", c)
		}
		receipt := strings.Join(strings.Fields(foldDigits(pdfText(t, e2eDownload(env, id, "service-receipt", "prosecutor1").Expect(t, http.StatusOK).Body))), "")
		if !strings.Contains(receipt, newNo) || strings.Contains(receipt, oldNo) || !strings.Contains(receipt, env.Now().Format("2006年1月2日")) {
			t.Fatalf("service receipt after re-delivery: %s", receipt)
		}
		if got := e2eDownload(env, id, "recommendation", "agency1").Expect(t, http.StatusOK).Body; !bytes.Equal(got, pdf) {
			t.Fatalf("after re-delivery the agency does not get the new letter")
		}
		if tl := strings.Join(e2eTimeline(t, env, id, "agency1"), ","); strings.Count(tl, "issue") != 2 {
			t.Fatalf("agency timeline after re-delivery: %s", tl)
		}
		c, _ = act(t, env, id, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "王科长"}, http.StatusOK)
		d, _ := detail(t, env, id, "agency1")
		if d.DocumentNumber == nil || *d.DocumentNumber != newNo || !d.Signed || len(d.Content.Items) != 1 || !strings.Contains(d.Content.Items[0].Text, "会同教育部门") {
			t.Fatalf("agency detail after re-delivery %+v", d)
		}
	})
}

// e2eApplicationLead submits a citizen application, has casemgr1 answer
// 受理 and prosecutor1 decide to start, and returns the lead registered.
func e2eApplicationLead(t *testing.T, env *apitest.Env, body map[string]any) (submitted, caseState) {
	t.Helper()
	s := submit(t, env, body)
	var list struct {
		Items []struct {
			ID         int64  `json:"id"`
			TrackingNo string `json:"tracking_no"`
			Version    int    `json:"version"`
		} `json:"items"`
	}
	env.Do("GET", "/api/v1/applications", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].TrackingNo != s.TrackingNo {
		t.Fatalf("applications %+v", list.Items)
	}
	base := fmt.Sprintf("/api/v1/applications/%d/", list.Items[0].ID)
	var d applications.ApplicationDetail
	env.Do("POST", base+"answer", "casemgr1", map[string]any{"version": list.Items[0].Version, "kind": "accepted"}).Expect(t, http.StatusOK).Decode(t, &d)
	env.Do("POST", base+"decide", "prosecutor1", map[string]any{"version": d.Version, "decision": "accept", "field": "食品药品安全",
		"title": "校园周边流动摊贩售卖过期食品"}).Expect(t, http.StatusOK).Decode(t, &d)
	if d.Status != applications.AppAccepted || d.CaseID == nil {
		t.Fatalf("decision %+v", d)
	}
	var c caseState
	env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", *d.CaseID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &c)
	if c.State != "lead" {
		t.Fatalf("lead from the application: %+v", c)
	}
	return s, c
}

func TestEndToEndCitizenToDisclosure(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, newPublicEnv(t, db))
		const phone = "13912345678"
		body := solvedApplication(t, env, applicantID, problemText)
		body["agency_id"] = env.Org.Agency1.ID
		s, c := e2eApplicationLead(t, env, body)
		id := c.ID

		// The prosecutor walks the case to delivered; the facts quote the
		// applicant, ID number and phone included.
		c = mustAct(t, env, c, "check", "prosecutor1", nil)
		c = mustAct(t, env, c, "file", "depthead1", nil)
		c = mustAct(t, env, c, "investigate", "prosecutor1", nil)
		c = mustAct(t, env, c, "draft", "prosecutor1", map[string]any{"agency_id": env.Org.Agency1.ID})
		draft := completeDraft(0)
		draft["content"].(map[string]any)["facts"] = fmt.Sprintf("申请人欧阳娜娜（公民身份号码%s，联系电话%s）反映，清河区实验小学门口有无证流动摊贩售卖过期零食。经查属实。", applicantID, phone)
		env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", id), "prosecutor1", draft).Expect(t, http.StatusOK)
		c = submitApproved(t, env, c, nil, "同意制发。")
		c = mustAct(t, env, c, "issue", "prosecutor1", nil)
		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": "2026-03-02"})
		c, _ = act(t, env, id, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "王科长"}, http.StatusOK)
		env.SetNow(env.Now().AddDate(0, 0, 20))
		c, _ = act(t, env, id, "reply", "agency1", map[string]any{"version": c.Version, "kind": "final", "items": allItems("adopted"),
			"measures_taken": "已联合城管取缔摊点，回访申请人欧阳娜娜（电话" + phone + "）。", "contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
		if c.State != "replied" || c.ReplyClass != cases.ReplyClassOnTime {
			t.Fatalf("after reply %s %s", c.State, c.ReplyClass)
		}

		// Preview, then publish with the applicant's name.
		pub := map[string]any{"person_names": []string{"欧阳娜娜"}}
		preview := env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/preview", id), "chief1", pub).Expect(t, http.StatusOK)
		if !strings.Contains(string(preview.Body), "欧阳某") {
			t.Fatalf("preview does not pseudonymise the applicant: %s", preview.Body)
		}
		pub["version"] = c.Version
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", id), "chief1", pub).Expect(t, http.StatusOK)

		var feed struct {
			Items []disclosure.PublicDisclosure `json:"items"`
		}
		raw := env.Do("GET", "/api/v1/public/disclosures", "", nil).Expect(t, http.StatusOK)
		raw.Decode(t, &feed)
		if len(feed.Items) != 1 || feed.Items[0].DocumentNumber != "清河检八建〔2026〕1号" {
			t.Fatalf("feed %s", raw.Body)
		}
		one := env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", feed.Items[0].ID), "", nil).Expect(t, http.StatusOK)
		html := env.Do("GET", "/disclosures", "", nil).Expect(t, http.StatusOK)
		page := env.Do("GET", fmt.Sprintf("/disclosures/%d", feed.Items[0].ID), "", nil).Expect(t, http.StatusOK)
		atom := env.Do("GET", "/disclosures.atom", "", nil).Expect(t, http.StatusOK)
		if !strings.Contains(string(html.Body), "清河检八建〔2026〕1号") || !strings.Contains(string(atom.Body), "清河检八建〔2026〕1号") {
			t.Fatalf("HTML or Atom feed lacks the item")
		}
		if !strings.Contains(string(one.Body), "欧阳某") || !strings.Contains(string(one.Body), "取缔摊点") {
			t.Fatalf("published item: %s", one.Body)
		}
		for name, text := range map[string]string{"json": string(raw.Body), "item": string(one.Body), "html": string(html.Body),
			"page": string(page.Body), "atom": string(atom.Body)} {
			for _, private := range []string{applicantID, phone, "欧阳娜娜"} {
				if strings.Contains(foldDigits(text), private) {
					t.Errorf("%s shows %q", name, private)
				}
			}
			assertNoPersonalData(t, name, text)
		}

		// The applicant's look-up shows the decision.
		st := lookUp(env, s.TrackingNo, s.Secret, "").Expect(t, http.StatusOK)
		if st.JSON()["status"] != string(applications.AppAccepted) || !strings.Contains(string(st.Body), `"kind":"started"`) {
			t.Fatalf("applicant status %s", st.Body)
		}

		// Once the case is closed the applicant is told the result.
		c, _ = act(t, env, id, "assess", "prosecutor1", map[string]any{"version": c.Version, "verdict": "rectified", "opinion": "整改到位"}, http.StatusOK)
		fileUpward(t, env, id)
		act(t, env, id, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "rectified", "summary": "整改到位，结案。"}, http.StatusOK)
		st = lookUp(env, s.TrackingNo, s.Secret, "").Expect(t, http.StatusOK)
		if !strings.Contains(string(st.Body), "现已结案") {
			t.Fatalf("applicant not told of the closure: %s", st.Body)
		}

		// The applicant rates the closed case (公民评价), once, with the secret.
		rate := func(secret string) *apitest.Response {
			req := httptest.NewRequest("POST", "/api/v1/public/applications/"+s.TrackingNo+"/rating",
				strings.NewReader(`{"accuracy":5,"workability":4,"effect":4,"comment":"摊贩已经不见了"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Application-Secret", secret)
			return env.DoRequest(req, "")
		}
		rate("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").Expect(t, http.StatusNotFound)
		rate(s.Secret).Expect(t, http.StatusCreated)
		if r := rate(s.Secret).Expect(t, http.StatusConflict); r.ErrorCode() != "already_rated" {
			t.Fatalf("second rating: %s", r.Body)
		}
		if raw := env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK); !strings.Contains(string(raw.Body), `"citizen_count":1`) {
			t.Fatalf("statistics lack the citizen rating: %s", raw.Body)
		}
	})
}

// TestEndToEndApplicantToldWhyNotFiled: a lead started from a citizen
// application and then not filed (不立案) tells the applicant why.
func TestEndToEndApplicantToldWhyNotFiled(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, newPublicEnv(t, db))
		s, c := e2eApplicationLead(t, env, solvedApplication(t, env, applicantID, problemText))
		c = mustAct(t, env, c, "check", "prosecutor1", nil)
		const reason = "经初核，有关部门已于申请前依法查处，问题已整改"
		c = mustAct(t, env, c, "decline", "prosecutor1", map[string]any{"reason": reason})
		if c.State != "not_filed" {
			t.Fatalf("after decline %+v", c)
		}
		st := lookUp(env, s.TrackingNo, s.Secret, "").Expect(t, http.StatusOK)
		if !strings.Contains(string(st.Body), "不予立案") || !strings.Contains(string(st.Body), reason) {
			t.Fatalf("applicant not told why: %s", st.Body)
		}
		// A case not started from an application tells no applicant anything.
		other := newLead(t, env, "办案发现的线索")
		mustAct(t, env, other, "decline", "prosecutor1", map[string]any{"reason": "不属于检察建议范围"})
		if n := countRows(t, db, "application_answers", "text LIKE ?", "%不属于检察建议范围%"); n != 0 {
			t.Fatalf("%d answers for a case without an application", n)
		}
	})
}

// e2eNotificationKinds counts a user's notifications about one case by kind.
func e2eNotificationKinds(t *testing.T, env *apitest.Env, user string, caseID int64) map[string]int {
	t.Helper()
	var notes []notify.Notification
	if err := env.DB.Where("user_id = ? AND case_id = ?", userID(t, env.DB, user), caseID).Find(&notes).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, n := range notes {
		out[n.Kind]++
	}
	return out
}

func TestEndToEndRemindersOnRealCase(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		c := e2eDelivered(t, env, "校园周边食品安全隐患")
		c, _ = act(t, env, c.ID, "sign", "agency1", map[string]any{"version": c.Version, "signer_name": "王科长"}, http.StatusOK)
		if c.ReplyDue == nil || *c.ReplyDue != "2026-05-06" {
			t.Fatalf("reply due %v", c.ReplyDue)
		}
		due, _ := calendar.ParseDate(*c.ReplyDue)
		sched := env.Server.Scheduler()
		if sched == nil {
			t.Fatal("no job scheduler")
		}
		// Before the deadline the 催办函 cannot be made.
		e2eDownload(env, c.ID, "urging-letter", "prosecutor1").Expect(t, http.StatusConflict)

		at8 := func(d calendar.Date) time.Time {
			return time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, env.Config.Location())
		}
		for _, step := range []struct {
			day  calendar.Date
			kind string
		}{
			{due.AddDays(-15), "reply_due_soon_15"},
			{due.AddDays(-3), "reply_due_soon_3"},
			{due.AddDays(1), "reply_overdue"},
			{due.AddDays(30), "reply_very_overdue"},
		} {
			env.SetNow(at8(step.day))
			run, err := sched.Tick(context.Background(), "reply_reminders")
			if err != nil || run == nil || run.Status != "ok" {
				t.Fatalf("%s: tick %+v, %v", step.day, run, err)
			}
			// A second scheduled tick in the same slot, and an administrator's
			// manual run, send nothing again.
			if again, err := sched.Tick(context.Background(), "reply_reminders"); err != nil || again != nil {
				t.Fatalf("%s: second tick %+v, %v", step.day, again, err)
			}
			manual := env.Do("POST", "/api/v1/admin/jobs/reply_reminders/run", "admin", nil).Expect(t, http.StatusOK).JSON()
			if manual["status"] != "ok" || manual["trigger"] != "manual" {
				t.Fatalf("%s: manual run %v", step.day, manual)
			}
			for _, user := range []string{"agency1", "prosecutor1"} {
				if n := e2eNotificationKinds(t, env, user, c.ID)[step.kind]; n != 1 {
					t.Fatalf("%s: %s has %d %s notifications, want 1", step.day, user, n, step.kind)
				}
			}
		}
		for _, user := range []string{"agency1", "prosecutor1"} {
			got := e2eNotificationKinds(t, env, user, c.ID)
			for _, k := range []string{"reply_due_soon_15", "reply_due_soon_3", "reply_overdue", "reply_very_overdue"} {
				if got[k] != 1 {
					t.Errorf("%s: %d %s, want 1 (all: %v)", user, got[k], k, got)
				}
			}
		}
		if n := e2eNotificationKinds(t, env, "agency2", c.ID); len(n) != 0 {
			t.Fatalf("agency2 got %v", n)
		}

		// After the deadline: the 催办函, for staff and the agency.
		pdf := e2eDownload(env, c.ID, "urging-letter", "prosecutor1").Expect(t, http.StatusOK)
		if text := pdfText(t, pdf.Body); !strings.Contains(foldDigits(text), "清河检八建〔2026〕1号") || !strings.Contains(text, "催办") {
			t.Fatalf("urging letter text:\n%s", text)
		}
		e2eDownload(env, c.ID, "urging-letter", "agency1").Expect(t, http.StatusOK)
		e2eDownload(env, c.ID, "urging-letter", "agency2").Expect(t, http.StatusNotFound)
	})
}

func TestEndToEndProjectWithRealCases(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		a := e2eDelivered(t, env, "实验小学周边流动摊贩")
		b := e2eDelivered(t, env, "第二中学周边无证小吃店")

		var p struct {
			ID       int64                    `json:"id"`
			Progress projects.ProjectProgress `json:"progress"`
		}
		env.Do("POST", "/api/v1/projects", "prosecutor1", map[string]any{
			"title": "校园周边食品安全专项治理", "field": "食品药品安全", "problem": "校园周边流动摊贩无证经营，食品安全隐患突出。",
			"goals": "三个月内取缔无证摊点，建立长效监管机制。", "start_on": "2026-03-01", "planned_end_on": "2026-08-31",
		}).Expect(t, http.StatusCreated).Decode(t, &p)
		base := fmt.Sprintf("/api/v1/projects/%d", p.ID)
		for _, c := range []caseState{a, b} {
			env.Do("POST", base+"/cases", "prosecutor1", map[string]any{"case_id": c.ID}).Expect(t, http.StatusOK)
		}
		progress := func(want float64) {
			t.Helper()
			env.Do("GET", base, "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
			if p.Progress.Percent != want || p.Progress.CasesTotal != 2 {
				t.Fatalf("progress %+v, want %.1f %%", p.Progress, want)
			}
		}
		progress(0)

		// Linking kept the cases' versions valid for the next action.
		a, _ = act(t, env, a.ID, "sign", "agency1", map[string]any{"version": a.Version, "signer_name": "王科长"}, http.StatusOK)
		env.SetNow(env.Now().AddDate(0, 0, 20))
		a, _ = act(t, env, a.ID, "reply", "agency1", map[string]any{"version": a.Version, "kind": "final", "items": allItems("adopted"),
			"measures_taken": "已取缔摊点20处", "contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
		progress(25)
		a, _ = act(t, env, a.ID, "assess", "prosecutor1", map[string]any{"version": a.Version, "verdict": "rectified", "opinion": "整改到位"}, http.StatusOK)
		progress(50)
		if p.Progress.CasesAssessed != 1 {
			t.Fatalf("progress %+v", p.Progress)
		}

		// The project timeline carries the linked cases' events.
		tl := env.Do("GET", base+"/timeline", "prosecutor1", nil).Expect(t, http.StatusOK)
		if !strings.Contains(string(tl.Body), "assess") || !strings.Contains(string(tl.Body), "reply") {
			t.Fatalf("project timeline lacks the case actions: %s", tl.Body)
		}

		pdf := env.Do("GET", base+"/report.pdf", "prosecutor1", nil).Expect(t, http.StatusOK)
		text := strings.Join(strings.Fields(foldDigits(pdfText(t, pdf.Body))), "")
		for _, want := range []string{"校园周边食品安全专项治理", "清河检八建〔2026〕1号", "清河检八建〔2026〕2号", "50"} {
			if !strings.Contains(text, want) {
				t.Errorf("project report lacks %q:\n%s", want, text)
			}
		}
	})
}

// TestEndToEndNoReplyCountsInStatistics: a delivered recommendation nobody
// answers becomes 不回复 the day after its deadline in the statistics, the
// non-responder list, the ledger and the public agency table — no action
// happens when a deadline passes, so nothing else would classify it.
func TestEndToEndNoReplyCountsInStatistics(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		c := e2eDelivered(t, env, "无人回复的检察建议")
		if c.ReplyDue == nil || *c.ReplyDue != "2026-05-06" {
			t.Fatalf("reply due %v", c.ReplyDue)
		}
		stats := func() stats.Stats {
			var st stats.Stats
			env.Do("GET", "/api/v1/stats", "casemgr1", nil).Expect(t, http.StatusOK).Decode(t, &st)
			return st
		}
		env.SetNow(time.Date(2026, 5, 6, 8, 0, 0, 0, time.UTC)) // the last day: still pending
		if st := stats(); st.NoReply != 0 || len(st.NonResponders) != 0 {
			t.Fatalf("on the due date: no reply %d, non-responders %+v", st.NoReply, st.NonResponders)
		}
		env.SetNow(time.Date(2026, 5, 7, 8, 0, 0, 0, time.UTC))
		st := stats()
		if st.NoReply != 1 || len(st.NonResponders) != 1 || st.NonResponders[0].AgencyID != env.Org.Agency1.ID || st.OnTimeRate.Denominator != 1 {
			t.Fatalf("after the deadline: no reply %d, non-responders %+v, on-time rate %+v", st.NoReply, st.NonResponders, st.OnTimeRate)
		}
		var pub struct {
			Agencies []disclosure.AgencyStat `json:"agencies"`
		}
		env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, http.StatusOK).Decode(t, &pub)
		if len(pub.Agencies) != 1 || pub.Agencies[0].NoReply != 1 {
			t.Fatalf("public agency stats %+v", pub.Agencies)
		}
		ledger := string(env.Do("GET", "/api/v1/stats/ledger.csv", "casemgr1", nil).Expect(t, http.StatusOK).Body)
		if !strings.Contains(ledger, agency.StatsReplyClassLabels[cases.ReplyClassNoReply]) {
			t.Fatalf("ledger does not show 不回复:\n%s", ledger)
		}

		// A late reply turns it into 慢回复.
		c, _ = act(t, env, c.ID, "reply", "agency1", map[string]any{"version": c.Version, "kind": "final", "items": allItems("adopted"),
			"measures_taken": "已整改", "contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
		if st := stats(); st.NoReply != 0 || st.LateReply != 1 {
			t.Fatalf("after a late reply: no reply %d, late %d", st.NoReply, st.LateReply)
		}
	})
}

// TestEndToEndFilingReportFollowsFilingAccess: whoever reads a filing (every
// procuratorate above the filer) also downloads its 备案报告; before the
// merge fix the province read the filing but got 404 for its report.
// e2eProsecutorIn has the administrator create a department of the
// procuratorate and a prosecutor in it.
func e2eProsecutorIn(t *testing.T, env *apitest.Env, procuratorateID int64, deptName, code, username, displayName string) {
	t.Helper()
	var dept struct {
		ID int64 `json:"id"`
	}
	env.Do("POST", "/api/v1/admin/departments", "admin", map[string]any{"procuratorate_id": procuratorateID, "name": deptName, "number_code": code}).
		Expect(t, http.StatusCreated).Decode(t, &dept)
	env.Do("POST", "/api/v1/admin/users", "admin", map[string]any{"username": username, "display_name": displayName, "password": apitest.Password,
		"role": "prosecutor", "procuratorate_id": procuratorateID, "department_id": dept.ID}).Expect(t, http.StatusCreated)
}

func TestEndToEndFilingReportFollowsFilingAccess(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		c := e2eDelivered(t, env, "备案报告")
		e2eProsecutorIn(t, env, env.Org.Province.ID, "第八检察部", "八", "provprosecutor1", "省院检察官")

		var filings struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/filings", "provprosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &filings)
		if len(filings.Items) != 1 {
			t.Fatalf("province filings %+v", filings.Items)
		}
		fid := filings.Items[0].ID
		env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", fid), "provprosecutor1", nil).Expect(t, http.StatusOK)
		// While the filing is pending the higher procuratorates read neither
		// the report nor the letter (issue 14: they could read the report).
		for _, user := range []string{"provprosecutor1", "citychief1", "cityprosecutor1"} {
			for _, kind := range []string{"filing-report", "recommendation"} {
				if got := e2eDownload(env, c.ID, kind, user).Status; got != http.StatusNotFound {
					t.Errorf("%s: %s of a pending filing %d, want 404", user, kind, got)
				}
			}
		}
		var filed struct {
			ReportFileID int64 `json:"report_file_id"`
		}
		env.Do("POST", fmt.Sprintf("/api/v1/filings/%d/submit", fid), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &filed)
		for user, want := range map[string]int{"provprosecutor1": http.StatusOK, "citychief1": http.StatusOK, "prosecutor1": http.StatusOK,
			"agency1": http.StatusNotFound, "admin": http.StatusNotFound} {
			if got := e2eDownload(env, c.ID, "filing-report", user).Status; got != want {
				t.Errorf("%s: filing report %d, want %d", user, got, want)
			}
			// The letter the report names as its attachment (issue 14: 404).
			if got := e2eDownload(env, c.ID, "recommendation", user).Status; user != "agency1" && got != want {
				t.Errorf("%s: the filed letter %d, want %d", user, got, want)
			}
		}
		// The stored files too, by id: the report and the frozen letter.
		var letter files.StoredFile
		if err := db.Where("case_id = ? AND owner_type = ?", c.ID, "recommendation_pdf").Order("id DESC").First(&letter).Error; err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{filed.ReportFileID, letter.ID} {
			env.Do("GET", fmt.Sprintf("/api/v1/files/%d", id), "citychief1", nil).Expect(t, http.StatusOK)
			env.Do("GET", fmt.Sprintf("/api/v1/files/%d", id), "agency2", nil).Expect(t, http.StatusNotFound)
		}
		// Only these: the letter's approval form stays internal.
		e2eDownload(env, c.ID, "approval-form", "provprosecutor1").Expect(t, http.StatusNotFound)
		e2eDownload(env, c.ID, "approval-form", "citychief1").Expect(t, http.StatusNotFound)
	})
}

// TestEndToEndFilingSubmitted: the handling prosecutor files the 备案 with
// the city (POST /filings/{id}/submit); the city sees it filed, reads the
// stored 备案报告 and is told, and the filing_deadlines job reminds only
// about the filing still pending past its due date — once.
func TestEndToEndFilingSubmitted(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		filed := e2eDelivered(t, env, "备案期限")
		pending := e2eDelivered(t, env, "未报备案")
		type filingItem struct {
			ID           int64      `json:"id"`
			CaseID       int64      `json:"case_id"`
			Status       string     `json:"status"`
			DueOn        string     `json:"due_on"`
			FiledAt      *time.Time `json:"filed_at"`
			ReportFileID *int64     `json:"report_file_id"`
		}
		filings := func() map[int64]filingItem {
			var list struct {
				Items []filingItem `json:"items"`
			}
			env.Do("GET", "/api/v1/filings", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &list)
			out := map[int64]filingItem{}
			for _, f := range list.Items {
				out[f.CaseID] = f
			}
			return out
		}
		before := filings()
		f, p := before[filed.ID], before[pending.ID]
		if len(before) != 2 || f.Status != cases.FilingPending || f.FiledAt != nil || p.Status != cases.FilingPending {
			t.Fatalf("filings before submitting %+v", before)
		}

		// Another department's prosecutor, the chief, the city and the
		// agency may not submit it.
		e2eProsecutorIn(t, env, env.Org.District.ID, "第七检察部", "七", "prosecutor7", "七部检察官")
		submit := fmt.Sprintf("/api/v1/filings/%d/submit", f.ID)
		for user, want := range map[string]int{"prosecutor7": http.StatusForbidden, "cityprosecutor1": http.StatusNotFound,
			"chief1": http.StatusForbidden, "citychief1": http.StatusForbidden, "agency1": http.StatusForbidden} {
			if got := env.Do("POST", submit, user, nil).Status; got != want {
				t.Errorf("%s submits: %d, want %d", user, got, want)
			}
		}
		env.Do("POST", "/api/v1/filings/999999/submit", "prosecutor1", nil).Expect(t, http.StatusNotFound)

		var got filingItem
		env.Do("POST", submit, "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &got)
		if got.Status != cases.FilingFiled || got.FiledAt == nil || got.ReportFileID == nil {
			t.Fatalf("submitted filing %+v", got)
		}
		res := env.Do("POST", submit, "prosecutor1", nil).Expect(t, http.StatusConflict)
		if code := res.JSON()["error"].(map[string]any)["code"]; code != "already_filed" {
			t.Fatalf("double submit: %s", res.Body)
		}

		after := filings()
		if a := after[filed.ID]; a.Status != cases.FilingFiled || a.FiledAt == nil || a.ReportFileID == nil || *a.ReportFileID != *got.ReportFileID {
			t.Fatalf("city sees %+v", a)
		}
		if after[pending.ID].Status != cases.FilingPending {
			t.Fatalf("the other filing changed: %+v", after[pending.ID])
		}
		// The city reads the report it was sent: the stored bytes.
		report := e2eDownload(env, filed.ID, "filing-report", "citychief1").Expect(t, http.StatusOK).Body
		var sf files.StoredFile
		if err := env.DB.First(&sf, *got.ReportFileID).Error; err != nil {
			t.Fatal(err)
		}
		if sf.OwnerType != "filing_report_pdf" || !sf.Internal || sf.SHA256 != cases.SHA256Of(report) {
			t.Fatalf("stored report %s %v %s, served %s", sf.OwnerType, sf.Internal, sf.SHA256, cases.SHA256Of(report))
		}
		if text := strings.Join(strings.Fields(foldDigits(pdfText(t, report))), ""); !strings.Contains(text, "备案") || !strings.Contains(text, *filed.DocumentNumber) {
			t.Fatalf("report text: %s", text)
		}
		// The timeline records it for staff only; the city chief is told.
		if tl := e2eTimeline(t, env, filed.ID, "prosecutor1"); tl[len(tl)-1] != "filing_submitted" {
			t.Fatalf("staff timeline %v", tl)
		}
		for _, a := range e2eTimeline(t, env, filed.ID, "agency1") {
			if a == "filing_submitted" {
				t.Fatalf("agency sees the filing event")
			}
		}
		var notes []notify.Notification
		if err := env.DB.Where("user_id = ? AND kind = ?", userID(t, env.DB, "citychief1"), "filing_submitted").Find(&notes).Error; err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 || !strings.Contains(notes[0].Body, *filed.DocumentNumber) {
			t.Fatalf("citychief1 notifications %+v", notes)
		}
		var audits int64
		if err := env.DB.Model(&audit.Entry{}).Where("action = ? AND object_id = ?", "case.filing_submitted", filed.ID).Count(&audits).Error; err != nil {
			t.Fatal(err)
		}
		if audits != 1 {
			t.Fatalf("%d audit entries", audits)
		}

		// Past the due date the job reminds about the pending filing only, once.
		due, err := calendar.ParseDate(p.DueOn)
		if err != nil {
			t.Fatal(err)
		}
		env.SetNow(time.Date(due.Year(), due.Month(), due.Day()+1, 9, 15, 0, 0, env.Config.Location()))
		for range 2 {
			if run := env.Do("POST", "/api/v1/admin/jobs/filing_deadlines/run", "admin", nil).Expect(t, http.StatusOK).JSON(); run["status"] != "ok" {
				t.Fatalf("run %v", run)
			}
		}
		if n := e2eNotificationKinds(t, env, "prosecutor1", filed.ID)["filing_overdue"]; n != 0 {
			t.Fatalf("%d filing_overdue reminders for the filed filing", n)
		}
		if n := e2eNotificationKinds(t, env, "prosecutor1", pending.ID)["filing_overdue"]; n != 1 {
			t.Fatalf("%d filing_overdue reminders for the pending filing, want 1", n)
		}
		// Filing late is still filing: afterwards the reminder is not repeated.
		env.Do("POST", fmt.Sprintf("/api/v1/filings/%d/submit", p.ID), "depthead1", nil).Expect(t, http.StatusOK)
	})
}

// TestEndToEndStageWarningsOnRealCase: process monitoring (流程监控) warns on
// a case moved through the real actions, once per stage, after the
// configured limits (checking 30 days, investigating 60).
func TestEndToEndStageWarningsOnRealCase(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := e2eContract(t, apitest.New(t, db))
		c := newLead(t, env, "初核超期")
		c = mustAct(t, env, c, "check", "prosecutor1", nil)
		run := func() {
			t.Helper()
			env.Do("POST", "/api/v1/admin/jobs/stage_warnings/run", "admin", nil).Expect(t, http.StatusOK)
		}
		env.SetNow(env.Now().AddDate(0, 0, 29))
		run()
		if n := e2eNotificationKinds(t, env, "prosecutor1", c.ID)["stage_limit_checking"]; n != 0 {
			t.Fatalf("warned %d times before the limit", n)
		}
		env.SetNow(env.Now().AddDate(0, 0, 2))
		run()
		run()
		for _, user := range []string{"prosecutor1", "casemgr1"} {
			if n := e2eNotificationKinds(t, env, user, c.ID)["stage_limit_checking"]; n != 1 {
				t.Fatalf("%s: %d checking warnings, want 1", user, n)
			}
		}
		c = mustAct(t, env, c, "file", "depthead1", nil)
		mustAct(t, env, c, "investigate", "prosecutor1", nil)
		env.SetNow(env.Now().AddDate(0, 0, 61))
		run()
		run()
		if got := e2eNotificationKinds(t, env, "prosecutor1", c.ID); got["stage_limit_investigating"] != 1 || got["stage_limit_checking"] != 1 {
			t.Fatalf("warnings %v", got)
		}
	})
}
