package textseg

import (
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
