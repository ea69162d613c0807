package calendar

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Kinds of CalendarEntry.
const (
	// KindHoliday marks a statutory holiday (法定节假日), a rest day even on a weekday.
	KindHoliday = "holiday"
	// KindWorkday marks an adjusted working day (调休上班日), a working day even on a weekend.
	KindWorkday = "workday"
)

// ErrInvalidCalendar is wrapped by every error about inconsistent calendar
// data, so handlers can map it to a 400 with errors.Is.
var ErrInvalidCalendar = errors.New("节假日安排无效")

// CalendarEntry is one day that deviates from the plain Monday-to-Friday week.
type CalendarEntry struct {
	Date Date
	// Kind is KindHoliday or KindWorkday.
	Kind string
	// Name is the festival the day belongs to (春节, 国庆节…), empty when unknown.
	Name string
	// Year is the year of the State Council notice the day belongs to, which
	// can differ from Date's year (a 元旦 break may start on 12-31); zero
	// means Date's year.
	Year int
}

// HolidayCalendar knows China's statutory holidays and adjusted working days
// for the years whose official arrangement it holds, and the fixed-date
// statutory holidays (元旦, 劳动节, 国庆节) of every year. It is immutable once
// built, so one value can be shared by concurrent requests.
type HolidayCalendar struct {
	entries map[Date]CalendarEntry
	years   map[int]bool
}

// NewHolidayCalendar builds a calendar from entries, for example rows an admin
// edited in the database. The years it covers are the entries' Years. A day
// listed twice with the same kind is merged; a day listed as both a holiday and
// a working day, or a weekday listed as an adjusted working day, is an error.
func NewHolidayCalendar(entries []CalendarEntry) (*HolidayCalendar, error) {
	cal := &HolidayCalendar{entries: make(map[Date]CalendarEntry, len(entries)), years: map[int]bool{}}
	for _, e := range entries {
		if e.Date.IsZero() {
			return nil, fmt.Errorf("%w：条目缺少日期", ErrInvalidCalendar)
		}
		if e.Kind != KindHoliday && e.Kind != KindWorkday {
			return nil, fmt.Errorf("%w：%s 的类型 %q 无效，应为 holiday 或 workday", ErrInvalidCalendar, e.Date, e.Kind)
		}
		// A weekday marked as a working day would change nothing and almost
		// certainly means the admin picked the wrong date.
		if e.Kind == KindWorkday && !e.Date.IsWeekend() {
			return nil, fmt.Errorf("%w：%s（%s）本就是工作日，不能标记为调休上班日", ErrInvalidCalendar, e.Date, e.Date.ChineseWeekday())
		}
		if name, fixed := StatutoryFixedHoliday(e.Date); fixed && e.Kind == KindWorkday {
			return nil, fmt.Errorf("%w：%s 是法定节假日（%s），不能标记为调休上班日", ErrInvalidCalendar, e.Date, name)
		}
		if e.Year == 0 {
			e.Year = e.Date.Year()
		}
		// Only a break that straddles New Year belongs to a neighbouring notice.
		if e.Year < e.Date.Year()-1 || e.Year > e.Date.Year()+1 {
			return nil, fmt.Errorf("%w：%s 不可能属于 %d 年的节假日安排", ErrInvalidCalendar, e.Date, e.Year)
		}
		if prev, seen := cal.entries[e.Date]; seen {
			if prev.Kind != e.Kind {
				return nil, fmt.Errorf("%w：%s 不能同时是法定节假日和调休上班日", ErrInvalidCalendar, e.Date)
			}
			if e.Name == "" {
				e.Name = prev.Name
			}
		}
		cal.entries[e.Date] = e
		cal.years[e.Year] = true
	}
	return cal, nil
}

//go:embed data/cn_holidays.json
var defaultCalendarJSON []byte

var defaultCalendar = sync.OnceValue(func() *HolidayCalendar {
	cal, err := ParseHolidayCalendarJSON(defaultCalendarJSON)
	if err != nil {
		// The file is compiled in and checked by tests, so this is a build defect.
		panic("models: embedded holiday calendar: " + err.Error())
	}
	return cal
})

// DefaultHolidayCalendar returns the calendar shipped with Jianyi (the State
// Council arrangements in data/cn_holidays.json). It is parsed once and shared.
func DefaultHolidayCalendar() *HolidayCalendar { return defaultCalendar() }

// calendarYearJSON is one year of the shipped file: the State Council notice
// reduced to date lists, with the notice's own sentences per festival.
type calendarYearJSON struct {
	Holidays []Date `json:"holidays"`
	Workdays []Date `json:"workdays"`
	// Ranges maps a festival name to the notice sentence describing its break
	// and make-up working days; it is the only place names appear.
	Ranges map[string]string `json:"ranges"`
}

var yearKey = regexp.MustCompile(`^\d{4}$`)

