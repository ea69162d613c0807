package documents

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jianyi/pdftest"
)

// word is one word box reported by pdftotext -bbox, in millimetres.
type word struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var (
	pagePattern = regexp.MustCompile(`<page `)
	wordPattern = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

func pdfWords(t *testing.T, pdf []byte) []word {
	t.Helper()
	out := pdftest.Run(t, pdf, "-bbox")
	var words []word
	page := 0
	pageStarts := pagePattern.FindAllIndex(out, -1)
	for _, m := range wordPattern.FindAllSubmatchIndex(out, -1) {
		for page < len(pageStarts) && pageStarts[page][0] < m[0] {
			page++
		}
		mm := func(i int) float64 {
			v, _ := strconv.ParseFloat(string(out[m[2*i]:m[2*i+1]]), 64)
			return v / 72 * 25.4
		}
		words = append(words, word{page: page, xMin: mm(1), yMin: mm(2), xMax: mm(3), yMax: mm(4), text: string(out[m[10]:m[11]])})
	}
	return words
}

// TestLayoutGeometry checks the GB/T 9704 grid on a page of body text:
// 22 justified lines starting at the left margin, nothing beyond the right
// edge, and
// page numbers 7 mm below the text block, right on odd and left on even
// pages.
func TestLayoutGeometry(t *testing.T) {
	t.Parallel()
	pdf, err := testRenderer(t).Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	words := pdfWords(t, pdf)
	near := func(got, want float64) bool { return math.Abs(got-want) < 0.6 }

	lines := map[float64]bool{}
	lineEnds := map[float64]float64{}
	left := math.Inf(1)
	for _, w := range words {
		if w.page != 2 || w.yMin > blockBottom {
			continue
		}
		y := math.Round(w.yMin*10) / 10
		lines[y] = true
		lineEnds[y] = max(lineEnds[y], w.xMax)
		left = min(left, w.xMin)
		if w.xMax > blockRight+0.6 {
			t.Errorf("page 2: %q ends at %.1f mm, beyond the text block's right edge %.1f mm", w.text, w.xMax, blockRight)
		}
	}
	if len(lines) != linesPerPage {
		t.Errorf("page 2 has %d lines of text, want %d", len(lines), linesPerPage)
	}
	// Justified lines end at the right edge; only the last line of each
	// paragraph may stop short, and page 2 holds 22 lines of a few
	// paragraphs.
	flush := 0
	for _, end := range lineEnds {
		if near(end, blockRight) {
			flush++
		}
	}
	if flush < 14 {
		t.Errorf("only %d of page 2's %d lines end at the right edge; lines are not justified", flush, len(lineEnds))
	}
	if !near(left, marginLeft) {
		t.Errorf("page 2 text starts %.1f mm from the left, want %.1f", left, marginLeft)
	}

	const oneChar = 14 * mmPerPoint
	for _, tt := range []struct {
		page      int
		wantRight bool
	}{{1, true}, {2, false}, {3, true}} {
		// pdftotext gives "— 1 —" as one word or as three.
		var dashes []word
		for _, w := range words {
			if w.page == tt.page && strings.HasPrefix(w.text, "—") {
				dashes = append(dashes, w)
			}
			if w.page == tt.page && strings.HasSuffix(w.text, "—") && w.text != "—" {
				dashes = append(dashes, w)
			}
		}
		if len(dashes) != 2 {
			t.Errorf("page %d: %d dashes around the page number, want 2", tt.page, len(dashes))
			continue
		}
		// The dash's ink, read from a 600 dpi rendering of the page, is
		// 7 mm below the text block (GB/T 9704-2012 7.5).
		x := dashes[0].xMin
		top, _ := inkRows(t, pdf, tt.page, x+0.5, blockBottom+0.5, x+3, blockBottom+20, 128)
		if math.Abs(top-(blockBottom+pageNumberGap)) > 0.2 {
			t.Errorf("page %d: the page number's ink starts %.2f mm below the text block, want %.1f", tt.page, top-blockBottom, pageNumberGap)
		}
		if tt.wantRight && !near(dashes[1].xMax, blockRight-oneChar) {
			t.Errorf("odd page %d: page number ends at %.1f mm, want %.1f", tt.page, dashes[1].xMax, blockRight-oneChar)
		}
		if !tt.wantRight && !near(dashes[0].xMin, marginLeft+oneChar) {
			t.Errorf("even page %d: page number starts at %.1f mm, want %.1f", tt.page, dashes[0].xMin, marginLeft+oneChar)
		}
	}
}
