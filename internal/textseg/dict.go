package textseg

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// zhS is gse v0.80.3's simplified-Chinese dictionary (data/dict/zh/s_1.txt,
// from jieba; see dict/README.md), one "word frequency tag" a line.
//
//go:embed dict/zh_s.txt.gz
var zhS []byte

// dict is the word list held compactly: the words' bytes in one slice and,
// per entry, its offset, length, frequency and tag in packed arrays, found
// through an open-addressing hash table of entry numbers. Besides the words
// it holds every proper prefix of a word as an entry of frequency 0, since
// the cut extends a candidate word only while it is the beginning of some
// word (a trie walk in gse and jieba).
//
// It answers as gse's dictionary did, which the golden test holds it to:
// words are keyed with ASCII letters in lower case, the first of two
// lines with the same word wins, lines with a frequency below 2 are
// skipped, single characters count with frequency 2, and the total
// frequency sums the words kept, in file order.
type dict struct {
	keys  []byte   // the words' bytes, one after another
	off   []uint32 // entry → offset of its key in keys
	size  []uint8  // entry → length of its key
	freq  []uint32 // entry → frequency; 0 for a prefix that is no word
	tag   []uint8  // entry → index in tags
	tags  []string
	slots []uint32 // hash table: entry+1, or 0 for a free slot
	seed  maphash.Seed
	total float64 // sum of the words' frequencies
	// first is the entry of the first word of the file: gse's tag
	// look-up in its hidden Markov model path takes that word's number,
	// 0, for "not found", and so does posTag.
	first int32
}

// loadDict parses the embedded dictionary.
func loadDict() (*dict, error) {
	raw, err := gunzip(zhS)
	if err != nil {
		return nil, err
	}
	lines := bytes.Count(raw, []byte("\n"))
	d := &dict{
		seed:  maphash.MakeSeed(),
		keys:  make([]byte, 0, len(raw)*3/4),
		slots: make([]uint32, tableSize(lines*3/2)),
		first: -1,
	}
	tagIndex := map[string]uint8{}
	var key []byte
	for text := string(raw); text != ""; {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		f := strings.Split(line, " ")
		if len(f) < 2 {
			continue
		}
		word := strings.TrimSpace(f[0])
		freq, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err != nil || freq < 2 {
			continue
		}
		if utf8.RuneCountInString(word) < 2 {
			freq = 2
		}
		tag := ""
		if len(f) > 2 {
			tag = strings.TrimSpace(strings.Trim(f[2], "\n"))
		}
		if freq != math.Trunc(freq) || freq > math.MaxUint32 || len(word) > math.MaxUint8 {
			return nil, fmt.Errorf("textseg: dictionary line %q out of range", line)
		}
		key = lowerASCII(key[:0], word)
		e, found := d.find(string(key))
		if found && d.freq[e] > 0 {
			continue // the first line of a word wins
		}
		ti, ok := tagIndex[tag]
		if !ok {
			if len(d.tags) > math.MaxUint8 {
				return nil, fmt.Errorf("textseg: more than 256 tags")
			}
			ti = uint8(len(d.tags))
			tagIndex[tag] = ti
			d.tags = append(d.tags, strings.Clone(tag)) // not a piece of raw
		}
		d.total += freq
		if found {
			// So far a prefix of longer words: its bytes and its own
			// prefixes are there already.
			d.freq[e], d.tag[e] = uint32(freq), ti
			continue
		}
		at := uint32(len(d.keys))
		e = d.insert(string(key), at)
		d.keys = append(d.keys, key...)
		d.freq[e], d.tag[e] = uint32(freq), ti
		if d.first < 0 {
			d.first = e
		}
		// Its prefixes point into its own bytes.
		for i := 0; i < len(key); {
			_, n := utf8.DecodeRune(key[i:])
			i += n
			if i == len(key) {
				break
			}
			if _, found := d.find(string(key[:i])); !found {
				p := d.insert(string(key[:i]), at)
				d.freq[p] = 0
			}
		}
	}
	d.keys = bytes.Clone(d.keys)
	d.off, d.size = clip(d.off), clip(d.size)
	d.freq, d.tag = clip(d.freq), clip(d.tag)
	return d, nil
}

func clip[T any](s []T) []T { return append([]T(nil), s...) }

// tableSize is the smallest power of two holding n entries at most
// two-thirds full.
func tableSize(n int) int {
	size := 1 << 10
	for size*2 < n*3 {
		size *= 2
	}
	return size
}

// lowerASCII appends s to dst with ASCII capitals in lower case, as gse
// keys its words.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// find returns the entry of key (a word or a prefix of one).
func (d *dict) find(key string) (int32, bool) {
	mask := uint32(len(d.slots) - 1)
	for i := uint32(maphash.String(d.seed, key)) & mask; ; i = (i + 1) & mask {
		e := d.slots[i]
		if e == 0 {
			return 0, false
		}
		e--
		if int(d.size[e]) == len(key) && string(d.keys[d.off[e]:d.off[e]+uint32(len(key))]) == key {
			return int32(e), true
		}
	}
}

// insert adds key, whose bytes are at keys[at:], as a new entry.
func (d *dict) insert(key string, at uint32) int32 {
	if (len(d.off)+1)*3 > len(d.slots)*2 {
		d.grow()
	}
	e := int32(len(d.off))
	d.off = append(d.off, at)
	d.size = append(d.size, uint8(len(key)))
	d.freq = append(d.freq, 0)
	d.tag = append(d.tag, 0)
	d.place(key, uint32(e))
	return e
}

func (d *dict) place(key string, e uint32) {
	mask := uint32(len(d.slots) - 1)
	i := uint32(maphash.String(d.seed, key)) & mask
	for d.slots[i] != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = e + 1
}

func (d *dict) grow() {
	d.slots = make([]uint32, len(d.slots)*2)
	for e := range d.off {
		key := d.keys[d.off[e] : d.off[e]+uint32(d.size[e])]
		d.place(string(key), uint32(e))
	}
}

// lookup answers as gse's Dictionary.Find: a word gives its frequency and
// tag, a prefix of a word frequency 0 and ok, anything else not ok.
func (d *dict) lookup(key string) (freq float64, tag string, ok bool) {
	e, ok := d.find(key)
	if !ok {
		return 0, "", false
	}
	if d.freq[e] == 0 {
		return 0, "", true
	}
	return float64(d.freq[e]), d.tags[d.tag[e]], true
}

// posTag answers as gse's pos.Dict.Pos: the tag of a word, except the
// dictionary's first word.
func (d *dict) posTag(key string) (string, bool) {
	e, ok := d.find(key)
	if !ok || d.freq[e] == 0 || e == d.first {
		return "", false
	}
	return d.tags[d.tag[e]], true
}

// heapBytes is the memory the dictionary keeps.
func (d *dict) heapBytes() int {
	return cap(d.keys) + 4*cap(d.off) + cap(d.size) + 4*cap(d.freq) + cap(d.tag) + 4*cap(d.slots)
}

// gunzip unpacks embedded data.
func gunzip(data []byte) ([]byte, error) {
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}
