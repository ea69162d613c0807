package documents

import (
	"math"
	"strings"
	"testing"
)

// TestHeaderGeometry measures the 文件格式 header of GB/T 9704-2012 7.2 on a
// 600 dpi rendering of page 1, independently of the layout's own numbers:
// the masthead's upper edge 35 mm below the text block's top, the 文号 two
// blank lines under the masthead, the red rule 4 mm under the 文号 and the
// title two blank lines under the rule.
func TestHeaderGeometry(t *testing.T) {
	t.Parallel()
	doc := longRecommendation()
	pdf, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatal(err)
	}
	ink := func(y0, y1 float64) (float64, float64) {
		top, bottom := inkRows(t, pdf, 1, marginLeft, y0, blockRight, y1, 160)
		if top < 0 {
			t.Fatalf("no ink between %.0f and %.0f mm", y0, y1)
		}
		return top, bottom
	}
	check := func(what string, got, want, tolerance float64) {
		t.Helper()
		if math.Abs(got-want) > tolerance {
			t.Errorf("%s: %.2f mm, want %.2f", what, got, want)
		}
	}
	mastTop, mastBottom := ink(marginTop, mastheadTop+25)
	check("masthead's upper edge below the text block's top", mastTop-marginTop, 35, 0.15)
	numTop, numBottom := ink(mastBottom+1, mastBottom+2*linePitch+7)
	check("gap between masthead and 文号", numTop-mastBottom, 2*linePitch, 0.2)
	ruleTop, ruleBottom := ink(numBottom+1, numBottom+8)
	check("gap between 文号 and red rule", ruleTop-numBottom, ruleGap, 0.15)
	check("red rule's thickness", ruleBottom-ruleTop, ruleWidth, 0.1)
	titleTop, _ := ink(ruleBottom+1, ruleBottom+2*linePitch+15)
	check("gap between red rule and title", titleTop-ruleBottom, 2*linePitch, 0.25)
}

// TestDocumentNumberOnOneLine sets each numbered letter kind and checks the
// 文号 is drawn once, on one baseline, centred under the masthead.
func TestDocumentNumberOnOneLine(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	for _, kind := range []string{"检察建议书", "催办函", "备案报告", "受理告知书"} {
		doc := longRecommendation()
		doc.DocumentNumber = "临江市清河区检八部催〔2026〕1234号"
		l := r.setLetter(letterFrom(doc, kind))
		var ys []float64
		var text strings.Builder
		for _, op := range l.ops {
			if op.page == 1 && op.kind == opText && op.y > mastheadTop && op.y < mastheadTop+40 && op.face == r.body {
				ys = append(ys, op.y)
				text.WriteString(op.text)
			}
		}
		if text.String() != doc.DocumentNumber {
			t.Errorf("%s: 文号 drawn as %q, want %q", kind, text.String(), doc.DocumentNumber)
		}
		for _, y := range ys {
			if y != ys[0] {
				t.Errorf("%s: the 文号 is set on more than one line", kind)
				break
			}
		}
	}
}

// TestImprint checks the 版记 of GB/T 9704-2012 7.4 on the last page: the
// 抄送 line, the 印发机关 one character in, the 印发日期 ending one
// character from the right edge, and the last rule on the text block's
// bottom edge.
func TestImprint(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	doc := longRecommendation()
	l := r.setLetter(letterFrom(doc, ""))
	const oneChar = 14 * mmPerPoint
	// The 印发 line is the lowest line of 4号 text on the last page.
	var rules, line []drawOp
	lowest := 0.0
	for _, op := range l.ops {
		if op.page != l.page {
			continue
		}
		switch {
		case op.kind == opLine && !op.red:
			rules = append(rules, op)
		case op.kind == opText && op.size == 14 && op.y < blockBottom:
			if op.y > lowest+0.01 {
				lowest, line = op.y, nil
			}
			if math.Abs(op.y-lowest) < 0.01 {
				line = append(line, op)
			}
		}
	}
	var text strings.Builder
	for _, op := range line {
		text.WriteString(op.text)
	}
	if want := doc.Procuratorate + FormatDate(doc.Date) + "印发"; text.String() != want {
		t.Fatalf("the last line of the 版记 is %q, want %q", text.String(), want)
	}
	first, last := line[0], line[len(line)-1]
	if math.Abs(first.x-(marginLeft+oneChar)) > 0.05 {
		t.Errorf("印发机关 starts at %.2f mm, want one character in (%.2f)", first.x, marginLeft+oneChar)
	}
	if end := last.x + textWidth(r.body, last.text)*oneChar; math.Abs(end-(blockRight-oneChar)) > 0.05 {
		t.Errorf("印发日期 ends at %.2f mm, want one character from the right edge (%.2f)", end, blockRight-oneChar)
	}
	if len(rules) != 3 {
		t.Fatalf("版记 has %d rules, want 3 (thick, thin, thick)", len(rules))
	}
	if last := rules[len(rules)-1]; last.y != blockBottom || last.size != 0.35 || rules[1].size != 0.25 {
		t.Errorf("版记 rules %+v: want the last, 0.35 mm, on the text block's bottom edge and a 0.25 mm one between", rules)
	}
}
