package documents

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestSubsetKeepsOnlyRequestedGlyphs(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	for _, face := range []*fontFace{r.body, r.hei, r.kai, r.title} {
		kept := []rune("检察建议书，。《》“”GB 2763-2021")
		cut, err := face.subset(kept)
		if err != nil {
			t.Fatalf("%s: subset: %v", face.family, err)
		}
		if len(cut) >= len(face.data)/10 {
			t.Errorf("%s: subset is %d bytes, not much smaller than the %d-byte font", face.family, len(cut), len(face.data))
		}
		parsed, err := parseFace(cut)
		if err != nil {
			t.Fatalf("%s: subset does not parse: %v", face.family, err)
		}
		for _, r := range kept {
			if parsed.advance[r] != face.advance[r] {
				t.Errorf("%s: %q advance %d in subset, %d in font", face.family, r, parsed.advance[r], face.advance[r])
			}
		}
		for _, r := range "法院民" {
			if parsed.hasGlyph(r) {
				t.Errorf("%s: subset still maps %q", face.family, r)
			}
		}
	}
}

func TestNewRendererRejectsUnusableFonts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name string
		cfg  FontConfig
	}{
		{"missing file", FontConfig{Body: filepath.Join(dir, "none.ttf")}},
		{"CFF OpenType", FontConfig{Title: write("cff.otf", append([]byte("OTTO"), make([]byte, 64)...))}},
		{"collection", FontConfig{Hei: write("c.ttc", append([]byte("ttcf"), make([]byte, 64)...))}},
		{"not a font", FontConfig{Kai: write("x.ttf", []byte("这不是字体文件，只是一段文字。"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewRenderer(tt.cfg); !errors.Is(err, ErrBadFont) {
				t.Errorf("NewRenderer = %v, want ErrBadFont", err)
			}
		})
	}
}

func TestFontConfigPathIsUsed(t *testing.T) {
	t.Parallel()
	kai := shippedFonts[shippedKai]
	path := filepath.Join(t.TempDir(), "kaiti.ttf")
	if err := os.WriteFile(path, kai, 0o644); err != nil {
		t.Fatal(err)
	}
	custom, err := NewRenderer(FontConfig{Body: path, Title: path})
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	if custom.body != custom.title {
		t.Error("the same file for title and body was loaded twice")
	}
	doc := longRecommendation()
	withKai, err := custom.Recommendation(doc)
	if err != nil {
		t.Fatal(err)
	}
	withSong, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(withKai, withSong) {
		t.Error("a configured body font made no difference to the PDF")
	}
}

func TestRendererIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	want, err := r.Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]byte, 4)
	for i := range results {
		wg.Go(func() {
			results[i], _ = r.Recommendation(longRecommendation())
		})
	}
	wg.Wait()
	for i, got := range results {
		if !bytes.Equal(got, want) {
			t.Errorf("goroutine %d rendered different bytes", i)
		}
	}
}

// TestConfiguredFallbackComesFirst: a character the faces lack is drawn
// from FontConfig.Fallback before the shipped fallbacks.
func TestConfiguredFallbackComesFirst(t *testing.T) {
	t.Parallel()
	extra := shippedFonts[shippedLast]
	path := filepath.Join(t.TempDir(), "fallback.ttf")
	if err := os.WriteFile(path, extra, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(FontConfig{Fallback: path})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.body.faceFor('≒'); got != r.body.fallbacks[0] || got == r.song {
		t.Errorf("≒ is drawn from %v, want the configured fallback first", got)
	}
	if got := r.body.faceFor('喆'); got != r.song {
		t.Error("喆, which the configured fallback lacks, is not drawn from the shipped one")
	}
	if _, err := NewRenderer(FontConfig{Fallback: filepath.Join(t.TempDir(), "none.ttf")}); !errors.Is(err, ErrBadFont) {
		t.Errorf("a missing fallback file: %v, want ErrBadFont", err)
	}
}
