package redact

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"jianyi/internal/textseg"
)

// Kinds of Change. They are stable strings because the prosecutor's
// preview and the audit log show them.
const (
	KindIDNumber     = "id_number"     // 身份证号码（18位及15位旧号）
	KindMobile       = "mobile"        // 手机号码
	KindLandline     = "landline"      // 固定电话
	KindBankCard     = "bank_card"     // 银行卡号
	KindLongNumber   = "number"        // 其他11位以上的长数字
	KindPlate        = "licence_plate" // 机动车号牌
	KindEmail        = "email"         // 电子邮箱
	KindPropertyCert = "property_cert" // 不动产权证号、房产证号
	KindAddress      = "address"       // 门牌号、楼栋、单元、房号
	KindName         = "name"          // 自然人姓名
	KindExtraTerm    = "extra_term"    // 检察官指定删除的词语
	KindInvalidText  = "invalid_text"  // 无法解码的字节
)

// Evidence codes say why a string was taken for a personal name; a review
// page shows them beside the name.
const (
	EvidenceDecided   = "decided"   // listed in Decisions.Names
	EvidenceRole      = "role"      // after a role or kinship word: 申请人王小明, 其子王小明
	EvidenceGender    = "gender"    // before （男 / （女 / ，男，
	EvidenceSpeech    = "speech"    // before a speech verb: 王小明称
	EvidenceTitle     = "title"     // before 同志 / 先生 / 女士
	EvidenceList      = "list"      // in a 、 / 和 / 与 list next to a name
	EvidenceSegmenter = "segmenter" // the segmenter tags it as a personal name (nr)
)

// Mask replaces every removed number, address detail and extra term. A
// fixed token (rather than one × per digit) hides how long the number was
// and keeps the published sentence short; it contains no digit, so a second
// redaction finds nothing in it.
const Mask = "××"

// nameMask replaces a private person's given name (张三 → 张某), the form
// used in published legal documents.
const nameMask = "某"

// maxPasses bounds the passes redactText makes until a pass finds nothing.
// One pass is almost always enough; later passes only catch text formed by
// an earlier replacement (an extra term "张" and a name "张三" both
// present). Every change shortens the text or replaces a non-mask
// character, so the loop converges; the bound guards the server.
const maxPasses = 8

// maxNamePasses bounds how often the names are looked for again in the
// redacted texts. A second look finds a name only where the first
// replacement changed what surrounds it; anything still name-like after the
// last look is listed as a possible name, so the bound never lets a name out.
const maxNamePasses = 4

// Decisions are what the people preparing a publication have decided about
// its texts. Names and NotNames together are the answers to earlier
// PossibleNames.
type Decisions struct {
	// Names are private persons' names (parties, applicants, witnesses, and
	// possible names confirmed as names): each occurrence in every text
	// becomes surname+某.
	Names []string
	// NotNames are strings confirmed not to be personal names (a shop sign,
	// a word the detector took for a name): never redacted as a name, never
	// listed. A string in both lists is a name.
	NotNames []string
	// ExtraTerms are words to remove (a village name, a shop sign); each
	// occurrence becomes Mask.
	ExtraTerms []string
	// Keep are official names (procuratorates, agencies, officials acting
	// in office) that no rule may touch.
	Keep []string
}

// Change is one replacement. Start and End are byte offsets of Original in
// the text given to Redact; OutStart and OutEnd are those of Replacement in
// the redacted text, so a review page can mark it in either.
type Change struct {
	Kind        string `json:"kind"`
	Original    string `json:"original"`
	Replacement string `json:"replacement"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	OutStart    int    `json:"out_start"`
	OutEnd      int    `json:"out_end"`
}

// Text is one redacted text and the changes that produced it, in order.
type Text struct {
	Text    string   `json:"text"`
	Changes []Change `json:"changes"`

	original string
	possible []Occurrence
}

// Name is a personal name the redaction hid.
type Name struct {
	Name      string `json:"name"`
	Pseudonym string `json:"pseudonym"`
	// Source is "decided" (in Decisions.Names) or "detected".
	Source   string   `json:"source"`
	Evidence []string `json:"evidence"`
	// Count is the number of places it was replaced, over all texts.
	Count int `json:"count"`
}

// PossibleName is a string that reads like a private person's name and
// that nobody has decided about: it is left in the texts, and publishing
// must wait until it is put in Decisions.Names or Decisions.NotNames.
type PossibleName struct {
	Name string `json:"name"`
	// Pseudonym is what it would become as a name.
	Pseudonym   string       `json:"pseudonym"`
	Evidence    []string     `json:"evidence"`
	Occurrences []Occurrence `json:"occurrences"`
}

// Occurrence is a place of a possible name: the index of the text in the
// slice given to Redact, byte offsets in that text (Start, End) and in the
// redacted text (OutStart, OutEnd), and the redacted text around it.
type Occurrence struct {
	Text     int    `json:"text"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	OutStart int    `json:"out_start"`
	OutEnd   int    `json:"out_end"`
	Context  string `json:"context"`
}

