package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// fixedHolidayRule is one statutory holiday on fixed Gregorian dates as the
// 全国年节及纪念日放假办法 in force from FromYear set it: 元旦, 劳动节 and
// 国庆节 fall on the same days every year, so they are rest days of any year
// even before the State Council publishes that year's arrangement. The lunar
// festivals (春节, 端午节, 中秋节) and 清明节 move from year to year and
// come with the yearly notice, as do the bridging days and 调休.
type fixedHolidayRule struct {
	FromYear int
	Name     string
	Month    time.Month
	Days     []int
}

// fixedHolidayRules are the fixed-date statutory holidays, newest rules
// first. 国务院令第795号 (2024-11-10, in force 2025-01-01) gave 劳动节 a second
// day; from the 2007 revision (in force 2008) until then it was 5月1日 only.
// Years before 2008 use the 2008 rules: the service handles no deadline that
// old.
var fixedHolidayRules = []fixedHolidayRule{
	{FromYear: 2025, Name: "元旦", Month: time.January, Days: []int{1}},
	{FromYear: 2025, Name: "劳动节", Month: time.May, Days: []int{1, 2}},
	{FromYear: 2025, Name: "国庆节", Month: time.October, Days: []int{1, 2, 3}},
	{FromYear: 0, Name: "元旦", Month: time.January, Days: []int{1}},
	{FromYear: 0, Name: "劳动节", Month: time.May, Days: []int{1}},
	{FromYear: 0, Name: "国庆节", Month: time.October, Days: []int{1, 2, 3}},
}

// rulesOf returns the fixed-date rules in force in year: the newest set whose
// FromYear is not after year.
func rulesOf(year int) []fixedHolidayRule {
	from := -1
	for _, r := range fixedHolidayRules {
		if r.FromYear <= year && r.FromYear > from {
			from = r.FromYear
		}
	}
	var out []fixedHolidayRule
	for _, r := range fixedHolidayRules {
		if r.FromYear == from {
			out = append(out, r)
		}
	}
	return out
}

// StatutoryFixedHoliday reports whether d is a fixed-date statutory holiday
// (元旦, 劳动节, 国庆节) by the rules in force in d's year, and its name. Such a
// day is a rest day whatever the year's notice says, so the calendar treats it
// as a holiday in every year, loaded or not.
func StatutoryFixedHoliday(d Date) (string, bool) {
	for _, r := range rulesOf(d.Year()) {
		if r.Month == d.Month() && slices.Contains(r.Days, d.Day()) {
			return r.Name, true
		}
	}
	return "", false
}

// StatutoryFixedHolidays lists the fixed-date statutory holidays of year in
// date order.
func StatutoryFixedHolidays(year int) []CalendarEntry {
	var out []CalendarEntry
	for _, r := range rulesOf(year) {
		for _, day := range r.Days {
			out = append(out, CalendarEntry{Date: NewDate(year, r.Month, day), Kind: KindHoliday, Name: r.Name, Year: year})
		}
	}
	slices.SortFunc(out, func(a, b CalendarEntry) int { return a.Date.Compare(b.Date) })
	return out
}

// fixedHolidayNames names the fixed-date festivals of year for explanations:
// "元旦、劳动节、国庆节".
func fixedHolidayNames(year int) string {
	var names []string
	for _, r := range rulesOf(year) {
		if !slices.Contains(names, r.Name) {
			names = append(names, r.Name)
		}
	}
	return strings.Join(names, "、")
}

// YearStatus is what the calendar knows about one year: the official
// arrangement (a State Council notice loaded), or only the fixed-date
// statutory holidays, which makes every deadline touching the year
// provisional until the notice is loaded.
type YearStatus struct {
	Year int `json:"year"`
	// Provisional is true while no notice for the year is loaded.
	Provisional bool `json:"provisional"`
	// Basis says in Chinese what the year's rest days are taken from.
	Basis string `json:"basis"`
	// Days are the year's holidays and adjusted working days as the
	// calendar applies them.
	Days []YearDay `json:"days"`
}

// YearDay is one day of YearStatus.
type YearDay struct {
	Date Date   `json:"date"`
	Kind string `json:"kind"` // holiday | workday
	Name string `json:"name"`
	// Source is "notice" for a day of a loaded notice, "statutory" for a
	// fixed-date statutory holiday applied while no notice is loaded.
	Source string `json:"source"`
}

// Sources of YearDay.
const (
	DaySourceNotice    = "notice"
	DaySourceStatutory = "statutory"
)

// Status reports what the calendar knows about year.
func (c *HolidayCalendar) Status(year int) YearStatus {
	st := YearStatus{Year: year, Days: []YearDay{}}
	if c.Covers(year) {
		st.Basis = fmt.Sprintf("已载入%d年国务院节假日安排通知", year)
		for _, e := range c.Entries() {
			if e.Year == year {
				st.Days = append(st.Days, YearDay{Date: e.Date, Kind: e.Kind, Name: e.Name, Source: DaySourceNotice})
			}
		}
		return st
	}
	st.Provisional = true
	st.Basis = provisionalBasis(year)
	for _, e := range StatutoryFixedHolidays(year) {
		st.Days = append(st.Days, YearDay{Date: e.Date, Kind: e.Kind, Name: e.Name, Source: DaySourceStatutory})
	}
	return st
}

// provisionalBasis is the sentence that says how a year without a notice is
// counted; deadline explanations and the calendar status share it.
func provisionalBasis(year int) string {
	return fmt.Sprintf("%d年节假日安排通知尚未载入，暂按周末和固定日期的法定节假日（%s）计算，"+
		"春节、清明节、端午节、中秋节和调休以国务院通知为准", year, fixedHolidayNames(year))
}
