package cases

import (
	"strings"
	"testing"
)

func TestPlainTextAddsTheLeadInOnlyWhenTheAuthorHasNot(t *testing.T) {
	rc := RecommendationContent{ProblemSource: "本院在履行职责中发现。", Facts: "经查，……", Illegality: "上述问题违反了有关规定。",
		Items: []RecommendationItem{{Text: "加强监管。", LegalBasis: "《食品安全法》"}}}
	if got := strings.Count(strings.Join(rc.PlainText(0, 7), "\n"), "提出如下检察建议："); got != 1 {
		t.Fatalf("lead-in appears %d times, want 1", got)
	}
	for _, own := range []string{"为此，现提出如下建议：", "特提出以下检察建议：", "依法向你局提出如下检察建议：\n"} {
		rc.Illegality = "上述问题违反了有关规定。" + own
		paras := rc.PlainText(0, 7)
		joined := strings.Join(paras, "\n")
		if strings.Contains(joined, leadIn) {
			t.Fatalf("author wrote %q and the template added its own lead-in:\n%s", own, joined)
		}
	}
	// An author's lead-in earlier in the text is not the end of it.
	rc.Illegality = "本院曾于2025年提出如下建议：加强巡查。此后问题依旧。"
	if !strings.Contains(strings.Join(rc.PlainText(0, 7), "\n"), leadIn) {
		t.Fatal("the lead-in was dropped although the author's text does not end with one")
	}
}

func TestReplyAndObjectionSentencesUseOneNumeralStyle(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{ReplySentence(0), "两个月内"},
		{ReplySentence(15), "十五日内"},
		{ReplySentence(20), "二十日内"},
		{ObjectionSentence(7), "七日内"},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("%q lacks %q", c.got, c.want)
		}
		if strings.ContainsAny(c.got, "0123456789") || strings.Contains(c.got, "二个月") {
			t.Errorf("%q mixes numeral styles", c.got)
		}
	}
}

func TestWithFullStop(t *testing.T) {
	for in, want := range map[string]string{"学校食堂卫生问题": "学校食堂卫生问题。", "已整改。": "已整改。", "是否整改？": "是否整改？", "": "", " 有问题 ": "有问题。"} {
		if got := withFullStop(in); got != want {
			t.Errorf("withFullStop(%q) = %q, want %q", in, got, want)
		}
	}
}
