package documents

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Shipped font files, subsets made with fontTools by fonts/build-fonts.sh
// (see README.md for their sources and licences).
const (
	shippedTitle = "fonts/noto-serif-sc-bold.ttf"  // 小标宋-like: masthead and titles
	shippedBody  = "fonts/fandol-fang.ttf"         // 仿宋: body text
	shippedKai   = "fonts/arphic-gkai00mp-kai.ttf" // 楷体: level-2 headings
	shippedHei   = "fonts/wqy-microhei.ttf"        // 黑体: level-1 headings
	// shippedSong is the Song face of page numbers and the first
	// per-character fallback: together with the faces above it draws every
	// character of GBK.
	shippedSong = "fonts/noto-serif-sc-regular.ttf"
	// shippedLast holds the few GBK characters Noto Serif SC lacks.
	shippedLast = "fonts/arphic-uming-extra.ttf"
)

// The shipped fonts' bytes, in the binary's data rather than the heap: 22
// MB that an embed.FS's ReadFile would copy into the heap for the life of
// the process, where they would also raise the collector's heap goal by as
// much. Nothing writes to them (parseFace and fpdf only read).
var (
	//go:embed fonts/noto-serif-sc-bold.ttf
	fontTitle []byte
	//go:embed fonts/fandol-fang.ttf
	fontBody []byte
	//go:embed fonts/arphic-gkai00mp-kai.ttf
	fontKai []byte
	//go:embed fonts/wqy-microhei.ttf
	fontHei []byte
	//go:embed fonts/noto-serif-sc-regular.ttf
	fontSong []byte
	//go:embed fonts/arphic-uming-extra.ttf
	fontLast []byte
)

// shippedFonts maps a shipped font's name to its bytes.
var shippedFonts = map[string][]byte{shippedTitle: fontTitle, shippedBody: fontBody, shippedKai: fontKai,
	shippedHei: fontHei, shippedSong: fontSong, shippedLast: fontLast}

// ErrMissingGlyphs is returned, wrapped with the offending characters, when
// a document contains characters that its font cannot draw; drawing them
// would leave blank boxes in an official document.
var ErrMissingGlyphs = errors.New("字体中缺少以下字符")

// ErrBadFont is returned, wrapped with the file name, when a configured font
// is not a TrueType font fpdf can embed.
var ErrBadFont = errors.New("字体文件不可用")

// FontConfig points at the official fonts an office has installed, by file
// path. Each empty field falls back to the fonts shipped with the project:
// Noto Serif SC Bold for Title, FandolFang for Body, WenQuanYi Micro Hei for
// Hei and Arphic Kai for Kai. Files must be TrueType (glyf outlines); fpdf
// cannot embed CFF-based OpenType or collections (.ttc).
//
// A character the face of its text lacks is drawn, character by character,
// from Fallback when set and then from the shipped Noto Serif SC Regular
// and AR PL UMing, which between them hold every character of GBK.
type FontConfig struct {
	Title    string // 方正小标宋简体: titles and the masthead
	Body     string // 仿宋_GB2312: body text
	Hei      string // 黑体: level-1 headings
	Kai      string // 楷体_GB2312: level-2 headings
	Fallback string // a wide-coverage font tried first for missing characters
	// Zone is the zone the PDF creation date is written in; nil means
	// China Standard Time (+08:00), where the documents are made.
	Zone *time.Location
}

// fontFace is one parsed font: its bytes for fpdf and the metrics the line
// breaker and glyph check need, read once per process.
type fontFace struct {
	family string // fpdf family name, unique per distinct file
	data   []byte
	// advance is the advance width of each BMP rune in 1/1000 em; 0 means
	// the font has no glyph (fpdf reads only the BMP format-4 cmap).
	advance []uint16
	glyph   []uint16         // glyph id of each BMP rune
	tables  map[string]table // where each table lies in data
	// fallbacks are the faces tried, in order, for a rune this face lacks.
	fallbacks []*fontFace
	// postScript is the font's PostScript name (name ID 6), written as the
	// PDF font name after its subset tag.
	postScript string
	unitsPerEm int
}