// Result is the redaction of the texts of one publication.
type Result struct {
	// Texts are the redacted texts, in the order given.
	Texts []Text `json:"texts"`
	// Names are the names hidden, sorted.
	Names []Name `json:"names"`
	// PossibleNames are undecided name-like strings, sorted; while there is
	// one, the texts may not be published.
	PossibleNames []PossibleName `json:"possible_names"`
	// Confirmed are the Decisions.NotNames the detector took for a name
	// (certain or possible): the confirmations that mattered, for the audit
	// entry. Sorted.
	Confirmed []string `json:"confirmed_not_names"`
}

// Publishable reports whether every name-like string has been decided.
func (r Result) Publishable() bool { return len(r.PossibleNames) == 0 }

// PossibleNameList is the sorted list of PossibleNames' strings, for
// messages and for the API's possible_names.
func (r Result) PossibleNameList() []string {
	out := make([]string, len(r.PossibleNames))
	for i, p := range r.PossibleNames {
		out[i] = p.Name
	}
	return out
}

// Marked renders the original text with each change shown in place as
// 【原文→替换】 and each possible name as 【王小明？】, for review before
// publishing. It needs the original text, so it only works on a Text
// returned by Redact (not one decoded from JSON).
func (t Text) Marked() string {
	type mark struct {
		start, end int
		s          string
	}
	var marks []mark
	for _, c := range t.Changes {
		marks = append(marks, mark{c.Start, c.End, "【" + c.Original + "→" + c.Replacement + "】"})
	}
	for _, o := range t.possible {
		marks = append(marks, mark{o.Start, o.End, "【" + t.original[o.Start:o.End] + "？】"})
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].start < marks[j].start })
	var b strings.Builder
	pos := 0
	for _, m := range marks {
		if m.start < pos || m.end > len(t.original) {
			continue
		}
		b.WriteString(t.original[pos:m.start])
		b.WriteString(m.s)
		pos = m.end
	}
	b.WriteString(t.original[pos:])
	return b.String()
}

// Redact removes personal data from the texts of one publication (a
// recommendation's title, body and copy-to list, the replies) before it is
// published (公开前脱敏): names of private persons become surname+某; ID,
// phone, bank card, licence plate and property certificate numbers, e-mail
// addresses, extra terms and house numbers become Mask. Document numbers
// (〔2026〕3号), dates, article numbers, amounts and standard numbers are
// left alone because no rule matches them.
//
// A name found in any text — decided, or detected from its context (see the
// package documentation) — is replaced in every text. What reads like a
// name but is neither decided nor certain is left in place and listed in
// PossibleNames. The result depends only on the arguments, and redacting
// its texts again with the same decisions changes nothing.
func Redact(texts []string, d Decisions) Result {
	p := newPlan(d)
	seg := textseg.Shared()
	srcs := make([]source, len(texts))
	for i, t := range texts {
		srcs[i].original = t
		srcs[i].edits, srcs[i].valid = invalidUTF8Edits(t)
	}
	names := map[string]*Name{}
	for _, n := range p.names {
		names[n] = &Name{Name: n, Pseudonym: Pseudonym(n), Source: "decided", Evidence: []string{EvidenceDecided}}
	}

	var out []redacted
	var found map[string]*finding
	for pass := 0; ; pass++ {
		out = redactAll(srcs, p.rules(names))
		found = detectNames(seg, out, p)
		if pass == maxNamePasses {
			break
		}
		added := false
		for n, f := range found {
			if f.level == levelName && names[n] == nil && !p.notNames[n] {
				names[n] = &Name{Name: n, Pseudonym: Pseudonym(n), Source: "detected", Evidence: f.evidenceList()}
				added = true
			}
		}
		if !added {
			break
		}
	}
	return p.result(out, names, found)
}

