package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/notify"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// TestLifecycleWalk takes one case from lead to delivered with the roles the
// rules require and checks what each participant sees on the way.
func TestLifecycleWalk(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := newLead(t, env, "校园周边食品安全隐患")
		base := fmt.Sprintf("/api/v1/cases/%d", c.ID)

		c = mustAct(t, env, c, "check", "prosecutor1", map[string]any{"note": "初核线索"})
		c = mustAct(t, env, c, "file", "depthead1", nil)
		if c.State != "filed" || c.CaseNumber == nil || *c.CaseNumber != "清河检八立〔2026〕1号" {
			t.Fatalf("after filing: state %s, case number %v", c.State, c.CaseNumber)
		}

		// Investigation records: with a file (multipart), and a coercive method refused.
		req := apitest.Multipart("POST", base+"/investigation-records", map[string]string{
			"payload": `{"kind":"site_visit","date":"2026-03-01","place":"清河区实验小学门口","participants":"张检察官、陈检察官","summary":"现场查看三处流动摊点。"}`,
		}, []apitest.File{{Field: "files", Name: "现场照片说明.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n% test\n")}})
		var rec struct {
			ID    int64 `json:"id"`
			Files []struct {
				Filename string `json:"filename"`
			} `json:"files"`
		}
		env.DoRequest(req, "prosecutor1").Expect(t, http.StatusCreated).Decode(t, &rec)
		if len(rec.Files) != 1 || rec.Files[0].Filename != "现场照片说明.pdf" {
			t.Fatalf("record files %+v", rec.Files)
		}
		bad := env.Do("POST", base+"/investigation-records", "prosecutor1", map[string]any{
			"kind": "seize_property", "date": "2026-03-01", "participants": "张检察官", "summary": "扣押摊贩财物"}).Expect(t, http.StatusBadRequest)
		if bad.ErrorCode() != "forbidden_investigation_method" {
			t.Fatalf("coercive method: code %s", bad.ErrorCode())
		}

		c = mustAct(t, env, c, "investigate", "prosecutor1", nil)
		c = mustAct(t, env, c, "consult", "prosecutor1", map[string]any{
			"date": "2026-03-02", "participants": "张检察官、王科长", "opinion": "市场监管局表示已关注，愿意配合整治。"})
		var records struct {
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		env.Do("GET", base+"/investigation-records", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &records)
		if len(records.Items) != 2 || records.Items[1].Kind != "recipient_opinion" {
			t.Fatalf("records %+v, want site_visit then recipient_opinion", records.Items)
		}

		// An incomplete draft saves but cannot be submitted.
		env.Do("PUT", base+"/draft", "prosecutor1", map[string]any{"content": map[string]any{"addressee": "临江市清河区市场监督管理局"}}).Expect(t, http.StatusOK)
		c = mustAct(t, env, c, "draft", "prosecutor1", nil)
		r := actOn(env, c.ID, "submit", "prosecutor1", c.Version, nil).Expect(t, http.StatusBadRequest)
		if r.ErrorCode() != "draft_incomplete" || !strings.Contains(string(r.Body), "content.facts") {
			t.Fatalf("incomplete submit: %s", r.Body)
		}
		env.Do("PUT", base+"/draft", "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		// Nor without the 调查终结报告 that closes the investigation.
		r = actOn(env, c.ID, "submit", "prosecutor1", c.Version, nil).Expect(t, http.StatusConflict)
		if r.ErrorCode() != "investigation_incomplete" || !strings.Contains(string(r.Body), "investigation_report") {
			t.Fatalf("submit without report: %s", r.Body)
		}
		env.Do("POST", base+"/investigation-records", "prosecutor1", investigationReport()).Expect(t, http.StatusCreated)
		c = mustAct(t, env, c, "submit", "prosecutor1", map[string]any{"note": "建议制发"})
		if c.ApprovalStage != "dept_review" {
			t.Fatalf("after submit: approval stage %q", c.ApprovalStage)
		}

		// The department head returns it; the comments sit on the version read.
		c = mustAct(t, env, c, "return", "depthead1", map[string]any{"comments": "请补充法律依据的条款内容。"})
		if c.State != "drafting" {
			t.Fatalf("after return: %s", c.State)
		}
		env.Do("PUT", base+"/draft", "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		var drafts struct {
			Items []struct {
				VersionNo      int    `json:"version_no"`
				Status         string `json:"status"`
				ReviewComments string `json:"review_comments"`
			} `json:"items"`
		}
		env.Do("GET", base+"/drafts", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &drafts)
		if len(drafts.Items) != 2 || drafts.Items[0].VersionNo != 2 || drafts.Items[0].Status != "working" ||
			drafts.Items[1].Status != "returned" || drafts.Items[1].ReviewComments != "请补充法律依据的条款内容。" {
			t.Fatalf("drafts %+v", drafts.Items)
		}
		c = mustAct(t, env, c, "submit", "prosecutor1", nil)
		// 部门负责人审核 comes first: the chief cannot approve before it, nor
		// the department head after it.
		if r := actOn(env, c.ID, "approve", "chief1", c.Version, map[string]any{"opinion": "同意制发。"}); r.Status != http.StatusForbidden || r.ErrorCode() != "not_your_approval_step" {
			t.Fatalf("chief before the department head: %d %s", r.Status, r.Body)
		}
		c = mustAct(t, env, c, "approve", "depthead1", map[string]any{"opinion": "事实清楚，同意报检察长审批。"})
		if c.State != "reviewing" || c.ApprovalStage != "approve" || slices.Contains(c.AllowedActions, "approve") {
			t.Fatalf("after the department head's review: %+v", c)
		}
		if r := actOn(env, c.ID, "approve", "depthead1", c.Version, map[string]any{"opinion": "同意"}); r.Status != http.StatusForbidden || r.ErrorCode() != "not_your_approval_step" {
			t.Fatalf("department head twice: %d %s", r.Status, r.Body)
		}
		c = mustAct(t, env, c, "approve", "chief1", map[string]any{"opinion": "同意制发。"})
		if c.State != "approved" || c.ApprovalStage != "" {
			t.Fatalf("after the chief's approval: %+v", c)
		}
		c = mustAct(t, env, c, "issue", "prosecutor1", nil)
		if c.DocumentNumber == nil || *c.DocumentNumber != "清河检八建〔2026〕1号" {
			t.Fatalf("document number %v", c.DocumentNumber)
		}

		// The approval steps for the 审批表, in order.
		var steps struct {
			Items []struct {
				Stage    string `json:"stage"`
				Role     string `json:"role"`
				Opinion  string `json:"opinion"`
				Decision string `json:"decision"`
			} `json:"items"`
		}
		env.Do("GET", base+"/approval-steps", "chief1", nil).Expect(t, http.StatusOK).Decode(t, &steps)
		var got []string
		for _, s := range steps.Items {
			got = append(got, s.Stage+"/"+s.Role)
		}
		if strings.Join(got, ",") != "submit/prosecutor,return/dept_head,submit/prosecutor,dept_review/dept_head,approve/chief" {
			t.Fatalf("approval steps %v", got)
		}

		// Not yet delivered: the agency cannot see it.
		env.Do("GET", base, "agency1", nil).Expect(t, http.StatusNotFound)
		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": "2026-03-02", "recipient_person": "王科长"})
		// Received 2026-03-02 + two months = 2026-05-02, a Saturday inside the
		// 劳动节 break (05-01..05-05), so the deadline moves to Wednesday 05-06.
		if c.State != "delivered" || c.ReceivedOn == nil || *c.ReceivedOn != "2026-03-02" || c.ReplyDue == nil || *c.ReplyDue != "2026-05-06" ||
			c.ReplyDueRule != "months:2" || !strings.Contains(c.ReplyDueExplanation, "劳动节") || !strings.Contains(c.ReplyDueExplanation, "顺延至 2026-05-06") {
			t.Fatalf("after delivery: %+v", c)
		}

		// Timeline in order, with every action and the non-state events.
		var ev struct {
			Items []struct {
				Action  string `json:"action"`
				ToState string `json:"to_state"`
			} `json:"items"`
		}
		env.Do("GET", base+"/events", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &ev)
		var actions []string
		for _, e := range ev.Items {
			actions = append(actions, e.Action)
		}
		want := "register,check,file,investigation_record,investigate,consult,draft_saved,draft,draft_saved,investigation_record,submit,return,draft_saved,submit,approve,approve,issue,deliver"
		if strings.Join(actions, ",") != want {
			t.Fatalf("timeline\n got %s\nwant %s", strings.Join(actions, ","), want)
		}
		// The agency sees the delivered recommendation but not the internal steps.
		var agencyEv struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
		}
		env.Do("GET", base+"/events", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &agencyEv)
		if len(agencyEv.Items) != 2 || agencyEv.Items[0].Action != "issue" || agencyEv.Items[1].Action != "deliver" {
			t.Fatalf("agency timeline %+v", agencyEv.Items)
		}
		env.Do("GET", base, "agency2", nil).Expect(t, http.StatusNotFound)
		env.Do("GET", base+"/drafts", "agency1", nil).Expect(t, http.StatusNotFound)
		var n int64
		if err := db.Model(&notify.Notification{}).Where("user_id = ? AND kind = ?", userID(t, db, "agency1"), "recommendation_delivered").Count(&n).Error; err != nil || n != 1 {
			t.Fatalf("agency notifications %d %v", n, err)
		}
		var note notify.Notification
		db.Where("user_id = ? AND kind = ?", userID(t, db, "agency1"), "recommendation_delivered").First(&note)
		if !strings.Contains(note.Body, "已于2026年3月2日送达，请于2026年5月6日前书面回复") {
			t.Fatalf("agency notification body %q: dates should read as Chinese dates", note.Body)
		}

		// Filed upward: the city procuratorate reads it, the district itself does not.
		var filings struct {
			Items []struct {
				ID             int64  `json:"id"`
				DocumentNumber string `json:"document_number"`
				DueOn          string `json:"due_on"`
				AgencyName     string `json:"agency_name"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/filings", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &filings)
		// Issued Monday 2026-03-02 + 5 days = Saturday 03-07, a rest day: due
		// the next working day, Monday 03-09.
		if len(filings.Items) != 1 || filings.Items[0].DocumentNumber != "清河检八建〔2026〕1号" || filings.Items[0].DueOn != "2026-03-09" ||
			filings.Items[0].AgencyName != env.Org.Agency1.Name {
			t.Fatalf("city filings %+v", filings.Items)
		}
		fid := filings.Items[0].ID
		// Before the filing is submitted the city reads that it is due, not the letter.
		if pending := env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", fid), "cityprosecutor1", nil).Expect(t, http.StatusOK).JSON(); pending["content"] != nil {
			t.Fatalf("pending filing shows the letter: %v", pending)
		}
		env.Do("POST", fmt.Sprintf("/api/v1/filings/%d/submit", fid), "prosecutor1", nil).Expect(t, http.StatusOK)
		detail := env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", fid), "cityprosecutor1", nil).Expect(t, http.StatusOK).JSON()
		content, _ := detail["content"].(map[string]any)
		if content == nil || content["facts"] == nil {
			t.Fatalf("filing detail without content: %v", detail)
		}
		if _, leaks := detail["summary"]; leaks {
			t.Fatalf("filing detail leaks the internal summary: %v", detail)
		}
		var same struct {
			Items []any `json:"items"`
		}
		env.Do("GET", "/api/v1/filings", "chief1", nil).Expect(t, http.StatusOK).Decode(t, &same)
		if len(same.Items) != 0 {
			t.Fatalf("same-level procuratorate sees %d filings", len(same.Items))
		}
		env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", fid), "chief1", nil).Expect(t, http.StatusNotFound)

		// Every step wrote a chained audit entry.
		checked, breaks, err := audit.VerifyChain(context.Background(), db)
		if err != nil || len(breaks) != 0 || checked < len(actions) {
			t.Fatalf("audit chain: checked %d, breaks %v, err %v", checked, breaks, err)
		}
	})
}
