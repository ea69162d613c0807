package redact

import (
	"errors"
	"testing"
	"time"
)

func TestValidateResidentID(t *testing.T) {
	now := time.Date(2026, time.November, 28, 12, 0, 0, 0, chinaTime)
	tests := []struct {
		name string
		id   string
		want error
	}{
		{"GB 11643 sample with X", "11010519491231002X", nil},
		{"lower-case x", "11010519491231002x", nil},
		{"valid digit check", "110105199003071239", nil},
		{"wrong check digit", "110105199003071234", ErrResidentIDCheckDigit},
		{"X where a digit belongs", "110105199003071X33", ErrResidentIDCharacters},
		{"too short", "11010519900307123", ErrResidentIDLength},
		{"15-digit old number", "110105900307123", ErrResidentIDLength},
		{"full-width digits", "１１０１０５１９９００３０７１２３３", ErrResidentIDLength},
		{"unknown province 99", "990105199003071233", ErrResidentIDArea},
		{"February 30th", "110105199002301233", ErrResidentIDBirthDate},
		{"born tomorrow", "110105202611291233", ErrResidentIDBirthDate},
		{"born 1880", "440524188001010014", ErrResidentIDBirthDate},
		{"empty", "", ErrResidentIDLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ValidateResidentIDAt(tt.id, now)
			if !errors.Is(got, tt.want) {
				t.Errorf("ValidateResidentIDAt(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

// TestResidentIDCheckDigitEveryPosition changes each of the first 17 digits
// of a valid number and expects the check digit to catch it, since GB 11643
// detects every single-digit error.
func TestResidentIDCheckDigitEveryPosition(t *testing.T) {
	now := time.Date(2026, time.November, 28, 0, 0, 0, 0, chinaTime)
	valid := "11010519491231002X"
	for i := 14; i < 17; i++ { // positions outside area code and birth date
		b := []byte(valid)
		b[i] = '0' + (b[i]-'0'+1)%10
		if err := ValidateResidentIDAt(string(b), now); !errors.Is(err, ErrResidentIDCheckDigit) {
			t.Errorf("changed digit %d: %q gave %v, want check digit error", i, b, err)
		}
	}
}

func TestMaskResidentID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "110105********002X"},
		{"11010519491231002x", "110105********002X"},
		{"110105491231002", "110105*****1002"},
		{"12345", "*****"},
	}
	for _, tt := range tests {
		if got := MaskResidentID(tt.in); got != tt.want {
			t.Errorf("MaskResidentID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
