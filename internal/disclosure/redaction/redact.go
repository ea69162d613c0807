package redaction

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of RedactionChange. They are stable strings because the
// prosecutor's preview and the audit log show them.
const (
	RedactionIDNumber     = "id_number"     // 身份证号码（18位及15位旧号）
	RedactionMobile       = "mobile"        // 手机号码
	RedactionLandline     = "landline"      // 固定电话
	RedactionBankCard     = "bank_card"     // 银行卡号
	RedactionLongNumber   = "number"        // 其他11位以上的长数字
	RedactionPlate        = "licence_plate" // 机动车号牌
	RedactionEmail        = "email"         // 电子邮箱
	RedactionPropertyCert = "property_cert" // 不动产权证号、房产证号
	RedactionAddress      = "address"       // 门牌号、楼栋、单元、房号
	RedactionName         = "name"          // 自然人姓名
	RedactionExtraTerm    = "extra_term"    // 检察官指定删除的词语
	RedactionInvalidText  = "invalid_text"  // 无法解码的字节
)

// RedactionMask replaces every removed number, address detail and extra
// term. A fixed token (rather than one × per digit) hides how long the
// number was and keeps the published sentence short; it contains no digit,
// so a second redaction finds nothing in it.
const RedactionMask = "××"

// nameMask replaces a private person's given name (张三 → 张某), the form
// used in published legal documents.
const nameMask = "某"

// maxRedactionPasses bounds the passes RedactForPublication makes until a
// pass finds nothing. One pass is almost always enough; later passes only
// catch text formed by an earlier replacement (an extra term "张" and a
// name "张三" both present). Every change shortens the text or replaces a
// non-mask character, so the loop converges; the bound guards the server.
const maxRedactionPasses = 8

// RedactOptions carries what the case knows about the people in a text.
type RedactOptions struct {
	// PersonNames are the full names of private persons in the case
	// (parties, applicants, witnesses); every occurrence becomes surname+某.
	PersonNames []string
	// ExtraTerms are words the prosecutor wants removed (a village name, a
	// shop sign); each occurrence becomes RedactionMask.
	ExtraTerms []string
	// KeepNames are official names (procuratorates, agencies, officials
	// acting in office) that no rule may touch.
	KeepNames []string
}

// RedactionChange is one replacement, located in the original text so the
// preview can mark it.
type RedactionChange struct {
	Kind        string `json:"kind"`
	Original    string `json:"original"`
	Replacement string `json:"replacement"`
	// Start and End are byte offsets of Original in the original text.
	Start int `json:"start"`
	End   int `json:"end"`
}

// RedactionResult is the redacted text and the changes that produced it.
type RedactionResult struct {
	Text    string            `json:"text"`
	Changes []RedactionChange `json:"changes"`

	original string
}

// MarkedPreview renders the original text with each change shown in place
// as 【原文→替换】, for the prosecutor to review before publishing. It needs
// the original text, so it only works on a result returned by
// RedactForPublication (not one decoded from JSON).
func (r RedactionResult) MarkedPreview() string {
	var b strings.Builder
	pos := 0
	for _, c := range r.Changes {
		if c.Start < pos || c.End > len(r.original) {
			continue
		}
		b.WriteString(r.original[pos:c.Start])
		b.WriteString("【")
		b.WriteString(c.Original)
		b.WriteString("→")
		b.WriteString(c.Replacement)
		b.WriteString("】")
		pos = c.End
	}
	b.WriteString(r.original[pos:])
	return b.String()
}

