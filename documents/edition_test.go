package documents

import (
	"math"
	"strings"
	"testing"
)

// TestDraftMarksEveryPage: a preview carries 草稿 across every page, not
// just the first; the official letter carries none.
func TestDraftMarksEveryPage(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	pdf, pages := renderEdition(t, Draft)
	// The mark is light grey (215) across the middle of the page; text
	// is black and its anti-aliased edges are few.
	const minPixels = 20000 // 草稿 gives about 40,000 at 150 dpi, text edges under 5,000
	official, err := r.Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	mid := func(pdf []byte, p int) int {
		return greyPixels(t, pdf, p, marginLeft, marginTop+60, blockRight, marginTop+170, 205, 225)
	}
	for p := 1; p <= pages; p++ {
		if n := mid(pdf, p); n < minPixels {
			t.Errorf("page %d of %d is not marked 草稿 (%d light grey pixels)", p, pages, n)
		}
		if n := mid(official, p); n >= minPixels {
			t.Errorf("page %d of the official letter has %d light grey pixels, as if marked 草稿", p, n)
		}
	}
	// The mark is not text: copying or searching the preview gives the
	// letter alone.
	if strings.Contains(withoutSpace(pdfText(t, pdf)), "草稿") {
		t.Error("pdftotext finds 草稿 in the draft's text")
	}
}

// TestPublicCopy: a disclosure copy carries 公开版 on every page and its
// signature sits one blank line under the text, two characters from the
// right edge, with no room left for a seal (GB/T 9704-2012 7.3.5.3).
func TestPublicCopy(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	pdf, pages := renderEdition(t, Public)
	doc := longRecommendation()
	doc.Edition = Public
	text := pdfPages(t, pdf)
	for p := 1; p <= pages; p++ {
		if !strings.Contains(text[p-1], "公开版") {
			t.Errorf("page %d of %d is not marked 公开版", p, pages)
		}
	}
	l := r.setLetter(letterFrom(doc, ""))
	st := r.bodyStyle()
	last := l.marks[len(l.marks)-1]
	name := l.ops[l.tailFrom]
	if gap := name.y - baseline(st, last.top) - st.lineHeight; math.Abs(gap-linePitch) > 0.01 {
		t.Errorf("signature %.1f mm under the last line of text, want one blank line (%.1f)", gap, linePitch)
	}
	nameEnd := name.x + textWidth(r.body, doc.Procuratorate)*st.pitch
	if math.Abs(nameEnd-(blockRight-2*st.pitch)) > 0.05 && nameEnd > blockRight-2*st.pitch {
		t.Errorf("signature ends at %.1f mm, want two characters from the right edge", nameEnd)
	}
	official := r.setLetter(letterFrom(longRecommendation(), ""))
	if got, want := l.ops[l.tailFrom].y-baseline(st, last.top), official.ops[official.tailFrom].y-baseline(st, official.marks[len(official.marks)-1].top); got >= want {
		t.Errorf("the public copy leaves as much room above the signature (%.1f mm) as the sealed letter (%.1f mm)", got, want)
	}
}

// renderEdition renders the long sample letter in an edition and counts
// its pages.
func renderEdition(t *testing.T, e Edition) ([]byte, int) {
	t.Helper()
	doc := longRecommendation()
	doc.Edition = e
	pdf, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatal(err)
	}
	pages := pageCount(t, pdf)
	if pages < 3 {
		t.Fatalf("%d pages, want a letter of several", pages)
	}
	return pdf, pages
}
