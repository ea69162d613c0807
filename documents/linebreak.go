package documents

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// noLineStart holds the characters Chinese typesetting (GB/T 15834 and the
// usual 避头尾 rules) forbids at the start of a line.
const noLineStart = "，。、；：？！）》」』】〕”’…,.;:?!)]}"

// noLineEnd holds the characters that must not close a line because they
// open something that continues on the next one.
const noLineEnd = "（《「『【〔“‘([{"

func forbiddenAtLineStart(r rune) bool { return strings.ContainsRune(noLineStart, r) }

func forbiddenAtLineEnd(r rune) bool { return strings.ContainsRune(noLineEnd, r) }

// isWordRune reports whether r belongs to a Latin word or number that must
// stay whole ("GB", "2763-2021", "PM2.5"); Han and full-width characters may
// be broken anywhere, so they are not word runes.
func isWordRune(r rune) bool {
	if r < 0x80 {
		return r > ' ' && r != 0x7f && !strings.ContainsRune(",;:?!()[]{}", r)
	}
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// breakUnit is a run of runes [start, end) that is never broken except when
// it alone is wider than the line: a Latin word or number, a piece of a URL,
// or one other rune.
type breakUnit struct {
	start, end int
	width      float64
}

// urlPattern finds web addresses, which may break only at their own
// seams (urlSeam) and never inside the scheme ("https://").
var urlPattern = regexp.MustCompile(`(?i)(?:https?|ftp)://[!-~]+|www\.[!-~]+`)

// documentNumberPattern finds a 发文字号 such as 清河检八建〔2026〕2号 (with
// up to ten characters of its issuer's abbreviation), which no line break
// splits.
var documentNumberPattern = regexp.MustCompile(`[\p{Han}A-Za-z0-9]{0,10}〔\d{4}〕\d+号`)

// urlSeam reports whether a URL may break after r: after a slash, dot,
// hyphen, underscore, question mark, ampersand, equals sign, hash or tilde.
func urlSeam(r rune) bool { return strings.ContainsRune("/.-_?&=#~", r) }

// spans returns the rune ranges of pattern's matches in text, looking only
// when text holds hint.
func spans(pattern *regexp.Regexp, hint, text string) [][2]int {
	if !strings.Contains(text, hint) {
		return nil
	}
	var out [][2]int
	for _, m := range pattern.FindAllStringIndex(text, -1) {
		start := utf8.RuneCountInString(text[:m[0]])
		out = append(out, [2]int{start, start + utf8.RuneCountInString(text[m[0]:m[1]])})
	}
	return out
}

func urlSpans(text string) [][2]int {
	if !strings.Contains(text, "://") && !strings.Contains(text, "www.") && !strings.Contains(text, "WWW.") {
		return nil
	}
	return spans(urlPattern, "", text)
}

func splitUnits(runes []rune, width func(i int) float64, urls [][2]int) []breakUnit {
	units := make([]breakUnit, 0, len(runes))
	for i := 0; i < len(runes); {
		j := i + 1
		switch {
		case len(urls) > 0 && urls[0][0] <= i && i < urls[0][1]:
			end := urls[0][1]
			if i == urls[0][0] {
				// The scheme and its "//" stay together.
				for k := i; k+2 < end; k++ {
					if runes[k] == ':' && runes[k+1] == '/' && runes[k+2] == '/' {
						j = k + 3
						break
					}
				}
			}
			for j < end && !urlSeam(runes[j-1]) {
				j++
			}
			if j >= end {
				j = end
				urls = urls[1:]
			}
		case isWordRune(runes[i]):
			for j < len(runes) && isWordRune(runes[j]) {
				j++
			}
		}
		w := 0.0
		for k := i; k < j; k++ {
			w += width(k)
		}
		units = append(units, breakUnit{start: i, end: j, width: w})
		i = j
	}
	return units
}

// BreakLines splits one paragraph into lines no wider than maxWidth, where
// width gives each rune's advance in the same unit as maxWidth.
//
// Lines break between any two Chinese characters and at spaces, keep Latin
// words and numbers whole, and follow the 避头尾 rules: a character is pushed
// to the next line (or pulled back) so that no line starts with closing
// punctuation or ends with an opening bracket or quote. A rule is broken only
// when no allowed break fits on the line, and a word is split only when it
// alone is wider than the line. No rune is ever dropped or repeated:
// strings.Join(lines, "") == text for every input.
func BreakLines(text string, maxWidth float64, width func(r rune) float64) []string {
	return breakLines(text, maxWidth, func(runes []rune) []float64 {
		adv := make([]float64, len(runes))
		for i, r := range runes {
			adv[i] = width(r)
		}
		return adv
	})
}

// breakLines is BreakLines with the advance of each rune given by advances,
// which sees the whole paragraph (for punctuation compression).
//
// Besides the rules above, a URL breaks only after one of its seams (never
// after "https:") and a 发文字号 (清河检八建〔2026〕2号) is not broken.
func breakLines(text string, maxWidth float64, advances func([]rune) []float64) []string {
	if text == "" {
		return nil
	}
	// Decoding by hand keeps the byte offset of every rune, so that lines are
	// cut from text itself and invalid UTF-8 survives unchanged.
	runes := make([]rune, 0, len(text))
	offsets := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		runes = append(runes, r)
		offsets = append(offsets, i)
		i += size
	}
	offsets = append(offsets, len(text))
	adv := advances(runes)
	units := splitUnits(runes, func(i int) float64 { return adv[i] }, urlSpans(text))

	// allowedBefore[i] tells whether a line may begin with units[i].
	allowedBefore := make([]bool, len(units))
	for i := 1; i < len(units); i++ {
		allowedBefore[i] = !forbiddenAtLineStart(runes[units[i].start]) &&
			!forbiddenAtLineEnd(runes[units[i-1].end-1])
	}
	glued := spans(documentNumberPattern, "〔", text)
	for i := 1; i < len(units); i++ {
		for _, g := range glued {
			if g[0] < units[i].start && units[i].start < g[1] {
				allowedBefore[i] = false
			}
		}
	}

	var lines []string
	for first := 0; first < len(units); {
		// fit: the units [first, fit) are the most that fit on the line.
		fit, used := first, 0.0
		for fit < len(units) && used+units[fit].width <= maxWidth {
			used += units[fit].width
			fit++
		}
		if fit == len(units) {
			lines = append(lines, text[offsets[units[first].start]:])
			break
		}
		if fit == first {
			// Even one unit overflows: split a word at rune level, or let
			// a single wide rune stand alone.
			u := units[first]
			cut, w := u.start, 0.0
			for cut < u.end && (cut == u.start || w+adv[cut] <= maxWidth) {
				w += adv[cut]
				cut++
			}
			lines = append(lines, text[offsets[u.start]:offsets[cut]])
			if cut == u.end {
				first++
			} else {
				units[first] = breakUnit{start: cut, end: u.end, width: u.width - w}
				allowedBefore[first] = true
			}
			continue
		}
		next := fit
		for next > first+1 && !allowedBefore[next] {
			next--
		}
		if !allowedBefore[next] {
			// No rule-abiding break fits: break where the line is full.
			next = fit
		}
		lines = append(lines, text[offsets[units[first].start]:offsets[units[next].start]])
		first = next
	}
	return lines
}
