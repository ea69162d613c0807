// Package pdftest extracts text from PDFs in tests with poppler's
// pdftotext and runs other outside PDF tools on them (pdfinfo, pdffonts,
// qpdf). A test skips without the tool on a developer's machine but fails
// when CI=true, where checking the PDF from outside is the point.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Text returns the whole text of pdf, as pdftotext -enc UTF-8 extracts it.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(Run(t, pdf))
}

// Pages returns the text of each page of pdf from one pdftotext run: what
// Run with "-f", "n", "-l", "n" gives for page n, for one process instead of
// one per page (pdftotext ends every page with a form feed).
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	pages := strings.Split(string(Run(t, pdf)), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
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

// Tool runs an outside PDF tool (pdfinfo, pdffonts, qpdf …) on pdf, written
// to a temporary file given as the last argument, and returns its output.
// Like Run it skips when the tool is missing except in CI, and it fails the
// test when the tool exits with an error.
func Tool(t testing.TB, pdf []byte, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI", name)
		}
		t.Skipf("%s not installed", name)
	}
	file := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(name, append(args, file)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}
