// Package charts draws the dashboard's charts as inline SVG on the server:
// horizontal bars, stacked bars, a line over months and a donut. Every chart
// is a <figure> with an accessible SVG (role="img", <title>, <desc>) and
// the same numbers as a table under it, for screen readers and for anyone
// who wants the figures rather than the picture. No JavaScript, no fonts:
// the text takes the page's font stack.
//
// The SVG's width is a viewBox scaled to its column, so the text keeps a
// readable size from a 390 px phone to a 1280 px screen; long labels are
// shortened in the drawing (the full label is the bar's tooltip and in the
// table).
package charts

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one named row of values, one per label. Tone names its colour
// (Tones); empty takes the palette's next colour. For Bars and Donut it may
// list one tone per label, comma-separated.
type Series struct {
	Name   string
	Tone   string
	Values []float64
}

// Chart is the data of one chart.
type Chart struct {
	ID     string   // unique on the page; prefixes the ids of <title> and <desc>
	Title  string   // says the chart's one message: 各被建议单位回复情况
	Desc   string   // a sentence for screen readers; generated when empty
	Unit   string   // 件, %
	Max    float64  // fixed end of the scale (100 for rates); 0 fits the data
	Labels []string // categories (bars, months, slices)
	Series []Series
	// Notes are shown after a value in the table (e.g. a rate's 5/8).
	Notes []string
	// Empty is shown instead of the drawing when every value is 0.
	Empty string
	// TrimPrefix drops the beginning all labels share (临江市清河区…) from the
	// drawing, where it would push out the part that tells them apart.
	TrimPrefix bool
	// LabelChars is how many characters of a bar's label are drawn (default
	// 7); the label column widens to fit them. For a chart across the page
	// whose labels name two things (单位·问题).
	LabelChars int
}

// labelChars is the characters of a label drawn, labelWidth the width of
// the bars' label column that holds them.
func (c *Chart) labelChars() int {
	if c.LabelChars > maxLabel {
		return c.LabelChars
	}
	return maxLabel
}

func (c *Chart) labelWidth() float64 { return labelW + float64(c.labelChars()-maxLabel)*font }

// drawn is label i as the drawing shows it: without the shared beginning
// when TrimPrefix, shortened to maxLabel characters.
func (c *Chart) drawn(i int) string {
	l := c.Labels[i]
	if c.TrimPrefix && len(c.Labels) > 1 {
		if n := commonPrefix(c.Labels); n >= 2 && n < len([]rune(l)) {
			l = string([]rune(l)[n:])
		}
	}
	if r := []rune(l); len(r) > c.labelChars() {
		return string(r[:c.labelChars()-1]) + "…"
	}
	return l
}

// commonPrefix is the number of leading characters every label shares.
func commonPrefix(ls []string) int {
	first := []rune(ls[0])
	n := len(first)
	for _, l := range ls[1:] {
		r := []rune(l)
		i := 0
		for i < n && i < len(r) && r[i] == first[i] {
			i++
		}
		n = i
	}
	return n
}

// Tones are the colours by name: calm blues and greys for categories, the
// status colours only for figures that are a status (on time, late, …).
var Tones = map[string]string{
	"primary": "#1f4e8c", "blue2": "#4f7cb3", "blue3": "#8aaad3", "blue4": "#c3d4ea",
	"slate": "#5b6b7f", "grey": "#a3adb9",
	"success": "#2e8b57", "warning": "#d39a2c", "orange": "#c8642d", "danger": "#b42318",
}

// palette is the order categories take colours in.
var palette = []string{"primary", "blue2", "blue3", "slate", "grey", "blue4"}

func colour(tone string, i int) string {
	if c, ok := Tones[tone]; ok {
		return c
	}
	return Tones[palette[i%len(palette)]]
}

// Geometry of the drawings, in viewBox units: 380 wide, so the text is about
// 12 px on a phone's column (320 px) and 16 px on a desktop's (max 440 px).
const (
	width    = 380.0
	font     = 14.0
	barH     = 18.0
	barGap   = 10.0
	labelW   = 116.0 // left column of bar labels
	valueW   = 52.0  // right column of values
	maxLabel = 7     // characters of a label drawn before it is shortened
)

