package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"os"
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

// The fixture's private persons: 王小明 (before a gender mark) and 李四
// (after 负责人), 赵强、刘洋、陈静 (a list after 经营者) the detector is sure
// of, and 孙丽丽, before 同志 only, which it asks about.
var (
	detectedNames = []string{"王小明", "李四", "赵强", "刘洋", "陈静"}
	unlistedNames = []string{"孙丽丽"}
)

func TestPublishRefusedWhilePossibleNamesRemain(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		type preview struct {
			Publishable   bool     `json:"publishable"`
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

		// Without person_names: the names the detector is sure of are
		// hidden, the one it is not is listed, and publishing is refused
		// naming it.
		c := namesFixture(t, env, "壬", 11)
		var p preview
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/preview", c.ID), "prosecutor1", map[string]any{}).Expect(t, 200).Decode(t, &p)
		if !slices.Equal(p.PossibleNames, unlistedNames) || p.Publishable {
			t.Fatalf("possible_names %q (publishable %v), want %q", p.PossibleNames, p.Publishable, unlistedNames)
		}
		for _, want := range []string{"王某（男", "负责人李某", "经营者赵某、刘某、陈某"} {
			if !strings.Contains(p.Sections[0].Text, want) {
				t.Fatalf("detected names not redacted (%s): %s", want, p.Sections[0].Text)
			}
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
		// The preview with the decision shows nothing left.
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/preview", c.ID), "prosecutor1",
			map[string]any{"person_names": unlistedNames}).Expect(t, 200).Decode(t, &p)
		if len(p.PossibleNames) != 0 || !p.Publishable {
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
		for _, full := range append(slices.Clone(detectedNames), unlistedNames...) {
			if strings.Contains(txt, full) {
				t.Fatalf("published text shows %s: %s", full, txt)
			}
		}

		// With confirm_not_names: published as written, the confirmation
		// recorded in the audit entry and kept for the next refresh.
		c2 := namesFixture(t, env, "癸", 12)
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c2.ID), "chief1",
			map[string]any{"version": c2.Version, "confirm_not_names": unlistedNames}).Expect(t, 200).Decode(t, &dec)
		if txt := publicText(dec.DisclosureID); !strings.Contains(txt, "群众孙丽丽同志") {
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
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/refresh", c2.ID), "chief1",
			map[string]any{"version": c2.Version}).Expect(t, 200)
	})
}

