package templates

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// The stylesheet's blocks are closed: one missing brace (a merge of two
// appended blocks lost one) swallows every rule after it without an error.
func TestStylesheetBracesBalance(t *testing.T) {
	raw, err := fs.ReadFile(Static(), "jianyi.css")
	if err != nil {
		t.Fatal(err)
	}
	css := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(raw), "")
	depth := 0
	for i, line := range strings.Split(css, "\n") {
		depth += strings.Count(line, "{") - strings.Count(line, "}")
		if depth < 0 || depth > 2 {
			t.Fatalf("line %d (comments removed): brace depth %d", i+1, depth)
		}
	}
	if depth != 0 {
		t.Fatalf("jianyi.css ends %d block(s) deep: a block is not closed", depth)
	}
}
