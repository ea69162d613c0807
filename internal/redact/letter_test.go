package redact

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// fourNamesTexts are the texts of one publication: the letter (title line,
// addressee, body) of testdata/four_names_letter.txt and the agency's reply.
// Four private persons are named: 王小明 after 申请人 and later bare
// (王小明称), 李建国 after 邻居 and bare (李建国表示), 欧阳娜娜 after 车主 and
// 当事人 and bare, 司马光明 after 其子 and bare (司马光明驾驶). The reply
// names three of them bare or after 邻居 only. 赵文斌 and 周检 are officials.
func fourNamesTexts(t testing.TB) []string {
	raw, err := os.ReadFile("testdata/four_names_letter.txt")
	if err != nil {
		t.Fatal(err)
	}
	reply := "收到检察建议后，我局立即组织执法人员赴春晖路18号院开展检查。邻居李建国已于2026年1月20日自行清理楼道杂物；" +
		"欧阳娜娜的车辆已移至地下车库，司马光明签署了承诺书。王小明对整改结果表示满意。我局已约谈物业服务企业负责人，督促建立消防通道巡查制度。"
	return []string{string(raw), reply}
}

var fourNamesKeep = []string{"清河区人民检察院", "清河区住房和城乡建设局", "周检"}

var fourNames = []string{"王小明", "李建国", "欧阳娜娜", "司马光明"}

// TestFourNamesLetter is the letter: every name is found from one
// place that says it is a person and replaced in every place of every text.
func TestFourNamesLetter(t *testing.T) {
	texts := fourNamesTexts(t)
	res := Redact(texts, Decisions{Keep: fourNamesKeep})

	var detected []string
	for _, n := range res.Names {
		detected = append(detected, n.Name)
		if n.Source != "detected" || n.Count == 0 {
			t.Errorf("name %+v", n)
		}
	}
	for _, n := range fourNames {
		if !slices.Contains(detected, n) {
			t.Errorf("%s not detected; names %v, possible %v", n, detected, res.PossibleNameList())
		}
	}
	for i, tx := range res.Texts {
		for _, n := range fourNames {
			if strings.Contains(tx.Text, n) {
				t.Errorf("text %d still names %s:\n%s", i, n, tx.Marked())
			}
		}
		checkChanges(t, texts[i], tx)
	}
	for _, s := range []string{"申请人王某（男", "王某称", "其邻居李某在楼道", "李某表示", "车主欧阳某长期", "当事人欧阳某在接受",
		"其子司马某每日", "司马某驾驶", "欧阳某的车辆", "执法人员赵文斌", "检察官周检", "清河区人民检察院", "《中华人民共和国消防法》第二十八条",
		"GB 50016-2014", "2026年1月15日", "春晖路××", "××号小型轿车"} {
		if !strings.Contains(res.Texts[0].Text, s) {
			t.Errorf("letter lacks %q:\n%s", s, res.Texts[0].Marked())
		}
	}
	for _, s := range []string{"邻居李某已于", "欧阳某的车辆", "司马某签署", "王某对整改"} {
		if !strings.Contains(res.Texts[1].Text, s) {
			t.Errorf("reply lacks %q:\n%s", s, res.Texts[1].Marked())
		}
	}
	if !res.Publishable() {
		t.Errorf("possible names left: %+v", res.PossibleNames)
	}
}

// TestBareNameBlocksUntilDecided: a name written only bare is asked about,
// blocks publishing, and once decided is replaced in every text.
func TestBareNameBlocksUntilDecided(t *testing.T) {
	texts := append(fourNamesTexts(t), "经复查，张志强称其已将杂物全部清理。")
	res := Redact(texts, Decisions{Keep: fourNamesKeep})
	if res.Publishable() || !slices.Equal(res.PossibleNameList(), []string{"张志强"}) {
		t.Fatalf("possible names %q, want [张志强]", res.PossibleNameList())
	}
	p := res.PossibleNames[0]
	if p.Pseudonym != "张某" || len(p.Occurrences) != 1 || !slices.Contains(p.Evidence, EvidenceSpeech) {
		t.Fatalf("possible %+v", p)
	}
	o := p.Occurrences[0]
	if o.Text != 2 || texts[2][o.Start:o.End] != "张志强" || res.Texts[2].Text[o.OutStart:o.OutEnd] != "张志强" {
		t.Errorf("occurrence %+v", o)
	}
	if m := res.Texts[2].Marked(); m != "经复查，【张志强？】称其已将杂物全部清理。" {
		t.Errorf("marked %s", m)
	}

	// Confirmed as a name: replaced, publishable.
	named := Redact(texts, Decisions{Keep: fourNamesKeep, Names: []string{"张志强"}})
	if !named.Publishable() || named.Texts[2].Text != "经复查，张某称其已将杂物全部清理。" {
		t.Errorf("after deciding: possible %q, text %q", named.PossibleNameList(), named.Texts[2].Text)
	}
	// Confirmed as not a name: left, publishable.
	kept := Redact(texts, Decisions{Keep: fourNamesKeep, NotNames: []string{"张志强", "李四"}})
	if !kept.Publishable() || kept.Texts[2].Text != texts[2] || !slices.Equal(kept.Confirmed, []string{"张志强"}) {
		t.Errorf("after confirming not a name: possible %q, text %q, confirmed %q", kept.PossibleNameList(), kept.Texts[2].Text, kept.Confirmed)
	}
}

// TestNotNamesOverrideDetection: a detected name confirmed as not a name
// (a shop sign after 店主, say) stays, everywhere.
func TestNotNamesOverrideDetection(t *testing.T) {
	texts := []string{"店主金满堂称其不知情。", "金满堂已停业。"}
	res := Redact(texts, Decisions{})
	if res.Texts[0].Text != "店主金某称其不知情。" || res.Texts[1].Text != "金某已停业。" {
		t.Fatalf("detected: %q", []string{res.Texts[0].Text, res.Texts[1].Text})
	}
	res = Redact(texts, Decisions{NotNames: []string{"金满堂"}})
	if res.Texts[0].Text != texts[0] || res.Texts[1].Text != texts[1] || !res.Publishable() || len(res.Names) != 0 ||
		!slices.Equal(res.Confirmed, []string{"金满堂"}) {
		t.Fatalf("confirmed not a name: %+v", res)
	}
	// A string in both lists is a name.
	res = Redact(texts, Decisions{Names: []string{"金满堂"}, NotNames: []string{"金满堂"}})
	if res.Texts[1].Text != "金某已停业。" {
		t.Fatalf("both lists: %q", res.Texts[1].Text)
	}
}

// TestDecidedNamesEverywhere: decided names, full-width or with spaces,
// are replaced in every text, longest first.
func TestDecidedNamesEverywhere(t *testing.T) {
	res := Redact([]string{"王芳与王芳芳系姐妹。", "王芳芳称"}, Decisions{Names: []string{" 王芳 ", "王芳芳"}})
	if res.Texts[0].Text != "王某与王某系姐妹。" || res.Texts[1].Text != "王某称" {
		t.Fatalf("%q", []string{res.Texts[0].Text, res.Texts[1].Text})
	}
	if len(res.Names) != 2 || res.Names[0].Name != "王芳" || res.Names[0].Count != 1 || res.Names[1].Count != 2 ||
		res.Names[0].Source != "decided" {
		t.Fatalf("names %+v", res.Names)
	}
}
