package documents

import (
	"strings"
	"testing"
)

func TestTitleLines(t *testing.T) {
	t.Parallel()
	face := testRenderer(t).title
	const maxEm = 18 // 2号 on the 156 mm block less a character each side
	tests := []struct {
		title string
		want  []string
	}{
		{"检察建议书", []string{"检察建议书"}},
		// 食品安全 and 安全监管 are compounds; 检察建议书 stays whole.
		{"关于加强校园周边食品安全监管的检察建议书", []string{"关于加强校园周边", "食品安全监管的检察建议书"}},
		{"关于督促整治城区道路交通安全隐患的检察建议书", []string{"关于督促整治城区", "道路交通安全隐患的检察建议书"}},
		// The author's line break is kept as typed.
		{"关于加强校园周边食品安全监管\n的检察建议书", []string{"关于加强校园周边食品安全监管", "的检察建议书"}},
		{"关于依法履行安全生产监管职责消除燃气管道安全隐患的检察建议书", nil},
		{"关于加强网络直播营销活动监管保护消费者合法权益的检察建议书", nil},
		{"临江市清河区校园周边食品安全专项治理项目的工作报告", nil},
	}
	for _, tt := range tests {
		got := titleLines(face, tt.title, maxEm)
		t.Logf("%s → %q", strings.ReplaceAll(tt.title, "\n", "⏎"), got)
		if strings.Join(got, "") != strings.ReplaceAll(tt.title, "\n", "") {
			t.Errorf("%q: lines %q lose or add characters", tt.title, got)
		}
		if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%q: lines %q, want %q", tt.title, got, tt.want)
		}
		for _, line := range got {
			if w := textWidth(face, line); w > maxEm {
				t.Errorf("%q: line %q is %.1f em, wider than %d", tt.title, line, w, maxEm)
			}
			// No line breaks inside a compound the issue saw split.
			for _, word := range []string{"食品安全", "安全监管", "检察建议书", "交通安全", "合法权益", "消费者", "安全隐患"} {
				if strings.Contains(tt.title, word) && !strings.Contains(tt.title, "\n") && !containsWhole(got, word) {
					t.Errorf("%q: %q is split across lines %q", tt.title, word, got)
				}
			}
		}
	}
}

// containsWhole reports whether word is within one of lines wherever it
// occurs in their concatenation.
func containsWhole(lines []string, word string) bool {
	joined := strings.Join(lines, "")
	count := 0
	for _, l := range lines {
		count += strings.Count(l, word)
	}
	return count == strings.Count(joined, word)
}

func TestTrapezoidOrDiamond(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		w    []float64
		want bool
	}{
		{[]float64{10, 9}, true}, {[]float64{8, 11}, false}, {[]float64{8, 12, 9}, true},
		{[]float64{12, 10, 8}, true}, {[]float64{10, 8, 12}, false}, {[]float64{10, 10}, true},
	} {
		if got := trapezoidOrDiamond(tt.w); got != tt.want {
			t.Errorf("trapezoidOrDiamond(%v) = %v", tt.w, got)
		}
	}
}
