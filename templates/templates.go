// Package templates holds Jianyi's web interface: the pages (public, staff,
// agency), the two frames they sit in, the partials for recurring patterns
// and the one stylesheet, all embedded in the binary and parsed once at
// start. html/template escapes every value by context. docs/web.md explains
// how a page is built.
package templates

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"
)

// files holds every template and static asset. A new page directory (e.g.
// staff/) must be added to this line.
//
//go:embed layout partials public staff agency styleguide static
var files embed.FS

// shared are parsed once into the base every page is cloned from.
var shared = []string{"layout/*.html", "partials/*.html"}

// Set is the parsed pages, keyed "dir/name" ("public/apply", "staff/case").
type Set struct {
	pages map[string]*template.Template
	css   string
}

// Parse parses every page with the frames and partials. Dates and times are
// shown in loc. A Set is read-only once parsed, so it is parsed once per time
// zone (by name) and shared: a process that builds several servers — the
// tests build one per test — pays for parsing once.
func Parse(loc *time.Location) (*Set, error) {
	v, _ := parsed.LoadOrStore(loc.String(), sync.OnceValues(func() (*Set, error) { return parse(loc) }))
	return v.(func() (*Set, error))()
}

// parsed holds, per time zone name, the parse of Parse.
var parsed sync.Map

func parse(loc *time.Location) (*Set, error) {
	base := template.New("jianyi").Funcs(funcs(loc))
	for _, pattern := range shared {
		var err error
		if base, err = base.ParseFS(files, pattern); err != nil {
			return nil, err
		}
	}
	all, err := fs.Glob(files, "*/*.html")
	if err != nil {
		return nil, err
	}
	s := &Set{pages: map[string]*template.Template{}}
	for _, name := range all {
		dir := path.Dir(name)
		if dir == "layout" || dir == "partials" {
			continue
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(files, name)
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		s.pages[strings.TrimSuffix(name, ".html")] = t
	}
	css, err := files.ReadFile("static/jianyi.css")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	s.css = "/static/jianyi.css?v=" + hex.EncodeToString(sum[:5])
	return s, nil
}

// Has reports whether a page exists.
func (s *Set) Has(page string) bool { _, ok := s.pages[page]; return ok }

// Render executes a page into a buffer first, so a template error never
// leaves a half-written page, then writes it to w.
func (s *Set) Render(w io.Writer, page string, p *Page) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("templates: no page %q", page)
	}
	p.CSS = s.css
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, path.Base(page)+".html", p); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Static is the embedded static assets (stylesheet, icons), served at /static/.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