// fourNamesLetter is the letter (internal/redact/testdata): four
// private persons named after role and kinship words (申请人, 邻居, 车主,
// 当事人, 其子), two with compound surnames, each later written bare; and a
// reply naming them bare plus one person (张志强) named only before a speech
// verb, whom the detector can only ask about.
func fourNamesLetter(t *testing.T, env *apitest.Env, marker string, seq int) *cases.Case {
	t.Helper()
	raw, err := os.ReadFile("../internal/redact/testdata/four_names_letter.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	para := func(from, to int) string { // body lines, leading full-width spaces dropped
		var out []string
		for _, l := range lines[from:to] {
			out = append(out, strings.TrimLeft(l, "\u3000"))
		}
		return strings.Join(out, "")
	}
	c := createCaseFixture(t, env, publicCaseFixture{Marker: marker, State: cases.StateReplied, Issued: true, Seq: seq})
	content := cases.RecommendationContent{
		Title:         marker + lines[0],
		Addressee:     lines[1],
		ProblemSource: para(2, 3),
		Facts:         para(3, 9),
		Illegality:    para(9, 13),
		Items:         []cases.RecommendationItem{{Text: "依法督促物业服务企业立即清理楼道杂物，恢复消防车通道畅通。", LegalBasis: "《中华人民共和国消防法》第二十八条"}},
		CopyTo:        []string{"清河区人民政府"},
	}
	if err := env.DB.Model(&cases.RecommendationDraft{}).Where("case_id = ? AND version_no = 1", c.ID).
		Update("content", content.Encode()).Error; err != nil {
		t.Fatal(err)
	}
	reply := "收到检察建议后，我局立即组织执法人员赴春晖路18号院开展检查。邻居李建国已于2026年1月20日自行清理楼道杂物；" +
		"欧阳娜娜的车辆已移至地下车库，司马光明签署了承诺书。王小明对整改结果表示满意。经复查，张志强称其已将杂物全部清理。"
	var agencyUser org.User
	if err := env.DB.Where("username = ?", "agency1").First(&agencyUser).Error; err != nil {
		t.Fatal(err)
	}
	due := calendar.NewDate(2026, 4, 27)
	if err := env.DB.Create(&agency.Reply{CaseID: c.ID, Kind: agency.ReplyKindFinal, Position: agency.PositionAdopted,
		Content: mustJSON(map[string]any{"text": reply}), ContactPerson: "王科长", ContactPhone: "0571-88886666",
		SubmittedBy: agencyUser.ID, SubmittedOn: calendar.NewDate(2026, 3, 1), DueOn: &due, CreatedAt: env.Now()}).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFourNamesLetterPublishesNoName is the first "done when": the
// four-names letter publishes with no name in HTML, JSON, Atom or PDF once
// every possible name is decided.
func TestFourNamesLetterPublishesNoName(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		c := fourNamesLetter(t, env, "名", 21)
		all := []string{"王小明", "李建国", "欧阳娜娜", "司马光明", "张志强"}

		var p struct {
			Publishable   bool     `json:"publishable"`
			PossibleNames []string `json:"possible_names"`
			Details       []struct {
				Name      string   `json:"name"`
				Pseudonym string   `json:"pseudonym"`
				Evidence  []string `json:"evidence"`
			} `json:"possible_name_details"`
			Names []struct {
				Name string `json:"name"`
			} `json:"names"`
		}
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/disclosure/preview", c.ID), "prosecutor1", map[string]any{}).Expect(t, 200).Decode(t, &p)
		if p.Publishable || !slices.Equal(p.PossibleNames, []string{"张志强"}) || len(p.Details) != 1 || p.Details[0].Pseudonym != "张某" {
			t.Fatalf("preview: %+v", p)
		}
		var hidden []string
		for _, n := range p.Names {
			hidden = append(hidden, n.Name)
		}
		for _, n := range all[:4] {
			if !slices.Contains(hidden, n) {
				t.Errorf("%s not among the names hidden: %q", n, hidden)
			}
		}
		pub := fmt.Sprintf("/api/v1/cases/%d/disclosure/publish", c.ID)
		env.Do("POST", pub, "chief1", map[string]any{"version": c.Version}).Expect(t, 409)

		// The chief decides: 张志强 is a name.
		var dec struct {
			DisclosureID int64 `json:"disclosure_id"`
		}
		env.Do("POST", pub, "chief1", map[string]any{"version": c.Version, "person_names": []string{"张志强"}}).Expect(t, 200).Decode(t, &dec)

		// The public PDF verifies as the 公开版 it is.
		pdf := env.Do("GET", fmt.Sprintf("/disclosures/%d.pdf", dec.DisclosureID), "", nil).Expect(t, 200).Body
		sum := sha256.Sum256(pdf)
		v := env.Do("POST", "/api/v1/documents/verify", "prosecutor1", map[string]string{"sha256": hex.EncodeToString(sum[:])}).Expect(t, 200).JSON()
		if v["matched"] != true || v["kind"] != "public-recommendation" || v["kind_label"] != "检察建议书（公开版）" {
			t.Errorf("public PDF verification: %v", v)
		}
		texts := map[string]string{
			"HTML": string(env.Do("GET", fmt.Sprintf("/disclosures/%d", dec.DisclosureID), "", nil).Expect(t, 200).Body),
			"JSON": string(env.Do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", dec.DisclosureID), "", nil).Expect(t, 200).Body),
			"Atom": string(env.Do("GET", "/disclosures.atom", "", nil).Expect(t, 200).Body),
			"feed": string(env.Do("GET", "/api/v1/public/disclosures", "", nil).Expect(t, 200).Body),
			"PDF":  squeeze(pdfText(t, env.Do("GET", fmt.Sprintf("/disclosures/%d.pdf", dec.DisclosureID), "", nil).Expect(t, 200).Body)),
		}
		var item publishedItem
		if err := json.Unmarshal([]byte(texts["JSON"]), &item); err != nil {
			t.Fatal(err)
		}
		texts["JSON"] = strings.Join(item.RecommendationText, "\n") + item.Title + item.Summary
		for _, r := range item.Replies {
			texts["JSON"] += r.Text
		}
		for where, txt := range texts {
			for _, n := range all {
				if strings.Contains(txt, n) {
					t.Errorf("%s shows %s", where, n)
				}
			}
		}
		for _, want := range []string{"申请人王某", "其邻居李某", "车主欧阳某", "其子司马某", "司马某驾驶", "张某称"} {
			if !strings.Contains(texts["JSON"], want) {
				t.Errorf("JSON lacks %s", want)
			}
		}
		if !strings.Contains(texts["PDF"], "公开版") || !strings.Contains(texts["PDF"], "车主欧阳某") {
			t.Errorf("PDF is not the redacted public edition: %.300s", texts["PDF"])
		}
	})
}
