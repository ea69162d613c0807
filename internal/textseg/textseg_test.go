package textseg

import (
	"strings"
	"sync"
	"testing"
)

func TestTagCoversText(t *testing.T) {
	for _, text := range []string{
		"", "申请人王小明称，其邻居李建国长期在楼道堆放杂物。",
		"京A12345号车　停在 GB/T 9704-2012 第３条\n下一行\t制表",
		"a\uFFFDb，ＡＢＣ１２３，emoji🙂，日本語のテキスト", "   ", "1.5万元",
	} {
		words := Shared().Tag(text)
		var b strings.Builder
		at := 0
		for _, w := range words {
			if w.Start != at || w.End < w.Start || text[w.Start:w.End] != w.Text || w.Text == "" {
				t.Fatalf("%q: word %+v at %d", text, w, at)
			}
			b.WriteString(w.Text)
			at = w.End
		}
		if b.String() != text {
			t.Fatalf("words of %q join to %q", text, b.String())
		}
	}
}

func TestTagNames(t *testing.T) {
	tests := []struct{ text, word, tag string }{
		{"证人赵强说看见了", "赵强", "nr"},
		{"经复查，张志强称", "张志强", "nr"},
		{"申请人向本院反映", "反映", "v"},
	}
	for _, tt := range tests {
		found := false
		for _, w := range Shared().Tag(tt.text) {
			if w.Text == tt.word {
				found = w.Pos == tt.tag
			}
		}
		if !found {
			t.Errorf("%q: %s not tagged %s: %v", tt.text, tt.word, tt.tag, Shared().Tag(tt.text))
		}
	}
	if tag, ok := Shared().Lookup("陈静"); !ok || !IsPersonTag(tag) {
		t.Errorf("Lookup(陈静) = %q, %v", tag, ok)
	}
	if _, ok := Shared().Lookup("赵强"); ok {
		t.Errorf("赵强 is in the dictionary; the tests rely on it being found by the model")
	}
}

func TestCut(t *testing.T) {
	got := strings.Join(Shared().Cut("关于督促整治消防通道占用问题的检察建议书"), "|")
	if want := "关于|督促|整治|消防通道|占用|问题|的|检察|建议书"; got != want {
		t.Errorf("Cut = %s, want %s", got, want)
	}
}

// TestConcurrentUse runs the shared segmenter from several goroutines; with
// -race it shows the dictionary is only read.
func TestConcurrentUse(t *testing.T) {
	want := Shared().Cut("其子司马光明驾驶该车期间亦多次停放在同一位置")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				got := Shared().Cut("其子司马光明驾驶该车期间亦多次停放在同一位置")
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("concurrent Cut = %v, want %v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
