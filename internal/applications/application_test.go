package applications

import (
	"testing"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/redact"
)

func TestTextSimilarity(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b     string
		min, max int
	}{
		{"学校门口有无证摊贩售卖过期零食", "学校门口有无证摊贩售卖过期零食", 100, 100},
		{"学校门口有无证摊贩售卖过期零食。", "学校门口，有无证摊贩在售卖过期零食！", 70, 99},
		{"ＡＢＣ１２３路段积水", "abc123路段积水", 100, 100},
		{"学校门口有无证摊贩售卖过期零食", "菜市场排水沟堵塞污水漫溢", 0, 10},
		{"", "任何文字", 0, 0},
	}
	for _, tc := range cases {
		if got := TextSimilarity(tc.a, tc.b); got < tc.min || got > tc.max {
			t.Errorf("TextSimilarity(%q, %q) = %d, want %d..%d", tc.a, tc.b, got, tc.min, tc.max)
		}
	}
}

func TestResidualPersonalNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want int
	}{
		{"电话（１８６）００００１１１２", 1},
		{"手机 139-1234-5678", 1},
		{"身份证 110105 19900307 1239", 1},
		{"××，张某，京朝检民建〔2026〕3号，GB 2763-2021，2026年3月5日", 0},
		{"罚款20000元，第一百一十条", 0},
	}
	for _, tc := range cases {
		if got := redact.ResidualNumbers(tc.text); len(got) != tc.want {
			t.Errorf("ResidualPersonalNumbers(%q) = %v, want %d", tc.text, got, tc.want)
		}
	}
}

func TestChallengeTokens(t *testing.T) {
	t.Parallel()
	s := &Service{Cases: &cases.Service{Clock: calendar.NewClock(time.UTC, time.Now)}, Settings: Settings{SigningKey: []byte("k"), PowDifficulty: 4, ChallengeTTL: 60e9}}
	ch, err := s.NewChallenge()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.openToken("pow", ch.Challenge); !ok {
		t.Fatal("own challenge refused")
	}
	if _, ok := s.openToken("form", ch.Challenge); ok {
		t.Fatal("a challenge accepted as a form token")
	}
	tampered := []byte(ch.Challenge)
	tampered[2] ^= 1
	if _, ok := s.openToken("pow", string(tampered)); ok {
		t.Fatal("tampered challenge accepted")
	}
	if n := SolveChallenge(ch.Challenge, 4); LeadingZeroBits(ch.Challenge, n) < 4 {
		t.Fatal("solution does not meet the difficulty")
	}
}
