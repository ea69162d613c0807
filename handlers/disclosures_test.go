package handlers_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

type publishedItem struct {
	ID                 int64    `json:"id"`
	DocumentNumber     string   `json:"document_number"`
	Title              string   `json:"title"`
	Agency             string   `json:"agency"`
	Summary            string   `json:"summary"`
	ReplyStatus        string   `json:"reply_status"`
	RecommendationText []string `json:"recommendation_text"`
	Replies            []struct {
		Text string `json:"text"`
	} `json:"replies"`
}

func publishBody(version int) map[string]any {
	return map[string]any{"version": version, "person_names": privateNames, "extra_terms": []string{"欧阳小吃店", oddPhone}}
}

// everyFormat fetches the feed in every public format and returns the
// bodies by name.
func everyFormat(t *testing.T, env *apitest.Env, ids []int64) map[string]string {
	t.Helper()
	out := map[string]string{
		"json list": string(env.Do("GET", "/api/v1/public/disclosures?limit=100", "", nil).Expect(t, 200).Body),
		"html list": string(env.Do("GET", "/disclosures?limit=100", "", nil).Expect(t, 200).Body),
		"atom":      string(env.Do("GET", "/disclosures.atom", "", nil).Expect(t, 200).Body),
		"search":    string(env.Do("GET", "/api/v1/public/disclosures?q="+"%E6%A0%A1%E5%9B%AD", "", nil).Expect(t, 200).Body),
	}
	for _, id := range ids {
		for name, path := range map[string]string{"json item": "/api/v1/public/disclosures/%d", "html item": "/disclosures/%d", "pdf": "/disclosures/%d.pdf"} {
			res := env.Do("GET", fmt.Sprintf(path, id), "", nil)
			key := fmt.Sprintf("%s %d (%d)", name, id, res.Status)
			if name == "pdf" && res.Status == 200 {
				out[key] = pdfRunText(t, res.Body)
				continue
			}
			out[key] = string(res.Body)
		}
	}
	return out
}

// pdfRunText is the PDF's text as one run: lines are broken inside numbers
// and words, and the checks must see them whole.
func pdfRunText(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(pdfText(t, pdf)), "")
}

