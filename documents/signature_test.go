package documents

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jianyi/internal/sweep"
	"jianyi/pdftest"
)

// pdfPages is the text of each page without white space, from one
// pdftotext run.
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	pages := pdftest.Pages(t, pdf)
	for i, p := range pages {
		pages[i] = withoutSpace(p)
	}
	return pages
}

// pageCount counts the page numbers "— n —" in the extracted text.
func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	return len(pageNumberPattern.FindAllString(withoutSpace(pdfText(t, pdf)), -1))
}

// checkSignatureHasBody asserts GB/T 9704-2012 7.3.5: the page holding
// the date also holds body text, and the body is extracted whole, in order.
func checkSignatureHasBody(t *testing.T, pdf []byte, doc Letter) (datePage int) {
	t.Helper()
	date := FormatDate(doc.Date)
	imprint := doc.Procuratorate + date + "印发"
	text := pdfPages(t, pdf)
	whole := strings.Join(text, "")
	pages := len(pageNumberPattern.FindAllString(whole, -1))
	if pages > len(text) {
		t.Fatalf("%d page numbers on %d pages", pages, len(text))
	}
	for p := 1; p <= pages; p++ {
		pt := pageNumberPattern.ReplaceAllString(text[p-1], "")
		if strings.Contains(strings.ReplaceAll(pt, imprint, ""), date) {
			datePage = p
		}
	}
	if datePage == 0 {
		t.Fatalf("no page holds the date %s", date)
	}
	// The 版记 may go alone to a last page; nothing else may follow the
	// date.
	if datePage != pages && datePage != pages-1 {
		t.Errorf("date on page %d of %d, want the last page", datePage, pages)
	}
	var body strings.Builder
	for _, b := range doc.Body {
		body.WriteString(b.Text)
	}
	// 附件 are set after the body and may be carried with the signature.
	if len(doc.Attachments) > 0 {
		body.WriteString("附件：")
		for i, a := range doc.Attachments {
			if len(doc.Attachments) > 1 {
				fmt.Fprintf(&body, "%d.", i+1)
			}
			body.WriteString(a)
		}
	}
	rest := pageNumberPattern.ReplaceAllString(text[datePage-1], "")
	// The 版记 (抄送, 印发) follows the signature.
	rest = strings.ReplaceAll(rest, imprint, "")
	if i := strings.Index(rest, "抄送："); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, doc.Procuratorate+date); i >= 0 {
		rest = rest[:i]
	} else {
		t.Errorf("page %d does not hold the signature over the date: %q", datePage, rest)
	}
	if rest == "" {
		t.Errorf("page %d holds the signature and date without body text", datePage)
	} else if datePage > 1 && !strings.HasSuffix(withoutSpace(body.String()), rest) {
		t.Errorf("page %d text before the signature %q is not the end of the body", datePage, rest)
	}

	all := pageNumberPattern.ReplaceAllString(whole, "")
	if strings.Count(all, withoutSpace(body.String())) != 1 {
		t.Errorf("the body is not extracted exactly once, whole and in order")
	}
	return datePage
}

// urgingLetter is a 催办函 whose body is paragraphs of n characters each.
func urgingLetter(paragraphs int, lastRunes int) Letter {
	sentence := "本院于2026年3月5日向你局制发检察建议书，你局至今未按规定书面回复整改落实情况，请于收到本函之日起十五日内书面回复本院。"
	para := func(n int) string {
		r := []rune(strings.Repeat(sentence, n/len([]rune(sentence))+1))
		return string(r[:n-1]) + "。"
	}
	var body []Block
	for range paragraphs {
		body = append(body, Block{Text: para(150)})
	}
	body = append(body, Block{Text: para(lastRunes)})
	return Letter{
		Procuratorate:  "北京市海淀区人民检察院",
		DocumentNumber: "京海检一部催〔2026〕7号",
		Addressee:      "北京市海淀区市场监督管理局",
		Body:           body,
		Date:           day(2026, time.May, 12),
	}
}

