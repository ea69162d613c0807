package calendar

import (
	"errors"
	"strings"
	"testing"
)

func TestStatutoryFixedHolidays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date     string
		wantName string
	}{
		{"2027-01-01", "元旦"},
		{"2027-05-01", "劳动节"},
		{"2027-05-02", "劳动节"}, // second day since the 2025 rules
		{"2024-05-01", "劳动节"},
		{"2024-05-02", ""}, // one day only under the 2008–2024 rules
		{"2031-10-01", "国庆节"},
		{"2031-10-03", "国庆节"},
		{"2031-10-04", ""},
		{"2031-12-31", ""},
	}
	for _, tt := range tests {
		name, ok := StatutoryFixedHoliday(mustDate(t, tt.date))
		if name != tt.wantName || ok != (tt.wantName != "") {
			t.Errorf("%s: %q %v, want %q", tt.date, name, ok, tt.wantName)
		}
	}
	if got := len(StatutoryFixedHolidays(2030)); got != 6 {
		t.Errorf("2030 has %d fixed-date holidays, want 6", got)
	}
	if got := len(StatutoryFixedHolidays(2020)); got != 5 {
		t.Errorf("2020 has %d fixed-date holidays, want 5", got)
	}
}

// TestDeadlineInYearWithoutNotice is issue 14's observation: received on
// 2027-08-01 gave a reply due date of 2027-10-01, the first day of 国庆节.
func TestDeadlineInYearWithoutNotice(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	tests := []struct {
		received, rule, want, explains string
	}{
		{"2027-08-01", "months:2", "2027-10-04", "届满日 2027-10-01（星期五）为法定节假日（国庆节），顺延至 2027-10-04（星期一）"},
		{"2027-03-01", "months:2", "2027-05-03", "为法定节假日（劳动节），顺延至 2027-05-03（星期一）"},
		{"2026-11-01", "months:2", "2027-01-04", "届满日 2027-01-01（星期五）为法定节假日（元旦）"},
		{"2027-09-15", "days:16", "2027-10-04", "国庆节"},
		{"2027-09-28", "workdays:3", "2027-10-04", "届满日 2027-10-04"}, // 09-29, 09-30, then 10-04
	}
	for _, tt := range tests {
		t.Run(tt.received+" "+tt.rule, func(t *testing.T) {
			d, err := ComputeDeadline(mustDate(t, tt.received), tt.rule, cal)
			if err != nil {
				t.Fatal(err)
			}
			if d.Due.String() != tt.want || !d.Provisional {
				t.Fatalf("due %s provisional %v, want %s provisional (%s)", d.Due, d.Provisional, tt.want, d.Explanation)
			}
			if !strings.Contains(d.Explanation, tt.explains) || !strings.Contains(d.Explanation, "2027年节假日安排通知尚未载入") {
				t.Fatalf("explanation %q lacks %q or the provisional note", d.Explanation, tt.explains)
			}
		})
	}
}

func TestYearStatus(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	st := cal.Status(2026)
	if st.Provisional || len(st.Days) != 33+6 || st.Days[0].Source != DaySourceNotice {
		t.Fatalf("2026: provisional %v, %d days, %+v", st.Provisional, len(st.Days), st.Days[0])
	}
	st = cal.Status(2027)
	if !st.Provisional || len(st.Days) != 6 || st.Days[0].Name != "元旦" || st.Days[0].Source != DaySourceStatutory ||
		!strings.Contains(st.Basis, "2027年节假日安排通知尚未载入") {
		t.Fatalf("2027: %+v", st)
	}
	// Loading the notice makes the year official.
	loaded := withEntries(t, CalendarEntry{Date: mustDate(t, "2027-02-05"), Kind: KindHoliday, Name: "春节"})
	if st := loaded.Status(2027); st.Provisional || len(st.Days) != 1 {
		t.Fatalf("2027 after loading: %+v", st)
	}
}

func TestWorkdayOnStatutoryHolidayRejected(t *testing.T) {
	t.Parallel()
	_, err := NewHolidayCalendar([]CalendarEntry{{Date: mustDate(t, "2028-10-01"), Kind: KindWorkday}})
	if !errors.Is(err, ErrInvalidCalendar) || !strings.Contains(err.Error(), "国庆节") {
		t.Fatalf("err %v", err)
	}
}
