package documents

import (
	"math"
	"strings"
	"testing"
)

// TestShortLinesAreNotStretched sets a line cut short by a URL that does not
// fit and checks its characters keep their natural spacing.
func TestShortLinesAreNotStretched(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	st := r.bodyStyle()
	l := newLayout(docMeta{})
	// A 40-character token that cannot break leaves the first line short.
	l.paragraph(st, marginLeft, blockWidth, 2, "涉案账号为ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD，请核查。")
	var firstLine []drawOp
	for _, op := range l.ops {
		if op.y == l.ops[0].y {
			firstLine = append(firstLine, op)
		}
	}
	for i := 1; i < len(firstLine); i++ {
		if gap := firstLine[i].x - firstLine[i-1].x; gap > st.pitch*1.01 {
			t.Errorf("%q and %q are %.1f mm apart, a stretched line", firstLine[i-1].text, firstLine[i].text, gap)
		}
	}
}

func TestPunctuationCompression(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	// 、 has its ink in the left half; “ in the right half.
	adv, shift := advances(r.body, []rune("、“三无”。"))
	if adv[0] != 0.5 || shift[1] != 0 {
		t.Errorf("、“: advances %v shifts %v, want 、 half a character wide", adv, shift)
	}
	// ” then 。: both have their ink left; the ” gives up its right half.
	if adv[4] != 0.5 || adv[5] != 1 {
		t.Errorf("”。: advances %v, want ” half a character wide", adv)
	}
	// （《: both have their ink right; the 《 gives up its left half.
	adv, shift = advances(r.body, []rune("（《"))
	if adv[1] != 0.5 || shift[1] != 0.5 || adv[0] != 1 {
		t.Errorf("（《: advances %v shifts %v, want 《 moved half a character left", adv, shift)
	}
	// Marks apart from each other are not touched.
	adv, _ = advances(r.body, []rune("三、无"))
	if math.Abs(adv[1]-1) > 0.01 {
		t.Errorf("、 alone: advance %v, want 1", adv[1])
	}
}

// TestURLIsNotSpread: justification adds no space inside a URL (before, the
// gaps around "https" and ":" were spread).
func TestURLIsNotSpread(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	st := r.bodyStyle()
	l := newLayout(docMeta{})
	url := "https://www.example.com/shop/"
	l.paragraph(st, marginLeft, blockWidth, 2, "涉案网址为"+url+"item?id=12345，请有关部门依法核查处理并及时回复本院。")
	for _, op := range l.ops {
		if strings.HasPrefix(url, op.text) && op.text != url {
			t.Errorf("the URL is drawn in pieces (%q), so justification can spread it", op.text)
		}
	}
}
