package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"jianyi/internal/platform/apperr"
)

// Every text a request brings is checked before it is decoded into a
// request struct: control characters other than newline and tab (NUL, ESC,
// BEL, a bare CR …) and bytes that are not UTF-8 are refused with 400 naming
// the field, rather than stored in a column and sent raw into HTML, CSV and
// PDF (or silently turned into U+FFFD by the JSON decoder).

// badRune reports a character no text field may hold.
func badRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == '\u2028' || r == '\u2029' || r == '\ufeff':
		return true
	}
	return false
}

// textProblem says what is wrong with a text, "" when nothing.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "含有无法识别的字符（不是 UTF-8 编码）"
	}
	for _, r := range s {
		if badRune(r) {
			return "不能包含控制字符（" + strconv.QuoteRuneToASCII(r) + "）"
		}
	}
	return ""
}

func invalidText(field, problem string) error {
	if field == "" {
		field = "(body)"
	}
	return &apperr.Error{Kind: apperr.ErrInvalid, Code: "invalid_text", Message: "字段“" + field + "”" + problem,
		Fields: map[string]string{field: problem}}
}

// checkJSONText walks a JSON body and refuses the first string (value or
// key) with a control character, and the body when it is not UTF-8, naming
// the field by its JSON path (items[0].text). A body that is not JSON is left
// to the decoder to refuse.
func checkJSONText(body []byte) error {
	badAt := -1
	if !utf8.Valid(body) {
		for i := 0; i < len(body); {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				badAt = i
				break
			}
			i += n
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type level struct {
		array bool
		key   string
		index int
		isKey bool // the next string of an object is a key
	}
	var stack []*level
	path := func() string {
		var parts []string
		for _, l := range stack {
			if l.array {
				if len(parts) == 0 {
					parts = append(parts, "["+strconv.Itoa(l.index)+"]")
				} else {
					parts[len(parts)-1] += "[" + strconv.Itoa(l.index) + "]"
				}
			} else if l.key != "" {
				parts = append(parts, l.key)
			}
		}
		return strings.Join(parts, ".")
	}
	// advance moves past a finished value in the enclosing container.
	advance := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.array {
			top.index++
		} else {
			top.isKey = true
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) || err != nil {
			if badAt >= 0 {
				return invalidText(path(), "含有无法识别的字符（不是 UTF-8 编码）")
			}
			return nil
		}
		end := dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &level{isKey: true})
			case '[':
				stack = append(stack, &level{array: true})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
			continue
		case string:
			var top *level
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			}
			if top != nil && !top.array && top.isKey {
				top.key, top.isKey = t, false
				if badAt >= int(start) && badAt < int(end) {
					return invalidText(path(), "含有无法识别的字符（不是 UTF-8 编码）")
				}
				if p := textProblem(t); p != "" {
					return invalidText(path(), p)
				}
				continue
			}
			if badAt >= int(start) && badAt < int(end) {
				return invalidText(path(), "含有无法识别的字符（不是 UTF-8 编码）")
			}
			if p := textProblem(t); p != "" {
				return invalidText(path(), p)
			}
		}
		advance()
	}
}

// checkFormText refuses a form (multipart or urlencoded) whose values hold
// control characters or bytes that are not UTF-8, naming the field.
func checkFormText(values map[string][]string) error {
	for name, vs := range values {
		for _, v := range vs {
			if name == "payload" {
				if !utf8.ValidString(v) {
					return invalidText("payload", "含有无法识别的字符（不是 UTF-8 编码）")
				}
				if err := checkJSONText([]byte(v)); err != nil {
					return err
				}
				continue
			}
			if p := textProblem(v); p != "" {
				return invalidText(name, p)
			}
		}
	}
	return nil
}
