package documents

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// srgbProfile is the sRGB ICC profile of Debian's icc-profiles-free (zlib
// licence), the output intent of every PDF/A file made here.
//
//go:embed srgb.icc
var srgbProfile []byte

// docMeta is what the PDF's document information and XMP metadata say.
type docMeta struct {
	title, author, subject, keywords string
	created                          time.Time // in the zone it is written in
}

// archival rewrites the PDF fpdf wrote into a PDF/A-2b file (ISO 19005-2,
// level B) with full document information, which fpdf cannot write:
//
//   - the document information (Title, Author, Subject, Keywords, Creator,
//     Producer, CreationDate and ModDate with their zone, e.g.
//     D:20260305000000+08'00') and the same in XMP metadata referenced from
//     the catalog, with the PDF/A identification;
//   - an sRGB output intent, which PDF/A asks for when colours are given
//     as device RGB (the red masthead);
//   - each embedded font named after its subset, "ABCDEF+NotoSerifSC-Bold",
//     instead of fpdf's "utf8face0": a tag made from the glyphs it holds and
//     the font's PostScript name;
//   - the header "%PDF-1.7" with a binary comment line, a trailer ID, and a
//     new cross-reference table.
//
// fpdf's output is regular: objects "n 0 obj … endobj" numbered 1 to n
// (not in order: the page tree comes after the pages), a classic xref table
// and a trailer naming the catalog and the information. Anything else is an
// error, not a silently broken file.
func archival(raw []byte, meta docMeta, fonts map[string]string) ([]byte, error) {
	objs, root, info, err := splitObjects(raw)
	if err != nil {
		return nil, err
	}
	n := len(objs) - 1 // objects 1..n
	metaNum, iccNum, intentNum := n+1, n+2, n+3

	for i := 1; i <= n; i++ {
		if m := plainStream.FindSubmatch(objs[i]); m != nil {
			objs[i] = compressStream(i, objs[i], len(m[0]), m[1])
			continue
		}
		if !bytes.Contains(objs[i][:min(len(objs[i]), 400)], []byte(" /utf8")) {
			continue // font names are in small dictionaries, never in streams
		}
		objs[i] = fontNamePattern.ReplaceAllFunc(objs[i], func(m []byte) []byte {
			sub := fontNamePattern.FindSubmatch(m)
			if name, ok := fonts[string(sub[2])]; ok {
				return []byte("/" + string(sub[1]) + " /" + name)
			}
			return m
		})
	}
	date := pdfDate(meta.created)
	var infoDict strings.Builder
	fmt.Fprintf(&infoDict, "<<\n/Title %s\n/Author %s\n/Subject %s\n/Keywords %s\n/Creator (Jianyi)\n/Producer (Jianyi)\n/CreationDate (%s)\n/ModDate (%s)\n>>",
		pdfString(meta.title), pdfString(meta.author), pdfString(meta.subject), pdfString(meta.keywords), date, date)
	objs[info] = wrapObject(info, infoDict.String())

	catalog := string(objs[root])
	open := strings.Index(catalog, "<<")
	if open < 0 {
		return nil, errors.New("catalog without a dictionary")
	}
	extra := fmt.Sprintf("\n/Metadata %d 0 R\n/OutputIntents [%d 0 R]\n/Lang (zh-CN)\n/ViewerPreferences << /DisplayDocTitle true >>",
		metaNum, intentNum)
	objs[root] = []byte(catalog[:open+2] + extra + catalog[open+2:])

	xmp := xmpPacket(meta)
	objs = append(objs,
		wrapStream(metaNum, "/Type /Metadata /Subtype /XML", []byte(xmp)),
		wrapStream(iccNum, "/N 3 /Filter /FlateDecode", srgbDeflated()),
		wrapObject(intentNum, fmt.Sprintf("<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>", iccNum)),
	)

	var out bytes.Buffer
	out.Grow(len(raw) + len(srgbProfile) + len(xmp) + 4096)
	out.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i := 1; i < len(objs); i++ {
		offsets[i] = out.Len()
		out.Write(objs[i])
	}
	sum := sha256.Sum256(out.Bytes())
	id := hex.EncodeToString(sum[:16])
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for i := 1; i < len(objs); i++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", offsets[i])
	}
	fmt.Fprintf(&out, "trailer\n<<\n/Size %d\n/Root %d 0 R\n/Info %d 0 R\n/ID [<%s> <%s>]\n>>\nstartxref\n%d\n%%%%EOF\n",
		len(objs), root, info, id, id, xref)
	return out.Bytes(), nil
}

var (
	// plainStream is the start of a stream fpdf left uncompressed: the
	// pages' content (compression is off in fpdf so that one pooled
	// compressor serves every stream, see compressStream).
	plainStream     = regexp.MustCompile(`^\d+ 0 obj\n<</Length (\d+)>>\nstream\n`)
	fontNamePattern = regexp.MustCompile(`/(BaseFont|FontName) /utf8([a-z0-9]+)`)
	trailerRef      = regexp.MustCompile(`/(Root|Info) (\d+) 0 R`)
)

