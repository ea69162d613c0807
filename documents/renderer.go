package documents

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Renderer turns document structs into PDF bytes. Create one per process
// with NewRenderer: it reads and measures the fonts once and is safe for
// concurrent use, since rendering only reads it.
type Renderer struct {
	title, body, hei, kai *fontFace
	song                  *fontFace // page numbers; the first shipped fallback
	zone                  *time.Location
}

// chinaStandardTime is the default zone of PDF dates: China has kept +08:00
// all year since 1991.
var chinaStandardTime = time.FixedZone("CST", 8*3600)

// NewRenderer loads the fonts named in cfg, falling back to the shipped
// fonts for empty fields, and checks that fpdf can embed them.
func NewRenderer(cfg FontConfig) (*Renderer, error) {
	// The same file named twice is loaded and embedded once.
	byPath := map[string]*fontFace{}
	load := func(path, shipped string) (*fontFace, error) {
		key := path
		if key == "" {
			key = "shipped:" + shipped
		}
		if face, ok := byPath[key]; ok {
			return face, nil
		}
		face, err := loadFace(fmt.Sprintf("face%d", len(byPath)), path, shipped)
		if err != nil {
			return nil, err
		}
		byPath[key] = face
		return face, nil
	}
	r := Renderer{zone: cfg.Zone}
	if r.zone == nil {
		r.zone = chinaStandardTime
	}
	var err error
	if r.title, err = load(cfg.Title, shippedTitle); err != nil {
		return nil, err
	}
	if r.body, err = load(cfg.Body, shippedBody); err != nil {
		return nil, err
	}
	if r.hei, err = load(cfg.Hei, shippedHei); err != nil {
		return nil, err
	}
	if r.kai, err = load(cfg.Kai, shippedKai); err != nil {
		return nil, err
	}
	if r.song, err = load("", shippedSong); err != nil {
		return nil, err
	}
	last, err := load("", shippedLast)
	if err != nil {
		return nil, err
	}
	chain := []*fontFace{r.song, last}
	if cfg.Fallback != "" {
		extra, err := load(cfg.Fallback, "")
		if err != nil {
			return nil, err
		}
		chain = append([]*fontFace{extra}, chain...)
	}
	for _, face := range byPath {
		for _, fb := range chain {
			if fb != face {
				face.fallbacks = append(face.fallbacks, fb)
			}
		}
	}
	return &r, nil
}

func (r *Renderer) bodyStyle() textStyle {
	return textStyle{face: r.body, size: 16, pitch: charPitch, lineHeight: linePitch}
}

func (r *Renderer) titleStyle() textStyle {
	return naturalStyle(r.title, 22, 1.15*linePitch)
}

// blockStyle gives the face GB/T 9704 prescribes for each heading level:
// 黑体 for 一、, 楷体 for （一）, the body face below that.
func (r *Renderer) blockStyle(kind BlockKind) textStyle {
	st := r.bodyStyle()
	switch kind {
	case Heading1:
		st.face = r.hei
	case Heading2:
		st.face = r.kai
	}
	return st
}

// FormatDate writes a date the way official documents do: "2026年3月5日",
// with Arabic numerals and no zero padding (GB/T 9704-2012 7.3.5.1).
func FormatDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// letterLayout is what every letter-style document shares; each document
// kind fills it and renderLetter sets it.
type letterLayout struct {
	masthead    string
	number      string
	title       string
	addressee   string
	body        []Block
	attachments []string
	signature   string
	date        time.Time
	copyTo      []string
	printer     string    // 印发机关 of the 版记; empty means no 版记
	printedOn   time.Time // 印发日期
	created     time.Time
	edition     Edition
	kind        string // the 文种, e.g. 检察建议书: the PDF's Subject
}

// metaFor is the document information of a document: its creation time is
// created, an instant, in the renderer's zone, or when that is zero the
// calendar day of date (whose year, month and day are taken as they are)
// at midnight in that zone.
func (r *Renderer) metaFor(title, author, subject, keywords string, created, date time.Time) docMeta {
	t := created.In(r.zone)
	if created.IsZero() {
		t = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, r.zone)
	}
	return docMeta{title: strings.ReplaceAll(title, "\n", ""), author: author, subject: subject, keywords: keywords, created: t}
}

func (r *Renderer) renderLetter(doc letterLayout) ([]byte, error) {
	return r.setLetter(doc).output()
}

