package documents

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"jianyi/pdftest"
)

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf)
}

func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

var pageNumberPattern = regexp.MustCompile(`—(\d+)—`)

func TestRecommendationRoundTrip(t *testing.T) {
	t.Parallel()
	doc := longRecommendation()
	pdf, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatalf("Recommendation: %v", err)
	}
	extracted := withoutSpace(pdfText(t, pdf))

	var want strings.Builder
	want.WriteString(doc.Procuratorate + doc.DocumentNumber + doc.Title + doc.Addressee + "：")
	for _, b := range doc.Body {
		want.WriteString(b.Text)
	}
	want.WriteString(doc.Procuratorate + FormatDate(doc.Date))
	want.WriteString("抄送：" + strings.Join(doc.CopyTo, "，") + "。")
	want.WriteString(doc.Procuratorate + FormatDate(doc.Date) + "印发")

	got := pageNumberPattern.ReplaceAllString(extracted, "")
	if got != withoutSpace(want.String()) {
		gr, wr := []rune(got), []rune(withoutSpace(want.String()))
		i := 0
		for i < len(gr) && i < len(wr) && gr[i] == wr[i] {
			i++
		}
		t.Fatalf("extracted text differs from the source at rune %d:\n got: …%s\nwant: …%s", i,
			string(gr[max(0, i-10):min(len(gr), i+30)]), string(wr[max(0, i-10):min(len(wr), i+30)]))
	}

	var pages []string
	for _, m := range pageNumberPattern.FindAllStringSubmatch(extracted, -1) {
		pages = append(pages, m[1])
	}
	if strings.Join(pages, ",") != "1,2,3" {
		t.Errorf("page numbers = %v, want 1,2,3 (a three-page document numbered in order)", pages)
	}
}

func TestMissingGlyphsReported(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		text        string
		wantInError []string
	}{
		{"rare han outside GB 2312", "申请人𠮷某某提出申请。", []string{"𠮷", "U+20BB7"}},
		{"hangul", "申请人한某某。", []string{"한", "U+D55C"}},
		{"two missing, listed once each", "㐀㐀与䶵。", []string{"㐀", "䶵"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := Letter{Procuratorate: "某某人民检察院", Body: []Block{{Text: tt.text}}, Date: day(2026, 3, 5)}
			_, err := testRenderer(t).Recommendation(doc)
			if !errors.Is(err, ErrMissingGlyphs) {
				t.Fatalf("err = %v, want ErrMissingGlyphs", err)
			}
			for _, s := range tt.wantInError {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
			if strings.Count(err.Error(), "“㐀”") > 1 {
				t.Errorf("error %q repeats a character", err)
			}
		})
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	first, err := r.Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("same input gave different PDFs (%d and %d bytes)", len(first), len(second))
	}
	later := longRecommendation()
	later.CreatedAt = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	third, err := r.Recommendation(later)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, third) {
		t.Error("a different creation date gave identical bytes; the date is not recorded")
	}
}

// TestWriteSample writes the long sample recommendation to the file
// JIANYI_SAMPLE_PDF names (for looking at), or to a temporary file, and checks
// what was written reads back as the same complete PDF.
func TestWriteSample(t *testing.T) {
	t.Parallel()
	out := os.Getenv("JIANYI_SAMPLE_PDF")
	if out == "" {
		out = filepath.Join(t.TempDir(), "sample.pdf")
	}
	pdf, err := testRenderer(t).Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, pdf) || !bytes.HasPrefix(written, []byte("%PDF-")) || !bytes.Contains(written[max(0, len(written)-32):], []byte("%%EOF")) {
		t.Fatalf("sample %s is not the complete PDF (%d bytes written, %d rendered)", out, len(written), len(pdf))
	}
}
