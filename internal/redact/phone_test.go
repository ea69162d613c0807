package redact

import (
	"errors"
	"testing"
)

func TestValidateMobile(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"13800138000", nil},
		{" 19912345678 ", nil},
		{"12800138000", ErrMobileInvalid},
		{"1380013800", ErrMobileInvalid},
		{"138-0013-8000", ErrMobileInvalid},
		{"010-12345678", ErrMobileInvalid},
		{"", ErrMobileInvalid},
	}
	for _, tt := range tests {
		if got := ValidateMobile(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("ValidateMobile(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidatePhone(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"13800138000", nil},
		{"010-62345678", nil},
		{"01062345678", nil},
		{"(010)62345678", nil},
		{"0571-8888666", nil},
		{"0571-88886666-801", nil},
		{"62345678", ErrPhoneInvalid},
		{"010-02345678", ErrPhoneInvalid},
		{"abc", ErrPhoneInvalid},
	}
	for _, tt := range tests {
		if got := ValidatePhone(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("ValidatePhone(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
