package handlers_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"jianyi/handlers"
)

// Every public JSON route is in the merged contract.
func TestPublicRoutesAreDocumented(t *testing.T) {
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
	for _, route := range []string{
		"GET /api/v1/public/procuratorates", "GET /api/v1/public/challenge", "POST /api/v1/public/applications",
		"GET /api/v1/public/applications/{tracking_no}", "POST /api/v1/public/applications/{tracking_no}/materials",
		"GET /api/v1/public/applications/{tracking_no}/notice.pdf", "GET /api/v1/public/disclosures",
		"GET /api/v1/public/disclosures/{id}", "GET /api/v1/public/stats", "GET /api/v1/applications",
		"GET /api/v1/applications/{id}", "GET /api/v1/applications/{id}/files/{file_id}", "POST /api/v1/applications/{id}/answer",
		"POST /api/v1/applications/{id}/decide", "POST /api/v1/applications/{id}/progress",
		"POST /api/v1/cases/{id}/disclosure/preview", "POST /api/v1/cases/{id}/disclosure/publish",
		"POST /api/v1/cases/{id}/disclosure/refresh", "POST /api/v1/cases/{id}/disclosure/withdraw",
	} {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s not documented", route)
		}
	}
	if strings.Contains(string(raw), "#/components/schemas/Public") && !strings.Contains(string(raw), "PublicDisclosure:") {
		t.Error("schemas not merged")
	}
}
