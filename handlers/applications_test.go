package handlers_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/applications"
	"jianyi/internal/cases"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

var applicantID = validResidentID("11010519900307123")

// solvedApplication returns a valid application body with a solved
// proof-of-work challenge.
func solvedApplication(t *testing.T, env *apitest.Env, idNumber, problem string) map[string]any {
	t.Helper()
	var ch struct {
		Challenge  string `json:"challenge"`
		Difficulty int    `json:"difficulty"`
	}
	env.Do("GET", "/api/v1/public/challenge", "", nil).Expect(t, 200).Decode(t, &ch)
	return map[string]any{
		"applicant_name": "欧阳娜娜", "id_type": "resident_id", "id_number": idNumber, "phone": "13912345678",
		"problem": problem, "place": "临江市清河区建国路88号", "agency_name": "临江市清河区市场监督管理局",
		"procuratorate_id": env.Org.District.ID, "consent_privacy": true,
		"challenge": ch.Challenge, "nonce": applications.SolveChallenge(ch.Challenge, ch.Difficulty),
	}
}

const problemText = "清河区实验小学门口每天有无证流动摊贩售卖过期零食，多次向有关部门反映无果，学生身体健康受到威胁。"

type submitted struct {
	TrackingNo string `json:"tracking_no"`
	Secret     string `json:"secret"`
}

func submit(t *testing.T, env *apitest.Env, body map[string]any) submitted {
	t.Helper()
	var s submitted
	env.Do("POST", "/api/v1/public/applications", "", body).Expect(t, 201).Decode(t, &s)
	if s.TrackingNo == "" || len(s.Secret) < 26 {
		t.Fatalf("submit answer %+v", s)
	}
	return s
}

func lookUp(env *apitest.Env, no, secret, ip string) *apitest.Response {
	req := httptest.NewRequest("GET", "/api/v1/public/applications/"+url.PathEscape(no), nil)
	req.Header.Set("X-Application-Secret", secret)
	if ip != "" {
		req.RemoteAddr = ip + ":5000"
	}
	return env.DoRequest(req, "")
}

var requestIDField = regexp.MustCompile(`"request_id":"[^"]*"`)

