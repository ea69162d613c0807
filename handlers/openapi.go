package handlers

import (
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"sync"

	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v3"

	"jianyi"
)

var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
	openAPIErr  error
)

// OpenAPIDocument returns the API contract: openapi.yaml with the per-feature
// fragments under openapi/ merged into its paths and components, so features
// can be documented without editing one shared file.
func OpenAPIDocument() ([]byte, error) {
	openAPIOnce.Do(func() { openAPIDoc, openAPIErr = buildOpenAPI() })
	return openAPIDoc, openAPIErr
}

func buildOpenAPI() ([]byte, error) {
	raw, err := fs.ReadFile(jianyi.OpenAPIFiles, "openapi.yaml")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	names, err := fs.Glob(jianyi.OpenAPIFiles, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		fragRaw, err := fs.ReadFile(jianyi.OpenAPIFiles, name)
		if err != nil {
			return nil, err
		}
		var frag map[string]any
		if err := yaml.Unmarshal(fragRaw, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := mergeSection(doc, frag, "paths", name); err != nil {
			return nil, err
		}
		comps, _ := frag["components"].(map[string]any)
		for section, v := range comps {
			target := ensureMap(ensureMap(doc, "components"), section)
			src, _ := v.(map[string]any)
			for k, val := range src {
				if _, dup := target[k]; dup {
					return nil, fmt.Errorf("%s: components.%s.%s defined twice", name, section, k)
				}
				target[k] = val
			}
		}
		if tags, ok := frag["tags"].([]any); ok {
			existing, _ := doc["tags"].([]any)
			doc["tags"] = append(existing, tags...)
		}
	}
	return yaml.Marshal(doc)
}

func mergeSection(doc, frag map[string]any, key, name string) error {
	src, _ := frag[key].(map[string]any)
	target := ensureMap(doc, key)
	for k, v := range src {
		if _, dup := target[k]; dup {
			return fmt.Errorf("%s: %s %q defined twice", name, key, k)
		}
		target[k] = v
	}
	return nil
}

func ensureMap(m map[string]any, key string) map[string]any {
	v, ok := m[key].(map[string]any)
	if !ok {
		v = map[string]any{}
		m[key] = v
	}
	return v
}

func (s *Server) openAPI(c echo.Context) error {
	doc, err := OpenAPIDocument()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", doc)
}
