// Package templates holds the server-rendered public pages (citizen
// application form, status look-up, disclosure feed, statistics), embedded in
// the binary and parsed once. html/template escapes every value by context.
package templates

import (
	"embed"
	"html/template"
	"io/fs"
	"strings"
)

//go:embed *.html
var files embed.FS

// Parse parses each page together with base.html and returns them by page
// name ("apply", "disclosures", …).
func Parse() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		if n == "base.html" {
			continue
		}
		t, err := template.ParseFS(files, "base.html", n)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(n, ".html")] = t
	}
	return out, nil
}
