package handlers

import (
	"jianyi/internal/agency"
	"regexp"
	"testing"

	"jianyi/internal/cases"
	"jianyi/templates"
)

var latin = regexp.MustCompile(`[A-Za-z_]`)

// Every field of every action's form is labelled in Chinese, and every
// choice of a "oneof" field too.
func TestActionFormsAreLabelledInChinese(t *testing.T) {
	t.Parallel()
	s := testFormServer(t)
	for _, spec := range cases.Lifecycle {
		payload := s.cases.NewActionPayload(spec.Name)
		for _, f := range formFields(payload, nil, templates.FormErrors{}, nil) {
			if latin.MatchString(f.Label) {
				t.Errorf("%s: field %s is labelled %q", spec.Name, f.Name, f.Label)
			}
			for _, o := range f.Options {
				if latin.MatchString(o.Label) {
					t.Errorf("%s: field %s: choice %s is labelled %q", spec.Name, f.Name, o.Value, o.Label)
				}
			}
		}
	}
}

// testFormServer is a server with the lifecycle's registered payloads.
func testFormServer(t *testing.T) *Server {
	t.Helper()
	acts := cases.NewActions()
	agency.Register(acts)
	return &Server{cases: &cases.Service{Actions: acts}}
}
