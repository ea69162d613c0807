package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// pdfBytes is a tiny document the upload sniffer recognises as a PDF.
func pdfBytes(text string) []byte {
	return []byte("%PDF-1.4\n%" + text + "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
}

// fixtureDraftV1Secret is text that only an unapproved early draft contains;
// an agency must never see it.
const fixtureDraftV1Secret = "内部初稿措辞-不得外泄"

// fixtureInternalFinding is text of an internal follow-up record.
const fixtureInternalFinding = "内部研判：拟提请上级督办"

// createDeliveredCaseFixture writes a recommendation already delivered to
// agency1 straight through GORM (the prosecutor-side actions belong to
// another feature and are not driven here): state delivered, 文号, delivered
// today, an unapproved draft v1 and the issued draft v2 with three items, an
// internal event and an internal file. When signed is true the receipt is
// recorded too and the reply clock runs (cases.Service.SetReplyDeadline).
func createDeliveredCaseFixture(t *testing.T, env *apitest.Env, seq int, signed bool) *cases.Case {
	t.Helper()
	db := env.DB
	var prosecutor org.User
	if err := db.Where("username = ?", "prosecutor1").First(&prosecutor).Error; err != nil {
		t.Fatal(err)
	}
	svc := env.Server.Cases()
	now := env.Now().UTC()
	today := svc.Today()
	agency := env.Org.Agency1.ID
	docNo := fmt.Sprintf("清河检八建〔%d〕%d号", today.Year(), seq)
	year := today.Year()
	c := &cases.Case{ProcuratorateID: env.Org.District.ID, DepartmentID: env.Org.Department.ID,
		Title: fmt.Sprintf("校园周边食品安全隐患%d", seq), Field: "食品药品安全", Source: cases.SourceCaseFinding,
		Summary: "内部案情摘要", AgencyID: &agency, ProsecutorID: prosecutor.ID, State: cases.StateDelivered, Version: 1,
		DocumentNumber: &docNo, DocYear: &year, DocSeq: &seq, IssuedAt: &now, DeliveredOn: &today,
		StateEnteredAt: now, CreatedBy: prosecutor.ID, CreatedAt: now, UpdatedAt: now}
	if signed {
		svc.SetReplyDeadline(db.DB, c, today)
	}
	if err := db.Create(c).Error; err != nil {
		t.Fatalf("fixture case: %v", err)
	}
	content := cases.RecommendationContent{Addressee: env.Org.Agency1.Name, ProblemSource: "本院在办理案件中发现",
		Facts: "校园周边流动摊贩无证经营", Illegality: "存在食品安全隐患",
		Items: []cases.RecommendationItem{
			{Text: "开展校园周边食品安全专项整治", LegalBasis: "《中华人民共和国食品安全法》第六条"},
			{Text: "建立常态化巡查机制", LegalBasis: "《中华人民共和国食品安全法》第一百一十条"},
			{Text: "加强对从业人员的培训", LegalBasis: "《中华人民共和国食品安全法》第四十四条"},
		}}
	early := content
	early.Facts = fixtureDraftV1Secret
	drafts := []cases.RecommendationDraft{
		{CaseID: c.ID, VersionNo: 1, Content: early.Encode(), Status: "rejected", AuthorID: prosecutor.ID, ReviewComments: "内部审批意见", CreatedAt: now, UpdatedAt: now},
		{CaseID: c.ID, VersionNo: 2, Content: content.Encode(), Status: "issued", AuthorID: prosecutor.ID, CreatedAt: now, UpdatedAt: now},
	}
	if err := db.Create(&drafts).Error; err != nil {
		t.Fatalf("fixture drafts: %v", err)
	}
	ev := &cases.CaseEvent{CaseID: c.ID, Action: "investigate", FromState: cases.StateFiled, ToState: cases.StateInvestigating,
		ActorName: prosecutor.DisplayName, Role: "prosecutor", Note: "内部调查", Data: "{}", Internal: true, CreatedAt: now}
	if err := db.Create(ev).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := files.StoreUploads(db.DB, 0, c.ID, "investigation", 1, true, []files.Upload{{Filename: "内部调查笔录.pdf", ContentType: "application/pdf", Content: pdfBytes("internal")}}); err != nil {
		t.Fatal(err)
	}
	return c
}

// agencyDetail is the part of GET /agency/recommendations/{id} the tests read.
type agencyDetail struct {
	ID             int64    `json:"id"`
	Version        int      `json:"version"`
	State          string   `json:"state"`
	DocumentNumber *string  `json:"document_number"`
	ReplyDue       *string  `json:"reply_due"`
	ObjectionDue   *string  `json:"objection_due"`
	Signed         bool     `json:"signed"`
	SignerName     string   `json:"signer_name"`
	ReplyClass     string   `json:"reply_class"`
	Rectification  string   `json:"rectification"`
	AllowedActions []string `json:"allowed_actions"`
	Content        struct {
		Items []struct {
			Text string `json:"text"`
		} `json:"items"`
	} `json:"content"`
	Replies []struct {
		ID       int64  `json:"id"`
		Kind     string `json:"kind"`
		Position string `json:"position"`
		Late     bool   `json:"late"`
		Returned bool   `json:"returned"`
		Items    []struct {
			ItemNo   int    `json:"item_no"`
			Position string `json:"position"`
		} `json:"items"`
		Files []struct {
			ID       int64  `json:"id"`
			Filename string `json:"filename"`
		} `json:"files"`
		Return *struct {
			Reason string `json:"reason"`
		} `json:"return"`
	} `json:"replies"`
	Objections        []map[string]any `json:"objections"`
	ExtensionRequests []map[string]any `json:"extension_requests"`
	FollowUps         []map[string]any `json:"follow_ups"`
	ProgressReports   []map[string]any `json:"progress_reports"`
	Files             []struct {
		ID        int64  `json:"id"`
		OwnerType string `json:"owner_type"`
		Filename  string `json:"filename"`
	} `json:"files"`
}

// act posts an action as JSON and decodes the case it returns.
func act(t *testing.T, env *apitest.Env, id int64, action, user string, body map[string]any, want int) (caseState, *apitest.Response) {
	t.Helper()
	res := env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), user, body).Expect(t, want)
	var c caseState
	if want == http.StatusOK {
		res.Decode(t, &c)
	}
	return c, res
}

