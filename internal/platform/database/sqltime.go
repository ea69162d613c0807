package database

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// TimeColumn selects a timestamp column so that NullTime reads it: as text on
// SQLite, whose driver would otherwise parse every value itself — first in
// t.String()'s layout, which fails and allocates its error, then in the
// layout it writes (a seventh of a ledger export's allocations) — and as is
// elsewhere.
func TimeColumn(tx *gorm.DB, col string) string {
	if tx.Name() == "sqlite" {
		return "CAST(" + col + " AS TEXT)"
	}
	return col
}

// NullTime scans a nullable timestamp (best selected by timeColumn): a time.Time
// from the driver, or the text SQLite holds — the layout its driver writes
// ("2006-01-02 15:04:05.999999999-07:00") read digit by digit, any other
// text by the layouts the driver reads.
type NullTime struct {
	Time  time.Time
	Valid bool
}

// Ptr is the time, nil when NULL.
func (t NullTime) Ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func (t *NullTime) Scan(src any) error {
	t.Time, t.Valid = time.Time{}, src != nil
	switch v := src.(type) {
	case nil:
		return nil
	case time.Time:
		t.Time = v
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	return fmt.Errorf("database: a timestamp read as %T", src)
}

// sqliteTimeLayouts are the layouts SQLite's driver reads, in its order
// (after t.String()'s).
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05",
	"2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

// ScanText is Scan of a non-NULL text (without boxing it in an interface).
func (t *NullTime) ScanText(s string) error {
	t.Time, t.Valid = time.Time{}, true
	return t.parse(s)
}

func (t *NullTime) parse(s string) error {
	if v, ok := parseStoredTime(s); ok {
		t.Time = v
		return nil
	}
	if i := strings.Index(s, " m="); i > 0 { // t.String() of a monotonic time
		s = s[:i]
	}
	for i, layout := range sqliteTimeLayouts {
		in := s
		if i > 0 {
			in = strings.TrimSuffix(s, "Z")
		}
		if v, err := time.ParseInLocation(layout, in, time.UTC); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("database: %q is not a timestamp", s)
}

// parseStoredTime reads "YYYY-MM-DD HH:MM:SS", an optional fraction of up
// to nine digits and an optional zone ("Z" or ±HH:MM; UTC without one).
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	var f [6]int
	for i, at := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		n, ok := num(at[0], at[1])
		if !ok {
			return time.Time{}, false
		}
		f[i] = n
	}
	rest := s[19:]
	nsec := 0
	if strings.HasPrefix(rest, ".") {
		end := 1
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		digits := end - 1
		if digits == 0 || digits > 9 {
			return time.Time{}, false
		}
		n, _ := num(20, 20+digits)
		for i := digits; i < 9; i++ {
			n *= 10
		}
		nsec, rest = n, rest[end:]
	}
	loc := time.UTC
	switch {
	case rest == "" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, ok1 := num(len(s)-5, len(s)-3)
		m, ok2 := num(len(s)-2, len(s))
		if !ok1 || !ok2 || h > 23 || m > 59 {
			return time.Time{}, false
		}
		off := (h*60 + m) * 60
		if rest[0] == '-' {
			off = -off
		}
		if off != 0 {
			loc = time.FixedZone("", off)
		}
	default:
		return time.Time{}, false
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	v := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, loc)
	if v.Day() != f[2] { // 31 April and the like
		return time.Time{}, false
	}
	return v, true
}