// setLetter lays a letter out without writing the PDF, so tests can check
// the coordinates drawn.
func (r *Renderer) setLetter(doc letterLayout) *layout {
	l := newLayout(r.metaFor(doc.title, doc.masthead, doc.kind, doc.number, doc.created, doc.date))
	body := r.bodyStyle()

	if doc.masthead != "" {
		r.masthead(l, doc.masthead, doc.number)
	}
	if doc.title != "" {
		// A title that fills the whole measure looks crowded; keep a
		// character free on each side before it wraps.
		st := r.titleStyle()
		lines := titleLines(st.face, doc.title, (blockWidth-2*st.pitch)/st.pitch)
		if doc.masthead != "" && len(lines) > 0 {
			// 红色分隔线下空二行 (7.3.1): the title's ink two lines below
			// the rule.
			l.y += inkGap(st, lines[0], 2*linePitch)
		}
		l.centredLines(st, lines)
		// 主送机关 one blank line below the title (7.3.2).
		l.y += linePitch
	}
	if doc.addressee != "" {
		addressee := strings.TrimRight(doc.addressee, ":：") + "："
		l.paragraph(body, marginLeft, blockWidth, 0, addressee)
	}
	l.flowing = true
	for _, block := range doc.body {
		l.paragraph(r.blockStyle(block.Kind), marginLeft, blockWidth, 2, block.Text)
	}
	l.flowing = false
	r.tail(l, doc)
	if doc.printer != "" || len(doc.copyTo) > 0 {
		r.imprint(l, doc.copyTo, doc.printer, doc.printedOn)
	}
	l.pageNumbers(r.song)
	r.editionMarks(l, doc.edition)
	return l
}

// editionMarks marks every page of a draft with 草稿 across it, under the
// text, and every page of a public copy with 公开版 in 3号 黑体 above the
// text block's top right corner.
func (r *Renderer) editionMarks(l *layout, edition Edition) {
	last := l.page
	for page := 1; page <= last; page++ {
		l.page = page
		switch edition {
		case Draft:
			st := naturalStyle(r.title, 120, 0)
			w := textWidth(st.face, "草稿") * st.pitch
			// The word's centre on the page's centre, turned 35°.
			cx, cy := pageWidth/2, marginTop+blockHeight/2
			angle := 35 * math.Pi / 180
			x := cx - w/2*math.Cos(angle) + 0.35*st.pitch*math.Sin(angle)
			y := cy + w/2*math.Sin(angle) + 0.35*st.pitch*math.Cos(angle)
			l.text(st, x, y, "草稿")
			l.ops[len(l.ops)-1].watermark = true
		case Public:
			st := naturalStyle(r.hei, 16, linePitch)
			label := "公开版"
			w := textWidth(st.face, label) * st.pitch
			l.drawLine(st, blockRight-w, marginTop-4, label, 0)
		}
	}
	l.page = last
}

// Header geometry of the 文件格式 (GB/T 9704-2012 7.2), in millimetres.
const (
	// mastheadTop is where the 发文机关标志's upper edge lies: 35 mm below
	// the text block's top (7.2.4).
	mastheadTop = marginTop + 35
	// numberGap is the space between the masthead and the 发文字号: two
	// blank lines (7.2.5: 发文机关标志下空二行).
	numberGap = 2 * linePitch
	// ruleGap is the space between the 发文字号 and the red separator
	// (7.2.7: 发文字号之下4 mm处).
	ruleGap = 4.0
	// ruleWidth is the red separator's thickness.
	ruleWidth = 0.6
)

// masthead sets the red 发文机关标志 in the title face with its upper edge
// 35 mm below the text block's top, the 文号 centred two blank lines under
// it, and the red separator 4 mm under the 文号 (GB/T 9704-2012 7.2.4,
// 7.2.5, 7.2.7). Edges are the characters' ink, read from the glyph
// outlines, as a reader measures them. The 文号 is never broken: it is one
// line, made smaller if it is wider than the block.
func (r *Renderer) masthead(l *layout, name, number string) {
	st := naturalStyle(r.title, 36, 0)
	if w := textWidth(r.title, name); w*st.pitch > blockWidth {
		st.size = blockWidth / w / mmPerPoint
		st.pitch = st.size * mmPerPoint
	}
	st.red = true
	top, bottom := inkExtent(st, name)
	base := mastheadTop + top
	l.drawLine(st, marginLeft+(blockWidth-textWidth(st.face, name)*st.pitch)/2, base, name, 0)
	l.y = base + bottom
	if number != "" {
		nst := r.bodyStyle()
		if w := textWidth(nst.face, number) * nst.pitch; w > blockWidth {
			nst.pitch *= blockWidth / w
			nst.size *= blockWidth / w
		}
		top, bottom := inkExtent(nst, number)
		base := l.y + numberGap + top
		l.drawLine(nst, marginLeft+(blockWidth-textWidth(nst.face, number)*nst.pitch)/2, base, number, 0)
		l.y = base + bottom
	}
	l.y += ruleGap + ruleWidth/2
	l.rule(l.y, ruleWidth, true)
	l.y += ruleWidth / 2
}

