package org

import (
	"strings"
	"testing"
)

// TestSubtreeRangeIsThePrefixTest: a path lies in the range exactly when it
// starts with the root's path (what "path LIKE root%" tested).
func TestSubtreeRangeIsThePrefixTest(t *testing.T) {
	paths := []string{"/1/", "/1/1/", "/1/10/", "/1/10/5/", "/1/10/100/", "/1/100/", "/1/100/7/", "/1/109/", "/1/11/",
		"/1/2/", "/1/9/", "/2/", "/10/", "/10/1/", "/19/"}
	for _, root := range paths {
		lo, hi := SubtreeRange(root)
		for _, p := range paths {
			if in := p >= lo && p < hi; in != strings.HasPrefix(p, root) {
				t.Errorf("root %s, path %s: in range %v, prefix %v", root, p, in, !in)
			}
		}
	}
	for _, bad := range []string{"", "/1"} {
		if lo, hi := SubtreeRange(bad); lo < hi {
			t.Errorf("SubtreeRange(%q) = [%q, %q): want an empty range", bad, lo, hi)
		}
	}
}