func TestDisclosureNeverLeaksAndRedacts(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		pub := createCaseFixture(t, env, publicCaseFixture{Marker: "甲公开", State: cases.StateReplied, Issued: true, Replied: true, Seq: 1})
		unpublished := createCaseFixture(t, env, publicCaseFixture{Marker: "乙未公开", State: cases.StateDelivered, Issued: true, Seq: 2})
		minors := createCaseFixture(t, env, publicCaseFixture{Marker: "丙未成年", State: cases.StateDelivered, Issued: true, Minors: true, Seq: 3})
		secret := createCaseFixture(t, env, publicCaseFixture{Marker: "丁涉密", State: cases.StateDelivered, Issued: true, Secret: true, Seq: 4})
		draft := createCaseFixture(t, env, publicCaseFixture{Marker: "戊起草中", State: cases.StateDrafting})
		withdrawn := createCaseFixture(t, env, publicCaseFixture{Marker: "己已撤回", State: cases.StateDelivered, Issued: true, Seq: 5})

		path := func(c *cases.Case, op string) string { return fmt.Sprintf("/api/v1/cases/%d/disclosure/%s", c.ID, op) }
		// The prosecutor previews; each change is marked.
		prev := env.Do("POST", path(pub, "preview"), "prosecutor1", map[string]any{"person_names": privateNames}).Expect(t, 200).JSON()
		if r, _ := prev["residual"].([]any); len(r) != 1 {
			t.Fatalf("preview residual %v, want the one number the rules miss", prev["residual"])
		}
		secs := prev["sections"].([]any)
		if len(secs) != 2 {
			t.Fatalf("preview sections %d, want letter + reply", len(secs))
		}
		first := secs[0].(map[string]any)
		if !strings.Contains(first["marked"].(string), "【张三→张某】") || len(first["changes"].([]any)) < 8 {
			t.Fatalf("preview not marked: %v", first["marked"])
		}
		list := []struct {
			name   string
			c      *cases.Case
			user   string
			status int
			code   string
		}{
			{"prosecutor may not decide", pub, "prosecutor1", 403, "role_not_allowed"},
			{"chief of another procuratorate", pub, "citychief1", 404, "not_found"},
			{"agency", pub, "agency1", 403, "role_not_allowed"},
			{"minors case", minors, "chief1", 409, "not_publishable"},
			{"state secret case", secret, "chief1", 409, "not_publishable"},
			{"case not issued", draft, "chief1", 409, "not_issued"},
			{"stale version", pub, "chief1", 409, "stale_version"},
		}
		for _, tc := range list {
			v := tc.c.Version
			if tc.code == "stale_version" {
				v--
			}
			res := env.Do("POST", path(tc.c, "publish"), tc.user, publishBody(v))
			if res.Status != tc.status || res.ErrorCode() != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, res.Status, res.ErrorCode(), tc.status, tc.code)
			}
		}
		// A number the rules missed blocks publication until listed.
		res := env.Do("POST", path(pub, "publish"), "chief1", map[string]any{"version": pub.Version, "person_names": privateNames})
		if res.Status != 400 || res.ErrorCode() != "residual_personal_data" {
			t.Fatalf("publish with a residual number: %d %s", res.Status, res.ErrorCode())
		}
		var dec struct {
			DisclosureID int64 `json:"disclosure_id"`
		}
		env.Do("POST", path(pub, "publish"), "chief1", publishBody(pub.Version)).Expect(t, 200).Decode(t, &dec)
		env.Do("POST", path(pub, "publish"), "chief1", publishBody(pub.Version)).Expect(t, 409)
		var wd struct {
			DisclosureID int64 `json:"disclosure_id"`
		}
		env.Do("POST", path(withdrawn, "publish"), "chief1", publishBody(withdrawn.Version)).Expect(t, 200).Decode(t, &wd)
		env.Do("POST", path(withdrawn, "withdraw"), "chief1", map[string]any{"reason": "发现涉及个人隐私"}).Expect(t, 200)
		env.Do("POST", path(withdrawn, "withdraw"), "chief1", map[string]any{"reason": "再次撤回"}).Expect(t, 409)

		// Both decisions are on the case timeline and in the audit trail.
		var n int64
		db.Model(&cases.CaseEvent{}).Where("case_id = ? AND action IN ?", withdrawn.ID, []string{"disclosure_publish", "disclosure_withdraw"}).Count(&n)
		if n != 2 {
			t.Fatalf("timeline has %d disclosure events, want 2", n)
		}
		db.Model(&audit.Entry{}).Where("object_type = ? AND object_id = ? AND action LIKE ?", "case", withdrawn.ID, "case.disclosure_%").Count(&n)
		if n != 2 {
			t.Fatalf("audit has %d disclosure entries, want 2", n)
		}

		bodies := everyFormat(t, env, []int64{dec.DisclosureID, wd.DisclosureID})
		// The feed's item (read by hand; on SQLite packed) gives each of its
		// fields as the item's own page does.
		var feed struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal([]byte(bodies["json list"]), &feed); err != nil || len(feed.Items) == 0 {
			t.Fatalf("json list %s: %v", bodies["json list"], err)
		}
		var one map[string]any
		if err := json.Unmarshal([]byte(bodies[fmt.Sprintf("json item %d (200)", dec.DisclosureID)]), &one); err != nil {
			t.Fatal(err)
		}
		for _, it := range feed.Items {
			if it["id"] != one["id"] {
				continue
			}
			for k, v := range it {
				if !reflect.DeepEqual(v, one[k]) {
					t.Errorf("feed item %s = %v, item page %v", k, v, one[k])
				}
			}
		}
		for name, body := range bodies {
			for _, c := range []*cases.Case{unpublished, minors, secret, draft, withdrawn} {
				if strings.Contains(body, c.Title[:6]) || (c.DocumentNumber != nil && strings.Contains(body, *c.DocumentNumber)) {
					t.Errorf("%s shows case %q, which is not published", name, c.Title)
				}
			}
			for _, internal := range []string{"内部审批意见", "内部摘要", "未定稿草稿", "0571-88886666", "欧阳小吃店"} {
				if strings.Contains(body, internal) {
					t.Errorf("%s shows internal or redacted text %q", name, internal)
				}
			}
			assertNoPersonalData(t, name, body)
		}
		for _, name := range []string{"json list", "html list", "atom", fmt.Sprintf("json item %d (200)", dec.DisclosureID), fmt.Sprintf("html item %d (200)", dec.DisclosureID)} {
			if !strings.Contains(bodies[name], "甲公开") {
				t.Errorf("%s does not show the published case", name)
			}
		}
		if _, ok := bodies[fmt.Sprintf("pdf %d (200)", dec.DisclosureID)]; !ok {
			t.Errorf("published PDF missing: %v", keys(bodies))
		}
		for _, f := range []string{"json item %d (404)", "html item %d (404)", "pdf %d (404)"} {
			if _, ok := bodies[fmt.Sprintf(f, wd.DisclosureID)]; !ok {
				t.Errorf("withdrawn item still served: %v", keys(bodies))
			}
		}
		var item publishedItem
		env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", dec.DisclosureID), "", nil).Expect(t, 200).Decode(t, &item)
		text := strings.Join(item.RecommendationText, "\n")
		if len(item.Replies) != 1 || !strings.Contains(item.Replies[0].Text, "欧阳某") || !strings.Contains(text, "张某") ||
			!strings.Contains(text, "临江市清河区市场监督管理局") || item.ReplyStatus != "replied" {
			t.Fatalf("published item lost its content: %+v", item)
		}
		// The preview of a published case starts from its stored lists.
		again := env.Do("POST", path(pub, "preview"), "prosecutor1", nil).Expect(t, 200).JSON()
		if again["published"] != true || len(again["person_names"].([]any)) != len(privateNames) || len(again["residual"].([]any)) != 0 {
			t.Fatalf("preview after publishing: %v %v %v", again["published"], again["person_names"], again["residual"])
		}
		// A case flagged minors after publication leaves every format at once.
		db.Model(&cases.Case{}).Where("id = ?", pub.ID).Update("involves_minors", true)
		for name, body := range everyFormat(t, env, []int64{dec.DisclosureID}) {
			if strings.Contains(body, "甲公开") {
				t.Errorf("%s still shows a case flagged minors", name)
			}
		}
		db.Model(&cases.Case{}).Where("id = ?", pub.ID).Update("involves_minors", false)
		// Redaction is stored: a later change of the live draft does not
		// change what is published until a recorded refresh.
		db.Model(&cases.RecommendationDraft{}).Where("case_id = ? AND version_no = 1", pub.ID).Update("content", fixtureContent("改写后").Encode())
		body := string(env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", dec.DisclosureID), "", nil).Expect(t, 200).Body)
		if strings.Contains(body, "改写后") {
			t.Fatal("published text recomputed from live data")
		}
		env.Do("POST", path(pub, "refresh"), "chief1", map[string]any{"version": pub.Version}).Expect(t, 200)
		body = string(env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", dec.DisclosureID), "", nil).Expect(t, 200).Body)
		if !strings.Contains(body, "改写后") {
			t.Fatal("refresh did not re-publish")
		}
		assertNoPersonalData(t, "refreshed item", body)
	})
}

