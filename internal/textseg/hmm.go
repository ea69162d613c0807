package textseg

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"math"
)

// hmmData is jieba's part-of-speech hidden Markov model as gse v0.80.3
// ships it (hmm/pos), written by gen_hmm.go.
//
//go:embed dict/hmm.bin.gz
var hmmData []byte

// A state of the model is a tag number: the position in the word (100 B
// begin, 200 E end, 300 M middle, 400 S single) plus the index of the
// part of speech in hmm.poss. Tables are indexed by a dense state number.
type hmm struct {
	tags    []uint16      // dense → tag number
	dense   [500]int16    // tag number → dense, -1 for none
	start   []float64     // dense → start log probability (0 if the model has none)
	trans   []float64     // from*n+to → transition log probability (-Inf if none)
	next    [][]int16     // dense → states it has a transition to, in the model's order
	hasNext []bool        // dense → the model lists transitions from it
	keys    []int16       // the states that have a transition entry, even empty
	emit    map[rune]span // a character's emissions in emitS and emitP
	emitS   []int16       // emissions: dense state
	emitP   []float64     // emissions: log probability
	tab     map[rune][]int16
	poss    []string
}

// minFloat is the emission log probability of a character the model
// does not list for a state.
const minFloat = -3.14e100

func loadHMM() (*hmm, error) {
	raw, err := gunzip(hmmData)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(raw)
	var failed error
	read := func(v any) {
		if failed == nil {
			failed = binary.Read(r, binary.LittleEndian, v)
		}
	}
	m := &hmm{emit: map[rune]span{}, tab: map[rune][]int16{}}
	for i := range m.dense {
		m.dense[i] = -1
	}
	state := func(tag uint16) int16 {
		if int(tag) >= len(m.dense) {
			failed = errors.New("textseg: hmm state out of range")
			return 0
		}
		if m.dense[tag] < 0 {
			m.dense[tag] = int16(len(m.tags))
			m.tags = append(m.tags, tag)
		}
		return m.dense[tag]
	}
	type pair struct {
		s int16
		p float64
	}
	var n16 uint16
	var tag uint16
	var p float64
	read(&n16)
	starts := make([]pair, 0, n16)
	for i := 0; i < int(n16) && failed == nil; i++ {
		read(&tag)
		read(&p)
		starts = append(starts, pair{state(tag), p})
	}
	read(&n16)
	type from struct {
		s  int16
		to []pair
	}
	var froms []from
	for i := 0; i < int(n16) && failed == nil; i++ {
		var f from
		var k uint16
		read(&tag)
		f.s = state(tag)
		read(&k)
		for j := 0; j < int(k) && failed == nil; j++ {
			read(&tag)
			read(&p)
			f.to = append(f.to, pair{state(tag), p})
		}
		froms = append(froms, f)
	}
	var n32 uint32
	var ch int32
	read(&n32)
	for i := 0; i < int(n32) && failed == nil; i++ {
		var k uint16
		read(&ch)
		read(&k)
		m.emit[ch] = span{uint32(len(m.emitS)), uint32(len(m.emitS)) + uint32(k)}
		for j := 0; j < int(k) && failed == nil; j++ {
			read(&tag)
			read(&p)
			m.emitS = append(m.emitS, state(tag))
			m.emitP = append(m.emitP, p)
		}
	}
	read(&n32)
	for i := 0; i < int(n32) && failed == nil; i++ {
		var k uint16
		read(&ch)
		read(&k)
		states := make([]int16, k)
		for j := range states {
			read(&tag)
			states[j] = state(tag)
		}
		m.tab[ch] = states
	}
	read(&n16)
	for i := 0; i < int(n16) && failed == nil; i++ {
		var k uint8
		read(&k)
		b := make([]byte, k)
		read(b)
		m.poss = append(m.poss, string(b))
	}
	if failed != nil {
		return nil, failed
	}
	if r.Len() != 0 {
		return nil, errors.New("textseg: trailing bytes in the hmm model")
	}
	n := len(m.tags)
	m.start = make([]float64, n)
	for _, s := range starts {
		m.start[s.s] = s.p
	}
	m.trans = make([]float64, n*n)
	for i := range m.trans {
		m.trans[i] = math.Inf(-1)
	}
	m.next = make([][]int16, n)
	m.hasNext = make([]bool, n)
	for _, f := range froms {
		m.keys = append(m.keys, f.s)
		m.hasNext[f.s] = len(f.to) > 0
		for _, t := range f.to {
			m.trans[int(f.s)*n+int(t.s)] = t.p
			m.next[f.s] = append(m.next[f.s], t.s)
		}
	}
	return m, nil
}

