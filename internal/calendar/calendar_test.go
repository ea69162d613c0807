package calendar

import (
	"errors"
	"os"
	"slices"
	"testing"
)

func TestDefaultHolidayCalendarDays(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	tests := []struct {
		date        string
		wantWorking bool
		wantHoliday bool
		wantName    string
	}{
		{date: "2026-01-01", wantHoliday: true, wantName: "元旦"},
		{date: "2026-01-03", wantHoliday: true, wantName: "元旦"}, // a Saturday listed as holiday
		{date: "2026-01-04", wantWorking: true, wantName: "元旦"}, // Sunday make-up day
		{date: "2026-02-13", wantWorking: true},
		{date: "2026-02-14", wantWorking: true, wantName: "春节"},
		{date: "2026-02-15", wantHoliday: true, wantName: "春节"},
		{date: "2026-02-23", wantHoliday: true, wantName: "春节"}, // a Monday
		{date: "2026-02-24", wantWorking: true},
		{date: "2026-02-28", wantWorking: true, wantName: "春节"},
		{date: "2026-03-01", wantWorking: false}, // ordinary Sunday
		{date: "2026-04-06", wantHoliday: true, wantName: "清明节"},
		{date: "2026-05-05", wantHoliday: true, wantName: "劳动节"},
		{date: "2026-05-09", wantWorking: true, wantName: "劳动节"},
		{date: "2026-06-19", wantHoliday: true, wantName: "端午节"},
		{date: "2026-09-20", wantWorking: true, wantName: "国庆节"},
		{date: "2026-09-25", wantHoliday: true, wantName: "中秋节"},
		{date: "2026-10-07", wantHoliday: true, wantName: "国庆节"},
		{date: "2026-10-08", wantWorking: true},
		{date: "2026-10-10", wantWorking: true, wantName: "国庆节"},
		{date: "2026-10-11", wantWorking: false},
		{date: "2025-01-26", wantWorking: true, wantName: "春节"},
		{date: "2025-01-28", wantHoliday: true, wantName: "春节"},
		{date: "2025-06-02", wantHoliday: true, wantName: "端午节"}, // range crossing into June
		{date: "2025-10-08", wantHoliday: true, wantName: "国庆节、中秋节"},
		{date: "2025-10-11", wantWorking: true, wantName: "国庆节、中秋节"},
		{date: "2027-01-01", wantHoliday: true, wantName: "元旦"}, // no notice loaded, but 元旦 is fixed by law
		{date: "2027-01-02", wantWorking: false},
		{date: "2027-01-04", wantWorking: true}, // a Monday: no 调休 is known without the notice
		{date: "2027-05-03", wantWorking: true},
		{date: "2027-10-04", wantWorking: true},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := mustDate(t, tt.date)
			if got := cal.IsWorkingDay(d); got != tt.wantWorking {
				t.Errorf("IsWorkingDay = %v, want %v", got, tt.wantWorking)
			}
			if got := cal.IsHoliday(d); got != tt.wantHoliday {
				t.Errorf("IsHoliday = %v, want %v", got, tt.wantHoliday)
			}
			if got := cal.HolidayName(d); got != tt.wantName {
				t.Errorf("HolidayName = %q, want %q", got, tt.wantName)
			}
		})
	}
}

func TestDefaultHolidayCalendarMatchesShippedFile(t *testing.T) {
	t.Parallel()
	// The embedded copy must stay the file the team reviewed.
	shared, err := os.ReadFile("../../../shared/data/cn_holidays_2025_2026.json")
	if err != nil {
		t.Skip("shared data file not present outside the team workspace")
	}
	fromShared, err := ParseHolidayCalendarJSON(shared)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fromShared.Entries(), DefaultHolidayCalendar().Entries()) {
		t.Error("embedded data/cn_holidays.json differs from the shared data file")
	}
}