// ParseHolidayCalendarJSON reads the format of data/cn_holidays.json: an object
// keyed by year ("2026") with "holidays" and "workdays" date lists and
// "ranges" naming the festivals; other top-level keys are ignored.
func ParseHolidayCalendarJSON(data []byte) (*HolidayCalendar, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%w：JSON 格式错误：%v", ErrInvalidCalendar, err)
	}
	var entries []CalendarEntry
	for _, key := range slices.Sorted(maps.Keys(top)) {
		if !yearKey.MatchString(key) {
			continue
		}
		year, _ := strconv.Atoi(key)
		var y calendarYearJSON
		if err := json.Unmarshal(top[key], &y); err != nil {
			return nil, fmt.Errorf("%w：%s 年数据错误：%v", ErrInvalidCalendar, key, err)
		}
		if len(y.Holidays) == 0 {
			return nil, fmt.Errorf("%w：%s 年没有法定节假日", ErrInvalidCalendar, key)
		}
		holidayNames, workdayNames := festivalNames(year, y.Ranges)
		for _, d := range y.Holidays {
			entries = append(entries, CalendarEntry{Date: d, Kind: KindHoliday, Name: holidayNames[d], Year: year})
		}
		for _, d := range y.Workdays {
			entries = append(entries, CalendarEntry{Date: d, Kind: KindWorkday, Name: workdayNames[d], Year: year})
		}
	}
	return NewHolidayCalendar(entries)
}

var (
	// breakSpan matches the opening of a notice sentence: "2月15日(…)至23日(…)",
	// "5月31日(周六)至6月2日(周一)" or a single day "1月1日(周三)放假1天".
	breakSpan = regexp.MustCompile(`^(\d{1,2})月(\d{1,2})日(?:[^至。]*?至(?:(\d{1,2})月)?(\d{1,2})日)?`)
	monthDay  = regexp.MustCompile(`(\d{1,2})月(\d{1,2})日`)
)

// festivalNames derives day-to-festival maps from the notice sentences: the
// first sentence gives the break, later sentences the make-up working days.
// It is best effort: a sentence it cannot read leaves those days unnamed,
// which only costs the name in explanations, never correctness.
func festivalNames(year int, ranges map[string]string) (holidays, workdays map[Date]string) {
	holidays, workdays = map[Date]string{}, map[Date]string{}
	for name, text := range ranges {
		m := breakSpan.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		startMonth, _ := strconv.Atoi(m[1])
		startDay, _ := strconv.Atoi(m[2])
		start := NewDate(year, time.Month(startMonth), startDay)
		end := start
		if m[4] != "" {
			endMonth := startMonth
			if m[3] != "" {
				endMonth, _ = strconv.Atoi(m[3])
			}
			endDay, _ := strconv.Atoi(m[4])
			end = NewDate(year, time.Month(endMonth), endDay)
		}
		for d := start; !d.After(end); d = d.AddDays(1) {
			holidays[d] = name
		}
		for _, wm := range monthDay.FindAllStringSubmatch(text[len(m[0]):], -1) {
			month, _ := strconv.Atoi(wm[1])
			day, _ := strconv.Atoi(wm[2])
			workdays[NewDate(year, time.Month(month), day)] = name
		}
	}
	return holidays, workdays
}

// Covers reports whether the calendar holds the official arrangement for year.
// For other years only weekends and the fixed-date statutory holidays are
// known to be rest days.
func (c *HolidayCalendar) Covers(year int) bool {
	return c != nil && c.years[year]
}

// Years lists the covered years in ascending order.
func (c *HolidayCalendar) Years() []int {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.years))
}

// Entries lists every holiday and adjusted working day in date order, for
// seeding the database or showing the calendar to an admin.
func (c *HolidayCalendar) Entries() []CalendarEntry {
	if c == nil {
		return nil
	}
	return slices.SortedFunc(maps.Values(c.entries), func(a, b CalendarEntry) int {
		return a.Date.Compare(b.Date)
	})
}

// IsHoliday reports whether d is a statutory holiday.
func (c *HolidayCalendar) IsHoliday(d Date) bool {
	return c.entry(d).Kind == KindHoliday
}

// IsAdjustedWorkday reports whether d is a weekend day declared a working day (调休上班).
func (c *HolidayCalendar) IsAdjustedWorkday(d Date) bool {
	return c.entry(d).Kind == KindWorkday
}

// IsWorkingDay reports whether d is a working day: a weekday that is not a
// statutory holiday, or a weekend day declared an adjusted working day.
func (c *HolidayCalendar) IsWorkingDay(d Date) bool {
	switch c.entry(d).Kind {
	case KindHoliday:
		return false
	case KindWorkday:
		return true
	default:
		return !d.IsWeekend()
	}
}

// HolidayName returns the festival a holiday or adjusted working day belongs
// to, or "" when d is neither or the name is unknown.
func (c *HolidayCalendar) HolidayName(d Date) string {
	return c.entry(d).Name
}

// NextWorkingDay returns the first working day on or after d.
func (c *HolidayCalendar) NextWorkingDay(d Date) Date {
	// Terminates because the calendar is finite: past its last entry every
	// Monday is a working day.
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// entry is the day's row of a loaded notice or, failing that, the
// fixed-date statutory holiday it is (statutory.go), in any year.
func (c *HolidayCalendar) entry(d Date) CalendarEntry {
	if c != nil {
		if e, ok := c.entries[d]; ok {
			return e
		}
	}
	if name, ok := StatutoryFixedHoliday(d); ok {
		return CalendarEntry{Date: d, Kind: KindHoliday, Name: name, Year: d.Year()}
	}
	return CalendarEntry{}
}
