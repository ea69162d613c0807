// Package textseg splits Chinese text into words, with part-of-speech tags,
// for the parts of Jianyi that need to know where a word ends: the PDF
// layout (no line break inside a word of a title) and redaction (where a
// person's name begins and ends).
//
// It uses the data of github.com/go-ego/gse v0.80.3 (copies in dict/): its
// simplified-Chinese dictionary (the jieba dictionary, about 350,000 words
// with their frequency and tag) and its part-of-speech hidden Markov model,
// which segments and tags words the dictionary lacks — most personal names
// among them (tag "nr"). It cuts and tags exactly as the gse-based segmenter
// it replaced (golden_test.go), with the data held compactly (dict.go: about
// 12 MB of heap, where gse's trie of per-character tokens took about 130
// MB) and the model's tables in slices rather than maps (hmm.go).
//
// Loading takes a few tenths of a second, so it is done once per process,
// on first use, and the segmenter is shared: call Shared from every
// package. A Segmenter is safe for concurrent use; it is never modified
// after loading.
package textseg

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
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
	dict *dict
	hmm  *hmm // segments and tags the runs no dictionary word covers
}

var shared = sync.OnceValue(func() *Segmenter { return Load() })

// Shared returns the process's segmenter, loading the dictionary on the
// first call (the caller of that first call waits for it).
func Shared() *Segmenter { return shared() }

// Load reads the embedded simplified-Chinese dictionary into a new
// segmenter. Prefer Shared; Load is for measuring the load itself.
func Load() *Segmenter {
	d, err := loadDict()
	if err != nil {
		// The dictionary is compiled into the binary; its tests load it.
		panic(err)
	}
	m, err := loadHMM()
	if err != nil {
		panic(err)
	}
	return &Segmenter{dict: d, hmm: m}
}

// Lookup reports whether word is in the dictionary, with its tag.
func (s *Segmenter) Lookup(word string) (tag string, ok bool) {
	freq, tag, ok := s.dict.lookup(word)
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
// (Those runs are first cut again as gse's pos.Segmenter cut them, on a
// path scored without the dictionary's total frequency: cutUnknown.)
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
	addRunes := func(w string) {
		for i := 0; i < len(w); {
			_, n := utf8.DecodeRuneInString(w[i:])
			addKnown(w[i : i+n])
			i += n
		}
	}
	// buf is run[from:to], single characters on the dictionary's path.
	from, to := 0, 0
	flush := func() {
		buf := run[from:to]
		switch {
		case buf == "":
		case utf8.RuneCountInString(buf) == 1:
			addKnown(buf)
		default:
			if _, known := s.Lookup(buf); known {
				addRunes(buf)
				break
			}
			parts := s.cutUnknown(buf)
			if !joins(parts, buf) {
				addRunes(buf)
				break
			}
			for _, p := range parts {
				add(p.Text, p.Pos)
			}
		}
		from = to
	}
	ends := s.route(run, math.Log(s.dict.total))
	for x, y := 0, 0; x < len(run); x = y {
		y = ends[x]
		if _, n := utf8.DecodeRuneInString(run[x:]); n == y-x {
			to = y
			continue
		}
		flush()
		addKnown(run[x:y])
		from, to = y, y
	}
	flush()
	return words
}

// route returns jieba's most probable path through run: for the byte
// offset of each character that begins a word of the path, the offset where
// that word ends. Candidate words are the dictionary's words in run; a
// character that begins none stands alone. A word scores the logarithm of
// its frequency less logTotal (0 for a character not in the dictionary, and
// minus infinity for one that only begins longer words); the path maximises
// the sum, preferring the longer word on a tie, as gse computes it.
func (s *Segmenter) route(run string, logTotal float64) []int {
	// Character boundaries: bounds[k] is the offset of character k.
	bounds := make([]int, 0, len(run)/3+1)
	for i := range run {
		bounds = append(bounds, i)
	}
	n := len(bounds)
	bounds = append(bounds, len(run))
	score := make([]float64, n+1)
	next := make([]int, n+1) // index of the character after the word
	for k := n - 1; k >= 0; k-- {
		found := false
		consider := func(i int, freq float64) {
			f := math.Log(freq) - logTotal + score[i+1]
			if !found || score[k] < f || score[k] == f && next[k]-1 < i {
				score[k], next[k], found = f, i+1, true
			}
		}
		for i := k; i < n; i++ {
			freq, _, ok := s.dict.lookup(run[bounds[k]:bounds[i+1]])
			if !ok {
				break
			}
			if freq > 0 {
				consider(i, freq)
			}
		}
		if !found {
			freq, _, ok := s.dict.lookup(run[bounds[k]:bounds[k+1]])
			if !ok {
				freq = 1
			}
			consider(k, freq)
		}
	}
	ends := make([]int, len(run)+1)
	for k := 0; k < n; k++ {
		ends[bounds[k]] = bounds[next[k]]
	}
	return ends
}

// cutUnknown cuts a run of characters that the dictionary's path left
// single, as gse's pos.Segmenter (which the segmenter used before) cut
// them: a path scored by the frequencies alone, without the total; its
// words take the dictionary's tag, and runs of single characters that are
// no word go to the hidden Markov model.
func (s *Segmenter) cutUnknown(text string) []Word {
	var out []Word
	tagged := func(w string) Word {
		tag, ok := s.dict.posTag(w)
		if !ok {
			tag = "x"
		}
		return Word{Text: w, Pos: tag}
	}
	from, to := 0, 0
	flush := func() {
		buf := text[from:to]
		switch {
		case buf == "":
		case utf8.RuneCountInString(buf) == 1:
			out = append(out, tagged(buf))
		default:
			if freq, _, ok := s.dict.lookup(buf); !ok || freq == 0 {
				out = append(out, s.hmm.cut(buf)...)
				break
			}
			for i := 0; i < len(buf); {
				_, n := utf8.DecodeRuneInString(buf[i:])
				out = append(out, tagged(buf[i:i+n]))
				i += n
			}
		}
		from = to
	}
	ends := s.route(text, 0)
	for x, y := 0, 0; x < len(text); x = y {
		y = ends[x]
		if _, n := utf8.DecodeRuneInString(text[x:]); n == y-x {
			to = y
			continue
		}
		flush()
		out = append(out, tagged(text[x:y]))
		from, to = y, y
	}
	flush()
	return out
}

func joins(parts []Word, text string) bool {
	at := 0
	for _, p := range parts {
		if p.Text == "" || !strings.HasPrefix(text[at:], p.Text) {
			return false
		}
		at += len(p.Text)
	}
	return at == len(text)
}