func TestDefaultHolidayCalendarCoverage(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	if got, want := cal.Years(), []int{2025, 2026}; !slices.Equal(got, want) {
		t.Fatalf("Years() = %v, want %v", got, want)
	}
	tests := []struct {
		year int
		want bool
	}{{2024, false}, {2025, true}, {2026, true}, {2027, false}}
	for _, tt := range tests {
		if got := cal.Covers(tt.year); got != tt.want {
			t.Errorf("Covers(%d) = %v, want %v", tt.year, got, tt.want)
		}
	}
	entries := cal.Entries()
	var holidays, workdays int
	for i, e := range entries {
		if i > 0 && !entries[i-1].Date.Before(e.Date) {
			t.Fatalf("Entries not strictly ordered at %s", e.Date)
		}
		switch e.Kind {
		case KindHoliday:
			holidays++
		case KindWorkday:
			workdays++
		}
		if e.Name == "" {
			t.Errorf("%s (%s) has no festival name", e.Date, e.Kind)
		}
	}
	// 2025: 28 holidays, 5 make-up days; 2026: 33 holidays, 6 make-up days.
	if holidays != 61 || workdays != 11 {
		t.Errorf("got %d holidays and %d workdays, want 61 and 11", holidays, workdays)
	}
}

func TestNewHolidayCalendarRoundTrip(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	rebuilt, err := NewHolidayCalendar(cal.Entries())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rebuilt.Entries(), cal.Entries()) || !slices.Equal(rebuilt.Years(), cal.Years()) {
		t.Error("calendar rebuilt from Entries() differs from the original")
	}
}

func TestNewHolidayCalendarValidation(t *testing.T) {
	t.Parallel()
	oct1 := mustDate(t, "2026-10-01")
	oct10 := mustDate(t, "2026-10-10") // Saturday
	tests := []struct {
		name    string
		entries []CalendarEntry
		wantErr bool
	}{
		{name: "empty is valid", entries: nil},
		{name: "same day twice, same kind", entries: []CalendarEntry{
			{Date: oct1, Kind: KindHoliday, Name: "国庆节"}, {Date: oct1, Kind: KindHoliday},
		}},
		{name: "both kinds", wantErr: true, entries: []CalendarEntry{
			{Date: oct10, Kind: KindHoliday}, {Date: oct10, Kind: KindWorkday},
		}},
		{name: "weekday as make-up working day", wantErr: true, entries: []CalendarEntry{
			{Date: oct1, Kind: KindWorkday},
		}},
		{name: "unknown kind", wantErr: true, entries: []CalendarEntry{{Date: oct1, Kind: "rest"}}},
		{name: "missing date", wantErr: true, entries: []CalendarEntry{{Kind: KindHoliday}}},
		{name: "arrangement year far from the date", wantErr: true, entries: []CalendarEntry{
			{Date: oct1, Kind: KindHoliday, Year: 2028},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, err := NewHolidayCalendar(tt.entries)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidCalendar) {
					t.Fatalf("error = %v, want ErrInvalidCalendar", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.entries) > 0 && cal.HolidayName(oct1) != "国庆节" {
				t.Errorf("merged duplicate lost its name: %q", cal.HolidayName(oct1))
			}
		})
	}
}

func TestNewHolidayCalendarYears(t *testing.T) {
	t.Parallel()
	// The 2023 notice starts 元旦 on 2022-12-31; that must not claim 2022 is covered.
	cal, err := NewHolidayCalendar([]CalendarEntry{
		{Date: mustDate(t, "2022-12-31"), Kind: KindHoliday, Name: "元旦", Year: 2023},
		{Date: mustDate(t, "2023-01-02"), Kind: KindHoliday, Name: "元旦"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := cal.Years(); !slices.Equal(got, []int{2023}) {
		t.Errorf("Years() = %v, want [2023]", got)
	}
}

func TestParseHolidayCalendarJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
	}{
		{"not json", `{`},
		{"bad date", `{"2027": {"holidays": ["2027-02-30"]}}`},
		{"year without holidays", `{"2027": {"holidays": [], "workdays": []}}`},
		{"conflict", `{"2027": {"holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseHolidayCalendarJSON([]byte(tt.json)); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestNilHolidayCalendar(t *testing.T) {
	t.Parallel()
	// A nil calendar behaves as "no arrangement known": weekends and the
	// fixed-date statutory holidays.
	var cal *HolidayCalendar
	if cal.Covers(2026) || len(cal.Years()) != 0 || len(cal.Entries()) != 0 {
		t.Error("nil calendar claims data")
	}
	if cal.IsWorkingDay(mustDate(t, "2026-10-01")) || cal.IsWorkingDay(mustDate(t, "2026-10-03")) ||
		!cal.IsWorkingDay(mustDate(t, "2026-10-05")) || cal.IsWorkingDay(mustDate(t, "2026-10-04")) {
		t.Error("nil calendar should treat weekends and the fixed-date statutory holidays as rest days")
	}
}
