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

// TestReaddressedLetterIsolatesAgencies is the scenario: agency1
// signs, sends an interim reply and objects with a PDF; the prosecutor
// amends and submits the new draft addressed to agency2. While the case is
// only in reviewing, agency2 reads nothing of it (case, records, agency1's
// file: 404), and agency1 keeps its own records and file. Once the new
// letter is delivered to agency2, agency2 reads the case but still none of
// agency1's records, and agency1 still reads only its own.
func TestReaddressedLetterIsolatesAgencies(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "重新指定被建议单位的案件", "delivered")
		c = mustAct(t, env, c, "sign", "agency1", map[string]any{"signer_name": "王科长"})
		c = mustAct(t, env, c, "reply", "agency1", map[string]any{"kind": "interim", "text": "正在组织整改，联系电话13800138000。",
			"contact_person": "王科长", "contact_phone": "0571-00000001"})
		actMultipart(t, env, c.ID, "object", "agency1", c.Version, map[string]any{"reason": "认定事实有误，请复核。"},
			[]apitest.File{{Field: "files", Name: "异议书.pdf", ContentType: "application/pdf", Content: pdfBytes("objection")}}).
			Expect(t, http.StatusOK).Decode(t, &c)
		var records struct {
			Objections []struct {
				Reason string `json:"reason"`
				Files  []struct {
					ID int64 `json:"id"`
				} `json:"files"`
			} `json:"objections"`
			Replies []map[string]any `json:"replies"`
			Files   []struct {
				ID int64 `json:"id"`
			} `json:"files"`
		}
		recordsURL := fmt.Sprintf("/api/v1/cases/%d/agency-records", c.ID)
		env.Do("GET", recordsURL, "agency1", nil).Expect(t, http.StatusOK).Decode(t, &records)
		if len(records.Objections) != 1 || len(records.Objections[0].Files) != 1 || len(records.Replies) != 1 {
			t.Fatalf("agency1's records before: %+v", records)
		}
		objectionFile := fmt.Sprintf("/api/v1/files/%d", records.Objections[0].Files[0].ID)

		c = mustAct(t, env, c, "review_objection", "chief1", map[string]any{"outcome": "amend", "reason": "改由教育部门办理"})
		env.Do("PUT", fmt.Sprintf("/api/v1/cases/%d/draft", c.ID), "prosecutor1", completeDraft(0)).Expect(t, http.StatusOK)
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &c)
		c = mustAct(t, env, c, "submit", "prosecutor1", map[string]any{"agency_id": env.Org.Agency2.ID})
		if c.State != "reviewing" {
			t.Fatalf("state %s", c.State)
		}

		notFound := func(user, url string) {
			t.Helper()
			res := env.Do("GET", url, user, nil)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d %s", user, url, res.Status, res.Body)
			}
		}
		for _, url := range []string{fmt.Sprintf("/api/v1/cases/%d", c.ID), recordsURL, objectionFile,
			fmt.Sprintf("/api/v1/agency/recommendations/%d", c.ID), fmt.Sprintf("/api/v1/cases/%d/events", c.ID)} {
			notFound("agency2", url)
		}
		inbox := string(env.Do("GET", "/api/v1/agency/recommendations", "agency2", nil).Expect(t, http.StatusOK).Body)
		if strings.Contains(inbox, "重新指定被建议单位的案件") {
			t.Errorf("agency2's inbox lists the case: %s", inbox)
		}
		// agency1 keeps its own records and file, not the case as it goes on.
		env.Do("GET", recordsURL, "agency1", nil).Expect(t, http.StatusOK).Decode(t, &records)
		if len(records.Objections) != 1 || len(records.Replies) != 1 || len(records.Files) != 1 {
			t.Fatalf("agency1's records after re-addressing: %+v", records)
		}
		env.Do("GET", objectionFile, "agency1", nil).Expect(t, http.StatusOK)
		notFound("agency1", fmt.Sprintf("/api/v1/agency/recommendations/%d", c.ID))

		// The new letter is approved, issued and delivered to agency2: it reads
		// the case, still none of agency1's records; agency1 still only its own.
		c = mustAct(t, env, c, "approve", "depthead1", map[string]any{"opinion": "同意"})
		c = mustAct(t, env, c, "approve", "chief1", map[string]any{"opinion": "同意制发"})
		c = mustAct(t, env, c, "issue", "prosecutor1", nil)
		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "written", "delivered_on": "2026-03-02"})
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "agency2", nil).Expect(t, http.StatusOK)
		env.Do("GET", recordsURL, "agency2", nil).Expect(t, http.StatusOK).Decode(t, &records)
		if len(records.Objections) != 0 || len(records.Replies) != 0 || len(records.Files) != 0 {
			t.Fatalf("agency2 reads agency1's records: %+v", records)
		}
		notFound("agency2", objectionFile)
		env.Do("GET", recordsURL, "agency1", nil).Expect(t, http.StatusOK).Decode(t, &records)
		if len(records.Objections) != 1 || len(records.Replies) != 1 {
			t.Fatalf("agency1's records after the new delivery: %+v", records)
		}
		notFound("agency1", fmt.Sprintf("/api/v1/cases/%d", c.ID))
	})
}
