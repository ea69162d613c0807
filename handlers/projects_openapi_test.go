package handlers_test

import (
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/handlers"
)

// TestProjectsRoutesDocumented checks every route of this feature is in the
// merged OpenAPI document with its method.
func TestProjectsRoutesDocumented(t *testing.T) {
	t.Parallel()
	raw, err := handlers.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	db := dbtest.Open(t, "sqlite")
	env := apitest.New(t, db)
	param := regexp.MustCompile(`:([a-z_]+)`)
	mine := regexp.MustCompile(`^/api/v1/(projects|reviews|review-items|stats|agency/recommendations/:id/rating)`)
	n := 0
	for _, r := range env.Echo.Routes() {
		if !mine.MatchString(r.Path) {
			continue
		}
		n++
		p := param.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not documented in openapi/projects.yaml", r.Method, p)
		}
	}
	if n < 25 {
		t.Fatalf("only %d routes matched", n)
	}
}
