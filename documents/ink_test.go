package documents

import (
	"bytes"
	"image"
	"image/png"
	"os/exec"
	"strconv"
	"testing"
)

// inkDPI is the resolution ink is measured at: 0.04 mm a pixel.
const inkDPI = 600

// inkRows rasterises the region [x0, x1] × [y0, y1] (mm from the page's top
// left) of one page with poppler's pdftoppm, in grey, and returns the top
// and bottom, in mm from the page top, of the pixels darker than threshold
// (0–255) in it; -1, -1 when there are none. This measures what a reader
// sees, independently of the coordinates the layout computed.
func inkRows(t *testing.T, pdf []byte, page int, x0, y0, x1, y1 float64, threshold uint8) (top, bottom float64) {
	t.Helper()
	img := pagePixels(t, pdf, page, inkDPI, x0, y0, x1, y1)
	first, last := -1, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); uint8(r>>8) < threshold {
				if first < 0 {
					first = y
				}
				last = y
				break
			}
		}
	}
	if first < 0 {
		return -1, -1
	}
	origin := float64(int(y0/25.4*inkDPI)) * 25.4 / inkDPI
	mm := func(p int) float64 { return origin + float64(p)*25.4/inkDPI }
	return mm(first), mm(last + 1)
}

// greyPixels counts the pixels of the region, rendered at 150 dpi, whose
// grey level lies in [lo, hi].
func greyPixels(t *testing.T, pdf []byte, page int, x0, y0, x1, y1 float64, lo, hi uint8) int {
	t.Helper()
	img := pagePixels(t, pdf, page, 150, x0, y0, x1, y1)
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); uint8(r>>8) >= lo && uint8(r>>8) <= hi {
				n++
			}
		}
	}
	return n
}

// pagePixels rasterises a region of one page at dpi in grey.
func pagePixels(t *testing.T, pdf []byte, page, dpi int, x0, y0, x1, y1 float64) image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed")
	}
	px := func(mm float64) string { return strconv.Itoa(int(mm / 25.4 * float64(dpi))) }
	p := strconv.Itoa(page)
	cmd := exec.Command("pdftoppm", "-f", p, "-l", p, "-r", strconv.Itoa(dpi), "-gray", "-png",
		"-x", px(x0), "-y", px(y0), "-W", px(x1-x0), "-H", px(y1-y0), "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftoppm: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode page %d: %v", page, err)
	}
	return img
}
