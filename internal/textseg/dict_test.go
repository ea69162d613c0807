package textseg

import "testing"

// TestDictAnswersAsGse pins the quirks of gse's dictionary that the
// compact one keeps (the golden test depends on them).
func TestDictAnswersAsGse(t *testing.T) {
	d := Shared().dict
	tests := []struct {
		key  string
		freq float64
		tag  string
		ok   bool
	}{
		{"中华人民共和国", 9989, "ns", true},
		{"中华人民共", 0, "", true}, // a prefix of a word: found, frequency 0
		{"食品安", 0, "", true},
		{"边食", 0, "", false},
		{"的", 2, "uj", true},  // single characters count 2 whatever the file says
		{"4s店", 3, "n", true}, // ASCII letters are keyed in lower case…
		{"4S店", 0, "", false}, // …and looked up as given
		{"1号店", 3, "n", true},
	}
	for _, tt := range tests {
		freq, tag, ok := d.lookup(tt.key)
		if freq != tt.freq || tag != tt.tag || ok != tt.ok {
			t.Errorf("lookup(%q) = %v %q %v, want %v %q %v", tt.key, freq, tag, ok, tt.freq, tt.tag, tt.ok)
		}
	}
	// gse's tag look-up for the model's path took the first word's
	// number, 0, for "not found".
	if _, ok := d.posTag("1号店"); ok {
		t.Error("posTag(1号店) found")
	}
	if tag, ok := d.posTag("中华人民共和国"); !ok || tag != "ns" {
		t.Errorf("posTag(中华人民共和国) = %q %v", tag, ok)
	}
	if len(d.off) < 350000 || d.total < 3e7 {
		t.Errorf("%d entries, total frequency %v", len(d.off), d.total)
	}
}

func TestHMMLoads(t *testing.T) {
	m := Shared().hmm
	if len(m.tags) != 256 || len(m.keys) != 256 || len(m.poss) != 64 || len(m.tab) < 6000 || len(m.emit) < 8000 {
		t.Fatalf("model: %d states, %d with transitions, %d tags, %d characters in the state table, %d with emissions",
			len(m.tags), len(m.keys), len(m.poss), len(m.tab), len(m.emit))
	}
}