// source is one text as given and as made valid UTF-8.
type source struct {
	original string
	valid    string
	edits    []edit
}

// redacted is one text after the rules: its edits on the original.
type redacted struct {
	original string
	text     string
	edits    []edit
}

func redactAll(srcs []source, rules rules) []redacted {
	out := make([]redacted, len(srcs))
	for i, s := range srcs {
		out[i] = redactText(s, rules)
	}
	return out
}

// redactText applies the rules until a pass finds nothing more.
func redactText(s source, rules rules) redacted {
	edits, current := s.edits, s.valid
	for pass := 0; pass < maxPasses; pass++ {
		found := rules.detect(current)
		if len(found) == 0 {
			break
		}
		edits = composeEdits(edits, current, found)
		current = applyEdits(s.original, edits)
	}
	return redacted{original: s.original, text: current, edits: edits}
}

// plan is the decisions cleaned and width-folded.
type plan struct {
	names      []string // at least two characters
	notNames   map[string]bool
	extraTerms []string
	keep       []string
}

func newPlan(d Decisions) plan {
	p := plan{
		names: cleanTerms(d.Names, 2),
		// An extra term with 某 would eat into the pseudonyms (欧阳某 →
		// 欧阳××) and leave a surname that reads like a new name.
		extraTerms: slices.DeleteFunc(cleanTerms(d.ExtraTerms, 1), func(t string) bool { return strings.Contains(t, nameMask) }),
		keep:       cleanTerms(d.Keep, 1),
		notNames:   map[string]bool{},
	}
	// A name already written as a pseudonym (王某) has nothing to hide.
	p.names = slices.DeleteFunc(p.names, func(n string) bool { return Pseudonym(n) == n })
	for _, n := range cleanTerms(d.NotNames, 1) {
		p.notNames[n] = true
	}
	for _, n := range p.names {
		delete(p.notNames, n)
	}
	return p
}

