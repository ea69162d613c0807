package redact

import (
	"errors"
	"strings"
	"time"
)

// Errors returned by ValidateResidentID. Each is a sentinel so callers can
// tell the kinds apart with errors.Is; the text is shown to users as is.
var (
	// ErrResidentIDLength means the number is not 18 characters long.
	ErrResidentIDLength = errors.New("身份证号码应为18位")
	// ErrResidentIDCharacters means a character other than a digit (or a
	// final X) was found.
	ErrResidentIDCharacters = errors.New("身份证号码前17位应为数字，最后一位应为数字或X")
	// ErrResidentIDArea means the first two digits are not a province code.
	ErrResidentIDArea = errors.New("身份证号码的地区码无效")
	// ErrResidentIDBirthDate means the birth date does not exist, lies in the
	// future or is implausibly early.
	ErrResidentIDBirthDate = errors.New("身份证号码中的出生日期无效")
	// ErrResidentIDCheckDigit means the last character does not match the
	// GB 11643 check digit of the first seventeen.
	ErrResidentIDCheckDigit = errors.New("身份证号码校验位不正确")
)

// chinaTime is UTC+8 as a fixed zone so that validation does not depend on
// the host's time zone database.
var chinaTime = time.FixedZone("CST", 8*60*60)

// earliestBirthDate rejects birth dates nobody alive can have; it is fixed
// rather than relative so that the rule is easy to state to users.
var earliestBirthDate = time.Date(1900, time.January, 1, 0, 0, 0, 0, chinaTime)

// provinceCodes are the first two digits of the administrative division
// codes (GB/T 2260), plus 71 (台湾) and 81–83 used by residence permits for
// Hong Kong, Macao and Taiwan residents.
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// checkDigitWeights are the GB 11643-1999 weights 2^(17-i) mod 11.
var checkDigitWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkDigits maps the weighted sum mod 11 to the check character.
const checkDigits = "10X98765432"

// ValidateResidentID checks an 18-digit PRC resident identity card number
// (居民身份证号码): province code, birth date, and the GB 11643 check digit.
// A lower-case x is accepted. The returned error is one of the
// ErrResidentID* sentinels.
func ValidateResidentID(s string) error {
	return ValidateResidentIDAt(s, time.Now())
}

// ValidateResidentIDAt is ValidateResidentID with the day that bounds the
// birth date given (the service's clock).
func ValidateResidentIDAt(s string, now time.Time) error {
	if len(s) != 18 {
		return ErrResidentIDLength
	}
	for i := 0; i < 17; i++ {
		if !isASCIIDigit(s[i]) {
			return ErrResidentIDCharacters
		}
	}
	last := s[17]
	if !isASCIIDigit(last) && last != 'X' && last != 'x' {
		return ErrResidentIDCharacters
	}
	if !provinceCodes[s[:2]] {
		return ErrResidentIDArea
	}
	if !plausibleBirthDate(s[6:14], now) {
		return ErrResidentIDBirthDate
	}
	if residentIDCheckDigit(s[:17]) != upperASCII(last) {
		return ErrResidentIDCheckDigit
	}
	return nil
}

// residentIDCheckDigit computes the check character for 17 ASCII digits.
func residentIDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * checkDigitWeights[i]
	}
	return checkDigits[sum%11]
}

// plausibleBirthDate reports whether yyyymmdd is a real calendar date
// between earliestBirthDate and now.
func plausibleBirthDate(yyyymmdd string, now time.Time) bool {
	birth, err := time.ParseInLocation("20060102", yyyymmdd, chinaTime)
	if err != nil {
		return false
	}
	return !birth.Before(earliestBirthDate) && !birth.After(now.In(chinaTime))
}

// MaskResidentID hides the birth date and sequence of a resident ID for
// display to staff ("110105********123X"): the area code and the last four
// characters stay, so a person can still be told apart from a namesake. A
// string that is not 15 or 18 characters long is masked entirely.
func MaskResidentID(s string) string {
	s = strings.TrimSpace(s)
	n := len([]rune(s))
	if n != 18 && n != 15 {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	return string(r[:6]) + strings.Repeat("*", n-10) + strings.ToUpper(string(r[n-4:]))
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

func upperASCII(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}
