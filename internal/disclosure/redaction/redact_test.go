package redaction

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixtureOptions are what the case would know about the people in
// testdata/redact_fixture.txt.
var fixtureOptions = RedactOptions{
	PersonNames: []string{"张三", "李小明", "欧阳娜娜", "王五", "赵六六", "陈二狗", "司马光明"},
	ExtraTerms:  []string{"欧阳小吃店"},
	KeepNames:   []string{"北京市朝阳区人民检察院", "周检"},
}

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
	t.Parallel()
	raw, err := os.ReadFile("testdata/redact_fixture.txt")
	if err != nil {
		t.Fatal(err)
	}
	original := string(raw)
	got := RedactForPublication(original, fixtureOptions)

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
	for _, name := range fixtureOptions.PersonNames {
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

	again := RedactForPublication(got.Text, fixtureOptions)
	if again.Text != got.Text || len(again.Changes) != 0 {
		t.Errorf("second redaction changed the text: %v", again.Changes)
	}
	checkChanges(t, original, got)
}

// checkChanges verifies that every change slices the original text and
// that applying the changes yields the redacted text.
func checkChanges(t *testing.T, original string, got RedactionResult) {
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

func TestRedactForPublicationKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		opts      RedactOptions
		want      string
		wantKinds []string
	}{
		{"ID number", "身份证号11010519491231002X。", RedactOptions{}, "身份证号××。", []string{RedactionIDNumber}},
		{"ID with lower-case x and spaces", "号码：110105 19491231 002x，", RedactOptions{}, "号码：××，", []string{RedactionIDNumber}},
		{"ID with hyphens", "440304-1985-1115-4213", RedactOptions{}, "××", []string{RedactionIDNumber}},
		{"full-width ID in parentheses", "（１１０１０５１９４９１２３１００２Ｘ）", RedactOptions{}, "（××）", []string{RedactionIDNumber}},
		{"ID with wrong check digit is still removed", "110105199003071234", RedactOptions{}, "××", []string{RedactionIDNumber}},
		{"old 15-digit ID", "旧号110105491231002。", RedactOptions{}, "旧号××。", []string{RedactionIDNumber}},
		{"mobile", "手机13800138000", RedactOptions{}, "手机××", []string{RedactionMobile}},
		{"mobile with +86 and spaces", "电话+86 138 0013 8000。", RedactOptions{}, "电话××。", []string{RedactionMobile}},
		{"mobile with 0086 and dashes", "0086-138-0013-8000", RedactOptions{}, "××", []string{RedactionMobile}},
		{"full-width mobile", "＋８６１３８００１３８０００", RedactOptions{}, "××", []string{RedactionMobile}},
		{"two mobiles", "13800138000、13900139000", RedactOptions{}, "××、××", []string{RedactionMobile, RedactionMobile}},
		{"landline with area code", "电话010-62345678。", RedactOptions{}, "电话××。", []string{RedactionLandline}},
		{"landline in brackets with extension", "（010）62345678转801", RedactOptions{}, "××", []string{RedactionLandline}},
		{"landline with hyphen extension", "0571-88886666-8001", RedactOptions{}, "××", []string{RedactionLandline}},
		{"local number after 电话", "联系电话：82345678。", RedactOptions{}, "联系电话：××。", []string{RedactionLandline}},
		{"bank card grouped", "卡号6222 0212 3456 7890 123，", RedactOptions{}, "卡号××，", []string{RedactionBankCard}},
		{"bank card plain 16", "6222021234567890", RedactOptions{}, "××", []string{RedactionBankCard}},
		{"bank card before a year", "卡号6222 0212 3456 7890 2024年开户", RedactOptions{}, "卡号×× 2024年开户", []string{RedactionBankCard}},
		{"very long number", "编号123456789012345678901", RedactOptions{}, "编号××", []string{RedactionLongNumber}},
		{"plate", "京A12345号车", RedactOptions{}, "××号车", []string{RedactionPlate}},
		{"new-energy plate", "粤B·D12345", RedactOptions{}, "××", []string{RedactionPlate}},
		{"coach plate", "京B1234学、沪C12345警。", RedactOptions{}, "××、××。", []string{RedactionPlate, RedactionPlate}},
		{"plate before 使用", "京A12345使用", RedactOptions{}, "××使用", []string{RedactionPlate}},
		{"e-mail", "邮箱zhang.san@example.com。", RedactOptions{}, "邮箱××。", []string{RedactionEmail}},
		{"property certificate", "京(2023)朝阳区不动产权第0012345号", RedactOptions{}, "××", []string{RedactionPropertyCert}},
		{"property certificate full-width brackets", "京（2023）朝阳区不动产权第0012345号", RedactOptions{}, "××", []string{RedactionPropertyCert}},
		{"old property certificate", "京房权证朝字第123456号", RedactOptions{}, "××", []string{RedactionPropertyCert}},
		{"property certificate after label", "房产证号：X京2019-0034", RedactOptions{}, "房产证号：××", []string{RedactionPropertyCert}},
		{"address", "北京市朝阳区建国路88号3栋2单元501室", RedactOptions{}, "北京市朝阳区建国路××", []string{RedactionAddress}},
		{"address with 院 and 号楼", "东三环中路39号院2号楼底商", RedactOptions{}, "东三环中路××底商", []string{RedactionAddress}},
		{"building without road", "花家地小区6号楼1单元302室", RedactOptions{}, "花家地小区××", []string{RedactionAddress}},
		{"village address", "王庄村3组15号", RedactOptions{}, "王庄村××", []string{RedactionAddress}},
		{"known name", "张三称", RedactOptions{PersonNames: []string{"张三"}}, "张某称", []string{RedactionName}},
		{"compound surname", "欧阳娜娜到场", RedactOptions{PersonNames: []string{"欧阳娜娜"}}, "欧阳某到场", []string{RedactionName}},
		{"full-width spacing name", "证人：王五", RedactOptions{}, "证人：王某", []string{RedactionName}},
		{"role and name", "当事人张三于2024年", RedactOptions{}, "当事人张某于2024年", []string{RedactionName}},
		{"role and three-character name", "申请人：王小明，", RedactOptions{}, "申请人：王某，", []string{RedactionName}},
		{"name before gender", "被告人李四（男，1980年生）", RedactOptions{}, "被告人李某（男，1980年生）", []string{RedactionName}},
		{"compound name before gender", "经查司马光明（男，", RedactOptions{}, "经查司马某（男，", []string{RedactionName}},
		{"preposition before name", "向张三（女，", RedactOptions{}, "向张某（女，", []string{RedactionName}},
		{"extra term", "位于杏花村东头", RedactOptions{ExtraTerms: []string{"杏花村"}}, "位于××东头", []string{RedactionExtraTerm}},
		{"keep name wins", "联系人李检，电话010-65001234", RedactOptions{KeepNames: []string{"李检", "010-65001234"}}, "联系人李检，电话010-65001234", nil},
		{"already redacted name", "当事人张某某称", RedactOptions{}, "当事人张某某称", nil},
		{"document number", "京朝检民建〔2026〕3号", RedactOptions{}, "京朝检民建〔2026〕3号", nil},
		{"articles and amounts", "依据第二十一条、第201条，罚款1.5万元", RedactOptions{}, "依据第二十一条、第201条，罚款1.5万元", nil},
		{"standard numbers", "GB 2763-2021、GB/T 9704-2012", RedactOptions{}, "GB 2763-2021、GB/T 9704-2012", nil},
		{"dates", "2026年3月5日、2026-03-05、20260305", RedactOptions{}, "2026年3月5日、2026-03-05、20260305", nil},
		{"date then phone", "2026-03-05 13800138000", RedactOptions{}, "2026-03-05 ××", []string{RedactionMobile}},
		{"role word before a common noun", "学生安全教育。居民常住人口", RedactOptions{}, "学生安全教育。居民常住人口", nil},
		{"preposition after role", "申请人于2025年9月提交", RedactOptions{}, "申请人于2025年9月提交", nil},
		{"official after role word", "负责人王局长，联系人李老师。", RedactOptions{}, "负责人王局长，联系人李老师。", nil},
		{"hotline", "拨打12345热线", RedactOptions{}, "拨打12345热线", nil},
		{"invalid bytes", "a\xffb", RedactOptions{}, "a\uFFFDb", []string{RedactionInvalidText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactForPublication(tt.in, tt.opts)
			if got.Text != tt.want {
				t.Errorf("RedactForPublication(%q).Text = %q, want %q", tt.in, got.Text, tt.want)
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

func TestRedactionMarkedPreview(t *testing.T) {
	t.Parallel()
	got := RedactForPublication("当事人张三，电话13800138000。", RedactOptions{PersonNames: []string{"张三"}})
	want := "当事人【张三→张某】，电话【13800138000→××】。"
	if p := got.MarkedPreview(); p != want {
		t.Errorf("MarkedPreview() = %q, want %q", p, want)
	}
}

// TestRedactSettlesOverlappingTerms covers an extra term that is part of
// a name: after 张三 → 张某 the term 张 is found again, and the result must
// still be stable and described by changes on the original.
func TestRedactSettlesOverlappingTerms(t *testing.T) {
	t.Parallel()
	in := "张三和张飞"
	opts := RedactOptions{PersonNames: []string{"张三"}, ExtraTerms: []string{"张"}}
	got := RedactForPublication(in, opts)
	if strings.Contains(got.Text, "张") {
		t.Errorf("Text = %q still has the extra term", got.Text)
	}
	again := RedactForPublication(got.Text, opts)
	if len(again.Changes) != 0 {
		t.Errorf("second pass changed %v", again.Changes)
	}
	checkChanges(t, in, got)
}

func FuzzRedact(f *testing.F) {
	if raw, err := os.ReadFile("testdata/redact_fixture.txt"); err == nil {
		f.Add(string(raw), "欧阳小吃店")
	}
	for _, seed := range []string{
		"", "张三", "当事人张", "（男，", "路1号1栋", "+86 1", "１３８００１３８０００", "a\xffb\xfe",
		"京A12345使", "房产证号：京房权证第1号", "110105 19491231 002X 13800138000",
		"张三张三张", "欧阳娜娜（女，", "××某张", "13800138000\u3000-0",
	} {
		f.Add(seed, "张")
	}
	f.Fuzz(func(t *testing.T, text, term string) {
		opts := RedactOptions{
			PersonNames: []string{"张三", "欧阳娜娜", term + "某"},
			ExtraTerms:  []string{term},
			KeepNames:   []string{"人民检察院"},
		}
		got := RedactForPublication(text, opts)
		if !utf8.ValidString(got.Text) {
			t.Fatalf("Text %q is not valid UTF-8", got.Text)
		}
		checkChanges(t, text, got)
		again := RedactForPublication(got.Text, opts)
		if again.Text != got.Text || len(again.Changes) != 0 {
			t.Fatalf("not idempotent: %q → %q (%v)", got.Text, again.Text, again.Changes)
		}
		_ = got.MarkedPreview()
	})
}