func TestApplicationFlow(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		s := submit(t, env, solvedApplication(t, env, applicantID, problemText))

		// The secret is stored only as a hash.
		var app applications.Application
		if err := db.Where("tracking_no = ?", s.TrackingNo).First(&app).Error; err != nil {
			t.Fatal(err)
		}
		if app.SecretHash == s.Secret || strings.Contains(app.SecretHash, s.Secret) || len(app.SecretHash) != 64 {
			t.Fatal("secret stored in clear")
		}
		if app.AnswerDue.String() != "2026-03-11" {
			t.Fatalf("answer due %s, want 7 working days after Monday 2026-03-02", app.AnswerDue)
		}

		// The applicant sees status and answers only — no personal data.
		ok := lookUp(env, s.TrackingNo, s.Secret, "").Expect(t, 200)
		for _, private := range []string{"欧阳娜娜", applicantID, "13912345678", "建国路", "流动摊贩"} {
			if bytes.Contains(ok.Body, []byte(private)) {
				t.Fatalf("status page shows %q: %s", private, ok.Body)
			}
		}
		if ok.JSON()["status"] != "submitted" {
			t.Fatalf("status %s", ok.Body)
		}

		// Wrong secret and unknown number answer identically.
		wrongSecret := lookUp(env, s.TrackingNo, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "")
		unknown := lookUp(env, "SQ2026030299999999", s.Secret, "")
		noSecret := lookUp(env, s.TrackingNo, "", "")
		for name, r := range map[string]*apitest.Response{"unknown number": unknown, "no secret": noSecret} {
			if r.Status != wrongSecret.Status || r.Status != 404 ||
				requestIDField.ReplaceAllString(string(r.Body), "") != requestIDField.ReplaceAllString(string(wrongSecret.Body), "") {
				t.Fatalf("%s answers %d %s; wrong secret answers %d %s", name, r.Status, r.Body, wrongSecret.Status, wrongSecret.Body)
			}
		}

		// Staff of another procuratorate cannot see it; an agency cannot list.
		env.Do("GET", fmt.Sprintf("/api/v1/applications/%d", app.ID), "cityprosecutor1", nil).Expect(t, 404)
		env.Do("GET", "/api/v1/applications", "agency1", nil).Expect(t, 403)
		list := env.Do("GET", "/api/v1/applications", "casemgr1", nil).Expect(t, 200).JSON()
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id_number"] == applicantID {
			t.Fatalf("case manager list (one item, ID number masked): %v", list)
		}
		// The list item is a summary: no contact data or ID number (the
		// detail has them), every field it has as the detail gives it.
		listedAsDetailed := func() {
			t.Helper()
			list := env.Do("GET", "/api/v1/applications", "casemgr1", nil).Expect(t, 200).JSON()
			item := list["items"].([]any)[0].(map[string]any)
			detail := env.Do("GET", fmt.Sprintf("/api/v1/applications/%d", app.ID), "casemgr1", nil).Expect(t, 200).JSON()
			for _, private := range []string{"id_type", "id_number", "phone", "place", "decision_reasons"} {
				if _, ok := item[private]; ok {
					t.Errorf("list item has %s: %v", private, item)
				}
			}
			for _, k := range []string{"id", "tracking_no", "procuratorate_id", "applicant_name", "problem", "agency_name", "agency_id", "status",
				"status_label", "version", "submitted_on", "answer_due", "answered_on", "result_due", "next_update_due", "decided_on", "case_id",
				"duplicate_of", "created_at"} {
				if v, ok := item[k]; !ok || !reflect.DeepEqual(v, detail[k]) {
					t.Errorf("list item %s = %v, detail %v", k, v, detail[k])
				}
			}
		}
		listedAsDetailed()

		base := fmt.Sprintf("/api/v1/applications/%d/", app.ID)
		// 需补正 needs what is missing.
		env.Do("POST", base+"answer", "casemgr1", map[string]any{"version": 1, "kind": "needs_supplement"}).Expect(t, 400)
		env.Do("POST", base+"answer", "casemgr1", map[string]any{"version": 1, "kind": "needs_supplement", "missing": "摊贩售卖过期食品的照片"}).Expect(t, 200)
		// The applicant adds material with the secret.
		req := apitest.Multipart("POST", "/api/v1/public/applications/"+s.TrackingNo+"/materials", map[string]string{"note": "补充照片"},
			[]apitest.File{{Field: "files", Name: "照片说明.txt", ContentType: "text/plain", Content: []byte("2026年3月1日拍摄的照片说明")}})
		req.Header.Set("X-Application-Secret", s.Secret)
		env.DoRequest(req, "").Expect(t, 200)
		req = apitest.Multipart("POST", "/api/v1/public/applications/"+s.TrackingNo+"/materials", nil,
			[]apitest.File{{Field: "files", Name: "a.txt", Content: []byte("再次补充")}})
		req.Header.Set("X-Application-Secret", s.Secret)
		env.DoRequest(req, "").Expect(t, 409)

		// 受理, then a stale version loses.
		env.Do("POST", base+"answer", "casemgr1", map[string]any{"version": 3, "kind": "accepted"}).Expect(t, 200)
		env.Do("POST", base+"answer", "casemgr1", map[string]any{"version": 3, "kind": "accepted"}).Expect(t, 409)
		env.Do("GET", "/api/v1/public/applications/"+s.TrackingNo+"/notice.pdf", "", nil).Expect(t, 404)
		req = httptest.NewRequest("GET", "/api/v1/public/applications/"+s.TrackingNo+"/notice.pdf", nil)
		req.Header.Set("X-Application-Secret", s.Secret)
		pdf := env.DoRequest(req, "").Expect(t, 200)
		if !bytes.HasPrefix(pdf.Body, []byte("%PDF")) {
			t.Fatal("notice is not a PDF")
		}
		if text := pdfRunText(t, pdf.Body); !strings.Contains(text, "受理告知书") || strings.Contains(text, "欧阳娜娜") || !strings.Contains(text, "欧阳某") {
			t.Fatalf("notice text: %s", text)
		}

		// Decide: accept registers a lead from the application.
		env.Do("POST", base+"progress", "prosecutor1", map[string]any{"version": 4, "text": "正在调取市场监管部门的执法记录。"}).Expect(t, 200)
		var d applications.ApplicationDetail
		env.Do("POST", base+"decide", "prosecutor1", map[string]any{"version": 5, "decision": "accept", "field": "食品药品安全", "reasons": "反映的问题属实"}).Expect(t, 200).Decode(t, &d)
		if d.Status != applications.AppAccepted || d.CaseID == nil {
			t.Fatalf("decided %+v", d)
		}
		if last := d.Answers[len(d.Answers)-1].Text; !strings.HasSuffix(last, "将定期告知办理进展。说明：反映的问题属实") {
			t.Fatalf("started answer %q: the reasons should follow the standard sentence, set apart", last)
		}
		var c cases.Case
		if err := db.First(&c, *d.CaseID).Error; err != nil {
			t.Fatal(err)
		}
		if c.Source != cases.SourceApplication || c.State != cases.StateLead || c.OriginCaseNumber != s.TrackingNo {
			t.Fatalf("lead %+v", c)
		}
		var audits int64
		db.Model(&audit.Entry{}).Where("object_type = ? AND object_id = ?", "application", app.ID).Count(&audits)
		if audits != 6 { // submit, answer, materials, answer, progress, decide
			t.Fatalf("%d audit entries for the application, want 6", audits)
		}
		st := lookUp(env, s.TrackingNo, s.Secret, "").Expect(t, 200).JSON()
		if st["status"] != "accepted" || len(st["answers"].([]any)) != 6 {
			t.Fatalf("applicant view %v", st)
		}
		// Answered, decided and a case made: the list (scanned by hand;
		// on SQLite packed) still gives every field as the detail does.
		listedAsDetailed()
	})
}

