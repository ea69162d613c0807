package redact

import (
	"strings"
	"testing"

	"jianyi/internal/textseg"
)

// BenchmarkRedactLetter redacts the three-page letter of
// testdata/four_names_letter.txt and its reply as one publication: the
// detector's passes, the segmenter and every pattern.
func BenchmarkRedactLetter(b *testing.B) {
	texts := fourNamesTexts(b)
	d := Decisions{Keep: fourNamesKeep}
	textseg.Shared() // the dictionary load is measured in internal/textseg
	b.SetBytes(int64(len(texts[0]) + len(texts[1])))
	b.ReportAllocs()
	for b.Loop() {
		if res := Redact(texts, d); len(res.Names) != 4 {
			b.Fatalf("names %+v", res.Names)
		}
	}
}

// BenchmarkRedactLetterNoNames is the same letter with its names already
// pseudonymised: what the patterns and the detector cost without finding.
func BenchmarkRedactLetterNoNames(b *testing.B) {
	texts := fourNamesTexts(b)
	for i := range texts {
		for _, n := range fourNames {
			texts[i] = strings.ReplaceAll(texts[i], n, Pseudonym(n))
		}
	}
	d := Decisions{Keep: fourNamesKeep}
	textseg.Shared()
	b.ReportAllocs()
	for b.Loop() {
		Redact(texts, d)
	}
}

// BenchmarkSegmentLetter is the segmenter alone on the letter.
func BenchmarkSegmentLetter(b *testing.B) {
	text := fourNamesTexts(b)[0]
	seg := textseg.Shared()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		seg.Tag(text)
	}
}
