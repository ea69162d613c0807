package textseg

import "testing"

func TestIsWord(t *testing.T) {
	s := Shared()
	for word, want := range map[string]bool{"食品安全": true, "安全监管": true, "消费者": true, "周边食品": false, "边食": false} {
		if got := s.IsWord(word); got != want {
			t.Errorf("IsWord(%q) = %v, want %v", word, got, want)
		}
	}
}