func TestApplicationRejectsBadInput(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db, func(c *config.Config) { c.Public.SubmitPerIP = 100 })
		badCheck := applicantID[:17] + map[bool]string{true: "1", false: "2"}[applicantID[17] != '1']
		cases := []struct {
			name   string
			change func(m map[string]any)
			status int
			code   string
			field  string
		}{
			{"wrong check digit", func(m map[string]any) { m["id_number"] = badCheck }, 400, "invalid_input", "id_number"},
			{"no consent", func(m map[string]any) { m["consent_privacy"] = false }, 400, "invalid_input", "consent_privacy"},
			{"bad phone", func(m map[string]any) { m["phone"] = "12345" }, 400, "invalid_input", "phone"},
			{"honeypot filled", func(m map[string]any) { m["website"] = "http://spam.example" }, 400, "rejected", ""},
			{"no proof of work", func(m map[string]any) { delete(m, "challenge") }, 400, "bot_check_failed", ""},
			{"wrong nonce", func(m map[string]any) { m["nonce"] = "x" }, 400, "bot_check_failed", ""},
			{"unknown procuratorate", func(m map[string]any) { m["procuratorate_id"] = 99999 }, 400, "invalid_input", "procuratorate_id"},
			{"unknown field", func(m map[string]any) { m["secret"] = "x" }, 400, "unknown_field", ""},
			{"problem too long", func(m map[string]any) { m["problem"] = strings.Repeat("长", 5001) }, 400, "validation_failed", "problem"},
		}
		for _, tc := range cases {
			body := solvedApplication(t, env, applicantID, problemText)
			if tc.name == "wrong nonce" {
				for applications.LeadingZeroBits(body["challenge"].(string), "x") >= 6 {
					body = solvedApplication(t, env, applicantID, problemText)
				}
			}
			tc.change(body)
			res := env.Do("POST", "/api/v1/public/applications", "", body)
			if res.Status != tc.status || res.ErrorCode() != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, res.Status, res.ErrorCode(), tc.status, tc.code)
				continue
			}
			if tc.field != "" {
				if _, ok := res.JSON()["error"].(map[string]any)["fields"].(map[string]any)[tc.field]; !ok {
					t.Errorf("%s: field %s not named: %s", tc.name, tc.field, res.Body)
				}
			}
		}
		// A solved challenge works once.
		body := solvedApplication(t, env, applicantID, problemText)
		env.Do("POST", "/api/v1/public/applications", "", body).Expect(t, 201)
		if r := env.Do("POST", "/api/v1/public/applications", "", body); r.ErrorCode() != "bot_check_failed" {
			t.Fatalf("replayed challenge: %d %s", r.Status, r.Body)
		}
		var n int64
		db.Model(&applications.Application{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d applications stored, want only the valid one", n)
		}
	})
}

