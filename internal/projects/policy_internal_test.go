package projects

import (
	"testing"

	"jianyi/internal/org"
)

// TestSubtreeRangeIsTheSubtree: the range of paths the list's scope tests
// holds exactly the paths org.InSubtree puts in the subtree.
func TestSubtreeRangeIsTheSubtree(t *testing.T) {
	paths := []string{"/1/", "/1/3/", "/1/3/7/", "/1/30/", "/1/30/2/", "/1/39/", "/1/4/", "/10/", "/10/3/", "/2/", "/1/2/", "/19/"}
	for _, root := range paths {
		lo, hi, ok := subtreeRange(root)
		if !ok {
			t.Fatalf("%s: no range", root)
		}
		for _, p := range paths {
			if in := p >= lo && p < hi; in != org.InSubtree(p, root) {
				t.Errorf("root %s [%s, %s): %s in range %v, InSubtree %v", root, lo, hi, p, in, !in)
			}
		}
	}
	if _, _, ok := subtreeRange(""); ok {
		t.Error("an empty path has a range")
	}
}
