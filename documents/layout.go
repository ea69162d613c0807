package documents

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/go-pdf/fpdf"
)

// Page geometry after GB/T 9704-2012, in millimetres.
const (
	pageWidth    = 210.0
	marginTop    = 37.0
	marginLeft   = 28.0
	blockWidth   = 156.0
	blockHeight  = 225.0
	blockBottom  = marginTop + blockHeight
	blockRight   = marginLeft + blockWidth
	linesPerPage = 22
	charsPerLine = 28
	linePitch    = blockHeight / linesPerPage
	charPitch    = blockWidth / charsPerLine
	mmPerPoint   = 25.4 / 72
	// pageNumberGap is the distance from the text block to the page number.
	pageNumberGap = 7.0
)

// textStyle says how a run of text is set: pitch is the advance of one em
// in millimetres, which for body text is the 28-per-line grid rather than
// the font size, as the standard's character grid requires.
type textStyle struct {
	face       *fontFace
	size       float64 // points
	pitch      float64 // mm per em
	lineHeight float64 // mm
	red        bool
}

func naturalStyle(face *fontFace, size, lineHeight float64) textStyle {
	return textStyle{face: face, size: size, pitch: size * mmPerPoint, lineHeight: lineHeight}
}

// layout is one document being set; it is used by one goroutine only.
// It records what to draw rather than drawing, because the fonts handed to
// fpdf are cut to the characters the whole document uses, which are known
// only at the end.
type layout struct {
	meta    docMeta
	page    int     // current page, from 1
	y       float64 // top of the next line on the current page
	ops     []drawOp
	used    map[*fontFace]map[rune]bool
	missing map[rune]bool
	// flowing says that the lines now being set are body text (正文);
	// marks records where each such line starts, so that the last lines
	// can be carried to the next page with the signature.
	flowing bool
	marks   []lineMark
	// tailFrom and tailTo delimit the drawing operations of the 附件说明
	// and the signature.
	tailFrom, tailTo int
}

// lineMark is the start of one line of body text: its page, the top of its
// line box and the index of its first drawing operation.
type lineMark struct {
	page int
	top  float64
	op   int
}

// markLine records that a line of body text starts here.
func (l *layout) markLine() {
	if !l.flowing {
		return
	}
	if n := len(l.marks); n > 0 && l.marks[n-1].page == l.page && l.marks[n-1].top == l.y {
		return
	}
	l.marks = append(l.marks, lineMark{page: l.page, top: l.y, op: len(l.ops)})
}

const (
	// signatureCarry is how many lines of body text go to a new page with
	// the signature when it does not fit under the text (GB/T 9704-2012
	// 7.3.5: the page holding the signature holds body text too).
	signatureCarry = 2
	// maxTighten is how much each body line of the last page may be moved
	// closer to the one above (GB/T 9704-2012 7.3.5.5: 调整行距) so that
	// the signature fits under the text: 6 % of the line pitch, about
	// 0.6 mm, which a reader hardly sees; on a full page it gains more than
	// a line.
	maxTighten = 0.06 * linePitch
)

// keepTail makes room under the body for height millimetres (the 附件说明
// and the signature, which must share the page of the body's last lines).
// When they do not fit, it first tightens the line pitch of the page's
// body lines within maxTighten; failing that it carries the page's last
// body lines (up to signatureCarry, always leaving one) to the next page.
// Nothing is redrawn: the lines' drawing operations move as they are, so
// no character is lost or repeated.
func (l *layout) keepTail(height float64) {
	if l.y+height <= blockBottom+0.01 {
		return
	}
	first := len(l.marks)
	for first > 0 && l.marks[first-1].page == l.page {
		first--
	}
	n := len(l.marks) - first
	if n == 0 {
		l.newPage()
		return
	}
	if l.tryTighten(height) {
		return
	}
	carry := min(signatureCarry, n-1)
	if carry == 0 {
		// The page's only body line goes with the signature, so the
		// tightened page is not left with the header alone.
		carry = 1
	}
	from := len(l.marks) - carry
	top := l.marks[from].top
	l.page++
	l.shiftOps(l.marks[from].op, len(l.ops), l.page, marginTop-top)
	for i := from; i < len(l.marks); i++ {
		l.marks[i].page = l.page
		l.marks[i].top += marginTop - top
	}
	l.y += marginTop - top
	if l.y+height > blockBottom+0.01 {
		// Only a tail longer than a page gets here; it runs on.
		return
	}
}

