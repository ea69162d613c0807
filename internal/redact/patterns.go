package redact

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// edit replaces text[start:end] of some text with replacement.
type edit struct {
	start, end  int
	kind        string
	replacement string
}

// invalidUTF8Edits replaces undecodable bytes with U+FFFD first, so that
// every later rule and the published page see valid UTF-8.
func invalidUTF8Edits(text string) ([]edit, string) {
	if utf8.ValidString(text) {
		return nil, text
	}
	var edits []edit
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			start := i
			for i < len(text) {
				r, size = utf8.DecodeRuneInString(text[i:])
				if r != utf8.RuneError || size != 1 {
					break
				}
				i++
			}
			edits = append(edits, edit{start: start, end: i, kind: KindInvalidText, replacement: "\uFFFD"})
			continue
		}
		i += size
	}
	return edits, applyEdits(text, edits)
}

func applyEdits(text string, edits []edit) string {
	var b strings.Builder
	pos := 0
	for _, e := range edits {
		b.WriteString(text[pos:e.start])
		b.WriteString(e.replacement)
		pos = e.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// composeEdits folds edits found in current (= applyEdits(original, old))
// into edits on the original. A new edit touching an old one swallows it
// whole, so every change still slices the original at its own boundaries.
func composeEdits(old []edit, current string, found []edit) []edit {
	type span struct{ curStart, curEnd, origStart, origEnd int }
	spans := make([]span, len(old))
	delta := 0 // current offset minus original offset after the edits so far
	for i, e := range old {
		cs := e.start + delta
		ce := cs + len(e.replacement)
		spans[i] = span{cs, ce, e.start, e.end}
		delta += len(e.replacement) - (e.end - e.start)
	}
	// toOriginal maps a current offset outside any old replacement.
	toOriginal := func(p int) int {
		d := 0
		for _, s := range spans {
			if s.curEnd > p {
				break
			}
			d += (s.curEnd - s.curStart) - (s.origEnd - s.origStart)
		}
		return p - d
	}
	var merged []edit
	covered := make([]bool, len(old))
	lastEnd := -1
	for _, f := range found {
		curStart, curEnd := f.start, f.end
		origStart, origEnd := -1, -1
		for _, s := range spans {
			if s.curStart <= curStart && curStart < s.curEnd {
				curStart, origStart = s.curStart, s.origStart
			}
			if s.curStart < curEnd && curEnd <= s.curEnd {
				curEnd, origEnd = s.curEnd, s.origEnd
			}
		}
		if origStart < 0 {
			origStart = toOriginal(curStart)
		}
		if origEnd < 0 {
			origEnd = toOriginal(curEnd)
		}
		if origStart < lastEnd {
			continue // the next pass finds it again
		}
		for i, s := range spans {
			if s.origStart >= origStart && s.origEnd <= origEnd {
				covered[i] = true
			}
		}
		lastEnd = origEnd
		merged = append(merged, edit{
			start:       origStart,
			end:         origEnd,
			kind:        f.kind,
			replacement: current[curStart:f.start] + f.replacement + current[f.end:curEnd],
		})
	}
	for i, e := range old {
		if !covered[i] {
			merged = append(merged, e)
		}
	}
	sort.Slice(merged, func(i, j int) bool { return merged[i].start < merged[j].start })
	return merged
}

// foldedText is text with full-width forms folded to ASCII so that one set
// of patterns serves "１３８" and "138"; orig maps each byte offset of s
// (and len(s)) back to the text it came from.
type foldedText struct {
	s    string
	orig []int
}

func foldText(text string) foldedText {
	var b strings.Builder
	orig := make([]int, 0, len(text)+1)
	for i, r := range text {
		n := b.Len()
		b.WriteRune(foldRune(r))
		for j := n; j < b.Len(); j++ {
			orig = append(orig, i)
		}
	}
	orig = append(orig, len(text))
	return foldedText{s: b.String(), orig: orig}
}

func foldWidth(s string) string { return strings.Map(foldRune, s) }

// foldRune maps full-width ASCII (０-９, Ａ-Ｚ, （）, ：, ＋, －) and the
// ideographic space to ASCII, and hyphen-like dashes to '-'. Em dashes are
// left alone: they separate ranges in prose, not digit groups.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	case r >= 0x2010 && r <= 0x2013:
		return '-'
	}
	return r
}

