package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// namesFixture replaces the issued letter of a fixture case with one naming
// private persons the prosecutor has not listed: two the redaction patterns
// catch (王小明（男，…, 负责人李四) and four they miss.
func namesFixture(t *testing.T, env *apitest.Env, marker string, seq int) *cases.Case {
	t.Helper()
	c := createCaseFixture(t, env, publicCaseFixture{Marker: marker, State: cases.StateDelivered, Issued: true, Seq: seq})
	content := cases.RecommendationContent{
		Title:         "关于" + marker + "餐饮安全隐患的检察建议书",
		Addressee:     "临江市清河区市场监督管理局",
		ProblemSource: "清河区人民检察院在履行法律监督职责中发现，王小明（男，1980年生）在张家港市、清河区经营餐馆，负责人李四未办理许可。",
		Facts:         "经查，经营者赵强、刘洋、陈静未取得食品经营许可，群众孙丽丽同志反映的情况属实。",
		Illegality:    "上述行为违反《中华人民共和国食品安全法》第三十五条的规定。",
		Items:         []cases.RecommendationItem{{Text: "依法查处上述无证经营行为。", LegalBasis: "《中华人民共和国食品安全法》第一百二十二条"}},
		CopyTo:        []string{"临江市市场监督管理局"},
	}
	if err := env.DB.Model(&cases.RecommendationDraft{}).Where("case_id = ? AND version_no = 1", c.ID).
		Update("content", content.Encode()).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

var unlistedNames = []string{"刘洋", "孙丽丽", "赵强", "陈静"}

func TestPublishRefusedWhilePossibleNamesRemain(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		type preview struct {
			PossibleNames []string `json:"possible_names"`
			Sections      []struct {
				Text string `json:"text"`
			} `json:"sections"`
		}
		type decision struct {
			DisclosureID int64 `json:"disclosure_id"`
		}
		publicText := func(id int64) string {
			var item publishedItem
			env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", id), "", nil).Expect(t, 200).Decode(t, &item)
			return strings.Join(item.RecommendationText, "\n")
		}

		// Without person_names: the preview lists the names the patterns
		// missed, and publishing is refused naming them.
		c := namesFixture(t, env, "壬", 11)
		var p preview
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/preview", c.ID), "prosecutor1", map[string]any{}).Expect(t, 200).Decode(t, &p)
		if !slices.Equal(p.PossibleNames, unlistedNames) {
			t.Fatalf("possible_names %q, want %q", p.PossibleNames, unlistedNames)
		}
		if txt := p.Sections[0].Text; !strings.Contains(txt, "王某（男") || !strings.Contains(txt, "负责人李某") {
			t.Fatalf("pattern-caught names not redacted: %s", txt)
		}
		pub := fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID)
		res := env.Do("POST", pub, "chief1", map[string]any{"version": c.Version})
		var refused struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
				Details struct {
					Names []string `json:"names"`
				} `json:"details"`
			} `json:"error"`
		}
		res.Expect(t, 409).Decode(t, &refused)
		if refused.Error.Code != "possible_personal_names" || !slices.Equal(refused.Error.Details.Names, unlistedNames) {
			t.Fatalf("refusal %+v", refused)
		}
		for _, n := range unlistedNames {
			if !strings.Contains(refused.Error.Message, n) {
				t.Fatalf("message does not name %s: %s", n, refused.Error.Message)
			}
		}
		// Listing some and confirming others still leaves one.
		res = env.Do("POST", pub, "chief1", map[string]any{"version": c.Version, "person_names": []string{"赵强"}, "confirm_not_names": []string{"刘洋", "陈静"}})
		res.Expect(t, 409).Decode(t, &refused)
		if !slices.Equal(refused.Error.Details.Names, []string{"孙丽丽"}) {
			t.Fatalf("partly listed: %+v", refused)
		}
		// The preview with the lists shows nothing left.
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/preview", c.ID), "prosecutor1",
			map[string]any{"person_names": unlistedNames}).Expect(t, 200).Decode(t, &p)
		if len(p.PossibleNames) != 0 {
			t.Fatalf("possible_names with the list: %q", p.PossibleNames)
		}
		// With person_names: published, every name as surname+某.
		var dec decision
		env.Do("POST", pub, "chief1", map[string]any{"version": c.Version, "person_names": unlistedNames}).Expect(t, 200).Decode(t, &dec)
		txt := publicText(dec.DisclosureID)
		for _, want := range []string{"王某", "李某", "赵某", "刘某", "陈某", "孙某", "清河区人民检察院", "张家港市"} {
			if !strings.Contains(txt, want) {
				t.Fatalf("published text lacks %s: %s", want, txt)
			}
		}
		for _, full := range append([]string{"王小明", "李四"}, unlistedNames...) {
			if strings.Contains(txt, full) {
				t.Fatalf("published text shows %s: %s", full, txt)
			}
		}

		// With confirm_not_names: published as written, the confirmation
		// recorded in the audit entry.
		c2 := namesFixture(t, env, "癸", 12)
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c2.ID), "chief1",
			map[string]any{"version": c2.Version, "confirm_not_names": unlistedNames}).Expect(t, 200).Decode(t, &dec)
		if txt := publicText(dec.DisclosureID); !strings.Contains(txt, "经营者赵强") {
			t.Fatalf("confirmed word not published as written: %s", txt)
		}
		var entry audit.Entry
		if err := db.Where("action = ? AND object_id = ?", "case.disclosure_publish", c2.ID).Order("id DESC").First(&entry).Error; err != nil {
			t.Fatal(err)
		}
		for _, n := range unlistedNames {
			if !strings.Contains(entry.Summary, "confirmed_not_names") || !strings.Contains(entry.Summary, n) {
				t.Fatalf("audit entry does not record the confirmation of %s: %s", n, entry.Summary)
			}
		}
	})
}