// esc escapes text for SVG and HTML.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num prints a value without needless decimals: 12, 62.5.
func num(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// withUnit is a value with its unit: 12 件, 62.5%.
func (c *Chart) withUnit(v float64) string {
	switch c.Unit {
	case "":
		return num(v)
	case "%":
		return num(v) + "%"
	}
	return num(v) + " " + c.Unit
}

func (c *Chart) value(s, i int) float64 {
	if s >= len(c.Series) || i >= len(c.Series[s].Values) {
		return 0
	}
	return c.Series[s].Values[i]
}

func (c *Chart) total(i int) float64 {
	t := 0.0
	for s := range c.Series {
		t += c.value(s, i)
	}
	return t
}

func (c *Chart) allZero() bool {
	for i := range c.Labels {
		if c.total(i) != 0 {
			return false
		}
	}
	return true
}

// scaleMax is the end of the value axis: Max, or a round number at or above
// the largest value.
func (c *Chart) scaleMax(stacked bool) float64 {
	if c.Max > 0 {
		return c.Max
	}
	m := 0.0
	for i := range c.Labels {
		v := c.value(0, i)
		if stacked {
			v = c.total(i)
		} else {
			for s := range c.Series {
				v = math.Max(v, c.value(s, i))
			}
		}
		m = math.Max(m, v)
	}
	if c.Unit != "%" && m < 2 {
		return 2 // counts: whole-number ticks at 0, 1, 2
	}
	return niceCeil(m)
}

// niceCeil rounds up to 1, 2, 2.5, 5 or 10 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// description is Desc, or a sentence listing the figures.
func (c *Chart) description() string {
	if c.Desc != "" {
		return c.Desc
	}
	parts := make([]string, 0, len(c.Labels))
	for i, l := range c.Labels {
		if len(c.Series) == 1 {
			parts = append(parts, l+" "+c.withUnit(c.value(0, i)))
			continue
		}
		var segs []string
		for s := range c.Series {
			segs = append(segs, c.Series[s].Name+" "+c.withUnit(c.value(s, i)))
		}
		parts = append(parts, l+"："+strings.Join(segs, "，"))
	}
	return strings.Join(parts, "；") + "。"
}

// open starts the figure and the SVG.
func (c *Chart) open(b *strings.Builder, kind string, h float64) {
	fmt.Fprintf(b, `<figure class="chart chart-%s" id="%s">`, kind, esc(c.ID))
	fmt.Fprintf(b, `<figcaption class="chart-title">%s</figcaption>`, esc(c.Title))
	if c.allZero() {
		msg := c.Empty
		if msg == "" {
			msg = "暂无数据"
		}
		fmt.Fprintf(b, `<p class="chart-empty">%s</p>`, esc(msg))
		return
	}
	fmt.Fprintf(b, `<svg class="chart-svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" font-size="%s">`,
		num(width), num(math.Ceil(h)), esc(c.ID), esc(c.ID), num(font))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.description()))
}

// close ends the SVG and adds the data table.
func (c *Chart) close(b *strings.Builder) {
	if !c.allZero() {
		b.WriteString(`</svg>`)
	}
	c.table(b)
	b.WriteString(`</figure>`)
}

// table is the chart's numbers: a row per label, a column per series (and
// the total when stacked).
func (c *Chart) table(b *strings.Builder) {
	b.WriteString(`<details class="chart-data"><summary>查看数据表</summary><div class="table-wrap"><table class="table chart-table">`)
	fmt.Fprintf(b, `<caption class="visually-hidden">%s</caption><thead><tr><th scope="col">项目</th>`, esc(c.Title))
	for _, s := range c.Series {
		fmt.Fprintf(b, `<th scope="col" class="num">%s</th>`, esc(s.Name))
	}
	if len(c.Series) > 1 {
		b.WriteString(`<th scope="col" class="num">合计</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, l := range c.Labels {
		fmt.Fprintf(b, `<tr><th scope="row">%s</th>`, esc(l))
		for s := range c.Series {
			v := c.withUnit(c.value(s, i))
			if len(c.Series) == 1 && i < len(c.Notes) && c.Notes[i] != "" {
				v += "（" + c.Notes[i] + "）"
			}
			fmt.Fprintf(b, `<td class="num" data-series="%s" data-value="%s">%s</td>`, esc(c.Series[s].Name), num(c.value(s, i)), esc(v))
		}
		if len(c.Series) > 1 {
			fmt.Fprintf(b, `<td class="num" data-series="合计" data-value="%s">%s</td>`, num(c.total(i)), esc(c.withUnit(c.total(i))))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div></details>`)
}

// legend draws the series' names in a row at the top; it returns its height.
func (c *Chart) legend(b *strings.Builder, y float64) float64 {
	x := 0.0
	for s, ser := range c.Series {
		w := 14 + float64(len([]rune(ser.Name)))*font + 16
		if x+w > width {
			x = 0
			y += 20
		}
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="10" height="10" rx="2" fill="%s"/>`, num(x), num(y+2), colour(ser.Tone, s))
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="#4e5969">%s</text>`, num(x+14), num(y+11), esc(ser.Name))
		x += w
	}
	return y + 24
}