func findLiteral(s, term string) [][2]int {
	var spans [][2]int
	for pos := 0; pos <= len(s)-len(term); {
		i := strings.Index(s[pos:], term)
		if i < 0 {
			break
		}
		spans = append(spans, [2]int{pos + i, pos + i + len(term)})
		pos += i + len(term)
	}
	return spans
}

func groupSpans(s string, re *regexp.Regexp, group int) [][2]int {
	var spans [][2]int
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if m[2*group] >= 0 {
			spans = append(spans, [2]int{m[2*group], m[2*group+1]})
		}
	}
	return spans
}

func filterSpans(s string, spans [][2]int, keep func(string) bool) [][2]int {
	var out [][2]int
	for _, sp := range spans {
		if keep(s[sp[0]:sp[1]]) {
			out = append(out, sp)
		}
	}
	return out
}

// Number patterns work on folded text. Group 1 is the number; the trailing
// group demands a non-digit after it so that a longer run is not cut, and
// RE2 then falls back to a shorter grouping where one fits. The digit before
// is checked in scanNumbers because RE2 has no look-behind.
var (
	id18Pattern          = regexp.MustCompile(`([0-9](?:[ \-]?[0-9]){16}[ \-]?[0-9Xx])(?:[^0-9A-Za-z]|$)`)
	id15Pattern          = regexp.MustCompile(`([0-9](?:[ \-]?[0-9]){14})(?:[^0-9]|$)`)
	mobilePatternLoose   = regexp.MustCompile(`((?:(?:\+|00)86[ \-]?|\(\+?86\)[ \-]?)?1[ \-]?[3-9](?:[ \-]?[0-9]){9})(?:[^0-9]|$)`)
	landlinePatternLoose = regexp.MustCompile(`((?:\(0[0-9]{2,3}\)[ \-]?|0[0-9]{2,3}[ \-]?)[0-9]{3,4}[ \-]?[0-9]{4}(?:(?: ?(?:转|分机|ext\.?) ?|-)[0-9]{1,6})?)(?:[^0-9]|$)`)
	contextPhonePattern  = regexp.MustCompile(`(?:电话|座机|传真|手机|联系方式|Tel|TEL|tel|Phone|phone)(?:号码|号)?\s*:?\s*(?:为|是)?\s*:?\s*([0-9]{3,4}[ \-]?[0-9]{4})(?:[^0-9]|$)`)
	bankCardPattern      = regexp.MustCompile(`([0-9]{4}(?:[ \-]?[0-9]{4}){3}(?:[ \-]?[0-9]{1,3})?)(?:[^0-9]|$)`)
	longNumberPattern    = regexp.MustCompile(`([0-9]{11,})`)
	// Ordinary plates have five characters after the letter, new-energy
	// plates six; 挂/学/警/港/澳/使/领 plates have four or five and the
	// suffix, which must end the word so that "京A12345使用" keeps 使用.
	platePattern       = regexp.MustCompile(`(` + plateHead + `(?:[A-HJ-NP-Z0-9]{5,6}))(?:[^A-Za-z0-9]|$)`)
	suffixPlatePattern = regexp.MustCompile(`(` + plateHead + `(?:[A-HJ-NP-Z0-9]{4,5}[挂学警港澳使领]))(?:[^\p{Han}A-Za-z0-9]|$)`)
	emailPattern       = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
)

