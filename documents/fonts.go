package documents

import (
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

//go:embed fonts/*.ttf
var shippedFonts embed.FS

// Shipped font files, GB 2312 subsets made with fontTools (see README.md).
const (
	shippedSong = "fonts/arphic-gbsn00lp-song.ttf"
	shippedKai  = "fonts/arphic-gkai00mp-kai.ttf"
	shippedHei  = "fonts/wqy-microhei.ttf"
)

// ErrMissingGlyphs is returned, wrapped with the offending characters, when
// a document contains characters that its font cannot draw; drawing them
// would leave blank boxes in an official document.
var ErrMissingGlyphs = errors.New("字体中缺少以下字符")

// ErrBadFont is returned, wrapped with the file name, when a configured font
// is not a TrueType font fpdf can embed.
var ErrBadFont = errors.New("字体文件不可用")

// FontConfig points at the official fonts an office has installed, by file
// path. Each empty field falls back to the fonts shipped with the project:
// Arphic Song for Title and Body, WenQuanYi Micro Hei for Hei and Arphic
// Kai for Kai. Files must be TrueType (glyf outlines); fpdf cannot embed
// CFF-based OpenType or collections (.ttc).
type FontConfig struct {
	Title string // 方正小标宋简体: titles and the masthead
	Body  string // 仿宋_GB2312: body text
	Hei   string // 黑体: level-1 headings
	Kai   string // 楷体_GB2312: level-2 headings
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
		data, err = shippedFonts.ReadFile(shipped)
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
	return &fontFace{data: data, advance: advance, glyph: glyphs, tables: directory}, nil
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
