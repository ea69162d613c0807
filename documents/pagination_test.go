package documents

import (
	"fmt"
	"strings"
	"testing"

	"jianyi/internal/sweep"
)

// bodyOfLines is a body that sets to exactly n lines: paragraphs of up to
// five full lines, each ending with a full stop at the end of a line.
func bodyOfLines(n int) []Block {
	const filler = "本院在履行职责中发现辖区内校园周边食品安全监管存在薄弱环节相关问题线索未及时核查处理"
	var body []Block
	for n > 0 {
		k := min(n, 5)
		runes := []rune(strings.Repeat(filler, k*charsPerLine/len([]rune(filler))+2))
		body = append(body, Block{Text: string(runes[:k*charsPerLine-3]) + "。"})
		n -= k
	}
	return body
}

// checkPages asserts the pagination rules on a laid-out letter: every page
// up to the signature holds body text; the 附件说明 and the signature share
// the page of the body's last line; nothing but the 版记 follows.
func checkPages(t *testing.T, l *layout) {
	t.Helper()
	bodyPages := map[int]bool{}
	lastBody := 0
	for _, m := range l.marks {
		bodyPages[m.page] = true
		lastBody = max(lastBody, m.page)
	}
	for p := 1; p <= lastBody; p++ {
		// A one-line body cannot be on two pages: when it cannot share
		// page 1 with its attachments and signature, it goes with them to
		// page 2 and page 1 holds the header, title and addressee.
		if !bodyPages[p] && !(p == 1 && len(l.marks) == 1) {
			t.Errorf("page %d holds no body text", p)
		}
	}
	for i := l.tailFrom; i < l.tailTo; i++ {
		if op := l.ops[i]; op.page != lastBody {
			t.Errorf("%q of the 附件说明 or signature is on page %d, the body ends on page %d", op.text, op.page, lastBody)
		}
	}
	for _, op := range l.ops {
		if op.y > blockBottom+0.01 && op.kind == opText && op.face != testRenderer(t).song {
			t.Errorf("page %d: %q at %.1f mm runs below the text block", op.page, op.text, op.y)
		}
	}
}

// TestPaginationSweep sets letters of every length from 1 to 60 body lines
// with 0 to 3 attachments and checks each against the pagination rules. The
// default run sets every length within six lines before or one after a page
// end with each number of attachments, and of the other lengths each with one
// number of attachments in turn; JIANYI_TEST_EXHAUSTIVE=1 sets all 240.
func TestPaginationSweep(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	attachments := []string{
		"《关于加强校园周边食品安全监管的检察建议书》（京海检一部建〔2026〕3号）",
		"现场检查照片",
		"第三方检测机构出具的检测报告及抽样记录",
	}
	// Where the pages of a 60-line body end: the lines whose next line
	// starts a page.
	doc := longRecommendation()
	doc.Body = bodyOfLines(60)
	marks := r.setLetter(letterFrom(doc, "检察建议书")).marks
	nearEnd := func(lines int) bool {
		for i := 1; i < len(marks); i++ {
			if marks[i].page != marks[i-1].page && lines >= i-6 && lines <= i+1 {
				return true
			}
		}
		return false
	}
	ran := 0
	for lines := 1; lines <= 60; lines++ {
		for n := 0; n <= 3; n++ {
			if !sweep.Keep(lines+n, 4, nearEnd(lines)) {
				continue
			}
			ran++
			doc := longRecommendation()
			doc.Body = bodyOfLines(lines)
			doc.Attachments = attachments[:n]
			t.Run(fmt.Sprintf("%d lines %d attachments", lines, n), func(t *testing.T) {
				l := r.setLetter(letterFrom(doc, "检察建议书"))
				if got := len(l.marks); got != lines {
					t.Fatalf("the body set to %d lines, want %d", got, lines)
				}
				checkPages(t, l)
			})
		}
	}
	sweep.Log(t, ran, 60*4)
}

func TestBodyOfLines(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 5, 7} {
		lines := 0
		for _, b := range bodyOfLines(n) {
			lines += len(BreakLines("\u3000\u3000"+b.Text, charsPerLine, widthFunc(testRenderer(t).body)))
		}
		if lines != n {
			t.Errorf("bodyOfLines(%d) sets to %d lines", n, lines)
		}
	}
}
