package redact

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// fixtureOptions are what the case would know about the people in
// testdata/redact_fixture.txt.
var fixtureOptions = Decisions{
	Names:      []string{"张三", "李小明", "欧阳娜娜", "王五", "赵六六", "陈二狗", "司马光明"},
	ExtraTerms: []string{"欧阳小吃店"},
	Keep:       []string{"北京市朝阳区人民检察院", "周检"},
}

// redactOne redacts a single text.
func redactOne(text string, d Decisions) Text { return Redact([]string{text}, d).Texts[0] }

// digitsForCheck normalises text the way a reader would read numbers: it
// folds full-width digits and drops the separators people put inside
// numbers. It is written independently of the redaction code on purpose.
func digitsForCheck(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == 'Ｘ' || r == 'ｘ':
			b.WriteRune('X')
		case r == ' ' || r == '\u3000' || r == '-' || r == '－' || r == '(' || r == ')' || r == '（' || r == '）' || r == '+' || r == '＋':
			// separators inside numbers
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// allowedNumbers are the numbers a published recommendation must keep:
// document numbers, dates and standard numbers.
var allowedNumbers = regexp.MustCompile(`〔\d{4}〕\d+号|\d{4}年\d{1,2}月(?:\d{1,2}日)?|GB(?:/T)?\s*\d+-\d{4}`)

var (
	longDigitRun   = regexp.MustCompile(`\d{7,}`)
	idNumberShape  = regexp.MustCompile(`\d{17}[\dX]|\d{15}`)
	emailShape     = regexp.MustCompile(`\S+@\S+\.\S+`)
	plateShape     = regexp.MustCompile(`[京沪粤][A-Z]·?[A-Z0-9]{4,6}`)
	houseUnitShape = regexp.MustCompile(`\d+(?:单元|室|栋|幢|号楼)`)
)

func TestRedactFixture(t *testing.T) {
	raw, err := os.ReadFile("testdata/redact_fixture.txt")
	if err != nil {
		t.Fatal(err)
	}
	original := string(raw)
	got := redactOne(original, fixtureOptions)

	numbers := digitsForCheck(allowedNumbers.ReplaceAllString(got.Text, ""))
	for _, re := range []*regexp.Regexp{longDigitRun, idNumberShape} {
		if m := re.FindAllString(numbers, -1); len(m) > 0 {
			t.Errorf("redacted text still has numbers %q", m)
		}
	}
	for _, re := range []*regexp.Regexp{emailShape, plateShape, houseUnitShape} {
		if m := re.FindAllString(digitsForCheck(got.Text), -1); len(m) > 0 {
			t.Errorf("redacted text still matches %v: %q", re, m)
		}
	}
	for _, name := range fixtureOptions.Names {
		if strings.Contains(got.Text, name) {
			t.Errorf("redacted text still names %s", name)
		}
	}
	for _, s := range []string{"孙悟空", "李四", "欧阳小吃店", "不动产权第", "房权证"} {
		if strings.Contains(got.Text, s) {
			t.Errorf("redacted text still contains %q", s)
		}
	}

	mustKeep := []string{
		"京朝检民建〔2026〕3号", "2025年11月3日", "2026年1月15日", "2026年3月31日",
		"第一百一十条", "第十一条", "第201条", "1.5万元", "3000元", "GB 2763-2021", "GB/T 9704-2012",
		"北京市朝阳区人民检察院", "北京市朝阳区市场监督管理局", "建国路", "东三环中路", "学院大街",
		"学生安全教育", "刘某某", "12345热线", "一户一档", "检察官周检", "二个月内",
		"张某（男", "欧阳某（女", "户主司马某", "居民孙某家中", "申请人于2025年9月",
	}
	for _, s := range mustKeep {
		if !strings.Contains(got.Text, s) {
			t.Errorf("redacted text lost %q", s)
		}
	}

	again := redactOne(got.Text, fixtureOptions)
	if again.Text != got.Text || len(again.Changes) != 0 {
		t.Errorf("second redaction changed the text: %v", again.Changes)
	}
	checkChanges(t, original, got)
}

// checkChanges verifies that every change slices the original text and
// that applying the changes yields the redacted text.
func checkChanges(t *testing.T, original string, got Text) {
	t.Helper()
	var rebuilt strings.Builder
	pos := 0
	for _, c := range got.Changes {
		if c.Start < pos || c.End < c.Start || c.End > len(original) {
			t.Fatalf("change %+v out of order or out of range (previous end %d)", c, pos)
		}
		if original[c.Start:c.End] != c.Original {
			t.Errorf("change %+v: original[%d:%d] = %q", c, c.Start, c.End, original[c.Start:c.End])
		}
		rebuilt.WriteString(original[pos:c.Start])
		rebuilt.WriteString(c.Replacement)
		pos = c.End
	}
	rebuilt.WriteString(original[pos:])
	if rebuilt.String() != got.Text {
		t.Errorf("changes applied to the original give\n%q\nbut Text is\n%q", rebuilt.String(), got.Text)
	}
}

func TestRedactKinds(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		opts      Decisions
		want      string
		wantKinds []string
	}{
		{"ID number", "身份证号11010519491231002X。", Decisions{}, "身份证号××。", []string{KindIDNumber}},
		{"ID with lower-case x and spaces", "号码：110105 19491231 002x，", Decisions{}, "号码：××，", []string{KindIDNumber}},
		{"ID with hyphens", "440304-1985-1115-4213", Decisions{}, "××", []string{KindIDNumber}},
		{"full-width ID in parentheses", "（１１０１０５１９４９１２３１００２Ｘ）", Decisions{}, "（××）", []string{KindIDNumber}},
		{"ID with wrong check digit is still removed", "110105199003071234", Decisions{}, "××", []string{KindIDNumber}},
		{"old 15-digit ID", "旧号110105491231002。", Decisions{}, "旧号××。", []string{KindIDNumber}},
		{"mobile", "手机13800138000", Decisions{}, "手机××", []string{KindMobile}},
		{"mobile with +86 and spaces", "电话+86 138 0013 8000。", Decisions{}, "电话××。", []string{KindMobile}},
		{"mobile with 0086 and dashes", "0086-138-0013-8000", Decisions{}, "××", []string{KindMobile}},
		{"full-width mobile", "＋８６１３８００１３８０００", Decisions{}, "××", []string{KindMobile}},
		{"two mobiles", "13800138000、13900139000", Decisions{}, "××、××", []string{KindMobile, KindMobile}},
		{"landline with area code", "电话010-62345678。", Decisions{}, "电话××。", []string{KindLandline}},
		{"landline in brackets with extension", "（010）62345678转801", Decisions{}, "××", []string{KindLandline}},
		{"landline with hyphen extension", "0571-88886666-8001", Decisions{}, "××", []string{KindLandline}},
		{"local number after 电话", "联系电话：82345678。", Decisions{}, "联系电话：××。", []string{KindLandline}},
		{"bank card grouped", "卡号6222 0212 3456 7890 123，", Decisions{}, "卡号××，", []string{KindBankCard}},
		{"bank card plain 16", "6222021234567890", Decisions{}, "××", []string{KindBankCard}},
		{"bank card before a year", "卡号6222 0212 3456 7890 2024年开户", Decisions{}, "卡号×× 2024年开户", []string{KindBankCard}},
		{"very long number", "编号123456789012345678901", Decisions{}, "编号××", []string{KindLongNumber}},
		{"plate", "京A12345号车", Decisions{}, "××号车", []string{KindPlate}},
		{"new-energy plate", "粤B·D12345", Decisions{}, "××", []string{KindPlate}},
		{"coach plate", "京B1234学、沪C12345警。", Decisions{}, "××、××。", []string{KindPlate, KindPlate}},
		{"plate before 使用", "京A12345使用", Decisions{}, "××使用", []string{KindPlate}},
		{"e-mail", "邮箱zhang.san@example.com。", Decisions{}, "邮箱××。", []string{KindEmail}},
		{"property certificate", "京(2023)朝阳区不动产权第0012345号", Decisions{}, "××", []string{KindPropertyCert}},
		{"property certificate full-width brackets", "京（2023）朝阳区不动产权第0012345号", Decisions{}, "××", []string{KindPropertyCert}},
		{"old property certificate", "京房权证朝字第123456号", Decisions{}, "××", []string{KindPropertyCert}},
		{"property certificate after label", "房产证号：X京2019-0034", Decisions{}, "房产证号：××", []string{KindPropertyCert}},
		{"address", "北京市朝阳区建国路88号3栋2单元501室", Decisions{}, "北京市朝阳区建国路××", []string{KindAddress}},
		{"address with 院 and 号楼", "东三环中路39号院2号楼底商", Decisions{}, "东三环中路××底商", []string{KindAddress}},
		{"building without road", "花家地小区6号楼1单元302室", Decisions{}, "花家地小区××", []string{KindAddress}},
		{"village address", "王庄村3组15号", Decisions{}, "王庄村××", []string{KindAddress}},
		{"known name", "张三称", Decisions{Names: []string{"张三"}}, "张某称", []string{KindName}},
		{"compound surname", "欧阳娜娜到场", Decisions{Names: []string{"欧阳娜娜"}}, "欧阳某到场", []string{KindName}},
		{"full-width spacing name", "证人：王五", Decisions{}, "证人：王某", []string{KindName}},
		{"role and name", "当事人张三于2024年", Decisions{}, "当事人张某于2024年", []string{KindName}},
		{"role and three-character name", "申请人：王小明，", Decisions{}, "申请人：王某，", []string{KindName}},
		{"name before gender", "被告人李四（男，1980年生）", Decisions{}, "被告人李某（男，1980年生）", []string{KindName}},
		{"compound name before gender", "经查司马光明（男，", Decisions{}, "经查司马某（男，", []string{KindName}},
		{"preposition before name", "向张三（女，", Decisions{}, "向张某（女，", []string{KindName}},
		{"extra term", "位于杏花村东头", Decisions{ExtraTerms: []string{"杏花村"}}, "位于××东头", []string{KindExtraTerm}},
		{"keep name wins", "联系人李检，电话010-65001234", Decisions{Keep: []string{"李检", "010-65001234"}}, "联系人李检，电话010-65001234", nil},
		{"already redacted name", "当事人张某某称", Decisions{}, "当事人张某某称", nil},
		{"document number", "京朝检民建〔2026〕3号", Decisions{}, "京朝检民建〔2026〕3号", nil},
		{"articles and amounts", "依据第二十一条、第201条，罚款1.5万元", Decisions{}, "依据第二十一条、第201条，罚款1.5万元", nil},
		{"standard numbers", "GB 2763-2021、GB/T 9704-2012", Decisions{}, "GB 2763-2021、GB/T 9704-2012", nil},
		{"dates", "2026年3月5日、2026-03-05、20260305", Decisions{}, "2026年3月5日、2026-03-05、20260305", nil},
		{"date then phone", "2026-03-05 13800138000", Decisions{}, "2026-03-05 ××", []string{KindMobile}},
		{"role word before a common noun", "学生安全教育。居民常住人口", Decisions{}, "学生安全教育。居民常住人口", nil},
		{"preposition after role", "申请人于2025年9月提交", Decisions{}, "申请人于2025年9月提交", nil},
		{"official after role word", "负责人王局长，联系人李老师。", Decisions{}, "负责人王局长，联系人李老师。", nil},
		{"hotline", "拨打12345热线", Decisions{}, "拨打12345热线", nil},
		{"invalid bytes", "a\xffb", Decisions{}, "a\uFFFDb", []string{KindInvalidText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactOne(tt.in, tt.opts)
			if got.Text != tt.want {
				t.Errorf("Redact(%q).Text = %q, want %q", tt.in, got.Text, tt.want)
			}
			var kinds []string
			for _, c := range got.Changes {
				kinds = append(kinds, c.Kind)
			}
			if strings.Join(kinds, ",") != strings.Join(tt.wantKinds, ",") {
				t.Errorf("kinds = %v, want %v", kinds, tt.wantKinds)
			}
			checkChanges(t, tt.in, got)
		})
	}
}

func TestMarked(t *testing.T) {
	got := redactOne("当事人张三，电话13800138000。", Decisions{Names: []string{"张三"}})
	want := "当事人【张三→张某】，电话【13800138000→××】。"
	if p := got.Marked(); p != want {
		t.Errorf("Marked() = %q, want %q", p, want)
	}
}

// TestRedactSettlesOverlappingTerms covers an extra term that is part of
// a name: after 张三 → 张某 the term 张 is found again, and the result must
// still be stable and described by changes on the original.
func TestRedactSettlesOverlappingTerms(t *testing.T) {
	in := "张三和张飞"
	opts := Decisions{Names: []string{"张三"}, ExtraTerms: []string{"张"}}
	got := redactOne(in, opts)
	if strings.Contains(got.Text, "张") {
		t.Errorf("Text = %q still has the extra term", got.Text)
	}
	again := redactOne(got.Text, opts)
	if len(again.Changes) != 0 {
		t.Errorf("second pass changed %v", again.Changes)
	}
	checkChanges(t, in, got)
}