// Bars draws one horizontal bar per label (the first series), the value at
// the end of each bar.
func (c Chart) Bars() template.HTML {
	var b strings.Builder
	top := 4.0
	h := top + float64(len(c.Labels))*(barH+barGap)
	c.open(&b, "bars", h)
	if !c.allZero() {
		max := c.scaleMax(false)
		labelW := c.labelWidth()
		span := width - labelW - valueW
		b.WriteString(`<g class="chart-bars">`)
		for i, l := range c.Labels {
			v := c.value(0, i)
			y := top + float64(i)*(barH+barGap)
			w := span * math.Min(v, max) / max
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#1f2329">%s</text>`, num(labelW-8), num(y+barH-5), esc(c.drawn(i)))
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="2" fill="#eef1f5"/>`, num(labelW), num(y), num(span), num(barH))
			fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s" data-label="%s" data-value="%s"><title>%s：%s</title></rect>`,
				num(labelW), num(y), num(round2(w)), num(barH), c.barColour(i), esc(l), num(v), esc(l), esc(c.withUnit(v)))
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#1f2329" font-weight="600">%s</text>`, num(labelW+span+6), num(y+barH-5), esc(c.withUnit(v)))
		}
		b.WriteString(`</g>`)
	}
	c.close(&b)
	return template.HTML(b.String())
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Stacked draws one horizontal bar per label made of the series' segments,
// the total at its end, and a legend above.
func (c Chart) Stacked() template.HTML {
	var b strings.Builder
	// The legend's height depends on the names; measure it on a scratch builder.
	var scratch strings.Builder
	top := c.legend(&scratch, 0) + 4
	h := top + float64(len(c.Labels))*(barH+barGap)
	c.open(&b, "stacked", h)
	if !c.allZero() {
		c.legend(&b, 0)
		max := c.scaleMax(true)
		labelW := c.labelWidth()
		span := width - labelW - valueW
		b.WriteString(`<g class="chart-bars">`)
		for i, l := range c.Labels {
			y := top + float64(i)*(barH+barGap)
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#1f2329">%s</text>`, num(labelW-8), num(y+barH-5), esc(c.drawn(i)))
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="2" fill="#eef1f5"/>`, num(labelW), num(y), num(span), num(barH))
			x := labelW
			for s, ser := range c.Series {
				v := c.value(s, i)
				if v <= 0 {
					continue
				}
				w := span * v / max
				fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" data-label="%s" data-series="%s" data-value="%s"><title>%s · %s：%s</title></rect>`,
					num(round2(x)), num(y), num(round2(w)), num(barH), colour(ser.Tone, s), esc(l), esc(ser.Name), num(v), esc(l), esc(ser.Name), esc(c.withUnit(v)))
				x += w
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#1f2329" font-weight="600">%s</text>`, num(labelW+span+6), num(y+barH-5), esc(c.withUnit(c.total(i))))
		}
		b.WriteString(`</g>`)
	}
	c.close(&b)
	return template.HTML(b.String())
}

// Line draws the first series over the labels (months) as a line with its
// points, the value above each point, a light grid and the value axis.
func (c Chart) Line() template.HTML {
	var b strings.Builder
	const top, bottom, left, right = 22.0, 26.0, 34.0, 12.0
	h := 200.0
	c.open(&b, "line", h)
	if !c.allZero() {
		max := c.scaleMax(false)
		plotW, plotH := width-left-right, h-top-bottom
		for _, t := range []float64{0, 0.5, 1} {
			y := top + plotH*(1-t)
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#e3e7ed"/>`, num(left), num(width-right), num(y), num(y))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#6b7785" font-size="11">%s</text>`, num(left-6), num(y+4), num(max*t))
		}
		n := len(c.Labels)
		step := plotW
		if n > 1 {
			step = plotW / float64(n-1)
		}
		xAt := func(i int) float64 {
			if n == 1 {
				return left + plotW/2
			}
			return left + float64(i)*step
		}
		yAt := func(v float64) float64 { return top + plotH*(1-math.Min(v, max)/max) }
		tone := ""
		if len(c.Series) > 0 {
			tone = c.Series[0].Tone
		}
		col := colour(tone, 0)
		var pts []string
		for i := range c.Labels {
			pts = append(pts, num(round2(xAt(i)))+","+num(round2(yAt(c.value(0, i)))))
		}
		if n > 1 {
			area := "M" + num(round2(xAt(0))) + "," + num(top+plotH) + " L" + strings.Join(pts, " L") + " L" + num(round2(xAt(n-1))) + "," + num(top+plotH) + " Z"
			fmt.Fprintf(&b, `<path d="%s" fill="%s" fill-opacity="0.08"/>`, area, col)
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), col)
		}
		// Label every month when they fit, else about six of them.
		every := 1
		if n > 7 {
			every = int(math.Ceil(float64(n) / 6))
		}
		b.WriteString(`<g class="chart-points">`)
		for i, l := range c.Labels {
			v := c.value(0, i)
			x, y := xAt(i), yAt(v)
			fmt.Fprintf(&b, `<circle class="point" cx="%s" cy="%s" r="3.5" fill="#fff" stroke="%s" stroke-width="2" data-label="%s" data-value="%s"><title>%s：%s</title></circle>`,
				num(round2(x)), num(round2(y)), col, esc(l), num(v), esc(l), esc(c.withUnit(v)))
			if v != 0 && (n <= 12 || i%every == 0 || i == n-1) { // the axis says 0
				fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#1f2329" font-size="11.5" font-weight="600">%s</text>`, num(round2(x)), num(round2(y-8)), num(v))
			}
			if i%every == 0 || i == n-1 {
				fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#6b7785" font-size="11">%s</text>`, num(round2(x)), num(h-8), esc(monthLabel(l)))
			}
		}
		b.WriteString(`</g>`)
	}
	c.close(&b)
	return template.HTML(b.String())
}

