package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/agency"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// TestAgencyAccess: another agency can neither list, read, download nor act
// on agency1's recommendation; agency1 never sees internal items; staff of
// another procuratorate cannot act; roles are held to the lifecycle table.
func TestAgencyAccess(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 7, true)
		id := fx.ID
		// Some records with files, one internal follow-up.
		res := actMultipart(t, env, id, "reply", "agency1", 1, map[string]any{"kind": "interim", "text": "正在整改",
			"contact_person": "王科长", "contact_phone": "1"}, []apitest.File{{Field: "files", Name: "阶段报告.pdf", Content: pdfBytes("interim")}}).Expect(t, http.StatusOK)
		var c caseState
		res.Decode(t, &c)
		if c.State != "delivered" {
			t.Fatalf("an interim reply moved the case to %s", c.State)
		}
		res = actMultipart(t, env, id, "follow_up", "prosecutor1", c.Version, map[string]any{"kind": "consultation", "held_on": svcToday(env).String(),
			"participants": "张检察官、刘主任", "findings": fixtureInternalFinding, "internal": true},
			[]apitest.File{{Field: "files", Name: "内部会商纪要.pdf", Content: pdfBytes("internal follow-up")}}).Expect(t, http.StatusOK)
		res.Decode(t, &c)

		var files []files.StoredFile
		db.Omit("content").Where("case_id = ?", id).Order("id").Find(&files)
		var replyFile, internalFile, followUpFile int64
		for _, f := range files {
			switch {
			case f.OwnerType == cases.OwnerReply:
				replyFile = f.ID
			case f.OwnerType == "investigation":
				internalFile = f.ID
			case f.OwnerType == cases.OwnerFollowUp:
				followUpFile = f.ID
			}
		}
		if replyFile == 0 || internalFile == 0 || followUpFile == 0 {
			t.Fatalf("fixture files %+v", files)
		}

		// agency2: every read and act path answers 404, the inbox is empty.
		var inbox struct {
			Items []map[string]any `json:"items"`
		}
		env.Do("GET", "/api/v1/agency/recommendations", "agency2", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 0 {
			t.Fatalf("agency2 inbox %+v", inbox.Items)
		}
		env.Do("GET", "/api/v1/cases", "agency2", nil).Expect(t, http.StatusOK).Decode(t, &inbox)
		if len(inbox.Items) != 0 {
			t.Fatalf("agency2 case list %+v", inbox.Items)
		}
		paths := []string{
			fmt.Sprintf("/api/v1/agency/recommendations/%d", id),
			fmt.Sprintf("/api/v1/cases/%d", id),
			fmt.Sprintf("/api/v1/cases/%d/events", id),
			fmt.Sprintf("/api/v1/cases/%d/agency-records", id),
			fmt.Sprintf("/api/v1/files/%d", replyFile),
		}
		for _, p := range paths {
			env.Do("GET", p, "agency2", nil).Expect(t, http.StatusNotFound)
		}
		for action, body := range map[string]map[string]any{
			"sign":              {"signer_name": "李主任"},
			"object":            {"reason": "不同意"},
			"request_extension": {"reason": "忙", "requested_days": 10},
			"reply":             {"kind": "final", "items": allItems("adopted", "adopted", "adopted"), "contact_person": "李", "contact_phone": "1"},
		} {
			body["version"] = c.Version
			env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), "agency2", body).Expect(t, http.StatusNotFound)
		}

		// Staff are not agencies: the agency inbox is closed to them.
		env.Do("GET", "/api/v1/agency/recommendations", "prosecutor1", nil).Expect(t, http.StatusForbidden)
		// A prosecutor of the city procuratorate can neither read nor act.
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/agency-records", id), "cityprosecutor1", nil).Expect(t, http.StatusNotFound)
		act(t, env, id, "follow_up", "cityprosecutor1", map[string]any{"version": c.Version, "kind": "inquiry", "held_on": svcToday(env).String(),
			"participants": "周检察官", "findings": "越权"}, http.StatusNotFound)
		act(t, env, id, "decide_extension", "cityprosecutor1", map[string]any{"version": c.Version, "decision": "refuse", "reason": "x"}, http.StatusNotFound)
		// The agency cannot take the prosecutor's actions, nor the chief's.
		_, r := act(t, env, id, "decide_extension", "agency1", map[string]any{"version": c.Version, "decision": "grant"}, http.StatusForbidden)
		if r.ErrorCode() != "role_not_allowed" {
			t.Fatalf("agency deciding: %s", r.Body)
		}
		act(t, env, id, "follow_up", "agency1", map[string]any{"version": c.Version, "kind": "inquiry", "held_on": svcToday(env).String(),
			"participants": "x", "findings": "x"}, http.StatusForbidden)
		act(t, env, id, "escalate", "prosecutor1", map[string]any{"version": c.Version, "measures": []any{map[string]any{
			"kind": "report_higher_procuratorate", "decided_on": svcToday(env).String(), "target": "临江市人民检察院", "summary": "报告"}}}, http.StatusForbidden)

		// agency1 sees its recommendation but nothing internal.
		d, raw := detail(t, env, id, "agency1")
		body := string(raw.Body)
		for _, secret := range []string{fixtureDraftV1Secret, fixtureInternalFinding, "内部审批意见", "内部调查笔录", "内部会商纪要", "内部案情摘要"} {
			if strings.Contains(body, secret) {
				t.Fatalf("agency detail leaks %q: %s", secret, body)
			}
		}
		if len(d.FollowUps) != 0 || len(d.Replies) != 1 || len(d.Files) != 1 || d.Files[0].ID != replyFile {
			t.Fatalf("agency detail follow-ups %v replies %d files %+v", d.FollowUps, len(d.Replies), d.Files)
		}
		if len(d.Content.Items) != 3 {
			t.Fatalf("agency sees content %+v", d.Content)
		}
		records := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/agency-records", id), "agency1", nil).Expect(t, http.StatusOK)
		if strings.Contains(string(records.Body), fixtureInternalFinding) || strings.Contains(string(records.Body), "escalations") {
			t.Fatalf("agency records leak: %s", records.Body)
		}
		env.Do("GET", fmt.Sprintf("/api/v1/files/%d", internalFile), "agency1", nil).Expect(t, http.StatusNotFound)
		env.Do("GET", fmt.Sprintf("/api/v1/files/%d", followUpFile), "agency1", nil).Expect(t, http.StatusNotFound)
		ev := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), "agency1", nil).Expect(t, http.StatusOK)
		if strings.Contains(string(ev.Body), `"internal":true`) || strings.Contains(string(ev.Body), "consultation") {
			t.Fatalf("agency timeline leaks internal events: %s", ev.Body)
		}
		// The prosecutor sees the internal record and file.
		staff := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/agency-records", id), "prosecutor1", nil).Expect(t, http.StatusOK)
		if !strings.Contains(string(staff.Body), fixtureInternalFinding) {
			t.Fatalf("prosecutor records miss the internal follow-up: %s", staff.Body)
		}
		env.Do("GET", fmt.Sprintf("/api/v1/files/%d", followUpFile), "prosecutor1", nil).Expect(t, http.StatusOK)
	})
}

