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
	"unicode"
	"unicode/utf8"

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
// set: n noun, v verb, nr personal name, ns place, nt organisation, m
// numeral, eng Latin letters, x unknown or punctuation, …). The words cover
// text exactly, one after another.
//
// It follows jieba's posseg: runs of Han characters are cut on the
// dictionary's most probable path; the dictionary tags the words it
// knows, and runs of single characters it does not know as a word go to
// the hidden Markov model, which segments and tags them (赵|强 → 赵强/nr).
// (gse's own pos.Segmenter scores its path without the dictionary's total
// frequency, which favours cutting words into pieces; its dictionary path
// is therefore taken from the plain segmenter instead.)
func (s *Segmenter) Tag(text string) []Word {
	var words []Word
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		j := i + size
		if unicode.Is(unicode.Han, r) {
			for j < len(text) {
				r, size := utf8.DecodeRuneInString(text[j:])
				if !unicode.Is(unicode.Han, r) {
					break
				}
				j += size
			}
			words = append(words, s.tagHan(text[i:j], i)...)
			i = j
			continue
		}
		pos := "x"
		switch {
		case r >= '0' && r <= '9':
			pos = "m"
			for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.') {
				j++
			}
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			pos = "eng"
			for j < len(text) && text[j] < utf8.RuneSelf && unicode.IsLetter(rune(text[j])) {
				j++
			}
		}
		words = append(words, Word{Text: text[i:j], Pos: pos, Start: i, End: j})
		i = j
	}
	return words
}

// tagHan tags a run of Han characters that starts at byte offset at.
func (s *Segmenter) tagHan(run string, at int) []Word {
	var words []Word
	add := func(w string, pos string) {
		words = append(words, Word{Text: w, Pos: pos, Start: at, End: at + len(w)})
		at += len(w)
	}
	addKnown := func(w string) {
		tag, ok := s.Lookup(w)
		if !ok || tag == "" {
			tag = "x"
		}
		add(w, tag)
	}
	buf := ""
	flush := func() {
		switch {
		case buf == "":
		case utf8.RuneCountInString(buf) == 1:
			addKnown(buf)
		default:
			if _, known := s.Lookup(buf); known {
				for _, r := range buf {
					addKnown(string(r))
				}
				break
			}
			parts := s.tag.Cut(buf, true)
			if !joins(parts, buf) {
				for _, r := range buf {
					addKnown(string(r))
				}
				break
			}
			for _, p := range parts {
				add(p.Text, p.Pos)
			}
		}
		buf = ""
	}
	parts := s.base.CutDAGNoHMM(run)
	if !joinsText(parts, run) {
		parts = strings.Split(run, "")
	}
	for _, p := range parts {
		if utf8.RuneCountInString(p) == 1 {
			buf += p
			continue
		}
		flush()
		addKnown(p)
	}
	flush()
	return words
}

func joinsText(parts []string, text string) bool {
	at := 0
	for _, p := range parts {
		if p == "" || !strings.HasPrefix(text[at:], p) {
			return false
		}
		at += len(p)
	}
	return at == len(text)
}

func joins(parts []gse.SegPos, text string) bool {
	at := 0
	for _, p := range parts {
		if p.Text == "" || !strings.HasPrefix(text[at:], p.Text) {
			return false
		}
		at += len(p.Text)
	}
	return at == len(text)
}