// RedactForPublication removes personal data from a recommendation, reply
// or progress report before it is published (公开前脱敏): names of private
// persons become surname+某; ID, phone, bank card, licence plate, property
// certificate numbers, e-mail addresses, extra terms and house numbers
// become RedactionMask. Document numbers (〔2026〕3号), dates, article
// numbers, amounts and standard numbers are left alone because no rule
// matches them. Redacting the result again changes nothing.
func RedactForPublication(text string, opts RedactOptions) RedactionResult {
	rules := newRedactionRules(opts)
	edits, current := invalidUTF8Edits(text)
	for pass := 0; pass < maxRedactionPasses; pass++ {
		found := rules.detect(current)
		if len(found) == 0 {
			break
		}
		edits = composeEdits(edits, current, found)
		current = applyEdits(text, edits)
	}
	changes := make([]RedactionChange, len(edits))
	for i, e := range edits {
		changes[i] = RedactionChange{
			Kind:        e.kind,
			Original:    text[e.start:e.end],
			Replacement: e.replacement,
			Start:       e.start,
			End:         e.end,
		}
	}
	return RedactionResult{Text: current, Changes: changes, original: text}
}

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
			edits = append(edits, edit{start: start, end: i, kind: RedactionInvalidText, replacement: "\uFFFD"})
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

// redactionRules holds the options prepared for matching.
type redactionRules struct {
	personNames []string // folded, at least two characters
	extraTerms  []string // folded, without mask characters
	keepNames   []string // folded
}

func newRedactionRules(opts RedactOptions) redactionRules {
	clean := func(terms []string, minRunes int) []string {
		var out []string
		for _, t := range terms {
			t = strings.TrimSpace(FoldWidth(strings.ToValidUTF8(t, "")))
			// A term containing a mask character could match its own
			// replacement and never settle.
			if utf8.RuneCountInString(t) < minRunes || strings.ContainsAny(t, "×\uFFFD") {
				continue
			}
			out = append(out, t)
		}
		return out
	}
	return redactionRules{
		personNames: clean(opts.PersonNames, 2),
		extraTerms:  clean(opts.ExtraTerms, 1),
		keepNames:   clean(opts.KeepNames, 1),
	}
}

// candidate is a proposed edit on the folded text; priority breaks ties
// between rules that match the same span (lower wins).
type candidate struct {
	start, end  int
	kind        string
	replacement string
	priority    int
}

// detect returns the non-overlapping edits one pass makes on text, in
// text's own offsets, sorted, none of them a no-op.
func (rules redactionRules) detect(text string) []edit {
	f := foldText(text)
	var cands []candidate
	add := func(kind string, priority int, spans [][2]int, replace func(string) string) {
		for _, s := range spans {
			cands = append(cands, candidate{s[0], s[1], kind, replace(f.s[s[0]:s[1]]), priority})
		}
	}
	mask := func(string) string { return RedactionMask }

	for _, t := range rules.extraTerms {
		add(RedactionExtraTerm, 0, findLiteral(f.s, t), mask)
	}
	for _, n := range rules.personNames {
		add(RedactionName, 1, findLiteral(f.s, n), Pseudonym)
	}
	add(RedactionIDNumber, 2, scanNumbers(f.s, id18Pattern, isResidentIDShape), mask)
	add(RedactionIDNumber, 2, scanNumbers(f.s, id15Pattern, isOldResidentIDShape), mask)
	add(RedactionMobile, 3, scanNumbers(f.s, mobilePatternLoose, nil), mask)
	add(RedactionLandline, 4, scanNumbers(f.s, landlinePatternLoose, nil), mask)
	add(RedactionLandline, 4, scanNumbers(f.s, contextPhonePattern, nil), mask)
	add(RedactionBankCard, 5, scanNumbers(f.s, bankCardPattern, nil), mask)
	add(RedactionLongNumber, 6, scanNumbers(f.s, longNumberPattern, nil), mask)
	add(RedactionPlate, 7, scanNumbers(f.s, platePattern, nil), mask)
	add(RedactionPlate, 7, scanNumbers(f.s, suffixPlatePattern, nil), mask)
	add(RedactionEmail, 7, groupSpans(f.s, emailPattern, 0), mask)
	add(RedactionPropertyCert, 7, groupSpans(f.s, propertyCertPattern, 0), mask)
	add(RedactionPropertyCert, 7, groupSpans(f.s, oldPropertyCertPattern, 0), mask)
	add(RedactionPropertyCert, 8, filterSpans(f.s, groupSpans(f.s, propertyCertContextPattern, 1), containsDigit), mask)
	add(RedactionAddress, 8, groupSpans(f.s, roadHousePattern, 1), mask)
	add(RedactionAddress, 9, filterSpans(f.s, groupSpans(f.s, buildingPattern, 0), isBuildingDetail), mask)
	add(RedactionName, 10, roleNameSpans(f.s), Pseudonym)
	add(RedactionName, 10, genderNameSpans(f.s), Pseudonym)

	var keep [][2]int
	for _, k := range rules.keepNames {
		keep = append(keep, findLiteral(f.s, k)...)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.priority < b.priority
	})
	var edits []edit
	lastEnd := 0
	for _, c := range cands {
		start, end := f.orig[c.start], f.orig[c.end]
		if c.start < lastEnd || start == end || text[start:end] == c.replacement || overlapsAny(c.start, c.end, keep) {
			continue
		}
		edits = append(edits, edit{start: start, end: end, kind: c.kind, replacement: c.replacement})
		lastEnd = c.end
	}
	return edits
}

