package textseg

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden.jsonl.gz from the current Tag")

// The golden file (testdata/golden.jsonl.gz, one text and its words a line)
// was made from a corpus holding every line
// with Han characters of the repository's sources, templates and docs at
// the time it was made — demo and bench seed texts, test fixtures,
// redaction cases — their string literals and sentences, made-up
// sentences with personal names, random runs of Han characters and random
// splices (18,665 texts). Its words are those of the gse-based segmenter
// that the compact dictionary replaced; Tag must keep producing them word
// for word and tag for tag. -update rewrites the words of the same texts.
func readGz(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(z); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type goldenLine struct {
	Text  string      `json:"t"`
	Words [][2]string `json:"w"`
}

func TestTagGolden(t *testing.T) {
	seg := Shared()
	golden := readGz(t, "testdata/golden.jsonl.gz")
	if *updateGolden {
		var texts []string
		for _, l := range bytes.Split(bytes.TrimSuffix(golden, []byte("\n")), []byte("\n")) {
			var line goldenLine
			if err := json.Unmarshal(l, &line); err != nil {
				t.Fatal(err)
			}
			texts = append(texts, line.Text)
		}
		var b bytes.Buffer
		z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		enc := json.NewEncoder(z)
		enc.SetEscapeHTML(false)
		for _, text := range texts {
			line := goldenLine{Text: text, Words: [][2]string{}}
			for _, w := range seg.Tag(text) {
				line.Words = append(line.Words, [2]string{w.Text, w.Pos})
			}
			if err := enc.Encode(line); err != nil {
				t.Fatal(err)
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/golden.jsonl.gz", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(golden))
	sc.Buffer(nil, 1<<20)
	n, bad := 0, 0
	for sc.Scan() {
		var line goldenLine
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		n++
		got := seg.Tag(line.Text)
		same := len(got) == len(line.Words)
		for i := 0; same && i < len(got); i++ {
			same = got[i].Text == line.Words[i][0] && got[i].Pos == line.Words[i][1]
		}
		if !same {
			bad++
			if bad <= 10 {
				t.Errorf("%q:\n got %v\nwant %v", line.Text, got, line.Words)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 18000 || bad > 0 {
		t.Fatalf("%d of %d golden texts differ", bad, n)
	}
}