// tryTighten makes room for height millimetres under the text by moving
// the current page's body lines closer together, within maxTighten, and
// reports whether it could.
func (l *layout) tryTighten(height float64) bool {
	if l.y+height <= blockBottom+0.01 {
		return true
	}
	first := len(l.marks)
	for first > 0 && l.marks[first-1].page == l.page {
		first--
	}
	n := len(l.marks) - first
	if n == 0 {
		return false
	}
	d := (l.y + height - blockBottom) / float64(n)
	if d > maxTighten {
		return false
	}
	l.tighten(first, d)
	return true
}

// tighten moves the body lines of the current page from marks[first] on
// closer together by d millimetres each.
func (l *layout) tighten(first int, d float64) {
	for i := first; i < len(l.marks); i++ {
		end := len(l.ops)
		if i+1 < len(l.marks) {
			end = l.marks[i+1].op
		}
		up := float64(i-first) * d
		l.shiftOps(l.marks[i].op, end, l.page, -up)
		l.marks[i].top -= up
	}
	l.y -= float64(len(l.marks)-first) * d
}

// shiftOps moves ops[from:to] to page, dy millimetres down.
func (l *layout) shiftOps(from, to, page int, dy float64) {
	for i := from; i < to; i++ {
		op := &l.ops[i]
		op.page = page
		op.y += dy
		if op.kind == opLine {
			op.y2 += dy
		}
	}
}

type opKind int

const (
	opText opKind = iota
	opLine
	opRect
)

// drawOp is one drawing instruction on one page.
type drawOp struct {
	kind         opKind
	page         int
	x, y, x2, y2 float64 // text origin, line ends, or rectangle corner and size
	text         string
	face         *fontFace
	size         float64 // points for text, line width for lines
	red          bool
	// watermark text is drawn light grey, turned 35° about its start,
	// under everything else on its page.
	watermark bool
}

func newLayout(meta docMeta) *layout {
	l := &layout{meta: meta, used: map[*fontFace]map[rune]bool{}, missing: map[rune]bool{}}
	l.newPage()
	return l
}

func (l *layout) newPage() {
	l.page++
	l.y = marginTop
}

// ensure starts a new page unless height more millimetres fit on this one.
func (l *layout) ensure(height float64) {
	if l.y+height > blockBottom+0.01 && l.y > marginTop+0.01 {
		l.newPage()
	}
}

func (l *layout) text(st textStyle, x, y float64, s string) {
	runes := l.used[st.face]
	if runes == nil {
		runes = map[rune]bool{}
		l.used[st.face] = runes
	}
	for _, r := range s {
		runes[r] = true
	}
	l.ops = append(l.ops, drawOp{kind: opText, page: l.page, x: x, y: y, text: s, face: st.face, size: st.size, red: st.red})
}

// widthFunc measures runes in em for the line breaker, each in the face
// that draws it (face or a fallback). Control characters take no room
// because they are not drawn; a character no face has counts one em.
func widthFunc(face *fontFace) func(rune) float64 {
	return func(r rune) float64 {
		if unicode.IsControl(r) {
			return 0
		}
		if f := face.faceFor(r); f != nil {
			return f.width(r)
		}
		return 1
	}
}

func textWidth(face *fontFace, s string) float64 {
	w, measure := 0.0, widthFunc(face)
	for _, r := range s {
		w += measure(r)
	}
	return w
}

