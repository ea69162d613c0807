package handlers

import (
	"errors"
	"testing"

	"jianyi/internal/platform/apperr"
)

type labelProbe struct {
	Opinion string           `json:"opinion" validate:"required"`
	Items   []labelProbeItem `json:"items" validate:"required,min=1,dive"`
	Custom  string           `json:"custom_name" validate:"required"`
}

type labelProbeItem struct {
	LegalBasis string `json:"legal_basis" validate:"required"`
}

// TestValidationMessagesUseChineseLabels: messages name fields in Chinese,
// while the fields map stays keyed by the JSON path the client sent.
func TestValidationMessagesUseChineseLabels(t *testing.T) {
	t.Parallel()
	err := NewValidator().Validate(&labelProbe{Items: []labelProbeItem{{}}})
	var de *apperr.Error
	if !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
	want := map[string]string{
		"opinion":              "意见为必填字段",
		"items[0].legal_basis": "法律依据为必填字段",
		"custom_name":          "custom_name为必填字段",
	}
	for k, v := range want {
		if de.Fields[k] != v {
			t.Errorf("fields[%q] = %q, want %q (all: %v)", k, de.Fields[k], v, de.Fields)
		}
	}
	if len(de.Fields) != len(want) {
		t.Errorf("fields %v", de.Fields)
	}
}
