package redact

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Pools the generator draws from. Role names are built from surnames that
// are never prepositions and from characters common in given names, so that
// "。" + role + name + "，" is a place where a name must be found.
var (
	fuzzSurnames   = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "孙", "马", "欧阳", "司马", "诸葛", "上官", "慕容", "令狐", "澹台", "端木", "夏侯", "公孙"}
	fuzzGiven      = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英玉萍红鹏辉玲丹萱浩宇轩欣怡梓晨嘉琪雪婷志海峰斌波鑫俊凯琳颖")
	fuzzRoles      = []string{"申请人", "被申请人", "证人", "当事人", "邻居", "车主", "其子", "其女", "其妻", "村民", "业主", "负责人", "法定代表人", "经营者", "店主", "户主", "被害人", "举报人"}
	fuzzSpeech     = []string{"称", "说", "表示", "反映"}
	fuzzFiller     = []string{"清河区人民检察院", "市场监督管理局", "经查，", "依法处理。", "检察官周检到场。", "于2025年3月5日", "学生安全教育", "当事人陈述称", "张家港市", "东方红小学", "\n", "　　"}
	fuzzAddrRoads  = []string{"春晖路", "建国路", "学院大街", "王庄村"}
	fuzzPlateHeads = []string{"京A", "粤B·D", "沪C"}
)

// fuzzText builds text from plan: role-introduced names, bare names,
// addresses, numbers, official text and pieces of raw. It returns the text
// and the pieces it wrote as "。" + role word + name + "，".
func fuzzText(plan []byte, raw string) (string, []rolePiece) {
	var b strings.Builder
	var roleNames []rolePiece
	next := func() int {
		if len(plan) == 0 {
			return 0
		}
		v := int(plan[0])
		plan = plan[1:]
		return v
	}
	name := func() string {
		n := fuzzSurnames[next()%len(fuzzSurnames)] + string(fuzzGiven[next()%len(fuzzGiven)])
		if next()%2 == 0 {
			n += string(fuzzGiven[next()%len(fuzzGiven)])
		}
		return n
	}
	for len(plan) > 0 {
		switch next() % 8 {
		case 0, 1:
			n := name()
			piece := "。" + fuzzRoles[next()%len(fuzzRoles)] + n + "，"
			b.WriteString(piece)
			if !notNameWords[n] {
				roleNames = append(roleNames, rolePiece{n, piece})
			}
		case 2:
			b.WriteString(name() + fuzzSpeech[next()%len(fuzzSpeech)])
		case 3:
			b.WriteString("住" + fuzzAddrRoads[next()%len(fuzzAddrRoads)] + strconv.Itoa(next()) + "号" + strconv.Itoa(next()%30) + "栋" +
				strconv.Itoa(next()%6+1) + "单元" + strconv.Itoa(next()) + "室")
		case 4:
			switch next() % 4 {
			case 0:
				b.WriteString("电话13" + strconv.Itoa(100000000+next()*3456789%900000000))
			case 1:
				b.WriteString("身份证号11010519" + strconv.Itoa(50+next()%50) + "0307123" + strconv.Itoa(next()%10))
			case 2:
				b.WriteString(fuzzPlateHeads[next()%len(fuzzPlateHeads)] + strconv.Itoa(10000+next()*37))
			default:
				b.WriteString("卡号6222 0212 3456 " + strconv.Itoa(1000+next()))
			}
		case 5, 6:
			b.WriteString(fuzzFiller[next()%len(fuzzFiller)])
		default:
			if raw != "" {
				i, j := next()%len(raw), next()%len(raw)
				b.WriteString(raw[min(i, j):max(i, j)])
			}
		}
	}
	return b.String(), roleNames
}

// rolePiece is a name the generator wrote after a role word.
type rolePiece struct{ name, piece string }

