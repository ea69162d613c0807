package charts

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed element: its name, attributes and text.
type node struct {
	name  string
	attrs map[string]string
	text  string
}

// parse checks the output is well-formed markup and returns its elements.
func parse(t *testing.T, html string) []node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(html))
	var out []node
	var stack []int
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, html)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			n := node{name: v.Name.Local, attrs: map[string]string{}}
			for _, a := range v.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			out = append(out, n)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(v)
			}
		}
	}
	return out
}

func find(ns []node, name, attr, val string) []node {
	var out []node
	for _, n := range ns {
		if n.name == name && (attr == "" || n.attrs[attr] == val) {
			out = append(out, n)
		}
	}
	return out
}

func float(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func sample() Chart {
	return Chart{ID: "c1", Title: "各领域检察建议", Unit: "件",
		Labels: []string{"国有财产保护和土地出让", "食品药品安全", "安全生产<&>"},
		Series: []Series{{Name: "件数", Values: []float64{12, 3, 0}}}}
}

func TestBarsDrawEveryValueAndTheTable(t *testing.T) {
	ns := parse(t, string(sample().Bars()))
	svg := find(ns, "svg", "", "")
	if len(svg) != 1 || svg[0].attrs["role"] != "img" || svg[0].attrs["aria-labelledby"] != "c1-t c1-d" {
		t.Fatalf("svg: %+v", svg)
	}
	if ti := find(ns, "title", "id", "c1-t"); len(ti) != 1 || ti[0].text != "各领域检察建议" {
		t.Fatalf("title: %+v", ti)
	}
	desc := find(ns, "desc", "id", "c1-d")
	if len(desc) != 1 || !strings.Contains(desc[0].text, "国有财产保护和土地出让 12 件") || !strings.Contains(desc[0].text, "安全生产<&> 0 件") {
		t.Fatalf("desc: %+v", desc)
	}
	bars := find(ns, "rect", "class", "bar")
	if len(bars) != 3 {
		t.Fatalf("bars: %d", len(bars))
	}
	// Widths are proportional to the values on a scale ending at 20 (nice ceiling of 12).
	span := width - labelW - valueW
	for i, want := range []float64{12, 3, 0} {
		if got := float(t, bars[i].attrs["data-value"]); got != want {
			t.Errorf("bar %d value %v, want %v", i, got, want)
		}
		if w := float(t, bars[i].attrs["width"]); math.Abs(w-span*want/20) > 0.01 {
			t.Errorf("bar %d width %v, want %v", i, w, span*want/20)
		}
	}
	// The long label is shortened in the drawing, whole in the table.
	if !strings.Contains(string(sample().Bars()), "国有财产保护…") {
		t.Error("long label not shortened in the drawing")
	}
	cells := find(ns, "td", "", "")
	if len(cells) != 3 || cells[0].text != "12 件" || cells[0].attrs["data-value"] != "12" {
		t.Fatalf("table cells: %+v", cells)
	}
	if rows := find(ns, "th", "scope", "row"); len(rows) != 3 || rows[0].text != "国有财产保护和土地出让" || rows[2].text != "安全生产<&>" {
		t.Fatalf("table rows: %+v", rows)
	}
}

func TestRatesUseAFixedScaleAndNotes(t *testing.T) {
	c := Chart{ID: "r", Title: "采纳率与整改到位率", Unit: "%", Max: 100, Labels: []string{"采纳率", "整改到位率"},
		Series: []Series{{Name: "比率", Values: []float64{62.5, 25}}}, Notes: []string{"5/8", "2/8"}}
	ns := parse(t, string(c.Bars()))
	bars := find(ns, "rect", "class", "bar")
	span := width - labelW - valueW
	if w := float(t, bars[0].attrs["width"]); math.Abs(w-span*0.625) > 0.01 {
		t.Errorf("62.5%% bar width %v", w)
	}
	if cells := find(ns, "td", "", ""); cells[0].text != "62.5%（5/8）" {
		t.Errorf("cell %q", cells[0].text)
	}
}

func TestStackedSegmentsAddUpToTheTotal(t *testing.T) {
	c := Chart{ID: "s", Title: "各被建议单位回复情况", Unit: "件", Labels: []string{"甲局", "乙局"},
		Series: []Series{{Name: "按期", Tone: "success", Values: []float64{3, 0}}, {Name: "慢回复", Tone: "warning", Values: []float64{1, 2}},
			{Name: "不回复", Tone: "danger", Values: []float64{0, 4}}}}
	ns := parse(t, string(c.Stacked()))
	segs := find(ns, "rect", "class", "bar")
	if len(segs) != 4 { // zero segments are not drawn
		t.Fatalf("segments: %d", len(segs))
	}
	sum := map[string]float64{}
	for _, s := range segs {
		sum[s.attrs["data-label"]] += float(t, s.attrs["data-value"])
	}
	if sum["甲局"] != 4 || sum["乙局"] != 6 {
		t.Errorf("sums %v", sum)
	}
	if segs[0].attrs["fill"] != Tones["success"] || segs[3].attrs["fill"] != Tones["danger"] {
		t.Errorf("tones %v %v", segs[0].attrs["fill"], segs[3].attrs["fill"])
	}
	totals := find(ns, "td", "data-series", "合计")
	if len(totals) != 2 || totals[1].attrs["data-value"] != "6" {
		t.Errorf("totals %+v", totals)
	}
	// The legend names every series.
	for _, n := range []string{"按期", "慢回复", "不回复"} {
		if len(find(ns, "text", "", "")) == 0 || !strings.Contains(string(c.Stacked()), ">"+n+"</text>") {
			t.Errorf("legend lacks %s", n)
		}
	}
}

func TestLinePointsFollowTheValues(t *testing.T) {
	c := Chart{ID: "m", Title: "每月制发检察建议", Unit: "件", Labels: []string{"2026-01", "2026-02", "2026-03"},
		Series: []Series{{Name: "制发", Values: []float64{2, 5, 0}}}}
	ns := parse(t, string(c.Line()))
	pts := find(ns, "circle", "class", "point")
	if len(pts) != 3 {
		t.Fatalf("points %d", len(pts))
	}
	y := func(i int) float64 { return float(t, pts[i].attrs["cy"]) }
	if !(y(1) < y(0) && y(0) < y(2)) { // higher values are drawn higher
		t.Errorf("cy %v %v %v", y(0), y(1), y(2))
	}
	if len(find(ns, "polyline", "", "")) != 1 {
		t.Error("no line")
	}
	if !strings.Contains(string(c.Line()), ">26-02</text>") {
		t.Error("month axis label missing")
	}
}

func TestDonutSlicesShareTheRing(t *testing.T) {
	c := Chart{ID: "d", Title: "案件状态", Unit: "件", Labels: []string{"已送达", "已回复", "已结案"},
		Series: []Series{{Name: "件数", Values: []float64{1, 2, 1}}}}
	ns := parse(t, string(c.Donut()))
	slices := find(ns, "circle", "class", "slice")
	if len(slices) != 3 {
		t.Fatalf("slices %d", len(slices))
	}
	circ := 2 * math.Pi * 54
	total := 0.0
	for _, s := range slices {
		dash := strings.Fields(s.attrs["stroke-dasharray"])
		total += float(t, dash[0])
	}
	if math.Abs(total-circ) > 0.05 {
		t.Errorf("slices cover %v of %v", total, circ)
	}
	if !strings.Contains(string(c.Donut()), ">50%</text>") {
		t.Error("share of 已回复 missing")
	}
}

func TestAllZeroShowsTheEmptyMessageAndStillTheTable(t *testing.T) {
	c := Chart{ID: "z", Title: "每月制发", Empty: "期间内没有制发的检察建议", Labels: []string{"2026-01"}, Series: []Series{{Name: "制发", Values: []float64{0}}}}
	for _, html := range []string{string(c.Line()), string(c.Bars()), string(c.Donut()), string(c.Stacked())} {
		ns := parse(t, html)
		if len(find(ns, "svg", "", "")) != 0 || !strings.Contains(html, "期间内没有制发的检察建议") || len(find(ns, "table", "", "")) != 1 {
			t.Errorf("empty chart: %s", html)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 1: 1, 3: 5, 12: 20, 21: 25, 26: 50, 99: 100, 101: 200, 2400: 2500} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestTrimPrefixKeepsThePartThatTellsLabelsApart(t *testing.T) {
	c := Chart{ID: "a", Title: "各被建议单位", Unit: "件", TrimPrefix: true,
		Labels: []string{"临江市清河区市场监督管理局", "临江市清河区教育局"}, Series: []Series{{Name: "件数", Values: []float64{2, 1}}}}
	html := string(c.Bars())
	if !strings.Contains(html, ">市场监督管理局</text>") || !strings.Contains(html, ">教育局</text>") {
		t.Errorf("drawn labels: %s", html)
	}
	// The table keeps the whole names.
	if rows := find(parse(t, html), "th", "scope", "row"); rows[0].text != "临江市清河区市场监督管理局" {
		t.Errorf("table row %q", rows[0].text)
	}
}

// A chart whose labels name two things draws more of them in a wider
// label column.
func TestLabelCharsWidensTheLabelColumn(t *testing.T) {
	c := Chart{ID: "g", Title: "单位与问题", Unit: "件", Labels: []string{"市场监督管理局·安全隐患", "教育局·公共设施缺失损坏与其他问题"},
		Series: []Series{{Name: "件数", Values: []float64{2, 1}}}, LabelChars: 12}
	svg := string(c.Bars())
	if !strings.Contains(svg, ">市场监督管理局·安全隐患<") || !strings.Contains(svg, ">教育局·公共设施缺失损…<") {
		t.Errorf("labels not drawn to 12 characters:\n%s", svg)
	}
	if !strings.Contains(svg, `x="186"`) {
		t.Errorf("label column not widened:\n%s", svg)
	}
}