// baseline places text vertically centred in a line box starting at top.
func baseline(st textStyle, top float64) float64 {
	return top + st.lineHeight/2 + 0.36*st.size*mmPerPoint
}

// drawLine sets line from x on the given baseline. extra millimetres are
// shared between the gaps where a line may break, which justifies the line
// without spreading the letters of a Latin word.
func (l *layout) drawLine(st textStyle, x, base float64, line string, extra float64) {
	runes := []rune(strings.TrimRight(line, " \u3000"))
	adv, shift := advances(st.face, runes)
	gaps := 0
	for i := 1; i < len(runes); i++ {
		if !(latin(runes[i-1]) && latin(runes[i])) {
			gaps++
		}
	}
	perGap := 0.0
	if gaps > 0 && extra > 0 {
		perGap = extra / float64(gaps)
	}
	if perGap > maxStretch*st.pitch {
		// A line cut short by a word, URL or 文号 that did not fit is
		// left ragged rather than spread letter by letter.
		perGap = 0
	}
	for i := 0; i < len(runes); {
		// A run of Latin letters, digits and ASCII marks (GB/T, 10:30,
		// https://…) is drawn as one string and never spread; every other
		// rune on its own grid position.
		j := i + 1
		if latin(runes[i]) {
			for j < len(runes) && latin(runes[j]) {
				j++
			}
		}
		// A word is drawn in runs of one face, each character in the face
		// that has it.
		var run strings.Builder
		runFace, runX := st.face, x
		flush := func() {
			if s := run.String(); strings.TrimSpace(s) != "" {
				rs := st
				rs.face = runFace
				l.text(rs, runX, base, s)
			}
			run.Reset()
		}
		for k := i; k < j; k++ {
			r := runes[k]
			if unicode.IsControl(r) {
				continue
			}
			face := st.face.faceFor(r)
			if face == nil {
				l.missing[r] = true
				flush()
				x += st.pitch
				runX = x
				continue
			}
			if face != runFace || shift[k] != 0 {
				flush()
				runFace, runX = face, x-shift[k]*st.pitch
			}
			run.WriteRune(r)
			x += adv[k] * st.pitch
			if shift[k] != 0 {
				flush()
				runX = x
			}
		}
		flush()
		if j < len(runes) {
			x += perGap
		}
		i = j
	}
}

// latin reports whether r is drawn with its neighbours as one unspread
// run: a printable ASCII character or a letter or digit of another Latin
// word (isWordRune).
func latin(r rune) bool { return (r > ' ' && r < 0x7F) || isWordRune(r) }

// maxStretch is the most, in em, that justification adds between two
// characters; a line that would need more is left ragged.
const maxStretch = 0.2

// compressible holds the full-width punctuation marks whose glyph fills
// only half of its square, so that of two adjacent marks one can give up
// its blank half (标点挤压).
const compressible = "，。、；：？！）》」』】〕”’（《「『【〔“‘"

// advances returns the advance of each rune in em, each in the face that
// draws it, with adjacent full-width punctuation compressed: of two marks
// side by side, the first loses its blank right half when it has one
// (、“ → 、“ half a character closer), otherwise the second its blank left
// half, drawn shift em to the left. Which half of a mark is blank is read
// from its outline, so it holds for any font.
func advances(face *fontFace, runes []rune) (adv, shift []float64) {
	adv = make([]float64, len(runes))
	shift = make([]float64, len(runes))
	measure := widthFunc(face)
	for i, r := range runes {
		adv[i] = measure(r)
	}
	for i := 1; i < len(runes); i++ {
		a, b := runes[i-1], runes[i]
		if !strings.ContainsRune(compressible, a) || !strings.ContainsRune(compressible, b) || adv[i-1] < 0.9 || adv[i] < 0.9 {
			continue
		}
		if _, rightBlank := blankHalves(face, a); rightBlank && shift[i-1] == 0 {
			adv[i-1] -= 0.5
		} else if leftBlank, _ := blankHalves(face, b); leftBlank {
			adv[i] -= 0.5
			shift[i] = 0.5
		}
	}
	return adv, shift
}

