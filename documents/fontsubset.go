package documents

import (
	"encoding/binary"
	"errors"
	"sort"
)

// subset builds a small TrueType font holding only the glyphs for runes
// (plus .notdef and the components of composite glyphs).
//
// fpdf parses every font it is given from scratch, building maps over the
// whole cmap and arrays over every glyph, once when the font is added and
// again when it cuts the embedded subset; its parsed font is private to one
// Fpdf, so it cannot be shared between documents. Handing it a font of the
// few hundred glyphs a document uses instead of the 7,500 of GB 2312 makes
// that work proportional to the document rather than to the font.
func (f *fontFace) subset(runes []rune) ([]byte, error) {
	data := f.data
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(data[off:])) }
	u32 := func(off int) int { return int(binary.BigEndian.Uint32(data[off:])) }
	head, maxp, hhea := f.tables["head"], f.tables["maxp"], f.tables["hhea"]
	loca, glyf, hmtx := f.tables["loca"], f.tables["glyf"], f.tables["hmtx"]
	numGlyphs, metricsCount := u16(maxp.offset+4), u16(hhea.offset+34)
	longLoca := u16(head.offset+50) == 1

	glyphRange := func(g int) (int, int, error) {
		var start, end int
		if longLoca {
			start, end = u32(loca.offset+4*g), u32(loca.offset+4*g+4)
		} else {
			start, end = 2*u16(loca.offset+2*g), 2*u16(loca.offset+2*g+2)
		}
		if start > end || end > glyf.length {
			return 0, 0, errors.New("loca 表损坏")
		}
		return glyf.offset + start, glyf.offset + end, nil
	}

	// Collect the glyphs, following composite glyphs to their parts.
	keep := map[int]bool{0: true}
	queue := []int{0}
	for _, r := range runes {
		if g := int(f.glyph[r]); g != 0 && !keep[g] {
			keep[g] = true
			queue = append(queue, g)
		}
	}
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		start, end, err := glyphRange(g)
		if err != nil {
			return nil, err
		}
		for _, part := range compositeParts(data[start:end]) {
			if part.glyph < numGlyphs && !keep[part.glyph] {
				keep[part.glyph] = true
				queue = append(queue, part.glyph)
			}
		}
	}
	old := make([]int, 0, len(keep))
	for g := range keep {
		old = append(old, g)
	}
	sort.Ints(old)
	newID := make(map[int]int, len(old))
	for i, g := range old {
		newID[g] = i
	}

	// glyf and loca (long offsets, so no alignment games), hmtx with one
	// full metric per glyph. The outlines are measured first so that glyf
	// is allocated once.
	size := 0
	for _, g := range old {
		start, end, err := glyphRange(g)
		if err != nil {
			return nil, err
		}
		size += (end - start + 3) &^ 3
	}
	newGlyf := make([]byte, 0, size)
	newLoca := make([]byte, 4*(len(old)+1))
	newHmtx := make([]byte, 4*len(old))
	for i, g := range old {
		start, end, _ := glyphRange(g)
		binary.BigEndian.PutUint32(newLoca[4*i:], uint32(len(newGlyf)))
		at := len(newGlyf)
		newGlyf = append(newGlyf, data[start:end]...)
		outline := newGlyf[at:]
		for _, part := range compositeParts(outline) {
			binary.BigEndian.PutUint16(outline[part.at:], uint16(newID[part.glyph]))
		}
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
		metric := min(g, metricsCount-1)
		binary.BigEndian.PutUint16(newHmtx[4*i:], uint16(u16(hmtx.offset+4*metric)))
		lsb := 0
		if g < metricsCount {
			lsb = u16(hmtx.offset + 4*g + 2)
		} else {
			lsb = u16(hmtx.offset + 4*metricsCount + 2*(g-metricsCount))
		}
		binary.BigEndian.PutUint16(newHmtx[4*i+2:], uint16(lsb))
	}
	binary.BigEndian.PutUint32(newLoca[4*len(old):], uint32(len(newGlyf)))

	copyTable := func(tag string) []byte {
		t := f.tables[tag]
		return append([]byte(nil), data[t.offset:t.offset+t.length]...)
	}
	newHead := copyTable("head")
	binary.BigEndian.PutUint16(newHead[50:], 1)
	binary.BigEndian.PutUint32(newHead[8:], 0) // checksumAdjustment, unchecked
	newMaxp := copyTable("maxp")
	binary.BigEndian.PutUint16(newMaxp[4:], uint16(len(old)))
	newHhea := copyTable("hhea")
	binary.BigEndian.PutUint16(newHhea[34:], uint16(len(old)))
	post := f.tables["post"]
	newPost := append([]byte(nil), data[post.offset:post.offset+min(32, post.length)]...)
	binary.BigEndian.PutUint32(newPost, 0x00030000) // no glyph names

	tables := map[string][]byte{
		"cmap": subsetCmap(runes, f.glyph, newID),
		"glyf": newGlyf, "head": newHead, "hhea": newHhea, "hmtx": newHmtx,
		"loca": newLoca, "maxp": newMaxp, "name": copyTable("name"),
		"OS/2": copyTable("OS/2"), "post": newPost,
	}
	// Hinting programs do not depend on glyph ids; keep them if present.
	for _, tag := range []string{"cvt ", "fpgm", "prep", "gasp"} {
		if _, ok := f.tables[tag]; ok {
			tables[tag] = copyTable(tag)
		}
	}
	return assembleFont(tables), nil
}

