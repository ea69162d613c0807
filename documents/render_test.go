package documents

import (
	"os"
	"testing"
)

func TestWriteSample(t *testing.T) {
	out := os.Getenv("JIANYI_SAMPLE_PDF")
	if out == "" {
		t.Skip("set JIANYI_SAMPLE_PDF to write a sample")
	}
	pdf, err := testRenderer(t).Recommendation(longRecommendation())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}
