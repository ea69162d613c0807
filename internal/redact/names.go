package redact

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"jianyi/internal/textseg"
)

// level is how sure the detector is that a string is a private person's
// name.
type level int

const (
	levelNone     level = iota // name-shaped, nothing says it is a name
	levelPossible              // ask: listed in PossibleNames
	levelName                  // certain: redacted everywhere
)

// finding is what the detector concluded about one string over all texts.
type finding struct {
	level    level
	evidence map[string]bool
}

func (f *finding) evidenceList() []string {
	out := make([]string, 0, len(f.evidence))
	for e := range f.evidence {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// detectNames looks for private persons' names in the redacted texts. Text
// that a change produced and the kept names are not looked at; strings
// confirmed as not names are found like any other, for Result.Confirmed.
func detectNames(seg *textseg.Segmenter, texts []redacted, p plan) map[string]*finding {
	found := map[string]*finding{}
	for _, r := range texts {
		d := newDoc(seg, r, p.keep)
		for _, c := range d.candidates() {
			if c.level == levelNone {
				continue
			}
			f := found[c.name]
			if f == nil {
				f = &finding{evidence: map[string]bool{}}
				found[c.name] = f
			}
			f.level = max(f.level, c.level)
			for _, e := range c.evidence {
				f.evidence[e] = true
			}
		}
	}
	return found
}

// doc is one redacted text prepared for the detector: width-folded runes,
// the segmenter's words over them and the runes no rule may use.
type doc struct {
	seg      *textseg.Segmenter
	rs       []rune
	words    []textseg.Word // Start and End in runes
	boundary []bool         // a word starts or ends before rune i (len(rs)+1)
	wordAt   []int          // index in words of the word holding rune i
	blocked  []bool         // rune i was produced by a change or is kept
}

func newDoc(seg *textseg.Segmenter, r redacted, keep []string) *doc {
	f := foldText(r.text)
	d := &doc{seg: seg, rs: []rune(f.s)}
	n := len(d.rs)
	// runeAt maps a byte offset of the folded text to a rune index.
	runeAt := make([]int, len(f.s)+1)
	textOffset := make([]int, n+1) // byte offset in r.text of rune i
	ri := 0
	for bi := range f.s {
		runeAt[bi] = ri
		textOffset[ri] = f.orig[bi]
		ri++
	}
	runeAt[len(f.s)] = n
	textOffset[n] = len(r.text)
	for bi := len(f.s) - 1; bi >= 0; bi-- {
		if !utf8.RuneStart(f.s[bi]) {
			runeAt[bi] = runeAt[bi+1]
		}
	}

	d.boundary = make([]bool, n+1)
	d.wordAt = make([]int, n)
	for _, w := range seg.Tag(f.s) {
		w.Start, w.End = runeAt[w.Start], runeAt[w.End]
		d.boundary[w.Start], d.boundary[w.End] = true, true
		for i := w.Start; i < w.End; i++ {
			d.wordAt[i] = len(d.words)
		}
		d.words = append(d.words, w)
	}

	d.blocked = make([]bool, n)
	var spans [][2]int // byte offsets in r.text
	delta := 0
	for _, e := range r.edits {
		spans = append(spans, [2]int{e.start + delta, e.start + delta + len(e.replacement)})
		delta += len(e.replacement) - (e.end - e.start)
	}
	for _, k := range keep {
		for _, s := range findLiteral(f.s, k) {
			spans = append(spans, [2]int{f.orig[s[0]], f.orig[s[1]]})
		}
	}
	for _, s := range spans {
		for i := sort.SearchInts(textOffset[:n], s[0]); i < n && textOffset[i] < s[1]; i++ {
			d.blocked[i] = true
		}
	}
	return d
}

// nameCandidate is one name-shaped place in a doc.
type nameCandidate struct {
	start, end int // runes
	name       string
	level      level
	evidence   []string
	// listable: a list next to a name may raise it (a dictionary word that
	// is not a name, or an official, is never raised).
	listable bool
}

// candidates finds the name-shaped strings of the doc, judges each from
// its context, lets lists pass the judgement on to their neighbours, and
// returns them without overlaps.
func (d *doc) candidates() []nameCandidate {
	var all []nameCandidate
	for i := range d.rs {
		if c, ok := d.candidateAt(i); ok {
			all = append(all, c)
		}
	}
	// Without overlaps: the surer candidate wins, then the earlier one.
	var cs []nameCandidate
	for _, c := range all {
		if k := len(cs) - 1; k >= 0 && c.start < cs[k].end {
			if c.level > cs[k].level {
				cs[k] = c
			}
			continue
		}
		cs = append(cs, c)
	}
	d.raiseLists(cs)
	return cs
}

// raiseLists passes a name's judgement to the names listed with it
// (申请人王小明、李建国: both are applicants) until nothing changes. A
// neighbour that is already redacted (王某、刘洋) makes the other possible.
func (d *doc) raiseLists(cs []nameCandidate) {
	for changed := true; changed; {
		changed = false
		raise := func(c *nameCandidate, to level) {
			if c.listable && c.level < to {
				c.level = to
				c.evidence = append(c.evidence, EvidenceList)
				changed = true
			}
		}
		for k := range cs {
			c := &cs[k]
			if j, ok := d.joinerBefore(c.start); ok {
				if k > 0 && cs[k-1].end == j {
					raise(c, cs[k-1].level)
					raise(&cs[k-1], c.level)
				} else if d.redactedNameEndsAt(j) {
					raise(c, levelPossible)
				}
			}
			if j, ok := d.joinerAfter(c.end); ok && d.redactedNameStartsAt(j) {
				raise(c, levelPossible)
			}
		}
	}
}

// joinerBefore returns where a list joiner (、和与及) ending at i starts.
func (d *doc) joinerBefore(i int) (int, bool) {
	for l := 1; l <= 3 && l <= i; l++ {
		if listJoiners[string(d.rs[i-l:i])] && !d.blocked[i-l] {
			return i - l, true
		}
	}
	return 0, false
}

func (d *doc) joinerAfter(i int) (int, bool) {
	for l := 1; l <= 3 && i+l <= len(d.rs); l++ {
		if listJoiners[string(d.rs[i:i+l])] && !d.blocked[i] {
			return i + l, true
		}
	}
	return 0, false
}

// redactedNameEndsAt reports whether a pseudonym (王某, 欧阳某, 王某某)
// ends right before i.
func (d *doc) redactedNameEndsAt(i int) bool {
	return i >= 2 && d.rs[i-1] == '某' && isHan(d.rs[i-2])
}

func (d *doc) redactedNameStartsAt(i int) bool {
	for _, sl := range []int{2, 1} {
		if i+sl < len(d.rs) && d.surnameLen(i) == sl && d.rs[i+sl] == '某' {
			return true
		}
	}
	return false
}

// candidateAt judges the name starting at rune i, if one can: a surname
// (compound first) and a given name of one or two characters whose ends
// the segmenter agrees with. Where no listed surname stands, a word the
// segmenter itself tags as a name it did not find in its dictionary (a rare
// surname) is taken as a name shape too.
func (d *doc) candidateAt(i int) (nameCandidate, bool) {
	if d.blocked[i] || !isHan(d.rs[i]) {
		return nameCandidate{}, false
	}
	var lens []int
	if i+1 < len(d.rs) && isCompoundSurname(d.rs[i:i+2]) {
		lens = append(lens, 2)
	}
	// A surname character the segmenter reads as a word of its own with a
	// function tag is a surname only before a word it tags as a name
	// (证人于|小梅, but 曾|多次, 申请人于|2025年); read as a measure word
	// it is one only after a numeral or a demonstrative (一张|纸, 这张, but
	// 申请人张|婷婷, 其妻张|平静).
	// One that can be a preposition is none before another name (向|张三).
	w := d.words[d.wordAt[i]]
	alone := w.Start == i && w.End == i+1
	preposition := alone && strings.ContainsRune(nameFunctionChars, d.rs[i]) && d.nameStartsAt(i+1)
	function := alone && functionTags[w.Pos]
	if function && w.Pos == "q" {
		function = i > 0 && (isDigit(d.rs[i-1]) || strings.ContainsRune(measured, d.rs[i-1]))
	}
	if function && i+1 < len(d.rs) {
		next := d.words[d.wordAt[i+1]]
		function = !(next.Start == i+1 && textseg.IsPersonTag(next.Pos) && !d.doubtfulGiven(next))
	}
	if strings.ContainsRune(commonSurnames, d.rs[i]) && !function && !preposition {
		lens = append(lens, 1)
	}
	if len(lens) == 0 {
		w := d.words[d.wordAt[i]]
		n := w.End - w.Start
		if w.Start != i || !textseg.IsPersonTag(w.Pos) || n < 2 || n > 3 {
			return nameCandidate{}, false
		}
		if _, inDict := d.seg.Lookup(w.Text); inDict {
			return nameCandidate{}, false
		}
		if !d.nameShape(i, 1, n-1) {
			return nameCandidate{}, false
		}
		return d.judge(i, 1, w.End, true)
	}
	// Where the segmenter took a name of three or four characters whole,
	// its end is the name's end (令狐冲|均未到庭).
	if w := d.words[d.wordAt[i]]; w.Start == i && textseg.IsPersonTag(w.Pos) && w.End-i >= 3 {
		if given := w.End - i - lens[0]; given >= 1 && given <= 2 && d.nameShape(i, lens[0], given) {
			return d.judge(i, lens[0], w.End, false)
		}
	}
	for _, sl := range lens {
		for given := 2; given >= 1; given-- {
			if d.nameShape(i, sl, given) {
				return d.judge(i, sl, i+sl+given, false)
			}
		}
	}
	return nameCandidate{}, false
}

// nameStartsAt reports whether a name shape starts at i.
func (d *doc) nameStartsAt(i int) bool {
	if i >= len(d.rs) {
		return false
	}
	sl := d.surnameLen(i)
	return sl > 0 && (d.nameShape(i, sl, 1) || d.nameShape(i, sl, 2))
}

// nameShape checks a surname of sl runes at i and a given name of given
// runes: Han characters nobody replaced, not a title (王局长), not a
// place (王庄村), ends that the segmenter agrees with, no function word
// inside.
func (d *doc) nameShape(i, sl, given int) bool {
	e := i + sl + given
	if e > len(d.rs) {
		return false
	}
	for k := i; k < e; k++ {
		if !isHan(d.rs[k]) || d.blocked[k] || d.rs[k] == '某' {
			return false
		}
	}
	// Nor may it end where a pseudonym starts or inside one: 司马某 is not
	// 司+马, 李欧阳某 not 李欧+阳某.
	if e < len(d.rs) && (d.rs[e] == '某' || (e+1 < len(d.rs) && d.rs[e+1] == '某' && isCompoundSurname(d.rs[e-1:e+1]))) {
		return false
	}
	g := d.rs[i+sl : e]
	if given == 2 && strings.ContainsRune(stopAfterFirstGiven, g[1]) {
		return false
	}
	if titleGiven[string(g)] || g[len(g)-1] == '长' || strings.ContainsRune(placeEndings, d.rs[e-1]) {
		return false
	}
	// The segmenter must not run a word across either end, unless a cue
	// word or a preposition is glued to the surname (人王|小明, 向张三).
	if e < len(d.rs) && isHan(d.rs[e]) && !d.boundary[e] {
		return false
	}
	if i > 0 && isHan(d.rs[i-1]) && !d.boundary[i] && !d.cueEndsAt(i) && !strings.ContainsRune(nameFunctionChars, d.rs[i-1]) {
		return false
	}
	// No function word inside the given name. The dictionary's tags for a
	// single character mean little in a name (刚/d, 超/v), so after a role
	// word only grammatical words count, and a single verb ends the name
	// unless punctuation follows (证人李明|来了, but 申请人马刚超，).
	afterRole := d.cueBefore(i, privateCues)
	clauseEnds := e == len(d.rs) || !isHan(d.rs[e])
	for k := i + sl; k < e; {
		w := d.words[d.wordAt[k]]
		if w.Start >= i+sl && w.End <= e {
			bad := grammarTags[w.Pos]
			if w.End-w.Start == 1 {
				bad = bad || (!afterRole && functionTags[w.Pos]) || (k > i+sl && w.Pos == "v" && !clauseEnds)
			}
			if bad {
				return false
			}
		}
		k = w.End
	}
	if d.placeWordAt(e) {
		return false
	}
	return true
}

// placeWordAt reports whether a word that makes the name before it part of
// a place or an organisation starts at e (李家|镇, 东方红|小学).
func (d *doc) placeWordAt(e int) bool {
	if e >= len(d.rs) {
		return false
	}
	w := d.words[d.wordAt[e]]
	if w.Start == e && placeWordsAfter[w.Text] {
		return true
	}
	for l := 2; l <= 3 && e+l <= len(d.rs); l++ {
		if placeWordsAfter[string(d.rs[e:e+l])] {
			return true
		}
	}
	return false
}

// judge weighs the context of the name-shaped rs[i:e] (surname of sl
// runes): what precedes and follows it, and what the dictionary and the
// segmenter say of it.
func (d *doc) judge(i, sl, e int, unlisted bool) (nameCandidate, bool) {
	name := string(d.rs[i:e])
	tag, inDict := d.seg.Lookup(name)
	if notNameWords[name] || privateCues[name] || officialCues[name] || (inDict && functionTags[tag]) {
		return nameCandidate{}, false
	}
	// A dictionary word that is not a name (方便, 高度): only a role word
	// before it makes it worth asking about.
	common := inDict && !textseg.IsPersonTag(tag)
	c := nameCandidate{start: i, end: e, name: name, listable: !common}
	role := d.cueBefore(i, privateCues)
	gender := d.genderAfter(e)
	official := d.cueBefore(i, officialCues) || d.wordAfter(e, officialTitlesAfter)
	speech := d.wordAfter(e, speechCues)
	title := d.wordAfter(e, privateTitlesAfter)
	segmenter := d.segmenterSaysName(i, sl, e, inDict)
	for _, ev := range []struct {
		on   bool
		code string
	}{{role, EvidenceRole}, {gender, EvidenceGender}, {speech, EvidenceSpeech}, {title, EvidenceTitle}, {segmenter, EvidenceSegmenter}} {
		if ev.on {
			c.evidence = append(c.evidence, ev.code)
		}
	}
	strong := role || gender
	switch {
	case official && !strong:
		c.listable = false
	case strong && !common:
		c.level = levelName
	case strong:
		c.level = levelPossible
	case (speech || title || segmenter) && !common:
		c.level = levelPossible
	}
	if unlisted && c.level == levelNone {
		return nameCandidate{}, false
	}
	return c, true
}

// segmenterSaysName reports whether the segmenter, reading the sentence,
// took rs[i:e] for a personal name: one word tagged nr, or a given name
// made of words one of which is tagged nr (王|小明, 孙|丽丽). The
// dictionary's tags are noisy — it tags 陈述, 阳光, 明白, 申请人, 安全法 and
// 黄金周 as names — so a word the segmenter took whole from the dictionary
// counts only when it has three characters not starting with a common word.
func (d *doc) segmenterSaysName(i, sl, e int, inDict bool) bool {
	w := d.words[d.wordAt[i]]
	if w.Start == i && w.End == e && textseg.IsPersonTag(w.Pos) {
		if !inDict {
			return true // the model's own reading
		}
		// A dictionary name is trusted when longer than two characters and
		// not a common word plus a character (安全|法, 黄金|周).
		if e-i == 2 {
			return false
		}
		tag, ok := d.seg.Lookup(string(d.rs[i : i+2]))
		return !ok || textseg.IsPersonTag(tag)
	}
	if !d.boundary[i+sl] {
		return false
	}
	for k := i + sl; k < e; {
		w := d.words[d.wordAt[k]]
		if w.End > e {
			return false
		}
		if textseg.IsPersonTag(w.Pos) && !d.doubtfulGiven(w) {
			return true
		}
		k = w.End
	}
	return false
}

// doubtfulGiven reports whether a word tagged nr that follows a surname is
// more likely a word or a name of its own than a given name: one the
// dictionary corrections know (时|陈述), or a two-character dictionary word
// that itself starts with a surname.
func (d *doc) doubtfulGiven(w textseg.Word) bool {
	if notNameWords[w.Text] {
		return true
	}
	_, inDict := d.seg.Lookup(w.Text)
	return inDict && w.End-w.Start == 2 && d.surnameLen(w.Start) > 0
}

// cueEndsAt reports whether a role, kinship or official word ends at i.
func (d *doc) cueEndsAt(i int) bool {
	return d.cueBefore(i, privateCues) || d.cueBefore(i, officialCues)
}

// maxCueRunes is the length of the longest cue word.
const maxCueRunes = 6

// cueBefore reports whether a word of cues ends at i, or before a colon, a
// space, a closing parenthesis or a copula (为, 是, 系) ending at i
// (申请人：王小明, 上诉人（原审被告）王小明, 权利人为韩雪梅), and starts where
// the segmenter starts a word or after 其/之/的 (so 业主 in 物业主管 is no
// cue, 父亲 in 其父|亲王 is).
func (d *doc) cueBefore(i int, cues map[string]bool) bool {
	j := i
	if j > 0 && strings.ContainsRune(": )为是系", d.rs[j-1]) {
		j--
	}
	for l := min(maxCueRunes, j); l >= 2; l-- {
		s := j - l
		if cues[string(d.rs[s:j])] && (s == 0 || !isHan(d.rs[s-1]) || d.boundary[s] || strings.ContainsRune("其之的", d.rs[s-1])) {
			return true
		}
	}
	return false
}

// wordAfter reports whether a word of set starts at e and ends where the
// segmenter ends a word (王小明称 but not 王小明称号).
func (d *doc) wordAfter(e int, set map[string]bool) bool {
	for l := 1; l <= 4 && e+l <= len(d.rs); l++ {
		end := e + l
		if set[string(d.rs[e:end])] && (end == len(d.rs) || !isHan(d.rs[end]) || d.boundary[end]) {
			return true
		}
	}
	return false
}

func (d *doc) genderAfter(e int) bool {
	rest := string(d.rs[e:min(len(d.rs), e+4)])
	for _, g := range genderCues {
		if strings.HasPrefix(rest, g) {
			return true
		}
	}
	return false
}

// surnameLen is 2 for a compound surname at i, 1 for a single one, 0 for
// none.
func (d *doc) surnameLen(i int) int {
	if i+1 < len(d.rs) && isCompoundSurname(d.rs[i:i+2]) {
		return 2
	}
	if strings.ContainsRune(commonSurnames, d.rs[i]) {
		return 1
	}
	return 0
}

// nameFunctionChars may stand right before a name, glued to it by the
// segmenter (向张三（男）…).
const nameFunctionChars = "向于和与及将对把被由让给为经据是系即同跟找从在"

var compoundSet = words(compoundSurnames...)

func isCompoundSurname(r []rune) bool { return len(r) >= 2 && compoundSet[string(r[:2])] }

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// measured are the characters a measure word follows (一张, 这张, 每张).
const measured = "一二两三四五六七八九十百千万几这那哪每某多数半整上下前后头末"