func overlapsAny(start, end int, spans [][2]int) bool {
	for _, s := range spans {
		if start < s[1] && s[0] < end {
			return true
		}
	}
	return false
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

func FoldWidth(s string) string { return strings.Map(foldRune, s) }

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

// compoundSurnames are the common 复姓; a name starting with one keeps both
// characters (欧阳娜娜 → 欧阳某).
var compoundSurnames = []string{
	"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里",
	"呼延", "万俟", "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "闻人", "赫连", "钟离",
}

// commonSurnames are used only by the pattern rules, to tell where a name
// after "当事人" or before "（男，" begins. 于 is left out: after 申请人 it
// is nearly always the preposition.
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"

// nameStopChars end a name in running text: prepositions and verbs that
// follow a person (张三于…, 李四称…, 王五家中…).
const nameStopChars = "于在因称等的与和向将系已未诉是被为对从到及了说也都就把反投举表提要自所曾先之父母儿女家夫妻某×"

// nameFunctionChars may stand right before a name (向张三（男）…); a name
// taken with one of them in front is shortened to start at the surname.
const nameFunctionChars = "向于和与及将对把被由让给为经据是系即同跟找从在"

// notNames are words that follow a role word (学生安全, 居民常住) and
// would otherwise pass for a surname and a given name.
var notNames = map[string]bool{
	"安全": true, "安置": true, "全部": true, "全体": true, "全家": true, "成绩": true,
	"成员": true, "成年": true, "高考": true, "高中": true, "文化": true, "明确": true,
	"常年": true, "常住": true, "车辆": true, "路口": true, "关系": true, "方面": true,
	"方式": true, "金额": true, "时间": true, "时期": true, "和谐": true, "单位": true,
	"师生": true, "应当": true, "查明": true, "管理": true, "解决": true, "代表": true,
	"信息": true, "权益": true, "身份": true, "宁静": true, "安宁": true, "康复": true,
	"健康": true, "反映": true, "意见": true, "生活": true, "出行": true, "利益": true,
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// surnameLength is 2 for a compound surname, 1 for a common surname and 0
// when name does not start with a surname the pattern rules know.
func surnameLength(name []rune) int {
	if len(name) >= 2 {
		for _, c := range compoundSurnames {
			if string(name[:2]) == c {
				return 2
			}
		}
	}
	if len(name) >= 1 && strings.ContainsRune(commonSurnames, name[0]) {
		return 1
	}
	return 0
}

// Pseudonym keeps the surname and replaces the given name with 某:
// 张三 → 张某, 欧阳娜娜 → 欧阳某. A name the rules do not know the surname
// of keeps its first character, which is right for almost all Han names.
func Pseudonym(name string) string {
	r := []rune(name)
	if len(r) < 2 {
		return name
	}
	n := 1
	if len(r) >= 3 && surnameLength(r) == 2 {
		n = 2
	}
	return string(r[:n]) + nameMask
}

// titles follow a surname where an official is meant (负责人王局长,
// 联系人李老师); officials acting in office are not redacted.
var titles = map[string]bool{
	"主任": true, "书记": true, "经理": true, "老师": true, "医生": true, "警官": true,
	"律师": true, "法官": true, "师傅": true, "先生": true, "女士": true, "同志": true,
	"总": true, "工": true, "检": true, "警": true,
}

// plausibleName checks a surname+given-name candidate found by a pattern.
func plausibleName(name []rune, surname int) bool {
	given := name[surname:]
	if len(given) < 1 || len(given) > 2 || notNames[string(name)] || titles[string(given)] || given[len(given)-1] == '长' {
		return false
	}
	for i, r := range given {
		if !isHan(r) || r == '某' || (i > 0 && strings.ContainsRune(nameStopChars, r)) {
			return false
		}
	}
	return true
}

func endsName(next []rune) bool {
	return len(next) == 0 || !isHan(next[0]) || strings.ContainsRune(nameStopChars, next[0])
}

var roleNamePattern = regexp.MustCompile(`(?:被申请人|当事人|申请人|被举报人|举报人|被害人|证人|户主|业主|法定代表人|负责人|村民|居民|学生|患者|投诉人|控告人|犯罪嫌疑人|被告人|监护人|联系人)[: ]?`)

// roleNameSpans finds names right after a role word: "当事人张三",
// "申请人：欧阳娜娜", "居民李四家中". The given name is one or two
// characters and must be followed by a non-Han character or a word that
// ends a name, which keeps "学生安全教育" untouched.
func roleNameSpans(s string) [][2]int {
	var spans [][2]int
	for _, m := range roleNamePattern.FindAllStringIndex(s, -1) {
		rest := []rune(s[m[1]:min(len(s), m[1]+4*8)])
		surname := surnameLength(rest)
		if surname == 0 {
			continue
		}
		for given := 2; given >= 1; given-- {
			n := surname + given
			if n > len(rest) || !plausibleName(rest[:n], surname) || !endsName(rest[n:]) {
				continue
			}
			spans = append(spans, [2]int{m[1], m[1] + len(string(rest[:n]))})
			break
		}
	}
	return spans
}

var genderPattern = regexp.MustCompile(`\((?:男|女)[,、) ]`)

// genderNameSpans finds the name before "（男，" or "（女，", the way
// parties are introduced in legal documents.
func genderNameSpans(s string) [][2]int {
	var spans [][2]int
	for _, m := range genderPattern.FindAllStringIndex(s, -1) {
		before := []rune(s[max(0, m[0]-4*8):m[0]])
		i := len(before)
		for i > 0 && len(before)-i < 4 && isHan(before[i-1]) {
			i--
		}
		han := before[i:]
		for n := len(han); n >= 2; n-- {
			name := han[len(han)-n:]
			surname := surnameLength(name)
			if surname == 0 || (n == 4 && surname != 2) || !plausibleName(name, surname) {
				continue
			}
			if surname == 1 && n == 3 && strings.ContainsRune(nameFunctionChars, name[0]) && surnameLength(name[1:]) == 1 {
				continue
			}
			spans = append(spans, [2]int{m[0] - len(string(name)), m[0]})
			break
		}
	}
	return spans
}

func CleanTerms(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// Residual checks run on the redacted text as a second, independent line of
// defence: after folding full-width digits and dropping separators between
// digits, anything shaped like a mobile or resident ID number blocks
// publication until the prosecutor lists it as an extra term.
var (
	residualSeparators = regexp.MustCompile(`(\d)[\s\-()（）+.·]+(\d)`)
	residualNumber     = regexp.MustCompile(`(?:^|\D)(1[3-9]\d{9}|\d{17}[\dX]|\d{15})(?:\D|$)`)
)

// ResidualPersonalNumbers lists number runs in already-redacted text that
// still look like a mobile or ID number.
func ResidualPersonalNumbers(text string) []string {
	folded := residualSeparators.ReplaceAllString(strings.ToUpper(FoldWidth(text)), "$1$2")
	folded = residualSeparators.ReplaceAllString(folded, "$1$2")
	var out []string
	for _, m := range residualNumber.FindAllStringSubmatch(folded, -1) {
		out = append(out, m[1])
	}
	return out
}