func keys(m map[string]string) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAtomFeedIsValidAtom(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		for i, m := range []string{"甲", "乙"} {
			c := createCaseFixture(t, env, publicCaseFixture{Marker: m, State: cases.StateDelivered, Issued: true, Seq: i + 1})
			env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID), "chief1", publishBody(c.Version)).Expect(t, 200)
		}
		res := env.Do("GET", "/disclosures.atom", "", nil).Expect(t, 200)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Fatalf("content type %q", ct)
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Title   string   `xml:"title"`
			Updated string   `xml:"updated"`
			Author  struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Summary string `xml:"summary"`
				Link    []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		dec := xml.NewDecoder(bytes.NewReader(res.Body))
		if err := dec.Decode(&feed); err != nil {
			t.Fatalf("feed is not XML: %v\n%s", err, res.Body)
		}
		if feed.ID == "" || feed.Title == "" || feed.Author.Name == "" || len(feed.Links) == 0 {
			t.Fatalf("feed lacks id/title/author/link: %+v", feed)
		}
		if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
			t.Fatalf("feed updated %q: %v", feed.Updated, err)
		}
		if len(feed.Entries) != 2 {
			t.Fatalf("%d entries, want 2", len(feed.Entries))
		}
		seen := map[string]bool{}
		for _, e := range feed.Entries {
			if !strings.HasPrefix(e.ID, "tag:") || !strings.Contains(e.ID, ",2026:disclosure/") || seen[e.ID] {
				t.Errorf("entry id %q not a stable unique tag URI", e.ID)
			}
			seen[e.ID] = true
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.Title == "" || e.Summary == "" || len(e.Link) == 0 || e.Link[0].Href == "" {
				t.Errorf("entry incomplete: %+v", e)
			}
		}
		// Entry ids do not change when the feed is fetched again.
		again := env.Do("GET", "/disclosures.atom", "", nil).Expect(t, 200)
		for id := range seen {
			if !bytes.Contains(again.Body, []byte(id)) {
				t.Errorf("entry id %s changed between fetches", id)
			}
		}
	})
}