// compositePart is a component reference inside a composite glyph: the
// glyph it names and where that id sits in the glyph's bytes.
type compositePart struct{ glyph, at int }

func compositeParts(outline []byte) []compositePart {
	if len(outline) < 10 || int16(binary.BigEndian.Uint16(outline)) >= 0 {
		return nil
	}
	const (
		argsAreWords = 0x0001
		haveScale    = 0x0008
		moreParts    = 0x0020
		haveXYScale  = 0x0040
		haveTwoByTwo = 0x0080
	)
	var parts []compositePart
	for pos := 10; pos+4 <= len(outline); {
		flags := int(binary.BigEndian.Uint16(outline[pos:]))
		parts = append(parts, compositePart{glyph: int(binary.BigEndian.Uint16(outline[pos+2:])), at: pos + 2})
		pos += 4
		if flags&argsAreWords != 0 {
			pos += 4
		} else {
			pos += 2
		}
		switch {
		case flags&haveScale != 0:
			pos += 2
		case flags&haveXYScale != 0:
			pos += 4
		case flags&haveTwoByTwo != 0:
			pos += 8
		}
		if flags&moreParts == 0 {
			break
		}
	}
	return parts
}

// subsetCmap writes a (3,1) format-4 cmap mapping runes to their new glyph
// ids, one segment per run of consecutive code points whose ids are also
// consecutive, so idDelta alone maps each segment.
func subsetCmap(runes []rune, oldGlyph []uint16, newID map[int]int) []byte {
	codes := make([]int, 0, len(runes))
	seen := map[rune]bool{}
	for _, r := range runes {
		if r >= 0 && r < 0xFFFF && oldGlyph[r] != 0 && !seen[r] {
			seen[r] = true
			codes = append(codes, int(r))
		}
	}
	sort.Ints(codes)
	type segment struct{ start, end, delta int }
	var segments []segment
	for _, c := range codes {
		g := newID[int(oldGlyph[c])]
		if n := len(segments); n > 0 && segments[n-1].end == c-1 && segments[n-1].delta == g-c {
			segments[n-1].end = c
			continue
		}
		segments = append(segments, segment{c, c, g - c})
	}
	segments = append(segments, segment{0xFFFF, 0xFFFF, 1})

	n := len(segments)
	sub := make([]byte, 16+8*n)
	put := func(off, v int) { binary.BigEndian.PutUint16(sub[off:], uint16(v)) }
	put(0, 4)
	put(2, len(sub))
	put(6, 2*n)
	searchRange := 2
	entrySelector := 0
	for searchRange*2 <= 2*n {
		searchRange *= 2
		entrySelector++
	}
	put(8, searchRange)
	put(10, entrySelector)
	put(12, 2*n-searchRange)
	for i, s := range segments {
		put(14+2*i, s.end)
		put(16+2*n+2*i, s.start)
		put(16+4*n+2*i, s.delta&0xFFFF)
		// idRangeOffset stays zero.
	}
	header := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(header, sub...)
}

// assembleFont writes an sfnt file from its tables, in tag order.
func assembleFont(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += (len(t) + 3) &^ 3
	}
	sort.Strings(tags)
	out := make([]byte, 12+16*len(tags), size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(len(tags)))
	searchRange, entrySelector := 1, 0
	for searchRange*2 <= len(tags) {
		searchRange *= 2
		entrySelector++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16*searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*(len(tags)-searchRange)))
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], tableChecksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func tableChecksum(t []byte) uint32 {
	var sum uint32
	for i := 0; i < len(t); i += 4 {
		var word [4]byte
		copy(word[:], t[i:])
		sum += binary.BigEndian.Uint32(word[:])
	}
	return sum
}
