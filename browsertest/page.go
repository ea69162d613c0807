package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The two widths every page is looked at.
const (
	DesktopWidth  = 1280
	DesktopHeight = 900
	PhoneWidth    = 390
	PhoneHeight   = 844
)

// EnvScreenshots names the directory screenshots are written to (relative
// paths are taken from the repository root). Unset: no files are written,
// but the 390 px layout is still checked.
const EnvScreenshots = "JIANYI_SCREENSHOTS"

// actionTimeout bounds one browser step (a busy 2-core machine included).
const actionTimeout = 30 * time.Second

// Serve starts handler (the real router) on a local HTTP server for the
// test and returns its root URL.
func Serve(t testing.TB, handler http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Page is one browser tab with its own cookies (a fresh browser context),
// looking at the site at Base.
type Page struct {
	T    testing.TB
	Base string
	// SkipA11y turns off the accessibility check that runs on every page
	// Open and Click reach. Leave it on.
	SkipA11y   bool
	ctx        context.Context
	status     int
	lastStatus atomic.Int64 // of the last HTML document received
}

// NewPage opens a tab at desktop size. It closes when the test ends.
func (b *Browser) NewPage(t testing.TB, base string) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &Page{T: t, Base: strings.TrimSuffix(base, "/"), ctx: ctx}
	// The first run binds the tab's life to its context: no deadline here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser: open a tab: %v", err)
	}
	p.do("desktop size", chromedp.EmulateViewport(DesktopWidth, DesktopHeight))
	err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && r.Type == network.ResourceTypeDocument {
			p.lastStatus.Store(r.Response.Status)
		}
	})
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return p
}

func (p *Page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.T.Fatalf("browser: %s: %v", what, err)
	}
}

// Open navigates to path (relative to Base), records the status and checks
// the page's accessibility.
func (p *Page) Open(path string) *Page {
	p.T.Helper()
	p.navigate("open "+path, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: p.Base + path})
		if err == nil && res.ErrorText != "" {
			err = fmt.Errorf("%s", res.ErrorText)
		}
		return err
	}))
	return p
}