// actMultipart posts an action with files.
func actMultipart(t *testing.T, env *apitest.Env, id int64, action, user string, version int, payload any, files []apitest.File) *apitest.Response {
	t.Helper()
	raw, _ := json.Marshal(payload)
	req := apitest.Multipart("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action),
		map[string]string{"version": fmt.Sprint(version), "payload": string(raw)}, files)
	return env.DoRequest(req, user)
}

func detail(t *testing.T, env *apitest.Env, id int64, user string) (agencyDetail, *apitest.Response) {
	t.Helper()
	res := env.Do("GET", fmt.Sprintf("/api/v1/agency/recommendations/%d", id), user, nil).Expect(t, http.StatusOK)
	var d agencyDetail
	res.Decode(t, &d)
	return d, res
}

func allItems(positions ...string) []map[string]any {
	out := make([]map[string]any, len(positions))
	for i, p := range positions {
		out[i] = map[string]any{"item_no": i + 1, "position": p}
		if p == agency.PositionNotAdopted {
			out[i]["reason"] = "职能范围外"
		}
	}
	return out
}

// shanghaiNoon is noon on a civil date in Asia/Shanghai, as UTC.
func shanghaiNoon(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 4, 0, 0, 0, time.UTC)
}

// TestAgencyFullRound plays both sides: delivered → agency signs → asks for an
// extension → granted → replies late with a file → returned as perfunctory →
// supplement → assessed 部分到位 → follow-up → closed; the class ends 粗回复.
func TestAgencyFullRound(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 1, false)
		id := fx.ID

		// The inbox shows it, not yet signed.
		var inbox struct {
			Items []struct {
				ID             int64   `json:"id"`
				DocumentNumber *string `json:"document_number"`
				Signed         bool    `json:"signed"`
				State          string  `json:"state"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/agency/recommendations", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != id || inbox.Items[0].Signed || *inbox.Items[0].DocumentNumber != *fx.DocumentNumber {
			t.Fatalf("inbox %+v", inbox.Items)
		}

		// 签收.
		c, _ := act(t, env, id, "sign", "agency1", map[string]any{"version": 1, "signer_name": "王科长", "received_on": fx.DeliveredOn.String()}, http.StatusOK)
		if c.ReplyDue == nil || c.State != "delivered" {
			t.Fatalf("after sign %+v", c)
		}
		firstDue, _ := calendar.ParseDate(*c.ReplyDue)
		want := calendar.ReplyDeadline(*fx.DeliveredOn, 2, calendar.DefaultHolidayCalendar()).Due
		if firstDue != want {
			t.Fatalf("reply due %s, want %s", firstDue, want)
		}
		d, _ := detail(t, env, id, "agency1")
		if !d.Signed || d.SignerName != "王科长" || d.ObjectionDue == nil {
			t.Fatalf("signed detail %+v", d)
		}
		if slices.Contains(d.AllowedActions, "sign") {
			t.Fatalf("signed recommendation still offers sign: %v", d.AllowedActions)
		}
		// The signed letter's inbox item (read by hand, on SQLite packed)
		// gives what the detail gives.
		item := env.Do("GET", "/api/v1/agency/recommendations", "agency1", nil).Expect(t, http.StatusOK).JSON()["items"].([]any)[0].(map[string]any)
		full := env.Do("GET", fmt.Sprintf("/api/v1/agency/recommendations/%d", id), "agency1", nil).Expect(t, http.StatusOK).JSON()
		for _, k := range []string{"id", "version", "state", "state_label", "document_number", "title", "procuratorate_name", "delivered_on",
			"received_on", "signed", "reply_due", "reply_class"} {
			if !reflect.DeepEqual(item[k], full[k]) {
				t.Errorf("inbox item %s = %v, detail %v", k, item[k], full[k])
			}
		}
		if item["signed"] != true || item["received_on"] != fx.DeliveredOn.String() {
			t.Fatalf("signed inbox item %v", item)
		}

		// 延期: asked, then a second request while open is refused, then granted.
		c, _ = act(t, env, id, "request_extension", "agency1", map[string]any{"version": c.Version, "reason": "涉及多部门协调", "requested_days": 30}, http.StatusOK)
		_, r := act(t, env, id, "request_extension", "agency1", map[string]any{"version": c.Version, "reason": "再次申请", "requested_days": 10}, http.StatusConflict)
		if r.ErrorCode() != "extension_pending" {
			t.Fatalf("second request: %s", r.Body)
		}
		c, _ = act(t, env, id, "decide_extension", "prosecutor1", map[string]any{"version": c.Version, "decision": "grant"}, http.StatusOK)
		newDue, _ := calendar.ParseDate(*c.ReplyDue)
		wantDue, _ := calendar.ComputeDeadline(firstDue, "days:30", calendar.DefaultHolidayCalendar())
		if newDue != wantDue.Due {
			t.Fatalf("extended due %s, want %s", newDue, wantDue.Due)
		}

		// A late final reply with a file, three days after the extended due date.
		env.SetNow(shanghaiNoon(t, newDue.AddDays(3).String()))
		res := actMultipart(t, env, id, "reply", "agency1", c.Version, map[string]any{
			"kind": "final", "items": allItems("adopted", "adopted", "not_adopted"), "measures_taken": "已开展专项整治",
			"measures_planned": []map[string]any{{"measure": "建立巡查机制", "due_on": newDue.AddDays(60).String()}},
			"contact_person":   "王科长", "contact_phone": "0571-00000001",
		}, []apitest.File{{Field: "files", Name: "整改报告.pdf", ContentType: "application/pdf", Content: pdfBytes("reply")}}).Expect(t, http.StatusOK)
		res.Decode(t, &c)
		if c.State != "replied" || c.ReplyClass != cases.ReplyClassLate || c.FirstRepliedOn == nil {
			t.Fatalf("after late reply %+v", c)
		}

		// 粗回复: returned for a supplement within 15 days.
		c, _ = act(t, env, id, "return_reply", "prosecutor1", map[string]any{"version": c.Version, "reason": "未逐项说明整改措施", "days": 15}, http.StatusOK)
		if c.State != "delivered" || c.ReplyClass != cases.ReplyClassPerfunctory {
			t.Fatalf("after return %+v", c)
		}
		// A second final reply is not the way to answer a return.
		_, r = act(t, env, id, "reply", "agency1", map[string]any{"version": c.Version, "kind": "final", "items": allItems("adopted", "adopted", "adopted"),
			"contact_person": "王科长", "contact_phone": "1"}, http.StatusConflict)
		if r.ErrorCode() != "final_reply_exists" {
			t.Fatalf("second final: %s", r.Body)
		}
		c, _ = act(t, env, id, "reply", "agency1", map[string]any{"version": c.Version, "kind": "supplement",
			"items": allItems("adopted", "adopted", "partly_adopted"), "measures_taken": "补充说明逐项措施",
			"contact_person": "王科长", "contact_phone": "0571-00000001"}, http.StatusOK)
		if c.State != "replied" {
			t.Fatalf("after supplement %+v", c)
		}

		// 评估 部分到位 → 督促落实.
		c, _ = act(t, env, id, "assess", "prosecutor1", map[string]any{"version": c.Version, "verdict": "partly_rectified", "opinion": "第三项仍在整改"}, http.StatusOK)
		if c.State != "following_up" || c.Rectification != "partly_rectified" {
			t.Fatalf("after assess %+v", c)
		}
		res = actMultipart(t, env, id, "follow_up", "prosecutor1", c.Version, map[string]any{
			"kind": "return_visit", "held_on": svcToday(env).String(), "participants": "张检察官、王科长", "findings": "巡查机制已建立",
		}, []apitest.File{{Field: "files", Name: "回访记录.pdf", ContentType: "application/pdf", Content: pdfBytes("visit")}}).Expect(t, http.StatusOK)
		res.Decode(t, &c)
		res = actMultipart(t, env, id, "report_progress", "agency1", c.Version, map[string]any{"percent": 80, "description": "培训已完成八成"},
			[]apitest.File{{Field: "files", Name: "培训签到表.jpg", ContentType: "image/jpeg", Content: append([]byte("\xff\xd8\xff\xe0"), make([]byte, 64)...)}}).Expect(t, http.StatusOK)
		res.Decode(t, &c)

		// 结案.
		_, r = act(t, env, id, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "partly_rectified"}, http.StatusBadRequest)
		if !strings.Contains(string(r.Body), "summary") {
			t.Fatalf("close without summary: %s", r.Body)
		}
		c, _ = act(t, env, id, "close", "prosecutor1", map[string]any{"version": c.Version, "outcome": "partly_rectified", "summary": "部分整改到位，转入常态监督"}, http.StatusOK)
		if c.State != "closed" || c.ReplyClass != cases.ReplyClassPerfunctory || c.Outcome != "partly_rectified" {
			t.Fatalf("closed %+v", c)
		}

		// The timeline shows every step, to the agency too.
		wantSteps := []string{"sign", "request_extension", "decide_extension", "reply", "return_reply", "reply", "assess", "follow_up", "report_progress", "close"}
		for _, user := range []string{"prosecutor1", "agency1"} {
			var ev struct {
				Items []struct {
					Action   string `json:"action"`
					Internal bool   `json:"internal"`
				} `json:"items"`
			}
			env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), user, nil).Expect(t, http.StatusOK).Decode(t, &ev)
			var got []string
			for _, e := range ev.Items {
				if e.Internal && user == "agency1" {
					t.Fatalf("agency sees internal event %s", e.Action)
				}
				if e.Action != "investigate" {
					got = append(got, e.Action)
				}
			}
			if strings.Join(got, ",") != strings.Join(wantSteps, ",") {
				t.Fatalf("%s timeline %v, want %v", user, got, wantSteps)
			}
		}

		// The agency's view: the issued letter, both replies with their positions
		// and files, the return, the extension, the follow-up and the progress.
		d, _ = detail(t, env, id, "agency1")
		if len(d.Content.Items) != 3 || len(d.Replies) != 2 || !d.Replies[0].Late || !d.Replies[0].Returned || d.Replies[0].Return == nil ||
			d.Replies[0].Position != "partly_adopted" || len(d.Replies[0].Items) != 3 || len(d.Replies[0].Files) != 1 || d.Replies[1].Returned {
			t.Fatalf("agency detail replies %+v", d.Replies)
		}
		if len(d.ExtensionRequests) != 1 || d.ExtensionRequests[0]["status"] != "granted" || len(d.FollowUps) != 1 || len(d.ProgressReports) != 1 {
			t.Fatalf("agency detail records %+v %+v %+v", d.ExtensionRequests, d.FollowUps, d.ProgressReports)
		}
		if d.ReplyClass != cases.ReplyClassPerfunctory || d.Rectification != "partly_rectified" || d.State != "closed" {
			t.Fatalf("agency detail %+v", d)
		}
		// The reply file downloads for the agency and the prosecutor.
		for _, u := range []string{"agency1", "prosecutor1"} {
			f := env.Do("GET", fmt.Sprintf("/api/v1/files/%d", d.Replies[0].Files[0].ID), u, nil).Expect(t, http.StatusOK)
			if string(f.Body) != string(pdfBytes("reply")) {
				t.Fatalf("%s downloaded %q", u, f.Body)
			}
		}
		// The prosecutor was told about each agency step.
		var n int64
		db.Model(&notify.Notification{}).Where("case_id = ? AND user_id = ?", id, fx.ProsecutorID).Count(&n)
		if n < 5 {
			t.Fatalf("prosecutor notifications %d, want sign, extension, two replies and progress", n)
		}
	})
}

func svcToday(env *apitest.Env) calendar.Date { return env.Server.Cases().Today() }
