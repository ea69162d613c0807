package documents

import (
	"strings"
	"testing"
	"time"

	"jianyi/internal/sweep"
)

// TestEveryGBKCharacterHasAGlyph checks that each face a document sets text
// in — with its fallbacks — draws every character of GBK and the extra
// symbols, as fpdf will read them (format-4 cmap).
func TestEveryGBKCharacterHasAGlyph(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	all := append(GBKRunes(), []rune(ExtraSymbols)...)
	if n := len(GBKRunes()); n < 21800 {
		t.Fatalf("GBK table gave %d characters, want about 21,870", n)
	}
	for name, face := range map[string]*fontFace{"title": r.title, "body": r.body, "hei": r.hei, "kai": r.kai} {
		var missing []rune
		for _, c := range all {
			if face.faceFor(c) == nil {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s face and its fallbacks lack %d characters: %q", name, len(missing), string(missing[:min(len(missing), 40)]))
		}
	}
}

// TestGBKSweepRenders sets GBK characters in the body and reads the PDF
// back: nothing is missing, nothing is lost or reordered. The default run
// sets every 13th character of GBK and every character the body face draws
// neither itself nor with its first fallback (the rare last-resort glyphs),
// the extra symbols and the rare characters of the issue;
// JIANYI_TEST_EXHAUSTIVE=1 sets all 21,872 and the symbols.
func TestGBKSweepRenders(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	all := append(GBKRunes(), []rune(ExtraSymbols)...)
	hard := []rune(ExtraSymbols + "〇喆镕")
	for _, c := range all {
		if f := r.body.faceFor(c); f != r.body && (len(r.body.fallbacks) == 0 || f != r.body.fallbacks[0]) {
			hard = append(hard, c)
		}
	}
	chars := sweep.Runes(all, 13, hard)
	sweep.Log(t, len(chars), len(all))
	var body []Block
	for i := 0; i < len(chars); i += 600 {
		body = append(body, Block{Text: string(chars[i:min(i+600, len(chars))])})
	}
	doc := Letter{Procuratorate: "某某市人民检察院", Body: body, Date: day(2026, time.March, 5)}
	pdf, err := r.Recommendation(doc)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	got := pageNumberPattern.ReplaceAllString(withoutSpace(pdfText(t, pdf)), "")
	var want strings.Builder
	for _, b := range body {
		want.WriteString(b.Text)
	}
	w := withoutSpace(want.String())
	if !strings.Contains(got, w) {
		gr, wr := []rune(got), []rune(w)
		start := strings.Index(got, string(wr[:20]))
		if start < 0 {
			t.Fatalf("the start of the GBK text is not in the PDF text")
		}
		gr = []rune(got[start:])
		i := 0
		for i < len(gr) && i < len(wr) && gr[i] == wr[i] {
			i++
		}
		t.Fatalf("GBK text differs at rune %d (U+%04X): got %q want %q", i, wr[min(i, len(wr)-1)],
			string(gr[i:min(i+10, len(gr))]), string(wr[i:min(i+10, len(wr))]))
	}
}

// TestRareCharactersRoundTrip is the case: 〇, 喆, 镕 and ㎡ in the
// facts render and come back from pdftotext in order.
func TestRareCharactersRoundTrip(t *testing.T) {
	t.Parallel()
	doc := longRecommendation()
	facts := "经查，当事人王喆、李镕于二〇二六年一月在该处违法搭建房屋约120㎡，№3号楼前堆放建筑垃圾，见附图①至③。"
	doc.Body = append([]Block{{Text: facts}}, doc.Body...)
	pdf, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if got := withoutSpace(pdfText(t, pdf)); !strings.Contains(got, facts) {
		t.Errorf("pdftotext does not give back %q", facts)
	}
}