// faceFor returns the face that draws r: f itself or the first fallback
// that has it, or nil when none does.
func (f *fontFace) faceFor(r rune) *fontFace {
	if f.hasGlyph(r) {
		return f
	}
	for _, fb := range f.fallbacks {
		if fb.hasGlyph(r) {
			return fb
		}
	}
	return nil
}

// table is the position of one sfnt table in the font file.
type table struct{ offset, length int }

// width returns the advance of r in em.
func (f *fontFace) width(r rune) float64 {
	if r < 0 || int(r) >= len(f.advance) {
		return 1
	}
	return float64(f.advance[r]) / 1000
}

// hasGlyph reports whether the font can draw r.
func (f *fontFace) hasGlyph(r rune) bool {
	return r >= 0 && int(r) < len(f.advance) && f.advance[r] != 0
}

func loadFace(family, path, shipped string) (*fontFace, error) {
	var data []byte
	var err error
	if path == "" {
		data = shippedFonts[shipped]
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("%w：%s：%v", ErrBadFont, path, err)
	}
	face, err := parseFace(data)
	if err != nil {
		name := path
		if name == "" {
			name = shipped
		}
		return nil, fmt.Errorf("%w：%s：%v", ErrBadFont, name, err)
	}
	face.family = family
	return face, nil
}

// parseFace reads the format-4 Unicode cmap and hmtx of a TrueType font,
// the same tables fpdf uses, so that a glyph found here is a glyph fpdf
// will draw.
func parseFace(data []byte) (*fontFace, error) {
	u16 := func(off int) int {
		if off < 0 || off+2 > len(data) {
			return 0
		}
		return int(binary.BigEndian.Uint16(data[off:]))
	}
	if len(data) < 12 {
		return nil, errors.New("文件过短")
	}
	switch binary.BigEndian.Uint32(data) {
	case 0x00010000, 0x74727565: // TrueType
	case 0x4F54544F:
		return nil, errors.New("CFF 轮廓的 OpenType 字体无法嵌入，请使用 TrueType 字体")
	case 0x74746366:
		return nil, errors.New("字体集合（.ttc）无法嵌入，请先提取单个字体")
	default:
		return nil, errors.New("不是 TrueType 字体")
	}
	directory := map[string]table{}
	tables := map[string]int{}
	for i, n := 0, u16(4); i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			return nil, errors.New("表目录损坏")
		}
		t := table{int(binary.BigEndian.Uint32(data[rec+8:])), int(binary.BigEndian.Uint32(data[rec+12:]))}
		if t.offset+t.length > len(data) {
			return nil, errors.New("表目录损坏")
		}
		directory[string(data[rec:rec+4])] = t
		tables[string(data[rec:rec+4])] = t.offset
	}
	for _, tag := range []string{"cmap", "hmtx", "hhea", "head", "glyf", "loca", "maxp", "name", "OS/2", "post"} {
		if _, ok := tables[tag]; !ok {
			return nil, fmt.Errorf("缺少 %s 表", tag)
		}
	}
	unitsPerEm := u16(tables["head"] + 18)
	if unitsPerEm == 0 {
		return nil, errors.New("head 表损坏")
	}
	hmtx, metricsCount := tables["hmtx"], u16(tables["hhea"]+34)
	if metricsCount == 0 {
		return nil, errors.New("hhea 表损坏")
	}
	glyphAdvance := func(glyph int) uint16 {
		if glyph >= metricsCount {
			glyph = metricsCount - 1
		}
		a := u16(hmtx+4*glyph) * 1000 / unitsPerEm
		if a == 0 {
			a = 1 // a real but zero-width glyph must not look missing
		}
		return uint16(a)
	}

	cmap, sub := tables["cmap"], -1
	for i, n := 0, u16(tables["cmap"]+2); i < n; i++ {
		rec := cmap + 4 + 8*i
		platform, encoding := u16(rec), u16(rec+2)
		if rec+8 > len(data) {
			break
		}
		off := cmap + int(binary.BigEndian.Uint32(data[rec+4:]))
		if (platform == 3 && encoding == 1 || platform == 0) && u16(off) == 4 {
			sub = off
			break
		}
	}
	if sub < 0 {
		return nil, errors.New("缺少 Unicode（格式 4）cmap")
	}
	segments := u16(sub+6) / 2
	ends, starts := sub+14, sub+16+2*segments
	deltas, rangeOffsets := starts+2*segments, starts+4*segments
	advance := make([]uint16, 0x10000)
	glyphs := make([]uint16, 0x10000)
	numGlyphs := u16(tables["maxp"] + 4)
	for s := 0; s < segments; s++ {
		start, end := u16(starts+2*s), u16(ends+2*s)
		delta, rangeOffset := u16(deltas+2*s), u16(rangeOffsets+2*s)
		for c := start; c <= end && c < 0xFFFF; c++ {
			glyph := 0
			if rangeOffset == 0 {
				glyph = (c + delta) & 0xFFFF
			} else if g := u16(rangeOffsets + 2*s + rangeOffset + 2*(c-start)); g != 0 {
				glyph = (g + delta) & 0xFFFF
			}
			if glyph != 0 && glyph < numGlyphs {
				advance[c] = glyphAdvance(glyph)
				glyphs[c] = uint16(glyph)
			}
		}
	}
	return &fontFace{data: data, advance: advance, glyph: glyphs, tables: directory,
		postScript: postScriptName(data, directory["name"]), unitsPerEm: unitsPerEm}, nil
}

