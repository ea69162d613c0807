// Package browsertest drives Jianyi's real pages in headless Chromium
// through chromedp: one browser per test package (started on first use,
// closed by Main) whose tests run in parallel, a fresh browser context
// (cookies, storage) per Page, form helpers that find fields by their label
// as a person does, an accessibility check on every page visited, and
// screenshots at 1280 and 390 px (written only when JIANYI_SCREENSHOTS is set).
//
// Tests skip with a clear message when no browser is installed, unless
// CI=true, where a missing browser fails them. Debian: apt-get install chromium.
package browsertest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// EnvChromium names a browser binary to use instead of the one found on PATH.
const EnvChromium = "JIANYI_CHROMIUM"

// Browser is the one headless Chromium of a test package.
type Browser struct {
	ctx    context.Context // the browser's first tab; pages are children of it
	cancel func()
	dir    string // user data directory and font configuration
}

var shared struct {
	once sync.Once
	b    *Browser
	err  error
}

// Main runs a package's tests and then closes the shared browser:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
// Give every test t.Parallel(): each has its own server, database copy and
// browser context, and a test mostly waits for Chromium, so Main lets twice
// as many tests run at once as there are cores (unless -parallel is given).
func Main(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	code := m.Run()
	if shared.b != nil {
		shared.b.close()
	}
	os.Exit(code)
}

// Get returns the package's browser, starting it on first use. Without a
// browser the test is skipped, or failed when CI=true.
func Get(t testing.TB) *Browser {
	t.Helper()
	shared.once.Do(func() { shared.b, shared.err = start() })
	if shared.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium (CI=true): %v", shared.err)
		}
		t.Skipf("browser tests skipped: %v", shared.err)
	}
	return shared.b
}

// FindChromium returns the browser binary: $JIANYI_CHROMIUM, else the first
// of chromium, chromium-browser, google-chrome, google-chrome-stable,
// headless-shell on PATH.
func FindChromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvChromium, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found on PATH (install Debian's chromium package, or set %s)", EnvChromium)
}

func start() (*Browser, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "jianyi-browser-")
	if err != nil {
		return nil, err
	}
	fontsConf, err := writeFontConfig(dir)
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(DesktopWidth, DesktopHeight),
		chromedp.Env("FONTCONFIG_FILE="+fontsConf),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithLogf(func(string, ...any) {}))
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	return &Browser{ctx: ctx, dir: dir, cancel: func() { cancelCtx(); cancelAlloc() }}, nil
}

func (b *Browser) close() {
	b.cancel()
	os.RemoveAll(b.dir)
}

// writeFontConfig makes Chromium see the fonts shipped for the PDFs
// (documents/fonts: WenQuanYi Micro Hei, Arphic Song and Kai) besides the
// system's, so Chinese renders on a machine without CJK fonts installed and
// screenshots look the same everywhere. WenQuanYi Micro Hei is preferred
// for sans-serif (fontconfig would otherwise pick the Kai).
func writeFontConfig(dir string) (string, error) {
	_, self, _, _ := runtime.Caller(0)
	fonts := filepath.Join(filepath.Dir(self), "..", "documents", "fonts")
	conf := `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>` + fonts + `</dir>
  <alias><family>sans-serif</family><prefer><family>WenQuanYi Micro Hei</family></prefer></alias>
  <cachedir>` + filepath.Join(dir, "fontcache") + `</cachedir>
</fontconfig>
`
	p := filepath.Join(dir, "fonts.conf")
	return p, os.WriteFile(p, []byte(conf), 0o644)
}
