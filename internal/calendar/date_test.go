package calendar

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// mustDate parses s or fails the test; it keeps tables readable.
func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "2026-03-05", want: NewDate(2026, time.March, 5)},
		{in: "2028-02-29", want: NewDate(2028, time.February, 29)},
		{in: "2027-02-29", wantErr: true},
		{in: "2026-02-30", wantErr: true},
		{in: "2026-3-5", wantErr: true},
		{in: "2026/03/05", wantErr: true},
		{in: "2026-03-05T00:00:00Z", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("ParseDate(%q) error = %v, want ErrInvalidDate", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDateFormatting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date        Date
		wantString  string
		wantChinese string
		wantWeekday string
	}{
		{NewDate(2026, time.March, 5), "2026-03-05", "2026年3月5日", "星期四"},
		{NewDate(2026, time.October, 12), "2026-10-12", "2026年10月12日", "星期一"},
		{NewDate(2026, time.February, 15), "2026-02-15", "2026年2月15日", "星期日"},
		{NewDate(2026, time.February, 14), "2026-02-14", "2026年2月14日", "星期六"},
		{Date{}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.wantString, func(t *testing.T) {
			if got := tt.date.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := tt.date.Chinese(); got != tt.wantChinese {
				t.Errorf("Chinese() = %q, want %q", got, tt.wantChinese)
			}
			if tt.date.IsZero() {
				return
			}
			if got := tt.date.ChineseWeekday(); got != tt.wantWeekday {
				t.Errorf("ChineseWeekday() = %q, want %q", got, tt.wantWeekday)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		days int
		want string
	}{
		{"2026-12-31", 1, "2027-01-01"},
		{"2028-02-28", 1, "2028-02-29"},
		{"2027-02-28", 1, "2027-03-01"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2026-01-30", 59, "2026-03-30"},
		{"2026-06-15", 0, "2026-06-15"},
		{"2026-01-01", 365, "2027-01-01"},
		{"2028-01-01", 366, "2029-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			from, want := mustDate(t, tt.from), mustDate(t, tt.want)
			got := from.AddDays(tt.days)
			if got != want {
				t.Fatalf("%s.AddDays(%d) = %s, want %s", from, tt.days, got, want)
			}
			if n := from.DaysUntil(got); n != tt.days {
				t.Errorf("DaysUntil = %d, want %d", n, tt.days)
			}
			if n := got.DaysUntil(from); n != -tt.days {
				t.Errorf("reverse DaysUntil = %d, want %d", n, -tt.days)
			}
			if tt.days > 0 && !(from.Before(got) && got.After(from) && !from.Equal(got)) {
				t.Errorf("ordering of %s and %s wrong", from, got)
			}
		})
	}
}

func TestDateCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-03-05", "2026-03-05", 0},
		{"2026-03-05", "2026-03-06", -1},
		{"2026-03-31", "2026-04-01", -1},
		{"2027-01-01", "2026-12-31", 1},
	}
	for _, tt := range tests {
		a, b := mustDate(t, tt.a), mustDate(t, tt.b)
		if got := a.Compare(b); got != tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, tt.want)
		}
		if got := b.Compare(a); got != -tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", b, a, got, -tt.want)
		}
	}
}

func TestDateOf(t *testing.T) {
	t.Parallel()
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		newYork = time.FixedZone("EST", -5*60*60)
	}
	tests := []struct {
		name    string
		instant time.Time
		loc     *time.Location
		want    string
	}{
		// 16:30 UTC is already past midnight in Beijing: the legal date is the next day.
		{"late UTC evening is next day in China", time.Date(2026, 3, 4, 16, 30, 0, 0, time.UTC), chinaZone, "2026-03-05"},
		{"before 16:00 UTC is same day", time.Date(2026, 3, 4, 15, 59, 0, 0, time.UTC), chinaZone, "2026-03-04"},
		{"other zone", time.Date(2026, 3, 5, 3, 0, 0, 0, time.UTC), newYork, "2026-03-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateOf(tt.instant, tt.loc); got.String() != tt.want {
				t.Errorf("DateOf(%v) = %s, want %s", tt.instant, got, tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	type payload struct {
		Received Date `json:"received"`
	}
	tests := []struct {
		name     string
		value    payload
		wantJSON string
	}{
		{"date", payload{NewDate(2026, time.March, 5)}, `{"received":"2026-03-05"}`},
		{"zero is null", payload{}, `{"received":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.wantJSON {
				t.Fatalf("Marshal = %s, want %s", data, tt.wantJSON)
			}
			var back payload
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			if back != tt.value {
				t.Errorf("round trip = %+v, want %+v", back, tt.value)
			}
		})
	}
}

func TestDateUnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: `"2026-10-08"`, want: NewDate(2026, time.October, 8)},
		{in: `null`, want: Date{}},
		{in: `""`, want: Date{}},
		{in: `"2026-13-01"`, wantErr: true},
		{in: `"08/10/2026"`, wantErr: true},
		{in: `20261008`, wantErr: true},
		{in: `{"y":2026}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d := NewDate(1999, time.January, 1) // non-zero, so null and "" must really clear it
			err := json.Unmarshal([]byte(tt.in), &d)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("error = %v, want ErrInvalidDate", err)
				}
				if !strings.Contains(err.Error(), "YYYY-MM-DD") || !strings.Contains(err.Error(), "日期") {
					t.Errorf("error %q should explain the format in Chinese", err)
				}
				return
			}
			if err != nil || d != tt.want {
				t.Fatalf("Unmarshal(%s) = %v, %v; want %v", tt.in, d, err, tt.want)
			}
		})
	}
}

