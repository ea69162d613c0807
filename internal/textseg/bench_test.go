package textseg

import (
	"os"
	"runtime"
	"testing"
)

// BenchmarkLoad loads the dictionary, as the first call to Shared does
// once per process, and reports the heap the loaded segmenter keeps.
func BenchmarkLoad(b *testing.B) {
	var kept uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := Load()
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(s)
	}
	b.ReportMetric(float64(kept)/(1<<20), "MB-kept")
}

// BenchmarkTagLetter tags a letter of about 1,500 characters (the
// redaction package's four-names fixture).
func BenchmarkTagLetter(b *testing.B) {
	text, err := os.ReadFile("../redact/testdata/four_names_letter.txt")
	if err != nil {
		b.Fatal(err)
	}
	seg := Shared()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		seg.Tag(string(text))
	}
}