// inkExtent returns how far the ink of text rises above its baseline
// (top) and reaches below it (bottom), in millimetres, in st.
func inkExtent(st textStyle, text string) (top, bottom float64) {
	for _, r := range text {
		face := st.face.faceFor(r)
		if face == nil {
			continue
		}
		if _, yMin, _, yMax, ok := face.inkBox(r); ok {
			top = max(top, yMax*st.size*mmPerPoint)
			bottom = max(bottom, -yMin*st.size*mmPerPoint)
		}
	}
	return top, bottom
}

// inkGap returns how far below l.y to start the line box of line (set in
// st) so that its ink begins gap millimetres below l.y.
func inkGap(st textStyle, line string, gap float64) float64 {
	top, _ := inkExtent(st, line)
	// baseline() puts the baseline this far below the line box's top.
	return gap - (baseline(st, 0) - top)
}

// tail sets the 附件说明 and the signature under the body. They are one
// block that stays on the page of the body's last lines (GB/T 9704-2012
// 7.3.4, 7.3.5): keepTail tightens or carries body lines to make room.
func (r *Renderer) tail(l *layout, doc letterLayout) {
	st := r.bodyStyle()
	att := r.attachmentLines(doc.attachments)
	height := 0.0
	if len(att) > 0 {
		height += linePitch + float64(len(att))*st.lineHeight
	}
	signed := doc.signature != "" || !doc.date.IsZero()
	if signed {
		lines := 1
		if doc.signature != "" && !doc.date.IsZero() {
			lines = 2
		}
		height += r.signatureGap(doc.edition) + float64(lines)*st.lineHeight
	}
	if height == 0 {
		return
	}
	// Where tightening the page is enough, the 版记 stays on it too
	// rather than take a page of its own.
	if _, h := r.imprintLines(doc.copyTo, doc.printer); h == 0 || !l.tryTighten(height+h+1) {
		l.keepTail(height)
	}
	l.tailFrom = len(l.ops)
	defer func() { l.tailTo = len(l.ops) }()
	if len(att) > 0 {
		l.y += linePitch
		for _, line := range att {
			l.drawLine(st, line.x, baseline(st, l.y), line.text, 0)
			l.y += st.lineHeight
		}
	}
	if signed {
		l.y += r.signatureGap(doc.edition)
		if doc.edition == Public {
			r.unsealedSignature(l, doc.signature, doc.date)
		} else {
			r.signature(l, doc.signature, doc.date)
		}
	}
}

// signatureGap is the space between the body (or 附件说明) and the
// signature: two blank lines, which leave room for the seal whose top
// reaches up to within a line of the text (GB/T 9704-2012 7.3.5.1); one
// on a public copy, which carries no seal (7.3.5.3).
func (r *Renderer) signatureGap(edition Edition) float64 {
	if edition == Public {
		return linePitch
	}
	return 2 * linePitch
}

// unsealedSignature sets the signature of a copy without a seal (GB/T
// 9704-2012 7.3.5.3): the name two characters from the right edge, the
// date on the next line starting two characters right of the name's start;
// a date longer than that ends two characters from the edge and the name
// moves left with it.
func (r *Renderer) unsealedSignature(l *layout, name string, date time.Time) {
	st := r.bodyStyle()
	dateText := ""
	if !date.IsZero() {
		dateText = FormatDate(date)
	}
	nameWidth := textWidth(st.face, name) * st.pitch
	dateWidth := textWidth(st.face, dateText) * st.pitch
	nameX := blockRight - 2*st.pitch - nameWidth
	if dateX := nameX + 2*st.pitch; dateX+dateWidth > blockRight-2*st.pitch {
		nameX -= dateX + dateWidth - (blockRight - 2*st.pitch)
	}
	if name != "" {
		l.drawLine(st, nameX, baseline(st, l.y), name, 0)
		l.y += st.lineHeight
	}
	if dateText != "" {
		l.drawLine(st, nameX+2*st.pitch, baseline(st, l.y), dateText, 0)
		l.y += st.lineHeight
	}
}

// placedLine is a line of text and where it starts.
type placedLine struct {
	x    float64
	text string
}