// navigate runs an action that leaves the page, waits until the next
// document has loaded, and checks it. The document on screen is marked
// first; the next one has no mark, so a click that goes nowhere fails after
// the timeout instead of passing on the old page.
func (p *Page) navigate(what string, action chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	p.do(what, chromedp.Evaluate[chromedp.Void](`window.__jianyiPrevious = true`), action)
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	for {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__jianyiPrevious === undefined && document.readyState === 'complete'`))
		if err == nil && loaded {
			break
		}
		select {
		case <-ctx.Done():
			p.T.Fatalf("browser: %s: no new page within %s", what, actionTimeout)
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.status = int(p.lastStatus.Load())
	p.afterLoad()
}

// Status is the HTTP status of the document on screen.
func (p *Page) Status() int { return p.status }

// URL is the address on screen, relative to Base (path and query).
func (p *Page) URL() string {
	var href string
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	href, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	if u, err := url.Parse(href); err == nil {
		return u.RequestURI()
	}
	return href
}

func (p *Page) afterLoad() {
	p.T.Helper()
	if !p.SkipA11y {
		p.CheckA11y()
	}
}

// findField marks the control labelled label (exact text, else the first
// label starting with it; the 必填 tag is ignored) and returns its selector.
func (p *Page) findField(label string) (sel, kind string) {
	p.T.Helper()
	var r struct{ Mark, Kind, Error string }
	p.Eval(&r, findFieldJS, label)
	if r.Error != "" {
		p.T.Fatalf("browser: %s on %s", r.Error, p.URL())
	}
	return `[data-bt="` + r.Mark + `"]`, r.Kind
}

// Fill types value into the text field, text area or date field labelled label.
func (p *Page) Fill(label, value string) *Page {
	p.T.Helper()
	sel, kind := p.findField(label)
	switch kind {
	case "select-one", "select-multiple", "checkbox", "radio", "file", "fieldset":
		p.T.Fatalf("browser: Fill(%q): the field is a %s", label, kind)
	}
	p.Eval(nil, setValueJS, sel, value)
	return p
}

// Select chooses the option shown as option in the select labelled label.
func (p *Page) Select(label, option string) *Page {
	p.T.Helper()
	sel, kind := p.findField(label)
	if !strings.HasPrefix(kind, "select") {
		p.T.Fatalf("browser: Select(%q): the field is a %s", label, kind)
	}
	var errText string
	p.Eval(&errText, selectJS, sel, option)
	if errText != "" {
		p.T.Fatalf("browser: Select(%q, %q): %s", label, option, errText)
	}
	return p
}

// Check ticks the checkbox or radio button labelled label.
func (p *Page) Check(label string) *Page {
	p.T.Helper()
	sel, kind := p.findField(label)
	if kind != "checkbox" && kind != "radio" {
		p.T.Fatalf("browser: Check(%q): the field is a %s", label, kind)
	}
	p.Eval(nil, `(sel) => { const e = document.querySelector(sel); e.checked = true; e.dispatchEvent(new Event('change', {bubbles: true})); }`, sel)
	return p
}

// Upload puts files (paths on disk) into the file field labelled label.
func (p *Page) Upload(label string, paths ...string) *Page {
	p.T.Helper()
	sel, kind := p.findField(label)
	if kind != "file" {
		p.T.Fatalf("browser: Upload(%q): the field is a %s", label, kind)
	}
	p.do("upload "+label, chromedp.SetUploadFiles(chromedp.CSS(sel), paths))
	return p
}

// Click presses the button or follows the link whose text (or aria-label)
// is text, waits for the page it leads to, records its status and checks
// its accessibility.
func (p *Page) Click(text string) *Page {
	p.T.Helper()
	var r struct{ Mark, Error string }
	p.Eval(&r, findClickableJS, text)
	if r.Error != "" {
		p.T.Fatalf("browser: %s on %s", r.Error, p.URL())
	}
	p.navigate("click "+text, chromedp.Click(chromedp.CSS(`[data-bt="`+r.Mark+`"]`)))
	return p
}

// Text is the visible text of the page.
func (p *Page) Text() string {
	p.T.Helper()
	var s string
	p.Eval(&s, `() => document.body.innerText`)
	return s
}

// TextOf is the visible text of the first element matching css ("" if none).
func (p *Page) TextOf(css string) string {
	p.T.Helper()
	var s string
	p.Eval(&s, `(sel) => { const e = document.querySelector(sel); return e ? e.innerText : ""; }`, css)
	return s
}

// HTML is the page's markup as the browser holds it.
func (p *Page) HTML() string {
	p.T.Helper()
	var s string
	p.Eval(&s, `() => document.documentElement.outerHTML`)
	return s
}

// Count is the number of elements matching css.
func (p *Page) Count(css string) int {
	p.T.Helper()
	var n int
	p.Eval(&n, `(sel) => document.querySelectorAll(sel).length`, css)
	return n
}

// Eval runs a JavaScript function expression with JSON arguments and decodes
// its result into out (a promise is awaited).
func (p *Page) Eval(out any, fn string, args ...any) {
	p.T.Helper()
	enc := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			p.T.Fatal(err)
		}
		enc[i] = string(b)
	}
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte]("("+fn+")("+strings.Join(enc, ",")+")", chromedp.EvalAwaitPromise))
	if err != nil {
		p.T.Fatalf("browser: script on %s: %v", p.URL(), err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.T.Fatalf("browser: script result %s: %v", raw, err)
		}
	}
}

// MustSee fails the test unless the page shows every text.
func (p *Page) MustSee(texts ...string) *Page {
	p.T.Helper()
	body := p.Text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			p.T.Errorf("%s does not show %q; it shows:\n%s", p.URL(), s, clip(body, 1500))
		}
	}
	return p
}

// MustNotSee fails the test if the page shows any of the texts.
func (p *Page) MustNotSee(texts ...string) *Page {
	p.T.Helper()
	body := p.Text()
	for _, s := range texts {
		if strings.Contains(body, s) {
			p.T.Errorf("%s shows %q, which it must not", p.URL(), s)
		}
	}
	return p
}

// LogIn signs a user in through the login page. Its contract: /login has
// fields labelled 用户名 and 密码 and a button 登录.
func (p *Page) LogIn(username, password string) *Page {
	p.T.Helper()
	return p.Open("/login").Fill("用户名", username).Fill("密码", password).Click("登录")
}

// Screenshot checks that the page fits a 390 px phone without sideways
// scrolling and, when JIANYI_SCREENSHOTS names a directory, writes
// name-1280.png and name-390.png there (whole page).
func (p *Page) Screenshot(name string) {
	p.T.Helper()
	dir := ScreenshotDir()
	if dir != "" {
		p.shoot(filepath.Join(dir, name+"-1280.png"))
	}
	p.atPhoneWidth(func() {
		p.checkFits()
		if dir != "" {
			p.shoot(filepath.Join(dir, name+"-390.png"))
		}
	})
}

// CheckPhoneWidth checks that the page fits a 390 px phone without sideways
// scrolling (Screenshot does too).
func (p *Page) CheckPhoneWidth() {
	p.T.Helper()
	p.atPhoneWidth(p.checkFits)
}

// AtPhoneWidth runs fn with the page at a 390 px phone's size (then back
// at the desktop's).
func (p *Page) AtPhoneWidth(fn func()) {
	p.T.Helper()
	p.atPhoneWidth(fn)
}

func (p *Page) atPhoneWidth(fn func()) {
	p.T.Helper()
	p.do("phone size", chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	defer p.do("desktop size", chromedp.EmulateViewport(DesktopWidth, DesktopHeight))
	fn()
}

func (p *Page) checkFits() {
	p.T.Helper()
	var overflow []string
	p.Eval(&overflow, overflowJS)
	if len(overflow) > 0 {
		p.T.Errorf("%s does not fit a %d px phone (sideways scrolling):\n  - %s", p.URL(), PhoneWidth, strings.Join(overflow, "\n  - "))
	}
}

func (p *Page) shoot(file string) {
	p.T.Helper()
	var size struct{ W, H float64 }
	p.Eval(&size, `() => ({W: document.documentElement.clientWidth, H: Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)})`)
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true),
			Clip: &page.Viewport{Width: size.W, Height: size.H, Scale: 1},
		})
		return r.Data, err
	})
	if err != nil {
		p.T.Fatalf("browser: screenshot %s: %v", file, err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		p.T.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.T.Fatal(err)
	}
}

// ScreenshotDir is the directory JIANYI_SCREENSHOTS names ("" when unset),
// relative paths taken from the repository root.
func ScreenshotDir() string {
	dir := os.Getenv(EnvScreenshots)
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", dir)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + fmt.Sprintf("…（共 %d 字）", len(r))
}