// cleanTerms folds, trims and sorts terms, dropping short ones and those
// containing a mask character (which could match their own replacement and
// never settle).
func cleanTerms(terms []string, minRunes int) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range terms {
		t = strings.TrimSpace(foldWidth(strings.ToValidUTF8(t, "")))
		if utf8.RuneCountInString(t) < minRunes || strings.ContainsAny(t, "×\uFFFD") || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (p plan) rules(names map[string]*Name) rules {
	r := rules{extraTerms: p.extraTerms, keep: p.keep}
	for n := range names {
		r.names = append(r.names, n)
	}
	// Longer names first, so that 王小明 is replaced whole where 王小 is
	// also a name; then in order, for a deterministic result.
	sort.Slice(r.names, func(i, j int) bool {
		a, b := r.names[i], r.names[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
	for n := range p.notNames {
		r.notNames = append(r.notNames, n)
	}
	sort.Strings(r.notNames)
	return r
}

// result assembles the Result from the last redaction and the last look
// for names.
func (p plan) result(out []redacted, names map[string]*Name, found map[string]*finding) Result {
	res := Result{Texts: make([]Text, len(out)), Names: []Name{}, PossibleNames: []PossibleName{}, Confirmed: []string{}}
	for i, r := range out {
		res.Texts[i] = Text{Text: r.text, Changes: changesOf(r), original: r.original}
		for _, c := range res.Texts[i].Changes {
			if c.Kind != KindName {
				continue
			}
			if n := names[foldWidth(c.Original)]; n != nil {
				n.Count++
			}
		}
	}
	for _, n := range names {
		res.Names = append(res.Names, *n)
	}
	sort.Slice(res.Names, func(i, j int) bool { return res.Names[i].Name < res.Names[j].Name })

	for n, f := range found {
		if p.notNames[n] {
			res.Confirmed = append(res.Confirmed, n)
		}
		if f.level < levelPossible || names[n] != nil || p.notNames[n] {
			continue
		}
		pn := PossibleName{Name: n, Pseudonym: Pseudonym(n), Evidence: f.evidenceList(), Occurrences: []Occurrence{}}
		for ti := range res.Texts {
			pn.Occurrences = append(pn.Occurrences, occurrences(ti, &res.Texts[ti], n, p.keep)...)
		}
		res.PossibleNames = append(res.PossibleNames, pn)
	}
	sort.Slice(res.PossibleNames, func(i, j int) bool { return res.PossibleNames[i].Name < res.PossibleNames[j].Name })
	sort.Strings(res.Confirmed)
	for _, pn := range res.PossibleNames {
		for _, o := range pn.Occurrences {
			t := &res.Texts[o.Text]
			t.possible = append(t.possible, o)
		}
	}
	return res
}

// changesOf turns a text's edits into Changes with offsets in both texts.
func changesOf(r redacted) []Change {
	changes := make([]Change, len(r.edits))
	delta := 0
	for i, e := range r.edits {
		outStart := e.start + delta
		changes[i] = Change{
			Kind:        e.kind,
			Original:    r.original[e.start:e.end],
			Replacement: e.replacement,
			Start:       e.start,
			End:         e.end,
			OutStart:    outStart,
			OutEnd:      outStart + len(e.replacement),
		}
		delta += len(e.replacement) - (e.end - e.start)
	}
	return changes
}

// occurrences finds name in a redacted text, outside every change and kept
// name, with offsets in the original text too.
func occurrences(ti int, t *Text, name string, keep []string) []Occurrence {
	f := foldText(t.Text)
	var keepSpans [][2]int
	for _, k := range keep {
		keepSpans = append(keepSpans, findLiteral(f.s, k)...)
	}
	var out []Occurrence
	for _, sp := range findLiteral(f.s, name) {
		if overlapsAny(sp[0], sp[1], keepSpans) {
			continue
		}
		outStart, outEnd := f.orig[sp[0]], f.orig[sp[1]]
		start, ok := toOriginal(t.Changes, outStart, outEnd)
		if !ok {
			continue
		}
		out = append(out, Occurrence{Text: ti, Start: start, End: start + (outEnd - outStart),
			OutStart: outStart, OutEnd: outEnd, Context: context(t.Text, outStart, outEnd)})
	}
	return out
}

// toOriginal maps a span of the redacted text that touches no change to
// its start in the original text.
func toOriginal(changes []Change, outStart, outEnd int) (int, bool) {
	delta := 0
	for _, c := range changes {
		if c.OutStart >= outEnd && c.OutStart > outStart {
			break
		}
		if outStart < c.OutEnd && c.OutStart < outEnd {
			return 0, false
		}
		delta += (c.End - c.Start) - (c.OutEnd - c.OutStart)
	}
	return outStart + delta, true
}

// contextRunes is how much text an Occurrence shows either side.
const contextRunes = 12

func context(s string, start, end int) string {
	before := []rune(s[:start])
	after := []rune(s[end:])
	if len(before) > contextRunes {
		before = before[len(before)-contextRunes:]
	}
	if len(after) > contextRunes {
		after = after[:contextRunes]
	}
	return string(before) + s[start:end] + string(after)
}

// Pseudonym keeps the surname and replaces the given name with 某:
// 张三 → 张某, 欧阳娜娜 → 欧阳某. A name whose surname the lists do not
// know keeps its first character, which is right for almost all Han names.
func Pseudonym(name string) string {
	r := []rune(name)
	if len(r) < 2 {
		return name
	}
	n := 1
	if len(r) >= 3 && isCompoundSurname(r[:2]) {
		n = 2
	}
	return string(r[:n]) + nameMask
}

// FoldWidth maps full-width ASCII (０-９, Ａ-Ｚ, （）, ：, ＋, －) and the
// ideographic space to ASCII, and hyphen-like dashes to '-', the way every
// rule of this package reads text.
func FoldWidth(s string) string { return foldWidth(s) }