// blankHalves reports whether the left or the right half of r's square is
// free of ink in the face that draws it.
func blankHalves(face *fontFace, r rune) (left, right bool) {
	f := face.faceFor(r)
	if f == nil {
		return false, false
	}
	xMin, _, xMax, _, ok := f.inkBox(r)
	if !ok {
		return false, false
	}
	w := f.width(r)
	return xMin >= w/2-0.02, xMax <= w/2+0.02
}

// paragraph sets text in the text block from left with the first line
// indented by indent ems; all lines but the last are justified. A newline
// in text starts a new paragraph with the same indent.
func (l *layout) paragraph(st textStyle, left, width float64, indent int, text string) {
	for _, para := range strings.Split(text, "\n") {
		prefix := strings.Repeat("\u3000", indent)
		lines := breakLines(prefix+para, width/st.pitch, func(runes []rune) []float64 {
			adv, _ := advances(st.face, runes)
			return adv
		})
		if len(lines) == 0 {
			lines = []string{prefix}
		}
		lines[0] = strings.TrimPrefix(lines[0], prefix)
		for i, line := range lines {
			l.ensure(st.lineHeight)
			l.markLine()
			x, avail := left, width
			if i == 0 {
				x += float64(indent) * st.pitch
				avail -= float64(indent) * st.pitch
			}
			extra := 0.0
			if i < len(lines)-1 {
				adv, _ := advances(st.face, []rune(strings.TrimRight(line, " \u3000")))
				used := 0.0
				for _, a := range adv {
					used += a
				}
				extra = avail - used*st.pitch
			}
			l.drawLine(st, x, baseline(st, l.y), line, extra)
			l.y += st.lineHeight
		}
	}
}