func FuzzRedact(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 1, 3, 5, 2, 0, 0, 4, 1, 7, 3}, "欧阳小吃店", "张")
	f.Add([]byte{0, 12, 3, 4, 0, 8, 0, 1, 2, 0, 3, 0, 4, 2, 7, 0, 9, 5, 1, 0}, "a\xffb\xfe", "小明")
	f.Add([]byte{1, 13, 5, 9, 1, 2, 6, 11, 7, 4, 0, 0, 5, 3, 3, 2, 1, 7, 9}, "１３８００１３８０００（男，", "人民检察院")
	f.Add([]byte("一些任意的字节序列，用来播种"), "当事人张", "××某")
	f.Add([]byte{}, "", "")
	f.Fuzz(func(t *testing.T, plan []byte, raw, term string) {
		if len(plan) > 200 || len(raw) > 400 {
			t.Skip()
		}
		text, roleNames := fuzzText(plan, raw)
		// Two texts, split where a sentence starts, and raw on its own.
		cut := max(0, strings.LastIndex(text[:len(text)/2], "。"))
		texts := []string{text[:cut], text[cut:], raw}
		d := Decisions{
			Names:      []string{"张三", "欧阳娜娜", term},
			NotNames:   []string{term + "店"},
			ExtraTerms: []string{term},
			Keep:       []string{"人民检察院"},
		}
		res := Redact(texts, d)
		if len(res.Texts) != len(texts) {
			t.Fatalf("%d texts for %d", len(res.Texts), len(texts))
		}
		for i, tx := range res.Texts {
			if !utf8.ValidString(tx.Text) {
				t.Fatalf("text %d %q is not valid UTF-8", i, tx.Text)
			}
			checkChanges(t, texts[i], tx)
			_ = tx.Marked()
		}

		// No name the redaction hid survives in any text, outside kept text.
		for _, n := range res.Names {
			for i, tx := range res.Texts {
				f := foldWidth(tx.Text)
				for _, sp := range findLiteral(f, n.Name) {
					if !overlapsAny(sp[0], sp[1], spansOf(f, d.Keep)) && !insideAny(sp, spansOf(f, d.NotNames)) {
						t.Fatalf("name %q survives in text %d: %q", n.Name, i, tx.Text)
					}
				}
			}
		}
		// A name written after a role word is hidden or asked about (unless
		// the extra term cut into the role word or the name).
		possible := res.PossibleNameList()
		extra := cleanTerms(d.ExtraTerms, 1)
		for _, rp := range roleNames {
			n := rp.name
			if slices.Contains(possible, n) || (len(extra) > 0 && strings.Contains(rp.piece, extra[0])) {
				continue
			}
			for i, tx := range res.Texts {
				if strings.Contains(tx.Text, n) {
					t.Fatalf("role-introduced name %q neither hidden nor asked about in text %d:\n%s", n, i, tx.Marked())
				}
			}
		}
		// Possible names point at themselves.
		for _, p := range res.PossibleNames {
			for _, o := range p.Occurrences {
				if foldWidth(texts[o.Text][o.Start:o.End]) != p.Name || foldWidth(res.Texts[o.Text].Text[o.OutStart:o.OutEnd]) != p.Name {
					t.Fatalf("occurrence %+v of %q", o, p.Name)
				}
			}
		}

		// Idempotent and deterministic.
		out := make([]string, len(res.Texts))
		for i, tx := range res.Texts {
			out[i] = tx.Text
		}
		again := Redact(out, d)
		for i, tx := range again.Texts {
			if tx.Text != out[i] || len(tx.Changes) != 0 {
				t.Fatalf("not idempotent in text %d: %q → %q (%+v)", i, out[i], tx.Text, tx.Changes)
			}
		}
		if !slices.Equal(again.PossibleNameList(), possible) {
			t.Fatalf("possible names %q, then %q", possible, again.PossibleNameList())
		}
		first, _ := json.Marshal(res)
		second, _ := json.Marshal(Redact(texts, d))
		if string(first) != string(second) {
			t.Fatalf("two runs differ:\n%s\n%s", first, second)
		}
	})
}

func spansOf(s string, terms []string) [][2]int {
	var out [][2]int
	for _, t := range cleanTerms(terms, 1) {
		out = append(out, findLiteral(s, t)...)
	}
	return out
}

func insideAny(s [2]int, spans [][2]int) bool {
	for _, p := range spans {
		if p[0] <= s[0] && s[1] <= p[1] {
			return true
		}
	}
	return false
}
