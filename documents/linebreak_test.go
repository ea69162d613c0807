package documents

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// testWidth treats ASCII as half the width of a Chinese character, as the
// shipped fonts do.
func testWidth(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

func TestBreakLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		text     string
		maxWidth float64
		want     []string
	}{
		{"empty", "", 5, nil},
		{"fits", "检察建议", 5, []string{"检察建议"}},
		{"plain chinese", "一二三四五六七八九十", 4, []string{"一二三四", "五六七八", "九十"}},
		{"comma pushes a character down", "一二三四，五六", 4, []string{"一二三", "四，五六"}},
		{"full stop pushes a character down", "一二三四。", 4, []string{"一二三", "四。"}},
		{"opening bracket moves down", "一二三《四五》", 4, []string{"一二三", "《四五》"}},
		{"opening quote moves down", "一二三“四”", 4, []string{"一二三", "“四”"}},
		{"closing quote and full stop both stay off the line start", "一二三四”。五", 4, []string{"一二三", "四”。五"}},
		{"latin word kept whole", "依据GB 2763-2021", 5, []string{"依据GB ", "2763-2021"}},
		{"decimal kept whole", "一二三PM2.5浓度", 4, []string{"一二三", "PM2.5浓", "度"}},
		{"over-long word split", "abcdefghij", 2, []string{"abcd", "efgh", "ij"}},
		{"unavoidable run of punctuation", "一。。。。。。", 3, []string{"一。。", "。。。", "。"}},
		{"single rune wider than line", "检察", 0.5, []string{"检", "察"}},
		{"ellipsis never starts a line", "一二三四……", 4, []string{"一二三", "四……"}},
		// Before: "涉案网址为https:" stretched over the line, the rest below.
		{"url breaks at its seams, not after the scheme", "涉案网址为https://www.example.com/shop/item?id=12345",
			12, []string{"涉案网址为https://www.", "example.com/shop/item?", "id=12345"}},
		{"www address", "详见www.example.gov.cn/notice/2026/index.html", 12,
			[]string{"详见www.example.gov.cn/", "notice/2026/index.html"}},
		// Before: "〔2026〕2" | "号".
		{"document number is not split", "本院制发的检察建议书（清河检八建〔2026〕2号）", 16,
			[]string{"本院制发的检察建议书", "（清河检八建〔2026〕2号）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BreakLines(tt.text, tt.maxWidth, testWidth)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("BreakLines(%q, %v) = %q, want %q", tt.text, tt.maxWidth, got, tt.want)
			}
		})
	}
}

func lineWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += testWidth(r)
	}
	return w
}

// hasRuleAbidingBreak reports whether line could have been broken somewhere
// inside without violating a 避头尾 rule or splitting a word; it is written
// independently of BreakLines so that the fuzz check does not trust it.
func hasRuleAbidingBreak(line string) bool {
	runes := []rune(line)
	for i := 1; i < len(runes); i++ {
		before, after := runes[i-1], runes[i]
		if strings.ContainsRune("，。、；：？！）》」』】〕”’…,.;:?!)]}", after) ||
			strings.ContainsRune("（《「『【〔“‘([{", before) {
			continue
		}
		if isWordRune(before) && isWordRune(after) {
			continue
		}
		return true
	}
	return false
}

func FuzzBreakLines(f *testing.F) {
	seeds := []struct {
		text     string
		maxWidth float64
	}{
		{"依据《中华人民共和国食品安全法》第一百二十二条，建议你局：（一）开展“校园周边”专项检查。", 8},
		{"检测依据GB 2763-2021，PM2.5浓度为35μg/m³，2026年3月复查……", 6},
		{"（（（（（（（（", 3},
		{"。。。。。。。。", 3},
		{"Supercalifragilisticexpialidocious 一二", 4},
		{"a\nb\tc  d", 1},
		{"\xff\xfe无效", 2},
		{"", 3},
		{"一", 0},
	}
	for _, s := range seeds {
		f.Add(s.text, s.maxWidth)
	}
	f.Fuzz(func(t *testing.T, text string, maxWidth float64) {
		if maxWidth != maxWidth || maxWidth > 1e6 || maxWidth < -1e6 {
			t.Skip()
		}
		lines := BreakLines(text, maxWidth, testWidth)
		if got := strings.Join(lines, ""); got != text {
			t.Fatalf("join = %q, want %q", got, text)
		}
		for i, line := range lines {
			if line == "" {
				t.Fatalf("line %d is empty in %q", i, lines)
			}
			if lineWidth(line) > maxWidth && utf8.RuneCountInString(line) > 1 {
				t.Errorf("line %d %q is %v wide, max %v", i, line, lineWidth(line), maxWidth)
			}
			if i == len(lines)-1 {
				continue
			}
			last, _ := utf8.DecodeLastRuneInString(line)
			next, _ := utf8.DecodeRuneInString(lines[i+1])
			violates := strings.ContainsRune("，。、；：？！）》」』】〕”’…", next) ||
				strings.ContainsRune("（《「『【〔“‘", last)
			if violates && hasRuleAbidingBreak(line) {
				t.Errorf("break after line %d %q before %q violates 避头尾 though an allowed break existed", i, line, lines[i+1])
			}
		}
	})
}