// monthLabel shortens 2026-05 to 26-05 on the axis.
func monthLabel(l string) string {
	if len(l) == 7 && l[4] == '-' {
		return l[2:]
	}
	return l
}

// Donut draws the first series' values as slices of a ring, the total in
// the middle and a legend with values and shares beside it.
func (c Chart) Donut() template.HTML {
	var b strings.Builder
	rows := float64(len(c.Labels))
	h := math.Max(150, rows*22+16)
	c.open(&b, "donut", h)
	if !c.allZero() {
		total := 0.0
		for i := range c.Labels {
			total += c.value(0, i)
		}
		cx, cy, r, sw := 72.0, h/2, 54.0, 22.0
		circ := 2 * math.Pi * r
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="#eef1f5" stroke-width="%s"/>`, num(cx), num(cy), num(r), num(sw))
		offset := 0.0
		for i, l := range c.Labels {
			v := c.value(0, i)
			if v <= 0 {
				continue
			}
			seg := circ * v / total
			// A ring segment: a dashed circle, rotated to start at 12 o'clock.
			fmt.Fprintf(&b, `<circle class="slice" cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s" stroke-dasharray="%s %s" stroke-dashoffset="%s" transform="rotate(-90 %s %s)" data-label="%s" data-value="%s"><title>%s：%s</title></circle>`,
				num(cx), num(cy), num(r), c.sliceColour(i), num(sw), num(round2(seg)), num(round2(circ-seg)), num(round2(-offset)), num(cx), num(cy),
				esc(l), num(v), esc(l), esc(c.withUnit(v)))
			offset += seg
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="20" font-weight="700" fill="#1f2329">%s</text>`, num(cx), num(cy+4), num(total))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="11" fill="#6b7785">合计</text>`, num(cx), num(cy+20))
		y0 := cy - rows*22/2
		for i := range c.Labels {
			v := c.value(0, i)
			y := y0 + float64(i)*22
			share := 0.0
			if total > 0 {
				share = math.Round(v*1000/total) / 10
			}
			fmt.Fprintf(&b, `<rect x="160" y="%s" width="10" height="10" rx="2" fill="%s"/>`, num(y+5), c.sliceColour(i))
			fmt.Fprintf(&b, `<text x="176" y="%s" fill="#1f2329">%s</text>`, num(y+14), esc(c.drawn(i)))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#1f2329" font-weight="600">%s</text>`, num(width-56), num(y+14), esc(c.withUnit(v)))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#6b7785">%s%%</text>`, num(width-4), num(y+14), num(share))
		}
	}
	c.close(&b)
	return template.HTML(b.String())
}

// barColour is a bar's colour: the series' tone, one per label when it is a
// comma-separated list.
func (c *Chart) barColour(i int) string {
	if len(c.Series) == 0 || c.Series[0].Tone == "" {
		return colour("primary", 0)
	}
	if strings.Contains(c.Series[0].Tone, ",") {
		return c.sliceColour(i)
	}
	return colour(c.Series[0].Tone, 0)
}

// sliceColour is a donut slice's colour: the first series' Tone read as a
// comma-separated list, one per label, else the palette.
func (c *Chart) sliceColour(i int) string {
	if len(c.Series) > 0 && c.Series[0].Tone != "" {
		tones := strings.Split(c.Series[0].Tone, ",")
		if i < len(tones) {
			return colour(tones[i], i)
		}
	}
	return colour("", i)
}
