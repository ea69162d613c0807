package calendar

import (
	"bytes"
	"cmp"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// dateLayout is the only textual form a Date has in JSON, the database and URLs.
const dateLayout = "2006-01-02"

// ErrInvalidDate is wrapped by every error about a malformed or impossible date,
// so handlers can map it to a 400 with errors.Is.
var ErrInvalidDate = errors.New("日期无效")

// Date is a civil calendar date as used in legal deadlines: no time of day and
// no zone. The zero Date means "no date" and is stored as NULL and sent as null.
// Dates are comparable with == and usable as map keys.
type Date struct {
	year  int
	month time.Month
	day   int
}

// NewDate returns the date year-month-day, normalising out-of-range values the
// way time.Date does (2026-02-30 becomes 2026-03-02).
func NewDate(year int, month time.Month, day int) Date {
	return dateFromTime(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// ParseDate parses the strict "YYYY-MM-DD" form and rejects dates that do not
// exist, such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	if d, ok := parseDigits(s); ok {
		return d, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w：%q 不是有效日期，应为 YYYY-MM-DD 格式", ErrInvalidDate, s)
	}
	return dateFromTime(t), nil
}

// parseDigits is ParseDate's fast path for a well-formed date (dates are
// read by the hundred thousand from the database): "YYYY-MM-DD" in digits,
// the month 1–12 and the day in the month; anything else goes to
// time.Parse, which also words the error.
func parseDigits(s string) (Date, bool) {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return Date{}, false
		}
		n = n*10 + int(c-'0')
	}
	y, m, d := n/10000, time.Month(n/100%100), n%100
	if m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, false
	}
	return Date{year: y, month: m, day: d}, true
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateOf returns the calendar date of the instant t as seen in loc (the
// configured zone, see Clock).
func DateOf(t time.Time, loc *time.Location) Date {
	return dateFromTime(t.In(loc))
}

// dateFromTime takes the wall-clock date of t in t's own location.
func dateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{year: y, month: m, day: d}
}

// MidnightUTC is the date as an instant, used only for arithmetic: UTC has no
// daylight saving, so every day is exactly 24 hours long.
func (d Date) MidnightUTC() time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC)
}

// Year returns the year of d.
func (d Date) Year() int { return d.year }

// Month returns the month of d.
func (d Date) Month() time.Month { return d.month }

// Day returns the day of the month of d.
func (d Date) Day() int { return d.day }

// IsZero reports whether d is the zero Date, meaning "no date".
func (d Date) IsZero() bool { return d == Date{} }

// String returns d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.AppendString(make([]byte, 0, len(dateLayout))))
}

// AppendString appends String() to b (nothing for the zero Date) without
// allocating: the ledger writes dates by the million.
func (d Date) AppendString(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	if d.year < 0 || d.year > 9999 {
		return d.MidnightUTC().AppendFormat(b, dateLayout)
	}
	// What Format writes, without its layout parsing.
	at := len(b)
	b = append(b, "0000-00-00"...)
	put := func(from, v, width int) {
		for i := at + from + width - 1; i >= at+from; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, d.year, 4)
	put(5, int(d.month), 2)
	put(8, d.day, 2)
	return b
}

// Chinese returns d as written in documents, e.g. "2026年3月5日".
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.year, int(d.month), d.day)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.MidnightUTC().Weekday() }

var chineseWeekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// ChineseWeekday returns the weekday of d in Chinese, e.g. "星期一".
func (d Date) ChineseWeekday() string { return chineseWeekdays[d.Weekday()] }

// IsWeekend reports whether d falls on a Saturday or Sunday, regardless of any
// holiday arrangement.
func (d Date) IsWeekend() bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date {
	return dateFromTime(d.MidnightUTC().AddDate(0, 0, n))
}

// DaysUntil returns the number of calendar days from d to other; it is
// negative when other is earlier.
func (d Date) DaysUntil(other Date) int {
	const secondsPerDay = 24 * 60 * 60
	return int((other.MidnightUTC().Unix() - d.MidnightUTC().Unix()) / secondsPerDay)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after other, for use
// with slices.SortFunc.
func (d Date) Compare(other Date) int {
	if c := cmp.Compare(d.year, other.year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.month, other.month); c != 0 {
		return c
	}
	return cmp.Compare(d.day, other.day)
}

// Before reports whether d is earlier than other.
func (d Date) Before(other Date) bool { return d.Compare(other) < 0 }

// After reports whether d is later than other.
func (d Date) After(other Date) bool { return d.Compare(other) > 0 }

// Equal reports whether d and other are the same day.
func (d Date) Equal(other Date) bool { return d == other }

// MarshalJSON encodes d as "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	// One allocation (the list pages encode thousands of dates a second).
	b := append(make([]byte, 0, len(dateLayout)+2), '"')
	return append(d.AppendString(b), '"'), nil
}

// UnmarshalJSON accepts "YYYY-MM-DD", null or "" (both meaning no date).
func (d *Date) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%w：%s 不是日期字符串，应为 \"YYYY-MM-DD\"", ErrInvalidDate, data)
	}
	return d.UnmarshalText([]byte(s))
}

// MarshalText encodes d as "YYYY-MM-DD" (empty for the zero Date), so a Date
// works as a map key and in query parameters.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText parses "YYYY-MM-DD"; empty text is the zero Date because HTML
// forms send an empty string for a date left blank.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	parsed, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// Value stores d as a "YYYY-MM-DD" string, which sorts correctly in both
// SQLite TEXT and MySQL VARCHAR(10) columns; the zero Date stores as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date column. Besides the string Jianyi writes, it accepts
// time.Time because MySQL with parseTime and SQLite DATE columns return one;
// the wall-clock date is taken in the value's own zone so no day shift occurs.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		if v.IsZero() {
			*d = Date{}
			return nil
		}
		*d = dateFromTime(v)
		return nil
	case string:
		return d.ScanText(v)
	case []byte:
		return d.ScanText(string(v))
	default:
		return fmt.Errorf("%w：无法从数据库类型 %T 读取日期", ErrInvalidDate, src)
	}
}

// ScanText is Scan of a text value (without boxing it in an interface, which
// allocates — the ledger reads dates by the million). It tolerates a
// time-of-day suffix ("2026-03-05 00:00:00" or RFC 3339) because a column
// filled by another tool may hold a full timestamp.
func (d *Date) ScanText(s string) error {
	if len(s) > len(dateLayout) && (s[len(dateLayout)] == ' ' || s[len(dateLayout)] == 'T') {
		s = s[:len(dateLayout)]
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// GormDataType tells GORM to treat Date as a string column; without it GORM
// cannot infer a type from a Valuer whose zero value is NULL.
func (Date) GormDataType() string { return "string" }

// StartIn is the UTC instant the date begins in loc.
func (d Date) StartIn(loc *time.Location) time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, loc).UTC()
}