// attachmentLines breaks the 附件说明: "附件：" two characters in, the
// items numbered "1." when there are several, and a name's continuation
// lines aligned with the first character of the name (GB/T 9704-2012
// 7.3.4).
func (r *Renderer) attachmentLines(items []string) []placedLine {
	st := r.bodyStyle()
	measure := widthFunc(st.face)
	label := "附件："
	labelX := marginLeft + 2*st.pitch
	itemX := labelX + textWidth(st.face, label)*st.pitch
	var out []placedLine
	for i, item := range items {
		number := ""
		if len(items) > 1 {
			number = fmt.Sprintf("%d.", i+1)
		}
		nameX := itemX + textWidth(st.face, number)*st.pitch
		for j, line := range BreakLines(item, (blockRight-nameX)/st.pitch, measure) {
			switch {
			case i == 0 && j == 0: // the label shares the first item's line
				out = append(out, placedLine{labelX, label + number + line})
			case j == 0:
				out = append(out, placedLine{itemX, number + line})
			default:
				out = append(out, placedLine{nameX, line})
			}
		}
	}
	return out
}

// signature sets the procuratorate's name centred over the date, the date
// ending four characters from the right edge (GB/T 9704-2012 7.3.5.1).
func (r *Renderer) signature(l *layout, name string, date time.Time) {
	st := r.bodyStyle()
	dateText := FormatDate(date)
	dateWidth := textWidth(st.face, dateText) * st.pitch
	dateRight := blockRight - 4*st.pitch
	if name != "" {
		nameWidth := textWidth(st.face, name) * st.pitch
		x := dateRight - dateWidth/2 - nameWidth/2
		if x+nameWidth > blockRight {
			x = blockRight - nameWidth
		}
		l.drawLine(st, x, baseline(st, l.y), name, 0)
		l.y += st.lineHeight
	}
	if !date.IsZero() {
		l.drawLine(st, dateRight-dateWidth, baseline(st, l.y), dateText, 0)
		l.y += st.lineHeight
	}
}

func (r *Renderer) imprintStyle() textStyle {
	return naturalStyle(r.body, 14, 14*mmPerPoint*1.6)
}

// imprintLines breaks the 抄送 list of the 版记 and returns its lines and
// the 版记's height; 0 when there is no 版记.
func (r *Renderer) imprintLines(recipients []string, printer string) ([]string, float64) {
	st := r.imprintStyle()
	left := marginLeft + (1+textWidth(st.face, "抄送："))*st.pitch
	var lines []string
	if len(recipients) > 0 {
		text := strings.Join(recipients, "，") + "。"
		lines = BreakLines(text, (blockRight-st.pitch-left)/st.pitch, widthFunc(st.face))
	}
	height := float64(len(lines)) * st.lineHeight
	if printer != "" {
		height += st.lineHeight
	}
	if len(lines) > 0 && printer != "" {
		height += 0.5 // room for the thin rule
	}
	return lines, height
}

// imprint sets the 版记 at the foot of the last page (GB/T 9704-2012 7.4):
// a thick rule, 抄送 one character in with continuation lines aligned after
// the colon and a full stop after the last name, a thin rule, the 印发机关
// one character in and "2026年3月5日印发" ending one character from the
// right, and the last thick rule on the text block's bottom edge, all in 4号.
// It goes to a page of its own when it does not fit under the signature.
func (r *Renderer) imprint(l *layout, recipients []string, printer string, printedOn time.Time) {
	st := r.imprintStyle()
	label := "抄送："
	left := marginLeft + (1+textWidth(st.face, label))*st.pitch
	lines, height := r.imprintLines(recipients, printer)
	if l.y+height+1 > blockBottom {
		l.newPage()
	}
	y := blockBottom - height
	l.rule(y, 0.35, false)
	for i, line := range lines {
		if i == 0 {
			l.drawLine(st, marginLeft+st.pitch, baseline(st, y), label, 0)
		}
		l.drawLine(st, left, baseline(st, y), line, 0)
		y += st.lineHeight
	}
	if printer != "" {
		if len(lines) > 0 {
			y += 0.25
			l.rule(y, 0.25, false)
			y += 0.25
		}
		l.drawLine(st, marginLeft+st.pitch, baseline(st, y), printer, 0)
		date := FormatDate(printedOn) + "印发"
		l.drawLine(st, blockRight-st.pitch-textWidth(st.face, date)*st.pitch, baseline(st, y), date, 0)
	}
	l.rule(blockBottom, 0.35, false)
	l.y = blockBottom
}