func TestApplicationRateLimits(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db, func(c *config.Config) {
			c.Public.SubmitPerIP, c.Public.SubmitPerID, c.Public.LookupPerIP, c.Public.LookupPerTracking = 3, 2, 4, 100
		})
		// Per ID number: the third application from the same person (from
		// different addresses) is refused.
		for i, want := range []int{201, 201, 429} {
			body := solvedApplication(t, env, applicantID, fmt.Sprintf("%s第%d次", problemText, i))
			req := httptest.NewRequest("POST", "/api/v1/public/applications", strings.NewReader(mustJSON(body)))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = fmt.Sprintf("198.51.100.%d:4000", i+1)
			res := env.DoRequest(req, "")
			if res.Status != want {
				t.Fatalf("submission %d: %d %s, want %d", i, res.Status, res.Body, want)
			}
			if want == 429 && res.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
		// Refused submissions do not count: five invalid ones from the
		// address first.
		for i := 0; i < 5; i++ {
			body := solvedApplication(t, env, validResidentID(fmt.Sprintf("11010519850101%03d", 200+i)), problemText)
			body["consent_privacy"] = false
			req := httptest.NewRequest("POST", "/api/v1/public/applications", strings.NewReader(mustJSON(body)))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = "203.0.113.9:4000"
			if res := env.DoRequest(req, ""); res.Status != http.StatusBadRequest {
				t.Fatalf("invalid submission %d: %d %s", i, res.Status, res.Body)
			}
		}
		// Per IP: the fourth accepted submission from one address is
		// refused, whatever the ID, with the wait in minutes.
		for i, want := range []int{201, 201, 201, 429} {
			id := validResidentID(fmt.Sprintf("11010519850101%03d", 100+i))
			body := solvedApplication(t, env, id, problemText)
			req := httptest.NewRequest("POST", "/api/v1/public/applications", strings.NewReader(mustJSON(body)))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = "203.0.113.9:4000"
			res := env.DoRequest(req, "")
			if res.Status != want {
				t.Fatalf("IP submission %d: %d %s, want %d", i, res.Status, res.Body, want)
			}
			if want == 429 && (!strings.Contains(string(res.Body), "分钟后再试") || strings.Contains(string(res.Body), "秒")) {
				t.Fatalf("wait not said in minutes: %s", res.Body)
			}
		}
		// Status look-ups per IP.
		for i := 0; i < 4; i++ {
			lookUp(env, "SQ2026030200000000", "x", "192.0.2.50").Expect(t, 404)
		}
		res := lookUp(env, "SQ2026030200000000", "x", "192.0.2.50").Expect(t, http.StatusTooManyRequests)
		if res.Header.Get("Retry-After") == "" || res.ErrorCode() != "rate_limited" {
			t.Fatalf("look-up limit: %v %s", res.Header, res.Body)
		}
		// A second replica on the same database shares the counters.
		replica := newPublicEnv(t, db, func(c *config.Config) {
			c.Public.SubmitPerIP, c.Public.SubmitPerID, c.Public.LookupPerIP, c.Public.LookupPerTracking = 3, 2, 4, 100
		})
		replica.SetNow(env.Now())
		for i := 0; i < 4; i++ {
			e := env
			if i%2 == 1 {
				e = replica
			}
			lookUp(e, "SQ2026030200000001", "x", "192.0.2.77").Expect(t, 404)
		}
		lookUp(replica, "SQ2026030200000001", "x", "192.0.2.77").Expect(t, http.StatusTooManyRequests)
		lookUp(env, "SQ2026030200000001", "x", "192.0.2.77").Expect(t, http.StatusTooManyRequests)
		// The window passes and the address may look up again.
		env.SetNow(env.Now().Add(11 * time.Minute))
		lookUp(env, "SQ2026030200000000", "x", "192.0.2.50").Expect(t, 404)
	})
}

func TestDuplicateApplicationsAreFlagged(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		first := submit(t, env, solvedApplication(t, env, applicantID, problemText))
		// Same person, same problem in other words and punctuation.
		submit(t, env, solvedApplication(t, env, applicantID, "清河区实验小学门口每天都有无证流动摊贩在售卖过期零食！多次向有关部门反映都无果，学生健康受到威胁。"))
		// Same person, a different problem.
		submit(t, env, solvedApplication(t, env, applicantID, "建国路菜市场的排水沟长期堵塞，污水漫溢到人行道，夏季蚊蝇滋生。"))
		var apps []applications.Application
		db.Order("id").Find(&apps)
		if len(apps) != 3 || apps[1].DuplicateOf == nil || *apps[1].DuplicateOf != apps[0].ID || apps[2].DuplicateOf != nil {
			t.Fatalf("duplicate flags: %+v %+v", apps[1].DuplicateOf, apps[2].DuplicateOf)
		}
		d := env.Do("GET", fmt.Sprintf("/api/v1/applications/%d", apps[1].ID), "prosecutor1", nil).Expect(t, 200).JSON()
		if d["duplicate_tracking_no"] != first.TrackingNo {
			t.Fatalf("detail does not name the earlier application: %v", d["duplicate_tracking_no"])
		}
	})
}

var formTokenField = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

