package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

func mustContain(t *testing.T, r *apitest.Response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.Body), w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// The agency portal works through the same actions as the API: sign, a
// reply refused with the message next to the item, a final reply with a
// file and per-item positions, then 已回复; another agency gets 404.
func TestAgencyPortalPages(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "校园周边食品安全", "delivered")
		letter := fmt.Sprintf("/agency/letters/%d", c.ID)
		b := env.WebLogIn(t, "agency1")

		inbox := b.Get("/agency").Expect(t, http.StatusOK)
		mustContain(t, inbox, letter, *c.ReplyDue, "待签收")
		page := b.Get(letter).Expect(t, http.StatusOK)
		mustContain(t, page, "签收检察建议书", "书面回复", "依法开展校园周边食品经营专项整治", "letter.pdf")
		pdf := b.Get(letter+"/letter.pdf").Expect(t, http.StatusOK)
		if !strings.HasPrefix(string(pdf.Body), "%PDF") || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("letter PDF: %s", pdf.Header)
		}

		// 签收 with the name missing: the message sits at the field.
		r := b.PostForm(letter+"/sign", url.Values{"version": {fmt.Sprint(c.Version)}})
		r.Expect(t, http.StatusUnprocessableEntity)
		mustContain(t, r, `id="signer_name"`, `aria-invalid="true"`, "签收人为必填字段")
		b.PostForm(letter+"/sign", url.Values{"version": {fmt.Sprint(c.Version)}, "signer_name": {"王科长"}}).Expect(t, http.StatusSeeOther)
		mustContain(t, b.Get(letter).Expect(t, http.StatusOK), "已签收", "签收人 王科长")
		var cur caseState
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &cur)

		// A final reply without a position on the item is refused at the item.
		reply := func(fields map[string]string, files ...apitest.File) *apitest.Response {
			fields["_csrf"] = b.CSRF()
			fields["version"] = fmt.Sprint(cur.Version)
			return b.Do(apitest.Multipart("POST", letter+"/reply", fields, files))
		}
		r = reply(map[string]string{"kind": "final", "contact_person": "王科长", "contact_phone": "0571-1234567"})
		r.Expect(t, http.StatusUnprocessableEntity)
		mustContain(t, r, "缺少对第1项建议的回复意见", `href="#item_1_position"`, "王科长")
		r = reply(map[string]string{"kind": "final", "item_1_position": "not_adopted", "contact_person": "王科长", "contact_phone": "0571-1234567"})
		r.Expect(t, http.StatusUnprocessableEntity)
		mustContain(t, r, "不采纳须说明理由", `href="#item_1_reason"`)

		r = reply(map[string]string{"kind": "final", "item_1_position": "adopted", "item_1_reason": "已开展专项整治",
			"text": "我局已采纳检察建议。", "measure_1": "建立长效巡查机制", "measure_1_due": "2026-06-30",
			"contact_person": "王科长", "contact_phone": "0571-1234567"},
			apitest.File{Field: "files", Name: "整改报告.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n% report\n")})
		r.Expect(t, http.StatusSeeOther)
		page = b.Get(letter).Expect(t, http.StatusOK)
		mustContain(t, page, "书面回复已提交", "正式回复", "第1项：采纳", "整改报告.pdf", "建立长效巡查机制")
		mustContain(t, b.Get("/agency/replied").Expect(t, http.StatusOK), letter)
		if strings.Contains(string(b.Get("/agency").Body), letter) {
			t.Error("the answered letter is still under 待回复")
		}
		// The API sees the same reply.
		var recs struct {
			Replies []struct {
				Kind  string `json:"kind"`
				Files []any  `json:"files"`
				Items []struct {
					Position string `json:"position"`
				} `json:"items"`
			} `json:"replies"`
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/agency-records", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &recs)
		if len(recs.Replies) != 1 || recs.Replies[0].Kind != "final" || len(recs.Replies[0].Files) != 1 || recs.Replies[0].Items[0].Position != "adopted" {
			t.Fatalf("reply as stored: %+v", recs)
		}

		// 整改进展 sent by the upload script: the server names the page to go to.
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &cur)
		xhr := apitest.Multipart("POST", letter+"/report_progress", map[string]string{"_csrf": b.CSRF(), "version": fmt.Sprint(cur.Version),
			"percent": "60", "progress_description": "专项检查已完成六成。"},
			[]apitest.File{{Field: "files", Name: "进展.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n% progress\n")}})
		xhr.Header.Set("X-Requested-With", "XMLHttpRequest")
		r = b.Do(xhr).Expect(t, http.StatusNoContent)
		if r.Header.Get("X-Location") != letter {
			t.Fatalf("X-Location %q", r.Header.Get("X-Location"))
		}
		mustContain(t, b.Get(letter).Expect(t, http.StatusOK), "整改进展已报送", "整改进展 60%", "进展.pdf")

		// Another agency, and staff, cannot open it.
		other := env.WebLogIn(t, "agency2")
		r = other.Get(letter).Expect(t, http.StatusNotFound)
		mustContain(t, r, "<html")
		other.Get(letter+"/letter.pdf").Expect(t, http.StatusNotFound)
		env.WebLogIn(t, "prosecutor1").Get("/agency").Expect(t, http.StatusForbidden)
	})
}

// Notifications page: unread marked, opening one goes to its page and marks
// it read, read all.
func TestNotificationsPage(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "通知页的案件", "delivered")
		b := env.WebLogIn(t, "agency1")
		page := b.Get("/notifications").Expect(t, http.StatusOK)
		mustContain(t, page, "收到检察建议书", `class="unread"`, "全部标为已读")
		var list struct {
			Items []struct {
				ID   int64  `json:"id"`
				Link string `json:"link"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/notifications", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &list)
		if len(list.Items) == 0 {
			t.Fatal("no notification")
		}
		r := b.Get(fmt.Sprintf("/notifications/%d/open", list.Items[0].ID)).Expect(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/agency/letters/%d", c.ID) {
			t.Fatalf("opened to %q", loc)
		}
		var unread struct {
			UnreadCount int64 `json:"unread_count"`
		}
		env.Do("GET", "/api/v1/notifications", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &unread)
		before := unread.UnreadCount
		b.PostForm("/notifications/read-all", url.Values{}).Expect(t, http.StatusSeeOther)
		env.Do("GET", "/api/v1/notifications", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &unread)
		if unread.UnreadCount != 0 {
			t.Fatalf("unread after read all: %d (before %d)", unread.UnreadCount, before)
		}
		// Someone else's notification is not found.
		env.WebLogIn(t, "agency2").Get(fmt.Sprintf("/notifications/%d/open", list.Items[0].ID)).Expect(t, http.StatusNotFound)
		env.WebLogIn(t, "prosecutor1").Get("/notifications").Expect(t, http.StatusOK)
	})
}