// splitObjects cuts fpdf's output into its objects, indexed by number
// (index 0 unused), each with its "n 0 obj" line and "endobj", using the
// offsets of the cross-reference table, and finds the catalog and document
// information.
func splitObjects(raw []byte) (objs [][]byte, root, info int, err error) {
	xref := bytes.LastIndex(raw, []byte("\nxref\n"))
	trailer := bytes.LastIndex(raw, []byte("trailer"))
	if xref < 0 || trailer < xref {
		return nil, 0, 0, errors.New("PDF without a cross-reference table")
	}
	for _, m := range trailerRef.FindAllSubmatch(raw[trailer:], -1) {
		num, _ := strconv.Atoi(string(m[2]))
		if string(m[1]) == "Root" {
			root = num
		} else {
			info = num
		}
	}
	// "xref\n0 N\n" then N entries of 20 bytes, the first the free head.
	table := raw[xref+len("\nxref\n") : trailer]
	header, entries, ok := bytes.Cut(table, []byte("\n"))
	var first, count int
	if _, err := fmt.Sscanf(string(header), "%d %d", &first, &count); !ok || err != nil || first != 0 || len(entries) < 20*count {
		return nil, 0, 0, errors.New("unreadable cross-reference table")
	}
	offsets := make([]int, count)
	for i := 1; i < count; i++ {
		offsets[i], err = strconv.Atoi(string(entries[20*i : 20*i+10]))
		if err != nil || offsets[i] <= 0 || offsets[i] > xref {
			return nil, 0, 0, fmt.Errorf("object %d: bad offset", i)
		}
	}
	order := make([]int, 0, count-1)
	for i := 1; i < count; i++ {
		order = append(order, i)
	}
	sort.Slice(order, func(a, b int) bool { return offsets[order[a]] < offsets[order[b]] })
	objs = make([][]byte, count)
	for k, num := range order {
		end := xref + 1
		if k+1 < len(order) {
			end = offsets[order[k+1]]
		}
		objs[num] = raw[offsets[num]:end]
		if !bytes.HasPrefix(objs[num], []byte(strconv.Itoa(num)+" 0 obj")) {
			return nil, 0, 0, fmt.Errorf("object %d not at its offset", num)
		}
	}
	if root == 0 || info == 0 || root >= len(objs) || info >= len(objs) {
		return nil, 0, 0, errors.New("PDF without catalog or document information")
	}
	return objs, root, info, nil
}

func wrapObject(num int, dict string) []byte {
	return []byte(fmt.Sprintf("%d 0 obj\n%s\nendobj\n", num, dict))
}

func wrapStream(num int, dict string, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d 0 obj\n<< %s /Length %d >>\nstream\n", num, dict, len(data))
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	return b.Bytes()
}

// compressors keeps zlib writers between documents: a new one allocates
// close to a megabyte, several times the content of a page.
var compressors = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := compressors.Get().(*zlib.Writer)
	w.Reset(&b)
	w.Write(data)
	w.Close()
	compressors.Put(w)
	return b.Bytes()
}

// compressStream rewrites object num, an uncompressed stream whose data
// starts at offset start, with its data deflated.
func compressStream(num int, obj []byte, start int, length []byte) []byte {
	n, _ := strconv.Atoi(string(length))
	if start+n > len(obj) {
		return obj
	}
	return wrapStream(num, "/Filter /FlateDecode", deflate(obj[start:start+n]))
}

var srgbDeflated = sync.OnceValue(func() []byte { return deflate(srgbProfile) })

// pdfString writes s as a PDF text string: UTF-16BE with a byte order mark,
// in hexadecimal.
func pdfString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfDate writes t as a PDF date with its zone: D:20260305000000+08'00'.
func pdfDate(t time.Time) string {
	_, offset := t.Zone()
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, offset/3600, offset%3600/60)
}

// xmpPacket is the XMP metadata matching the document information, with
// the PDF/A-2b identification.
func xmpPacket(meta docMeta) string {
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	date := meta.created.Format("2006-01-02T15:04:05-07:00")
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(meta.title) + `</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>` + esc(meta.author) + `</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + esc(meta.subject) + `</rdf:li></rdf:Alt></dc:description>
<pdf:Keywords>` + esc(meta.keywords) + `</pdf:Keywords>
<pdf:Producer>Jianyi</pdf:Producer>
<xmp:CreatorTool>Jianyi</xmp:CreatorTool>
<xmp:CreateDate>` + date + `</xmp:CreateDate>
<xmp:ModifyDate>` + date + `</xmp:ModifyDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>`
}

// subsetTag is the six capital letters that name a font subset (ISO
// 32000-1 9.6.4), made from the subset's bytes so that the same glyphs give
// the same name.
func subsetTag(font []byte) string {
	sum := sha256.Sum256(font)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	return string(tag)
}