// TestAgencyUploads: an oversized file is refused with 413 and nothing is
// stored; content that does not match its name or claimed type is refused;
// path-like names are neutralised.
func TestAgencyUploads(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg, err := config.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Mode, cfg.Database.DSN, cfg.Jobs.Enabled = "dev", "test", false
		cfg.Auth.PasswordCost = org.MinPasswordCost // as apitest.TestConfig
		cfg.HTTP.UploadLimit = 4096
		apitest.LongDeadlines(cfg) // a loaded test machine
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		env := apitest.NewWithConfig(t, db, cfg)
		fx := createDeliveredCaseFixture(t, env, 3, true)
		id := fx.ID
		payload := map[string]any{"kind": "final", "items": allItems("adopted", "adopted", "adopted"), "contact_person": "王科长", "contact_phone": "1"}
		counts := func() (replies, uploads int64) {
			db.Model(&agency.Reply{}).Where("case_id = ?", id).Count(&replies)
			db.Model(&files.StoredFile{}).Where("case_id = ? AND owner_type = ?", id, cases.OwnerReply).Count(&uploads)
			return
		}
		big := pdfBytes(strings.Repeat("x", 5000))
		tests := []struct {
			name     string
			file     apitest.File
			status   int
			code     string
			filename string
		}{
			{"oversized", apitest.File{Field: "files", Name: "大文件.pdf", ContentType: "application/pdf", Content: big}, http.StatusRequestEntityTooLarge, "file_too_large", ""},
			{"text named .pdf", apitest.File{Field: "files", Name: "伪装.pdf", ContentType: "application/pdf", Content: []byte("just text, not a PDF")}, http.StatusUnsupportedMediaType, "file_type_mismatch", ""},
			{"PDF claimed as PNG", apitest.File{Field: "files", Name: "图片.pdf", ContentType: "image/png", Content: pdfBytes("x")}, http.StatusUnsupportedMediaType, "file_type_mismatch", ""},
			{"executable", apitest.File{Field: "files", Name: "run.pdf", Content: []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")}, http.StatusUnsupportedMediaType, "file_type_not_allowed", ""},
			{"path-like name", apitest.File{Field: "files", Name: "../../etc/passwd.pdf", ContentType: "application/pdf", Content: pdfBytes("ok")}, http.StatusOK, "", "passwd.pdf"},
		}
		version := 1
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				beforeReplies, beforeFiles := counts()
				res := actMultipart(t, env, id, "reply", "agency1", version, payload, []apitest.File{tt.file}).Expect(t, tt.status)
				afterReplies, afterFiles := counts()
				if tt.status != http.StatusOK {
					if res.ErrorCode() != tt.code {
						t.Fatalf("code %q, want %q: %s", res.ErrorCode(), tt.code, res.Body)
					}
					if afterReplies != beforeReplies || afterFiles != beforeFiles {
						t.Fatalf("refused upload stored something: replies %d→%d files %d→%d", beforeReplies, afterReplies, beforeFiles, afterFiles)
					}
					var cur cases.Case
					db.First(&cur, id)
					if cur.Version != version || cur.State != cases.StateDelivered {
						t.Fatalf("refused upload changed the case: %+v", cur)
					}
					return
				}
				var c caseState
				res.Decode(t, &c)
				version = c.Version
				var f files.StoredFile
				if err := db.Omit("content").Where("case_id = ? AND owner_type = ?", id, cases.OwnerReply).Order("id DESC").First(&f).Error; err != nil {
					t.Fatal(err)
				}
				if f.Filename != tt.filename {
					t.Fatalf("stored name %q, want %q", f.Filename, tt.filename)
				}
				dl := env.Do("GET", fmt.Sprintf("/api/v1/files/%d", f.ID), "agency1", nil).Expect(t, http.StatusOK)
				if cd := dl.Header.Get("Content-Disposition"); strings.Contains(cd, "..") || strings.Contains(cd, "/") {
					t.Fatalf("Content-Disposition %q", cd)
				}
			})
		}
	})
}
