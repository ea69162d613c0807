package benchseed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// placeholderPDF is a small valid one-page PDF naming what it stands for.
// Stored documents of generated cases (frozen letters, filing reports,
// public copies) are these instead of real renderings: a real 检察建议书 is
// tens of kilobytes and takes milliseconds to render, which a million cases
// cannot afford; their size and count in the table are what the benchmark
// needs. Letters left unfrozen are rendered for real by the service on
// first download.
func placeholderPDF(what string) []byte {
	text := fmt.Sprintf("Jianyi seed-bench placeholder: %s", what)
	stream := fmt.Sprintf("BT /F1 11 Tf 72 760 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
