// Package pdftest extracts text from PDFs in tests with poppler's
// pdftotext. A test skips without pdftotext on a developer's machine but
// fails when CI=true, where the round trip from PDF to text is the point.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Text returns the whole text of pdf, as pdftotext -enc UTF-8 extracts it.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(Run(t, pdf))
}

// Run runs pdftotext with the given options before "-enc UTF-8 - -",
// feeding it pdf, and returns its output; for example "-f", "2", "-l", "2"
// for one page or "-bbox" for word boxes.
func Run(t testing.TB, pdf []byte, options ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required in CI")
		}
		t.Skip("pdftotext not installed")
	}
	args := append(append([]string{}, options...), "-enc", "UTF-8", "-", "-")
	cmd := exec.Command("pdftotext", args...)
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", strings.Join(options, " "), err)
	}
	return out
}