// TestLayoutSignatureCarriesBodyText renders documents whose signature and
// date do not fit under the last line of the body; before the fix each of
// them had a last page holding only the signature and date (and 抄送).
func TestLayoutSignatureCarriesBodyText(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	for _, tt := range []struct {
		name  string
		doc   Letter
		pages int // pages in all
	}{
		// Page 1 ends with the last two lines of a five-line paragraph.
		{"urging letter, long last paragraph", urgingLetter(1, 132), 2},
		// Page 1 ends with a one-line paragraph after a full one: the
		// carried lines span the two paragraphs.
		{"urging letter, one-line last paragraph", urgingLetter(2, 20), 2},
		// The signature would be alone on page 3, an odd page.
		{"urging letter, third page", urgingLetter(4, 244), 3},
		{"recommendation with 抄送", longRecommendationEndingWith(224), 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := r.Recommendation(tt.doc)
			if strings.HasPrefix(tt.name, "urging") {
				pdf, err = r.UrgingLetter(tt.doc)
			}
			if err != nil {
				t.Fatal(err)
			}
			if p := checkSignatureHasBody(t, pdf, tt.doc); p != tt.pages {
				t.Errorf("date on page %d, want %d (the fixture should push the signature over)", p, tt.pages)
			}
			if len(tt.doc.CopyTo) > 0 {
				last := pdfPages(t, pdf)[tt.pages-1]
				if !strings.Contains(last, "抄送："+strings.Join(tt.doc.CopyTo, "，")+"。") {
					t.Errorf("抄送 is not on the last page %d: %q", tt.pages, last)
				}
			}
		})
	}
}

// longRecommendationEndingWith adds a last paragraph of about n characters
// to longRecommendation.
func longRecommendationEndingWith(n int) Letter {
	doc := longRecommendation()
	text := []rune(strings.Repeat("本院将持续跟进监督整改落实情况，", n/16+1))
	doc.Body = append(doc.Body, Block{Text: strings.TrimSuffix(string(text[:n]), "，") + "。"})
	return doc
}

// TestLayoutSignatureNeverAlone sweeps body lengths across page ends: whatever
// the length, the page with the date holds body text. The default run reads
// back every third letter and every letter whose body ends near a page end
// (nearPageEnd); JIANYI_TEST_EXHAUSTIVE=1 reads back all of them.
func TestLayoutSignatureNeverAlone(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	type letterCase struct {
		name   string
		kind   string
		doc    Letter
		render func(Letter) ([]byte, error)
	}
	// TestPaginationSweep checks every length on the layout; this reads a
	// sample of them back from the PDF.
	var all []letterCase
	for paragraphs := 0; paragraphs <= 4; paragraphs += 2 {
		for n := 20; n <= 400; n += 56 {
			all = append(all, letterCase{fmt.Sprintf("%d+%d", paragraphs, n), "催办函", urgingLetter(paragraphs, n), r.UrgingLetter})
		}
	}
	for n := 20; n <= 400; n += 56 {
		doc := urgingLetter(1, n)
		doc.Attachments = []string{"检察建议书（京海检一部建〔2026〕3号）", "调查终结报告"}
		all = append(all, letterCase{fmt.Sprintf("filing report+%d", n), "备案报告", doc, r.FilingReport})
	}
	for n := 140; n <= 336; n += 28 {
		all = append(all, letterCase{fmt.Sprintf("recommendation+%d", n), "检察建议书", longRecommendationEndingWith(n), r.Recommendation})
	}
	ran := 0
	for i, c := range all {
		if !sweep.Keep(i, 3, nearPageEnd(r, c.doc, c.kind)) {
			continue
		}
		ran++
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pdf, err := c.render(c.doc)
			if err != nil {
				t.Fatal(err)
			}
			checkSignatureHasBody(t, pdf, c.doc)
		})
	}
	sweep.Log(t, ran, len(all))
}

// nearPageEnd reports whether a letter's body ends where the signature rule
// has work to do: three lines of body or fewer on the signature's page (lines
// carried over with it, or only just room), or the date within two lines of
// the bottom of the text block. Laying a letter out costs a fraction of
// rendering and reading it back, so sampled sweeps keep these cases.
func nearPageEnd(r *Renderer, doc Letter, kind string) bool {
	l := r.setLetter(letterFrom(doc, kind))
	if l.tailFrom >= l.tailTo {
		return true
	}
	page := l.ops[l.tailFrom].page
	lines := 0
	for _, m := range l.marks {
		if m.page == page {
			lines++
		}
	}
	return lines <= 3 || l.ops[l.tailTo-1].y > blockBottom-2*linePitch
}
