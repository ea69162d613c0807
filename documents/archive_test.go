package documents

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"

	"jianyi/pdftest"
)

// TestArchiveMetadata reads the document information, fonts and structure
// of a letter back with outside tools: poppler's pdfinfo and pdffonts and
// qpdf --check.
func TestArchiveMetadata(t *testing.T) {
	t.Parallel()
	doc := longRecommendation()
	pdf, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatal(err)
	}
	info := string(pdftest.Tool(t, pdf, "pdfinfo", "-isodates"))
	for _, want := range []string{
		"Title:           " + doc.Title,
		"Author:          " + doc.Procuratorate,
		"Subject:         检察建议书",
		"Keywords:        " + doc.DocumentNumber,
		// A Shanghai calendar date, not read as UTC.
		"CreationDate:    2026-03-05T00:00:00+08",
		"Metadata Stream: yes",
		"PDF version:     1.7",
	} {
		if !strings.Contains(info, want+"\n") {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	fonts := strings.Split(strings.TrimSpace(string(pdftest.Tool(t, pdf, "pdffonts"))), "\n")[2:]
	tagged := regexp.MustCompile(`^[A-Z]{6}\+[A-Za-z0-9-]+ +CID TrueType +Identity-H +yes yes yes`)
	for _, line := range fonts {
		if !tagged.MatchString(line) {
			t.Errorf("font %q is not an embedded subset named ABCDEF+Name", line)
		}
	}
	if len(fonts) < 4 {
		t.Errorf("%d fonts, want the title, body, heading faces and the Song face", len(fonts))
	}
	if out := string(pdftest.Tool(t, pdf, "qpdf", "--check")); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
}

// TestXMPMatchesDocumentInformation checks the PDF/A parts a reader cannot
// see: the XMP packet parses, says PDF/A-2b and repeats the document
// information; the catalog names it and the sRGB output intent.
func TestXMPMatchesDocumentInformation(t *testing.T) {
	t.Parallel()
	doc := longRecommendation()
	doc.CreatedAt = time.Date(2026, 3, 5, 2, 30, 0, 0, time.UTC) // 10:30 in Shanghai
	pdf, err := testRenderer(t).Recommendation(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(pdf)
	start, end := strings.Index(s, "<x:xmpmeta"), strings.Index(s, "</x:xmpmeta>")
	if start < 0 || end < 0 {
		t.Fatal("no XMP packet")
	}
	var packet struct {
		Description struct {
			Title       string `xml:"title>Alt>li"`
			Creator     string `xml:"creator>Seq>li"`
			Subject     string `xml:"description>Alt>li"`
			Keywords    string `xml:"Keywords"`
			CreateDate  string `xml:"CreateDate"`
			Part        string `xml:"part"`
			Conformance string `xml:"conformance"`
		} `xml:"RDF>Description"`
	}
	if err := xml.Unmarshal([]byte(s[start:end+len("</x:xmpmeta>")]), &packet); err != nil {
		t.Fatalf("XMP does not parse: %v", err)
	}
	d := packet.Description
	if d.Title != doc.Title || d.Creator != doc.Procuratorate || d.Subject != "检察建议书" || d.Keywords != doc.DocumentNumber {
		t.Errorf("XMP says %+v", d)
	}
	if d.CreateDate != "2026-03-05T10:30:00+08:00" || !strings.Contains(s, "/CreationDate (D:20260305103000+08'00')") {
		t.Errorf("creation date %q, want 10:30 in Shanghai in both XMP and the document information", d.CreateDate)
	}
	if d.Part != "2" || d.Conformance != "B" {
		t.Errorf("PDF/A identification %s%s, want 2B", d.Part, d.Conformance)
	}
	for _, want := range []string{"/Metadata ", "/OutputIntents [", "/S /GTS_PDFA1", "/DestOutputProfile ", "/Lang (zh-CN)", "/ID [<"} {
		if !strings.Contains(s, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}