type span struct{ from, to uint32 }

// viterbi returns the most probable state (tag number) of each character
// of obs, as gse's pos.viterbi computes it: at each step only the states
// the state table allows for the character and a transition allows after
// the previous states; a state's best predecessor is the one of highest
// probability, the higher tag number on a tie; 0 where gse's maps had no
// entry.
func (m *hmm) viterbi(obs []rune) []uint16 {
	n := len(m.tags)
	T := len(obs)
	prob := make([]float64, T*n)
	from := make([]uint16, T*n) // best predecessor's tag number
	live := make([]bool, T*n)
	emit := make([]float64, n)
	emitRow := func(r rune) {
		for i := range emit {
			emit[i] = minFloat
		}
		if sp, ok := m.emit[r]; ok {
			for i := sp.from; i < sp.to; i++ {
				emit[m.emitS[i]] = m.emitP[i]
			}
		}
	}
	table := func(r rune) []int16 {
		if states, ok := m.tab[r]; ok {
			return states
		}
		return m.keys
	}
	emitRow(obs[0])
	for _, y := range table(obs[0]) {
		prob[int(y)] = emit[y] + m.start[y]
		live[int(y)] = true
	}
	var prev, states []int16
	expect := make([]bool, n)
	for t := 1; t < T; t++ {
		row, last := t*n, (t-1)*n
		prev = prev[:0]
		for x := 0; x < n; x++ {
			if live[last+x] && m.hasNext[x] {
				prev = append(prev, int16(x))
			}
		}
		clear(expect)
		for _, x := range prev {
			for _, y := range m.next[x] {
				expect[y] = true
			}
		}
		states = states[:0]
		for _, y := range table(obs[t]) {
			if expect[y] {
				states = append(states, y)
			}
		}
		if len(states) == 0 {
			for y, ok := range expect {
				if ok {
					states = append(states, int16(y))
				}
			}
		}
		if len(states) == 0 {
			states = append(states, m.keys...)
		}
		emitRow(obs[t])
		for _, y := range states {
			best, bestTag := 0.0, uint16(0)
			for i, x := range prev {
				p := prob[last+int(x)] + m.trans[int(x)*n+int(y)] + emit[y]
				if i == 0 || p > best || p == best && m.tags[x] > bestTag {
					best, bestTag = p, m.tags[x]
				}
			}
			prob[row+int(y)], from[row+int(y)], live[row+int(y)] = best, bestTag, true
		}
	}
	row := (T - 1) * n
	state, found := uint16(0), false
	best := 0.0
	for y := 0; y < n; y++ {
		if !live[row+y] {
			continue
		}
		if p := prob[row+y]; !found || p > best || p == best && m.tags[y] > state {
			best, state, found = p, m.tags[y], true
		}
	}
	route := make([]uint16, T)
	for t := T - 1; t >= 0; t-- {
		route[t] = state
		if int(state) < len(m.dense) && m.dense[state] >= 0 && live[t*n+int(m.dense[state])] {
			state = from[t*n+int(m.dense[state])]
		} else {
			state = 0
		}
	}
	return route
}

// cut segments and tags a run of Han characters with the model alone, as
// gse's pos.Segmenter does for a run its dictionary lacks (cutDetail):
// words from a B state to the next E state, single characters in S
// states, and what remains after the last word as one word.
func (m *hmm) cut(text string) []Word {
	obs := make([]rune, 0, len(text)/3)
	at := make([]int, 0, len(text)/3+1)
	for i, r := range text {
		obs = append(obs, r)
		at = append(at, i)
	}
	at = append(at, len(text))
	var out []Word
	word := func(b, e int, tag uint16) {
		out = append(out, Word{Text: text[at[b]:at[e]], Pos: m.poss[tag%100]})
	}
	route := m.viterbi(obs)
	begin, next := 0, 0
	for i, tag := range route {
		switch tag / 100 {
		case 1:
			begin = i
		case 2:
			word(begin, i+1, tag)
			next = i + 1
		case 4:
			word(i, i+1, tag)
			next = i + 1
		}
	}
	if next < len(obs) {
		word(next, len(obs), route[next])
	}
	return out
}