func TestDateValueScan(t *testing.T) {
	t.Parallel()
	march5 := NewDate(2026, time.March, 5)
	tests := []struct {
		name    string
		src     any
		want    Date
		wantErr bool
	}{
		{name: "nil", src: nil, want: Date{}},
		{name: "string", src: "2026-03-05", want: march5},
		{name: "bytes", src: []byte("2026-03-05"), want: march5},
		{name: "sqlite timestamp text", src: "2026-03-05 00:00:00", want: march5},
		{name: "rfc3339 text", src: "2026-03-05T00:00:00+08:00", want: march5},
		{name: "mysql time in UTC", src: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), want: march5},
		// A DATE read with loc=Local must not shift to the previous day.
		{name: "time in China zone", src: time.Date(2026, 3, 5, 0, 0, 0, 0, chinaZone), want: march5},
		{name: "zero time", src: time.Time{}, want: Date{}},
		{name: "bad text", src: "yesterday", wantErr: true},
		{name: "integer", src: int64(20260305), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Date
			err := d.Scan(tt.src)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("Scan(%v) error = %v, want ErrInvalidDate", tt.src, err)
				}
				return
			}
			if err != nil || d != tt.want {
				t.Fatalf("Scan(%v) = %v, %v; want %v", tt.src, d, err, tt.want)
			}
		})
	}
}

func TestDateValueRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date Date
		want driver.Value
	}{
		{NewDate(2026, time.March, 5), "2026-03-05"},
		{NewDate(2028, time.February, 29), "2028-02-29"},
		{Date{}, nil},
	}
	for _, tt := range tests {
		v, err := tt.date.Value()
		if err != nil || v != tt.want {
			t.Fatalf("Value(%v) = %v, %v; want %v", tt.date, v, err, tt.want)
		}
		var back Date
		if err := back.Scan(v); err != nil || back != tt.date {
			t.Errorf("Scan(Value(%v)) = %v, %v", tt.date, back, err)
		}
	}
}

// chinaZone is UTC+8, the zone of the shipped configuration.
var chinaZone = time.FixedZone("CST", 8*60*60)

// TestParseDateFastPath: the digit parser and String (AppendString) agree with time's
// parsing and formatting, for every day of some years and for malformed
// text.
func TestParseDateFastPath(t *testing.T) {
	for _, y := range []int{0, 1, 999, 1900, 2000, 2024, 2026, 2100, 9999} {
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			s := d.Format("2006-01-02")
			got, err := ParseDate(s)
			if err != nil || got.String() != s || got != dateFromTime(d) || string(got.AppendString([]byte("日期"))) != "日期"+s {
				t.Fatalf("%s: %v %v", s, got, err)
			}
		}
	}
	for _, s := range []string{"", "2026-02-29", "2024-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31", "2026-1-01",
		"2026/01/01", "2026-01-01T00", "20260101", "2026-01-0a", "+026-01-01", "2026-01-01 "} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("%q parsed", s)
		}
		if _, ok := parseDigits(s); ok {
			t.Errorf("%q parsed by the fast path", s)
		}
	}
	if d := NewDate(12026, 1, 2); d.String() != d.MidnightUTC().Format("2006-01-02") {
		t.Errorf("year 12026: %s", d.String())
	}
	if b := (Date{}).AppendString([]byte("x")); string(b) != "x" {
		t.Errorf("the zero Date appended %q", b)
	}
}
