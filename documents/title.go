package documents

import (
	"math"
	"strings"
	"unicode/utf8"

	"jianyi/internal/textseg"
)

// titleLines breaks a title into centred lines no wider than maxEm (GB/T
// 9704-2012 7.3.1: 回行时，要做到词意完整，排列对称，长短适宜，间距恰当，
// 标题排列应当使用梯形或菱形). A line break the author typed is kept; a
// line that is still too wide is broken between words, never inside a
// word or a compound the dictionary knows (食品安全), never before 的, and
// the document type after the title's last 的 (检察建议书) stays whole.
// Of the breaks with the fewest lines, the most balanced wins, preferring
// the trapezoid (each line no shorter than the next) or the diamond.
func titleLines(face *fontFace, title string, maxEm float64) []string {
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(title, "\r\n", "\n"), "\n") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, breakTitle(face, part, maxEm)...)
		}
	}
	return out
}

func breakTitle(face *fontFace, text string, maxEm float64) []string {
	measure := widthFunc(face)
	if textWidth(face, text) <= maxEm {
		return []string{text}
	}
	seg := textseg.Shared()
	words := seg.Tag(text)
	// Candidate breaks: byte offsets between words.
	var breaks []int
	for i := 1; i < len(words); i++ {
		at := words[i].Start
		before, _ := utf8.DecodeLastRuneInString(text[:at])
		after, _ := utf8.DecodeRuneInString(text[at:])
		if forbiddenAtLineStart(after) || forbiddenAtLineEnd(before) {
			continue
		}
		if isWordRune(before) && isWordRune(after) {
			continue
		}
		breaks = append(breaks, at)
	}
	cost := map[int]float64{}
	lastDe := strings.LastIndex(text, "的")
	for _, at := range breaks {
		cost[at] = titleBreakCost(seg, text, at, lastDe)
	}
	width := func(s string) float64 {
		w := 0.0
		for _, r := range s {
			w += measure(r)
		}
		return w
	}
	best, bestCost := []string(nil), math.Inf(1)
	total := width(text)
	for lines := int(math.Ceil(total / maxEm)); lines <= 5 && best == nil; lines++ {
		choose(breaks, lines-1, func(cut []int) {
			parts := make([]string, 0, lines)
			from := 0
			for _, at := range append(cut, len(text)) {
				parts = append(parts, text[from:at])
				from = at
			}
			c := 0.0
			mean := total / float64(lines)
			widths := make([]float64, lines)
			for i, p := range parts {
				widths[i] = width(p)
				if widths[i] > maxEm {
					return
				}
				c += (widths[i] - mean) * (widths[i] - mean)
			}
			for _, at := range cut {
				c += cost[at]
			}
			if !trapezoidOrDiamond(widths) {
				c += 4
			}
			if c < bestCost {
				best, bestCost = parts, c
			}
		})
	}
	if best == nil {
		// No word boundary gives lines that fit: a single word is wider
		// than the line.
		return balancedLines(face, text, maxEm)
	}
	return best
}

// titleBreakCost rates a break at byte offset at: 0 after 的, high inside a
// dictionary compound or before 的, and forbidden (very high) inside the
// document type after the last 的.
func titleBreakCost(seg *textseg.Segmenter, text string, at, lastDe int) float64 {
	if lastDe >= 0 && at > lastDe+len("的") && utf8.RuneCountInString(text[lastDe:]) <= 7 {
		return 1000
	}
	if strings.HasPrefix(text[at:], "的") {
		return 30
	}
	c := 2.0
	if strings.HasSuffix(text[:at], "的") {
		c = 0
	}
	// A compound of two to six characters the dictionary knows, across
	// the break.
	left, right := []rune(text[:at]), []rune(text[at:])
	for l := 1; l <= min(5, len(left)); l++ {
		for r := 1; r <= min(6-l, len(right)); r++ {
			if seg.IsWord(string(left[len(left)-l:]) + string(right[:r])) {
				c += 30
			}
		}
	}
	return c
}

// trapezoidOrDiamond reports whether line widths narrow downwards (梯形)
// or widen then narrow (菱形), within a quarter em; lines that only widen
// (an upside-down trapezoid) do not count.
func trapezoidOrDiamond(w []float64) bool {
	const slack = 0.25
	i := 0
	for i+1 < len(w) && w[i+1] > w[i]+slack {
		i++
	}
	if i > 0 && i == len(w)-1 {
		return false
	}
	for ; i+1 < len(w); i++ {
		if w[i+1] > w[i]+slack {
			return false
		}
	}
	return true
}

// choose calls f with every increasing choice of k elements of items.
func choose(items []int, k int, f func([]int)) {
	picked := make([]int, 0, k)
	var walk func(from int)
	walk = func(from int) {
		if len(picked) == k {
			f(append([]int(nil), picked...))
			return
		}
		for i := from; i <= len(items)-(k-len(picked)); i++ {
			picked = append(picked, items[i])
			walk(i + 1)
			picked = picked[:len(picked)-1]
		}
	}
	walk(0)
}