func TestFeedCachingHeaders(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		c := createCaseFixture(t, env, publicCaseFixture{Marker: "甲", State: cases.StateDelivered, Issued: true, Seq: 1})
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID), "chief1", publishBody(c.Version)).Expect(t, 200)
		for _, path := range []string{"/api/v1/public/disclosures", "/disclosures", "/disclosures.atom"} {
			first := env.Do("GET", path, "", nil).Expect(t, 200)
			etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("%s: no ETag/Last-Modified", path)
			}
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("If-None-Match", etag)
			env.DoRequest(req, "").Expect(t, http.StatusNotModified)
			req = httptest.NewRequest("GET", path, nil)
			req.Header.Set("If-Modified-Since", lm)
			env.DoRequest(req, "").Expect(t, http.StatusNotModified)
		}
		first := env.Do("GET", "/api/v1/public/disclosures", "", nil).Expect(t, 200)
		env.SetNow(env.Now().Add(2 * time.Second))
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/withdraw", c.ID), "chief1", map[string]any{"reason": "更正"}).Expect(t, 200)
		req := httptest.NewRequest("GET", "/api/v1/public/disclosures", nil)
		req.Header.Set("If-None-Match", first.Header.Get("ETag"))
		res := env.DoRequest(req, "").Expect(t, 200)
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		res.Decode(t, &list)
		if len(list.Items) != 0 {
			t.Fatal("withdrawn item still listed")
		}
	})
}

func TestFeedSearchIsRateLimited(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db, func(c *config.Config) { c.Public.SearchPerIP = 2 })
		for i := 0; i < 2; i++ {
			env.Do("GET", "/api/v1/public/disclosures?q=x", "", nil).Expect(t, 200)
		}
		res := env.Do("GET", "/api/v1/public/disclosures?q=x", "", nil).Expect(t, http.StatusTooManyRequests)
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		// Browsing without a search is not limited.
		env.Do("GET", "/api/v1/public/disclosures", "", nil).Expect(t, 200)
		env.Do("GET", "/disclosures?q=x", "", nil).Expect(t, http.StatusTooManyRequests)
	})
}

func TestPublicStats(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		createCaseFixture(t, env, publicCaseFixture{Marker: "甲", State: cases.StateReplied, Issued: true, Replied: true, Seq: 1})
		late := createCaseFixture(t, env, publicCaseFixture{Marker: "乙", State: cases.StateReplied, Issued: true, Replied: true, Seq: 2})
		db.Model(late).Update("first_replied_on", "2026-04-30") // three days after its due date
		createCaseFixture(t, env, publicCaseFixture{Marker: "丙", State: cases.StateDelivered, Issued: true, Seq: 3})
		createCaseFixture(t, env, publicCaseFixture{Marker: "丁", State: cases.StateDelivered, Issued: true, Secret: true, Seq: 4})
		createCaseFixture(t, env, publicCaseFixture{Marker: "戊", State: cases.StateDrafting})
		var st struct {
			Agencies    []disclosure.AgencyStat `json:"agencies"`
			Definitions map[string]string       `json:"definitions"`
		}
		env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, 200).Decode(t, &st)
		if len(st.Agencies) != 1 || st.Agencies[0].Received != 3 || st.Agencies[0].ReplyDue != 0 {
			t.Fatalf("before the due date (2026-04-27) nothing is due: %+v", st.Agencies)
		}
		env.SetNow(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
		env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, 200).Decode(t, &st)
		a := st.Agencies[0]
		// Issued only, state-secret cases left out: 3 received and due, one
		// on time, one late, one never.
		if a.Received != 3 || a.ReplyDue != 3 || a.Replied != 2 || a.OnTime != 1 || a.Late != 1 || a.NoReply != 1 ||
			a.OnTimeRate.Percent != 33.3 || a.ReplyRate.Percent != 66.7 {
			t.Fatalf("stats %+v", a)
		}
		if st.Definitions["on_time_rate"] != stats.Definitions["on_time_rate"] {
			t.Fatalf("definitions %v", st.Definitions)
		}
		page := env.Do("GET", "/public/stats", "", nil).Expect(t, 200)
		if !bytes.Contains(page.Body, []byte("临江市清河区市场监督管理局")) || !bytes.Contains(page.Body, []byte("33.3%")) ||
			!bytes.Contains(page.Body, []byte("66.7%")) || !bytes.Contains(page.Body, []byte(stats.Definitions["no_reply"])) {
			t.Fatalf("stats page: %s", page.Body)
		}
	})
}

