package search

import (
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"jianyi/internal/textseg"
)

// breakToken separates runs of letters (and the texts of a row) in the
// grams, so a query phrase never matches across punctuation or a field's
// end. It is never a bigram's token (those start with "q" and a digit or
// letter of base 36 of a number above 36^4).
const breakToken = "qbreak"

// normalize folds full-width forms to their narrow forms (２０２５ → 2025)
// and Latin letters to lower case, as both a text and a query are.
func normalize(s string) string {
	return strings.ToLower(width.Fold.String(s))
}

// isTokenRune reports a character that belongs to a run: a letter or digit
// of any script.
func isTokenRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// runs splits text into its runs of letters and digits.
func runs(text string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range normalize(text) {
		if isTokenRune(r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// gramToken is the token of a pair of characters.
func gramToken(a, b rune) string {
	return "q" + strconv.FormatInt(int64(a)*(unicode.MaxRune+1)+int64(b), 36)
}

// Grams is the bigram tokens of the texts, in order, with break tokens
// between runs and texts. A run of one character gives no bigram; a query
// of one character is answered without the index (see Query).
func Grams(texts ...string) string {
	var b strings.Builder
	for _, text := range texts {
		for _, run := range runs(text) {
			if len(run) < 2 {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(" " + breakToken + " ")
			}
			for i := 0; i+1 < len(run); i++ {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(gramToken(run[i], run[i+1]))
			}
		}
	}
	return b.String()
}

// wordToken is the token of a word.
func wordToken(w string) string {
	h := fnv.New64a()
	h.Write([]byte(w))
	return "w" + strconv.FormatUint(h.Sum64(), 36)
}

// stopWords are words every recommendation letter uses, which say nothing
// about its problem.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`检察 检察院 检察建议 建议 建议书 人民检察院 本院 你单位 单位 有关 相关 根据 依据 规定 依法 法律 条例 办法
		问题 情况 工作 进一步 加强 落实 做好 开展 以及 或者 应当 存在 发现 进行 对于 对此 其中 我们 他们 经查 查明 为此 提出 如下
		中华人民共和国 组织法 第二十一条 回复 书面 收到 之日起 二个月 日内 异议 可以 提出 等等 要求 及时 切实 严格 有效 认真 确保
		关于 是否 没有 已经 可能 一些 部分 同时 目前 当前 各类 各项 工作人员 监督 管理 部门`) {
		m[w] = true
	}
	return m
}()

// Terms are the distinct words of the texts as the index stores them
// (word → count), for weighing a query.
func Terms(texts ...string) map[string]int {
	seg := textseg.Shared()
	out := map[string]int{}
	for _, text := range texts {
		for _, w := range seg.Cut(normalize(text)) {
			if keepWord(w) {
				out[w]++
			}
		}
	}
	return out
}

// keepWord: a word of two characters or more with a letter in it, not
// boilerplate.
func keepWord(w string) bool {
	if utf8.RuneCountInString(w) < 2 || stopWords[w] {
		return false
	}
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Words is the word tokens of the texts, one per occurrence, so the index
// sees how often a letter uses a word.
func Words(texts ...string) string {
	seg := textseg.Shared()
	var b strings.Builder
	for _, text := range texts {
		for _, w := range seg.Cut(normalize(text)) {
			if !keepWord(w) {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(wordToken(w))
		}
	}
	return b.String()
}
