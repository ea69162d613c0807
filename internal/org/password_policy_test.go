package org

import "testing"

func TestCheckNewPassword(t *testing.T) {
	for _, tt := range []struct {
		pw  string
		ok  bool
		why string
	}{
		{"aaaaaaaaaa", false, "one character"},
		{"abababab", false, "two characters"},
		{"12345678", false, "digits"},
		{"87654321", false, "digits backward"},
		{"abcdefgh", false, "alphabet"},
		{"qwertyuiop", false, "keyboard"},
		{"Password123", false, "common, any case"},
		{"woaini1314", false, "common"},
		{"prosecutor1-pw", false, "contains the username"},
		{"short1!", false, "too short"},
		{"demo-pass-2026", true, ""},
		{"清河区检察院2026春", true, "Chinese counts by character"},
		{"Tz9#kq4Lm2", true, ""},
	} {
		err := CheckNewPassword("password", tt.pw, "prosecutor1", 8)
		if (err == nil) != tt.ok {
			t.Errorf("%q (%s): err %v", tt.pw, tt.why, err)
		}
	}
}