// postScriptName reads name ID 6 from the name table (Windows Unicode or
// Macintosh Roman record), keeping only the characters a PDF name allows
// unescaped; "Font" when there is none.
func postScriptName(data []byte, t table) string {
	u16 := func(off int) int {
		if off < 0 || off+2 > len(data) {
			return 0
		}
		return int(binary.BigEndian.Uint16(data[off:]))
	}
	count, strings0 := u16(t.offset+2), t.offset+u16(t.offset+4)
	for i := 0; i < count; i++ {
		rec := t.offset + 6 + 12*i
		platform, nameID := u16(rec), u16(rec+6)
		length, off := u16(rec+8), strings0+u16(rec+10)
		if nameID != 6 || off+length > len(data) || (platform != 3 && platform != 1) {
			continue
		}
		raw := data[off : off+length]
		var b strings.Builder
		step := 1
		if platform == 3 {
			step = 2
		}
		for j := step - 1; j < len(raw); j += step {
			c := raw[j]
			if c > ' ' && c < 0x7F && !strings.ContainsRune("()<>[]{}/%#", rune(c)) {
				b.WriteByte(c)
			}
		}
		if b.Len() > 0 {
			return b.String()
		}
	}
	return "Font"
}

// missingGlyphsError names the characters, in code point order so that
// the message is stable.
func missingGlyphsError(missing map[rune]bool) error {
	if len(missing) == 0 {
		return nil
	}
	runes := make([]rune, 0, len(missing))
	for r := range missing {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	names := make([]string, len(runes))
	for i, r := range runes {
		names[i] = fmt.Sprintf("“%c”（U+%04X）", r, r)
	}
	return fmt.Errorf("%w：%s", ErrMissingGlyphs, strings.Join(names, "、"))
}

// inkBox returns the bounding box of r's outline in em, y up from the
// baseline (from the glyph's header in the glyf table), and false when the
// face has no outline for r.
func (f *fontFace) inkBox(r rune) (xMin, yMin, xMax, yMax float64, ok bool) {
	if !f.hasGlyph(r) || int(r) >= len(f.glyph) {
		return 0, 0, 0, 0, false
	}
	data := f.data
	head, loca, glyf := f.tables["head"], f.tables["loca"], f.tables["glyf"]
	g := int(f.glyph[r])
	var start, end int
	if binary.BigEndian.Uint16(data[head.offset+50:]) == 1 {
		start = int(binary.BigEndian.Uint32(data[loca.offset+4*g:]))
		end = int(binary.BigEndian.Uint32(data[loca.offset+4*g+4:]))
	} else {
		start = 2 * int(binary.BigEndian.Uint16(data[loca.offset+2*g:]))
		end = 2 * int(binary.BigEndian.Uint16(data[loca.offset+2*g+2:]))
	}
	if end-start < 10 || glyf.offset+end > len(data) {
		return 0, 0, 0, 0, false
	}
	h := data[glyf.offset+start:]
	em := float64(f.unitsPerEm)
	v := func(i int) float64 { return float64(int16(binary.BigEndian.Uint16(h[i:]))) / em }
	return v(2), v(4), v(6), v(8), true
}
