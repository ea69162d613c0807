package database

import (
	"testing"
	"time"
)

// TestParseStoredTime: the digit parser reads what time.Parse reads, as the
// same instant, and leaves everything else to the layouts.
func TestParseStoredTime(t *testing.T) {
	for _, s := range []string{"2025-08-08 05:35:36.883089+00:00", "2025-08-08 05:35:36+00:00", "2025-08-08 05:35:36.1+08:00",
		"2025-08-08T05:35:36.123456789-05:30", "2025-08-08 05:35:36", "2025-08-08 05:35:36.5", "2024-02-29 23:59:59Z",
		"2025-12-31 00:00:00.000000+00:00"} {
		got, ok := parseStoredTime(s)
		var want time.Time
		var err error
		for _, layout := range sqliteTimeLayouts[1:] {
			if want, err = time.ParseInLocation(layout, trimZ(s), time.UTC); err == nil {
				break
			}
		}
		if !ok || err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"", "2025-08-08", "2025-08-08 05:35", "2025-02-30 00:00:00", "2025-08-08 24:00:00", "2025-08-08 05:35:36.",
		"2025-08-08 05:35:36.1234567890", "2025-08-08 05:35:36 +0000 UTC", "2025-08-08 05:35:36+0800", "2025/08/08 05:35:36"} {
		if v, ok := parseStoredTime(s); ok {
			t.Errorf("%q read as %v", s, v)
		}
	}
	var st NullTime
	for _, s := range []string{"2025-08-08", "2025-08-08 05:35", "2025-08-08 05:35:36.883089 +0000 UTC m=+0.000000001", "2025-08-08T05:35:36Z"} {
		if err := st.Scan(s); err != nil || !st.Valid || st.Time.Year() != 2025 {
			t.Errorf("%q: %v %v", s, st, err)
		}
	}
	if err := st.Scan(nil); err != nil || st.Valid {
		t.Errorf("NULL: %v %v", st, err)
	}
	if err := st.Scan("not a time"); err == nil {
		t.Error("text read as a time")
	}
}

func trimZ(s string) string {
	if len(s) > 0 && s[len(s)-1] == 'Z' {
		return s[:len(s)-1]
	}
	return s
}
