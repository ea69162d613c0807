package documents

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// GBKRunes returns every character of the GBK code table, decoded with
// golang.org/x/text's GBK table, in code order, without the private-use
// code points some of its slots decode to. The shipped fallback font is cut
// to these characters (fonts/build-fonts.sh) and a test renders them all.
func GBKRunes() []rune { return codeTableRunes(0x81, 0xFE, 0x40, 0xFE) }

// GB2312Runes returns the characters of GB 2312 (the GBK rows A1–F7,
// columns A1–FE), the set the title, body and heading fonts are cut to.
func GB2312Runes() []rune { return codeTableRunes(0xA1, 0xF7, 0xA1, 0xFE) }

func codeTableRunes(lead0, lead1, trail0, trail1 int) []rune {
	dec := simplifiedchinese.GBK.NewDecoder()
	seen := map[rune]bool{}
	var out []rune
	for lead := lead0; lead <= lead1; lead++ {
		for trail := trail0; trail <= trail1; trail++ {
			if trail == 0x7F {
				continue
			}
			s, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err != nil {
				continue
			}
			r, n := utf8.DecodeRune(s)
			if n != len(s) || r == utf8.RuneError || r < 0x80 || isPrivateUse(r) || seen[r] {
				continue
			}
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func isPrivateUse(r rune) bool { return r >= 0xE000 && r <= 0xF8FF }

// ExtraSymbols are characters outside GB 2312 that official documents use:
// 〇 in dates written out (二〇二六年), ㎡, №, circled and Roman numerals.
const ExtraSymbols = "〇㎡№①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ"