// A reply made through the real agency action is published redacted, with
// its measures and without the contact details.
func TestPublishAfterRealAgencyReply(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		c := createCaseFixture(t, env, publicCaseFixture{Marker: "庚", State: cases.StateDelivered, Issued: true, Seq: 7})
		res := env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/reply", c.ID), "agency1", map[string]any{
			"version": c.Version, "kind": "final", "position": "adopted",
			"items":          []map[string]any{{"item_no": 1, "position": "adopted"}, {"item_no": 2, "position": "adopted"}},
			"text":           "我局已责令欧阳娜娜（电话13912345678）停业整改。",
			"measures_taken": "对李小明经营的摊点立案查处。",
			"contact_person": "王科长", "contact_phone": "0571-88886666",
		})
		if res.Status != 200 {
			t.Fatalf("agency reply: %d %s", res.Status, res.Body)
		}
		var after cases.Case
		db.First(&after, c.ID)
		var dec struct {
			DisclosureID int64 `json:"disclosure_id"`
		}
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID), "chief1", publishBody(after.Version)).Expect(t, 200).Decode(t, &dec)
		var item publishedItem
		body := env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", dec.DisclosureID), "", nil).Expect(t, 200)
		body.Decode(t, &item)
		if len(item.Replies) != 1 || !strings.Contains(item.Replies[0].Text, "欧阳某") || !strings.Contains(item.Replies[0].Text, "已采取的措施") {
			t.Fatalf("published replies %+v", item.Replies)
		}
		if strings.Contains(string(body.Body), "0571-88886666") || strings.Contains(string(body.Body), "王科长") {
			t.Fatal("reply contact details published")
		}
		assertNoPersonalData(t, "reply", item.Replies[0].Text)
	})
}

// Two publish decisions at once: exactly one is recorded.
func TestConcurrentPublishRecordsOne(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		c := createCaseFixture(t, env, publicCaseFixture{Marker: "辛", State: cases.StateDelivered, Issued: true, Seq: 8})
		env.Token("chief1")
		statuses := make(chan int, 2)
		for i := 0; i < 2; i++ {
			go func() {
				statuses <- env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID), "chief1", publishBody(c.Version)).Status
			}()
		}
		a, b := <-statuses, <-statuses
		if !(a == 200 && b == 409 || a == 409 && b == 200) {
			t.Fatalf("statuses %d %d, want one 200 and one 409", a, b)
		}
		var n int64
		db.Model(&cases.CaseEvent{}).Where("case_id = ? AND action = ?", c.ID, "disclosure_publish").Count(&n)
		if n != 1 {
			t.Fatalf("%d publish events, want 1", n)
		}
	})
}

// Text from the case is escaped in every HTML and XML output.
func TestPublishedMarkupIsEscaped(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		c := createCaseFixture(t, env, publicCaseFixture{Marker: `<script>alert("x")</script>`, State: cases.StateDelivered, Issued: true, Seq: 9})
		var dec struct {
			DisclosureID int64 `json:"disclosure_id"`
		}
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID), "chief1", publishBody(c.Version)).Expect(t, 200).Decode(t, &dec)
		for _, path := range []string{"/disclosures", fmt.Sprintf("/disclosures/%d", dec.DisclosureID), "/disclosures.atom"} {
			body := env.Do("GET", path, "", nil).Expect(t, 200).Body
			if bytes.Contains(body, []byte("<script>")) || !bytes.Contains(body, []byte("&lt;script&gt;")) {
				t.Errorf("%s: markup not escaped", path)
			}
		}
	})
}