// balancedLines breaks text into as few lines as the width allows and then
// narrows the measure so the lines come out about equally long, as titles
// are set.
func balancedLines(face *fontFace, text string, maxEm float64) []string {
	measure := widthFunc(face)
	lines := BreakLines(text, maxEm, measure)
	if len(lines) < 2 {
		return lines
	}
	lo, hi := textWidth(face, text)/float64(len(lines)), maxEm
	for range 20 {
		mid := (lo + hi) / 2
		if len(BreakLines(text, mid, measure)) == len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return BreakLines(text, hi, measure)
}

// centred sets text centred on the text block, over balanced lines.
func (l *layout) centred(st textStyle, text string) {
	l.centredWithin(st, text, blockWidth)
}

// centredWithin is centred with lines no wider than width millimetres.
func (l *layout) centredWithin(st textStyle, text string, width float64) {
	l.centredLines(st, balancedLines(st.face, text, width/st.pitch))
}

// title sets a title centred on lines no wider than width millimetres,
// broken between words (titleLines).
func (l *layout) title(st textStyle, text string, width float64) {
	l.centredLines(st, titleLines(st.face, text, width/st.pitch))
}

func (l *layout) centredLines(st textStyle, lines []string) {
	for _, line := range lines {
		l.ensure(st.lineHeight)
		w := textWidth(st.face, line) * st.pitch
		l.drawLine(st, marginLeft+(blockWidth-w)/2, baseline(st, l.y), line, 0)
		l.y += st.lineHeight
	}
}

// rule draws a horizontal line across the text block at y.
func (l *layout) rule(y, thickness float64, red bool) {
	l.ops = append(l.ops, drawOp{kind: opLine, page: l.page, x: marginLeft, y: y, x2: blockRight, y2: y, size: thickness, red: red})
}

// rect draws the border of a rectangle.
func (l *layout) rect(x, y, w, h float64) {
	l.ops = append(l.ops, drawOp{kind: opRect, page: l.page, x: x, y: y, x2: w, y2: h, size: 0.3})
}

// pageNumbers writes "— n —" in 4号 below the text block: odd pages flush
// right and even pages flush left, each one character in from the edge.
// The dashes' ink lies pageNumberGap (7 mm) below the text block (GB/T
// 9704-2012 7.5: 一字线上距版心下边缘7mm).
func (l *layout) pageNumbers(face *fontFace) {
	st := naturalStyle(face, 14, 14*mmPerPoint)
	last := l.page
	for page := 1; page <= last; page++ {
		l.page = page
		label := fmt.Sprintf("— %d —", page)
		w := textWidth(face, label) * st.pitch
		x := marginLeft + st.pitch
		if page%2 == 1 {
			x = blockRight - st.pitch - w
		}
		l.drawLine(st, x, pageNumberBaseline(face, st), label, 0)
	}
	l.page = last
}

// pageNumberBaseline puts the top of the dash's ink pageNumberGap below
// the text block.
func pageNumberBaseline(face *fontFace, st textStyle) float64 {
	dash := face.faceFor('—')
	_, _, _, top, ok := dash.inkBox('—')
	if !ok {
		top = 0.35
	}
	return blockBottom + pageNumberGap + top*st.pitch
}

// output cuts each font used to the characters drawn with it, hands the
// cut fonts to fpdf and replays the drawing.
func (l *layout) output() ([]byte, error) {
	if err := missingGlyphsError(l.missing); err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(marginLeft, marginTop, pageWidth-blockRight)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false) // archival compresses the pages with a pooled writer
	pdf.SetCreationDate(l.meta.created)
	pdf.SetModificationDate(l.meta.created)
	pdf.SetProducer("Jianyi", false)
	pdf.SetCreator("Jianyi", false)

	faces := make([]*fontFace, 0, len(l.used))
	for face := range l.used {
		faces = append(faces, face)
	}
	sort.Slice(faces, func(i, j int) bool { return faces[i].family < faces[j].family })
	fontNames := map[string]string{}
	for _, face := range faces {
		runes := make([]rune, 0, len(l.used[face]))
		for r := range l.used[face] {
			runes = append(runes, r)
		}
		cut, err := face.subset(runes)
		if err != nil {
			return nil, fmt.Errorf("裁剪字体失败：%w", err)
		}
		pdf.AddUTF8FontFromBytes(face.family, "", cut)
		fontNames[face.family] = subsetTag(cut) + "+" + face.postScript
	}

	// Page numbers are laid out after the text of every page.
	sort.SliceStable(l.ops, func(i, j int) bool {
		if l.ops[i].page != l.ops[j].page {
			return l.ops[i].page < l.ops[j].page
		}
		return l.ops[i].watermark && !l.ops[j].watermark
	})
	page := 0
	for _, op := range l.ops {
		for page < op.page {
			pdf.AddPage()
			page++
		}
		switch {
		case op.watermark:
			pdf.SetTextColor(215, 215, 215)
		case op.red:
			pdf.SetTextColor(230, 0, 18)
			pdf.SetDrawColor(230, 0, 18)
		default:
			pdf.SetTextColor(0, 0, 0)
			pdf.SetDrawColor(0, 0, 0)
		}
		switch op.kind {
		case opText:
			pdf.SetFont(op.face.family, "", op.size)
			if op.watermark {
				pdf.TransformBegin()
				pdf.TransformRotate(35, op.x, op.y)
				pdf.Text(op.x, op.y, op.text)
				pdf.TransformEnd()
				continue
			}
			pdf.Text(op.x, op.y, op.text)
		case opLine:
			pdf.SetLineWidth(op.size)
			pdf.Line(op.x, op.y, op.x2, op.y2)
		case opRect:
			pdf.SetLineWidth(op.size)
			pdf.Rect(op.x, op.y, op.x2, op.y2, "D")
		}
	}
	for page < l.page {
		pdf.AddPage()
		page++
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("生成 PDF 失败：%w", err)
	}
	out, err := archival(buf.Bytes(), l.meta, fontNames)
	if err != nil {
		return nil, fmt.Errorf("生成 PDF 失败：%w", err)
	}
	return out, nil
}
