package redact

import "sort"

// rules are what one redaction pass replaces: the names (decided and
// detected), the extra terms and the patterns, with the kept names and the
// strings confirmed as not names protected. All are width-folded.
type rules struct {
	names      []string // longest first
	extraTerms []string
	keep       []string
	notNames   []string
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
func (r rules) detect(text string) []edit {
	f := foldText(text)
	var cands []candidate
	add := func(kind string, priority int, spans [][2]int, replace func(string) string) {
		for _, s := range spans {
			cands = append(cands, candidate{s[0], s[1], kind, replace(f.s[s[0]:s[1]]), priority})
		}
	}
	mask := func(string) string { return Mask }

	for _, t := range r.extraTerms {
		add(KindExtraTerm, 0, findLiteral(f.s, t), mask)
	}
	var notNameSpans [][2]int
	for _, n := range r.notNames {
		notNameSpans = append(notNameSpans, findLiteral(f.s, n)...)
	}
	for _, n := range r.names {
		add(KindName, 1, outside(findLiteral(f.s, n), notNameSpans), Pseudonym)
	}
	add(KindIDNumber, 2, scanNumbers(f.s, id18Pattern, isResidentIDShape), mask)
	add(KindIDNumber, 2, scanNumbers(f.s, id15Pattern, isOldResidentIDShape), mask)
	add(KindMobile, 3, scanNumbers(f.s, mobilePatternLoose, nil), mask)
	add(KindLandline, 4, scanNumbers(f.s, landlinePatternLoose, nil), mask)
	add(KindLandline, 4, scanNumbers(f.s, contextPhonePattern, nil), mask)
	add(KindBankCard, 5, scanNumbers(f.s, bankCardPattern, nil), mask)
	add(KindLongNumber, 6, scanNumbers(f.s, longNumberPattern, nil), mask)
	add(KindPlate, 7, scanNumbers(f.s, platePattern, nil), mask)
	add(KindPlate, 7, scanNumbers(f.s, suffixPlatePattern, nil), mask)
	add(KindEmail, 7, groupSpans(f.s, emailPattern, 0), mask)
	add(KindPropertyCert, 7, groupSpans(f.s, propertyCertPattern, 0), mask)
	add(KindPropertyCert, 7, groupSpans(f.s, oldPropertyCertPattern, 0), mask)
	add(KindPropertyCert, 8, filterSpans(f.s, groupSpans(f.s, propertyCertContextPattern, 1), containsDigit), mask)
	add(KindAddress, 8, groupSpans(f.s, roadHousePattern, 1), mask)
	add(KindAddress, 9, filterSpans(f.s, groupSpans(f.s, buildingPattern, 0), isBuildingDetail), mask)

	var keep [][2]int
	for _, k := range r.keep {
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

// outside drops the spans lying inside a longer protected span: a name
// 王芳 inside the confirmed non-name 王芳芳小吃 stays.
func outside(spans, protected [][2]int) [][2]int {
	var out [][2]int
	for _, s := range spans {
		inside := false
		for _, p := range protected {
			if p[0] <= s[0] && s[1] <= p[1] && p[1]-p[0] > s[1]-s[0] {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, s)
		}
	}
	return out
}

func overlapsAny(start, end int, spans [][2]int) bool {
	for _, s := range spans {
		if start < s[1] && s[0] < end {
			return true
		}
	}
	return false
}