func TestApplyHTMLFormWithoutJavaScript(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		page := env.Do("GET", "/apply", "", nil).Expect(t, 200)
		m := formTokenField.FindSubmatch(page.Body)
		if m == nil || !bytes.Contains(page.Body, []byte("临江市清河区人民检察院")) {
			t.Fatalf("form page: %s", page.Body)
		}
		token := html.UnescapeString(string(m[1]))
		form := url.Values{"applicant_name": {"<script>alert(1)</script>"}, "id_type": {"resident_id"}, "id_number": {applicantID},
			"phone": {"13912345678"}, "problem": {problemText}, "place": {"清河区"}, "procuratorate_id": {fmt.Sprint(env.Org.District.ID)},
			"consent_privacy": {"true"}, "website": {""}, "form_token": {token}}
		post := func(v url.Values) *apitest.Response {
			req := httptest.NewRequest("POST", "/apply", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return env.DoRequest(req, "")
		}
		// Too fast for a person: refused, the form comes back escaped.
		res := post(form).Expect(t, 400)
		if bytes.Contains(res.Body, []byte("<script>alert")) || !bytes.Contains(res.Body, []byte("&lt;script&gt;")) {
			t.Fatal("form value not HTML-escaped")
		}
		env.SetNow(env.Now().Add(30 * time.Second))
		// A forged token is refused.
		forged := url.Values{}
		for k, v := range form {
			forged[k] = v
		}
		forged.Set("form_token", "AAAA."+strings.Repeat("B", 22))
		post(forged).Expect(t, 400)
		// A missing field is named by its label, not by its key.
		noCourt := url.Values{}
		for k, v := range form {
			noCourt[k] = v
		}
		noCourt.Del("procuratorate_id")
		if r := post(noCourt).Expect(t, 400); !bytes.Contains(r.Body, []byte("受理检察院为必填字段")) || bytes.Contains(r.Body, []byte("procuratorate_id为")) {
			t.Fatalf("missing procuratorate: %s", r.Body)
		}
		form.Set("applicant_name", "欧阳娜娜")
		done := post(form).Expect(t, 201)
		no := regexp.MustCompile(`SQ\d{16}`).Find(done.Body)
		if no == nil || done.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("done page: %s", done.Body)
		}
		// The token is single-use.
		post(form).Expect(t, 400)
		secret := regexp.MustCompile(`[A-Z2-7]{32}`).Find(done.Body)
		if secret == nil {
			t.Fatalf("no secret on the done page: %s", done.Body)
		}
		// Material when asked, and the notice, from plain forms.
		var app applications.Application
		db.Where("tracking_no = ?", string(no)).First(&app)
		env.Do("POST", fmt.Sprintf("/api/v1/applications/%d/answer", app.ID), "casemgr1", map[string]any{"version": 1, "kind": "needs_supplement", "missing": "现场照片"}).Expect(t, 200)
		mreq := apitest.Multipart("POST", "/apply/materials", map[string]string{"tracking_no": string(no), "secret": string(secret)},
			[]apitest.File{{Field: "files", Name: "说明.txt", ContentType: "text/plain", Content: []byte("现场照片说明")}})
		if r := env.DoRequest(mreq, "").Expect(t, 200); !bytes.Contains(r.Body, []byte("收到补正材料")) {
			t.Fatalf("materials page: %s", r.Body)
		}
		env.Do("POST", fmt.Sprintf("/api/v1/applications/%d/answer", app.ID), "casemgr1", map[string]any{"version": 3, "kind": "accepted"}).Expect(t, 200)
		nreq := httptest.NewRequest("POST", "/apply/notice", strings.NewReader(url.Values{"tracking_no": {string(no)}, "secret": {string(secret)}}.Encode()))
		nreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := env.DoRequest(nreq, "").Expect(t, 200); !bytes.HasPrefix(r.Body, []byte("%PDF")) {
			t.Fatal("notice form did not return a PDF")
		}
		// The status page works from a plain form post too, and answers the
		// same for a wrong secret as for an unknown number.
		look := func(no, secret string) *apitest.Response {
			v := url.Values{"tracking_no": {no}, "secret": {secret}}
			req := httptest.NewRequest("POST", "/apply/status", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return env.DoRequest(req, "")
		}
		a, b := look(string(no), "wrong"), look("SQ2026030211111111", "wrong")
		if a.Status != 404 || b.Status != 404 || !bytes.Contains(a.Body, []byte("查询码或查询密码不正确")) {
			t.Fatalf("status page: %d %d", a.Status, b.Status)
		}
	})
}
