package redact

import (
	"errors"
	"regexp"
	"strings"
)

// Errors returned by ValidateMobile and ValidatePhone.
var (
	// ErrMobileInvalid means the value is not an 11-digit mainland mobile number.
	ErrMobileInvalid = errors.New("手机号码应为11位数字，以13至19开头")
	// ErrPhoneInvalid means the value is neither a mobile number nor a
	// landline number with its area code.
	ErrPhoneInvalid = errors.New("联系电话应为11位手机号码或带区号的固定电话（如010-62345678）")
)

var (
	mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// Local numbers never start with 0 or 1; the area code is required
	// because an application may come from anywhere in the country.
	landlinePattern = regexp.MustCompile(`^(?:0[0-9]{2,3}-?|\(0[0-9]{2,3}\))[2-9][0-9]{6,7}(?:-[0-9]{1,6})?$`)
)

// ValidateMobile checks an 11-digit mainland mobile number such as
// "13800138000". Surrounding spaces are ignored; inner separators are not
// accepted, so the stored value is always the plain number.
func ValidateMobile(s string) error {
	if !mobilePattern.MatchString(strings.TrimSpace(s)) {
		return ErrMobileInvalid
	}
	return nil
}

// ValidatePhone checks a contact number on an application form: either a
// mobile number or a landline with area code ("010-12345678",
// "(010)12345678", "0571-8888666-801" with extension).
func ValidatePhone(s string) error {
	s = strings.TrimSpace(s)
	if mobilePattern.MatchString(s) || landlinePattern.MatchString(s) {
		return nil
	}
	return ErrPhoneInvalid
}