// Property certificates: 京(2023)朝阳区不动产权第0012345号 (after folding
// the full-width brackets), the older 京房权证朝字第123456号, and any value
// written after a label such as 房产证号：.
var (
	propertyCertPattern        = regexp.MustCompile(`\p{Han}\((?:19|20)[0-9]{2}\)\p{Han}{1,12}?不动产权第\s*[0-9]+\s*号`)
	oldPropertyCertPattern     = regexp.MustCompile(`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]?房(?:屋所有)?权证\p{Han}{0,4}?第\s*[0-9]+\s*号`)
	propertyCertContextPattern = regexp.MustCompile(`(?:不动产权证书?|房产证|房屋所有权证|产权证|不动产证)(?:号码|号)\s*(?:为|是)?\s*:?\s*([^\s,;、)。，；）]{4,40})`)
)

// Addresses are cut after the road (建国路88号3栋… → 建国路××) or, where no
// road is named, at the building (XX小区3号楼2单元501室 → XX小区××): the
// district and road stay so that readers can follow the case, the house
// does not.
var (
	roadHousePattern = regexp.MustCompile(`(?:路|街|巷|弄|胡同|道)((?:[0-9]+|[一二三四五六七八九十百零〇]+)号(?:院)?(?:之[0-9一二三四五六七八九十]+|-[0-9]+)?` + addressUnits + `*)`)
	buildingPattern  = regexp.MustCompile(addressUnits + `+`)
	addressUnitRe    = regexp.MustCompile(addressUnits)
)

// plateHead is a province abbreviation and the issuing authority's letter.
const plateHead = `[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·•. \-]?`

const addressUnits = `(?:(?:[0-9]+|[A-Za-z]|[一二三四五六七八九十百零〇]+)(?:号楼|栋|幢|座|单元|层|楼|室|户|号房|号|组))`

// isBuildingDetail accepts a run of address units only when it clearly
// names a dwelling: a building, or two units together. A lone "3号" is a
// document number and a lone "三楼" a floor in prose.
func isBuildingDetail(s string) bool {
	units := addressUnitRe.FindAllString(s, -1)
	if len(units) >= 2 {
		return true
	}
	return len(units) == 1 && (strings.HasSuffix(s, "号楼") || strings.HasSuffix(s, "栋") || strings.HasSuffix(s, "幢"))
}

func containsDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0
}

// scanNumbers finds group 1 of re in s, rejecting matches glued to a
// preceding digit and, when valid is given, matches it rejects.
func scanNumbers(s string, re *regexp.Regexp, valid func(digits string) bool) [][2]int {
	var spans [][2]int
	for pos := 0; pos < len(s); {
		m := re.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			break
		}
		start, end := pos+m[2], pos+m[3]
		if (start > 0 && isASCIIDigit(s[start-1])) || (valid != nil && !valid(s[start:end])) {
			_, size := utf8.DecodeRuneInString(s[start:])
			pos = start + size
			continue
		}
		spans = append(spans, [2]int{start, end})
		pos = end
	}
	return spans
}

// digitsOnly drops the separators a number was written with.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == 'X' || r == 'x' {
			return r
		}
		return -1
	}, s)
}

// isResidentIDShape accepts 18 characters with a province code and a real
// birth date. The check digit is not required: a mistyped ID number is
// still personal data.
func isResidentIDShape(s string) bool {
	d := digitsOnly(s)
	return len(d) == 18 && provinceCodes[d[:2]] && realDate(d[6:14])
}

// isOldResidentIDShape accepts a 15-digit ID (before 1999) whose
// two-digit-year birth date is real.
func isOldResidentIDShape(s string) bool {
	d := digitsOnly(s)
	return len(d) == 15 && provinceCodes[d[:2]] && realDate("19"+d[6:12])
}

func realDate(yyyymmdd string) bool {
	if len(yyyymmdd) != 8 || yyyymmdd < "1900" || yyyymmdd > "2100" {
		return false
	}
	return plausibleBirthDate(yyyymmdd, earliestBirthDate.AddDate(200, 0, 0))
}
