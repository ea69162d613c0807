package redaction

import (
	"regexp"
	"sort"
	"strings"
)

// Possible personal names: after redaction, a second look for what still
// reads like a private person's full name, so that publishing without a
// person_names list cannot show one unnoticed. It is a heuristic (a known
// surname and one or two Han characters, in a context where names stand)
// and only warns: the prosecutor either lists the name in person_names or
// confirms it is not a personal name (confirm_not_names).

// possibleNameRoles are words a name follows: 负责人王五, 经营者赵六.
var possibleNameRoles = regexp.MustCompile(`(?:被申请人|当事人|申请人|被举报人|举报人|被害人|证人|户主|业主|法定代表人|负责人|经营者|实际控制人|承包人|店主|摊主|房东|租户|商户|村民|居民|学生|患者|投诉人|控告人|犯罪嫌疑人|被告人|监护人|联系人|家属|司机|驾驶员|同志|先生|女士)[: ]?`)

// possibleNameTitles follow a name: 王小明同志, 李华女士.
var possibleNameTitles = regexp.MustCompile(`(?:同志|先生|女士)`)

// nonNameEndings end organisation and place names (清河区, 张家港市,
// 市场监管局), never a person's given name in these contexts.
const nonNameEndings = "区市县路街镇村乡省州旗巷道局院委厅部办所站队会司处科室庭馆校园厂店行社团组中河湖山桥港"

// PossiblePersonalNames lists candidate full names in already-redacted
// text: a common or compound surname and one or two Han characters, after a
// role word, before （男 / （女 or 同志 / 先生 / 女士, or in a 、 list next to
// another name. Names overlapping keep (the procuratorate, the agency),
// names ending like a place or organisation, and anything already
// redacted (某, ××) are left out.
func PossiblePersonalNames(text string, keep []string) []string {
	f := FoldWidth(text)
	var spans [][2]int
	spans = append(spans, namesAfter(f, possibleNameRoles)...)
	spans = append(spans, genderNameSpans(f)...)
	for _, m := range possibleNameTitles.FindAllStringIndex(f, -1) {
		if sp, ok := nameEndingAt(f, m[0]); ok {
			spans = append(spans, sp)
		}
	}
	spans = append(spans, listNameSpans(f)...)

	var keepSpans [][2]int
	for _, k := range CleanTerms(keep) {
		keepSpans = append(keepSpans, findLiteral(f, FoldWidth(k))...)
	}
	seen := map[string]bool{}
	out := []string{}
	for _, sp := range spans {
		name := f[sp[0]:sp[1]]
		r := []rune(name)
		if seen[name] || strings.ContainsAny(name, "某×") || strings.ContainsRune(nonNameEndings, r[len(r)-1]) ||
			overlapsAny(sp[0], sp[1], keepSpans) {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// namesAfter finds a surname and a one- or two-character given name right
// after each match of re, ended by a non-Han character or a stop word.
func namesAfter(s string, re *regexp.Regexp) [][2]int {
	var spans [][2]int
	for _, m := range re.FindAllStringIndex(s, -1) {
		if sp, ok := nameStartingAt(s, m[1]); ok {
			spans = append(spans, sp)
		}
	}
	return spans
}

func nameStartingAt(s string, at int) ([2]int, bool) {
	rest := []rune(s[at:min(len(s), at+4*8)])
	surname := surnameLength(rest)
	if surname == 0 {
		return [2]int{}, false
	}
	for given := 2; given >= 1; given-- {
		n := surname + given
		if n > len(rest) || !plausibleName(rest[:n], surname) || !endsName(rest[n:]) {
			continue
		}
		return [2]int{at, at + len(string(rest[:n]))}, true
	}
	return [2]int{}, false
}

// nameEndingAt finds a surname and a one- or two-character given name
// ending right before at (王小明、 / 王小明同志), the longest that fits.
func nameEndingAt(s string, at int) ([2]int, bool) {
	before := []rune(s[max(0, at-4*8):at])
	for n := 4; n >= 2; n-- {
		if n > len(before) {
			continue
		}
		name := before[len(before)-n:]
		surname := surnameLength(name)
		if surname == 0 || n-surname < 1 || n-surname > 2 || !plausibleName(name, surname) {
			continue
		}
		if n == 3 && surname == 1 && strings.ContainsRune(nameFunctionChars, name[0]) && surnameLength(name[1:]) == 1 {
			continue // 向张三、 is 张三
		}
		return [2]int{at - len(string(name)), at}, true
	}
	return [2]int{}, false
}

// listNameSpans finds names on both sides of a 、 when both sides read as
// names, or one side is an already-redacted name (王某、刘洋).
func listNameSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; ; {
		j := strings.Index(s[i:], "、")
		if j < 0 {
			break
		}
		at := i + j
		after := at + len("、")
		left, lok := nameEndingAt(s, at)
		right, rok := nameStartingAt(s, after)
		redactedLeft := strings.HasSuffix(s[:at], nameMask) || strings.HasSuffix(s[:at], RedactionMask)
		redactedRight := strings.HasPrefix(s[after:], RedactionMask) ||
			(len([]rune(s[after:])) >= 2 && []rune(s[after:])[1] == '某' && surnameLength([]rune(s[after:])) == 1)
		if lok && (rok || redactedRight) {
			spans = append(spans, left)
		}
		if rok && (lok || redactedLeft) {
			spans = append(spans, right)
		}
		i = after
	}
	return spans
}

// UnconfirmedNames drops the candidates the prosecutor confirmed are not
// personal names.
func UnconfirmedNames(candidates, confirmed []string) []string {
	ok := map[string]bool{}
	for _, c := range confirmed {
		ok[strings.TrimSpace(FoldWidth(c))] = true
	}
	out := []string{}
	for _, c := range candidates {
		if !ok[c] {
			out = append(out, c)
		}
	}
	return out
}
