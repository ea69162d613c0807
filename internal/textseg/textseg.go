// Package textseg splits Chinese text into words, with part-of-speech tags,
// for the parts of Jianyi that need to know where a word ends: the PDF
// layout (no line break inside a word of a title) and redaction (where a
// person's name begins and ends).
//
// It wraps github.com/go-ego/gse with its simplified-Chinese dictionary (the
// jieba dictionary, about 350,000 words with their frequency and tag) and its
// hidden Markov models, which segment and tag words the dictionary lacks —
// most personal names among them (tag "nr").
//
// Loading the dictionary takes about a second and some tens of megabytes,
// so it is done once per process, on first use, and the segmenter is shared:
// call Shared from every package. A Segmenter is safe for concurrent use; it
// is never modified after loading.
package textseg

import (
	"strings"
	"sync"

	"github.com/go-ego/gse"
	"github.com/go-ego/gse/hmm/pos"
)

// Word is one word of a text with its part-of-speech tag. Start and End are
// byte offsets in the text given to Tag; the words of a text cover it
// without gap or overlap.
type Word struct {
	Text  string
	Pos   string
	Start int
	End   int
}

// IsPersonTag reports whether a tag marks a personal name (nr, nrfg, nrt).
func IsPersonTag(tag string) bool { return strings.HasPrefix(tag, "nr") }

// Segmenter cuts and tags text with the shared dictionary.
type Segmenter struct {
	base gse.Segmenter
	tag  pos.Segmenter
}

var shared = sync.OnceValue(func() *Segmenter { return Load() })

// Shared returns the process's segmenter, loading the dictionary on the
// first call (the caller of that first call waits for it).
func Shared() *Segmenter { return shared() }

// Load reads the embedded simplified-Chinese dictionary into a new
// segmenter. Prefer Shared; Load is for measuring the load itself.
func Load() *Segmenter {
	s := &Segmenter{}
	s.base.SkipLog = true
	// The embedded dictionary cannot fail to load: LoadDictEmbed only
	// splits a string compiled into the binary.
	_ = s.base.LoadDictEmbed("zh_s")
	s.tag.WithGse(s.base)
	return s
}

// Lookup reports whether word is in the dictionary, with its tag.
func (s *Segmenter) Lookup(word string) (tag string, ok bool) {
	freq, tag, ok := s.base.Find(word)
	return tag, ok && freq > 0
}

// Cut splits text into words (dictionary and hidden Markov model for words
// the dictionary lacks). Joined, the words give text back.
func (s *Segmenter) Cut(text string) []string {
	words := s.Tag(text)
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.Text
	}
	return out
}

// Tag splits text into words with their part-of-speech tags (jieba's tag
// set: n noun, v verb, nr personal name, ns place, nt organisation, x
// unknown or punctuation, …). The words cover text exactly: where the
// library's output does not line up with the text (it never should), the
// rest is returned as one word tagged "x" rather than lose a character.
func (s *Segmenter) Tag(text string) []Word {
	parts := s.tag.Cut(text, true)
	words := make([]Word, 0, len(parts))
	at := 0
	for _, p := range parts {
		if p.Text == "" {
			continue
		}
		if !strings.HasPrefix(text[at:], p.Text) {
			break
		}
		words = append(words, Word{Text: p.Text, Pos: p.Pos, Start: at, End: at + len(p.Text)})
		at += len(p.Text)
	}
	if at < len(text) {
		words = append(words, Word{Text: text[at:], Pos: "x", Start: at, End: len(text)})
	}
	return words
}
