package calendar

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestReplyDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		received        string
		months          int
		want            string
		wantProvisional bool
	}{
		{name: "corresponding day exists", received: "2026-01-30", months: 2, want: "2026-03-30"},
		{name: "01-31 to 03-31", received: "2026-01-31", months: 2, want: "2026-03-31"},
		{name: "one month into short February", received: "2026-01-31", months: 1, want: "2026-02-28"},
		{name: "month end, non-leap February, then Sunday", received: "2026-12-31", months: 2, want: "2027-03-01", wantProvisional: true},
		{name: "month end, leap February", received: "2027-12-31", months: 2, want: "2028-02-29", wantProvisional: true},
		{name: "Saturday moves to Monday", received: "2026-04-06", months: 2, want: "2026-06-08"},
		{name: "Spring Festival holiday", received: "2025-12-17", months: 2, want: "2026-02-24"},
		{name: "Spring Festival first day, a Sunday", received: "2025-12-15", months: 2, want: "2026-02-24"},
		{name: "National Day Saturday", received: "2026-08-03", months: 2, want: "2026-10-08"},
		{name: "adjusted working Saturday 02-14 stays", received: "2025-12-14", months: 2, want: "2026-02-14"},
		{name: "adjusted working Saturday 02-28 stays", received: "2025-12-28", months: 2, want: "2026-02-28"},
		{name: "adjusted working Sunday 01-04 stays", received: "2025-11-04", months: 2, want: "2026-01-04"},
		{name: "元旦 Saturday holiday rolls onto make-up Sunday", received: "2025-11-03", months: 2, want: "2026-01-04"},
		{name: "twelve months across a year", received: "2025-02-03", months: 12, want: "2026-02-03"},
		{name: "year-end in 2025 arrangement", received: "2025-08-01", months: 2, want: "2025-10-09"},
	}
	cal := DefaultHolidayCalendar()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReplyDeadline(mustDate(t, tt.received), tt.months, cal)
			if got.Due.String() != tt.want {
				t.Errorf("Due = %s, want %s (%s)", got.Due, tt.want, got.Explanation)
			}
			if got.Provisional != tt.wantProvisional {
				t.Errorf("Provisional = %v, want %v", got.Provisional, tt.wantProvisional)
			}
			if wantRule := "months:" + strconv.Itoa(tt.months); got.Rule != wantRule {
				t.Errorf("Rule = %q, want %q", got.Rule, wantRule)
			}
		})
	}
}

func TestAddMonthsClamped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from   string
		months int
		want   string
	}{
		{"2026-12-31", 2, "2027-02-28"},
		{"2027-12-31", 2, "2028-02-29"},
		{"2026-01-31", 2, "2026-03-31"},
		{"2026-01-31", 3, "2026-04-30"},
		{"2026-08-31", 1, "2026-09-30"},
		{"2028-02-29", 12, "2029-02-28"},
		{"2026-03-15", 10, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
	}
	for _, tt := range tests {
		if got := addMonthsClamped(mustDate(t, tt.from), tt.months); got.String() != tt.want {
			t.Errorf("addMonthsClamped(%s, %d) = %s, want %s", tt.from, tt.months, got, tt.want)
		}
	}
}

func TestDaysAndWorkingDaysDeadline(t *testing.T) {
	t.Parallel()
	compute := map[DeadlineUnit]func(Date, int, *HolidayCalendar) Deadline{
		UnitDays:     DaysDeadline,
		UnitWorkdays: WorkingDaysDeadline,
	}
	tests := []struct {
		name  string
		start string
		rule  DeadlineRule
		want  string
	}{
		{name: "ends on National Day holiday", start: "2026-09-20", rule: DeadlineRule{UnitDays, 15}, want: "2026-10-08"},
		{name: "ends on National Day first day", start: "2026-09-16", rule: DeadlineRule{UnitDays, 15}, want: "2026-10-08"},
		{name: "holiday inside the period still counts", start: "2026-09-28", rule: DeadlineRule{UnitDays, 15}, want: "2026-10-13"},
		{name: "ends in Spring Festival", start: "2026-02-01", rule: DeadlineRule{UnitDays, 15}, want: "2026-02-24"},
		{name: "ends on adjusted working Saturday", start: "2026-02-13", rule: DeadlineRule{UnitDays, 15}, want: "2026-02-28"},
		{name: "ends on ordinary Sunday", start: "2026-03-07", rule: DeadlineRule{UnitDays, 15}, want: "2026-03-23"},
		{name: "ends on ordinary Tuesday", start: "2026-03-16", rule: DeadlineRule{UnitDays, 15}, want: "2026-03-31"},
		{name: "workdays across National Day from Tuesday", start: "2026-09-29", rule: DeadlineRule{UnitWorkdays, 7}, want: "2026-10-14"},
		{name: "workdays across National Day from eve", start: "2026-09-30", rule: DeadlineRule{UnitWorkdays, 7}, want: "2026-10-15"},
		{name: "make-up Sunday counts, 中秋 does not", start: "2026-09-18", rule: DeadlineRule{UnitWorkdays, 7}, want: "2026-09-29"},
		{name: "workdays end on make-up Saturday", start: "2026-10-02", rule: DeadlineRule{UnitWorkdays, 3}, want: "2026-10-10"},
		{name: "workdays across Spring Festival", start: "2026-02-12", rule: DeadlineRule{UnitWorkdays, 7}, want: "2026-02-28"},
		{name: "received on a holiday", start: "2026-10-03", rule: DeadlineRule{UnitWorkdays, 1}, want: "2026-10-08"},
		{name: "workdays in an ordinary week", start: "2026-03-06", rule: DeadlineRule{UnitWorkdays, 7}, want: "2026-03-17"},
	}
	cal := DefaultHolidayCalendar()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compute[tt.rule.Unit](mustDate(t, tt.start), tt.rule.Count, cal)
			if got.Due.String() != tt.want {
				t.Errorf("Due = %s, want %s (%s)", got.Due, tt.want, got.Explanation)
			}
			if got.Rule != tt.rule.String() {
				t.Errorf("Rule = %q, want %q", got.Rule, tt.rule.String())
			}
		})
	}
}

func TestDeadlineExplanation(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	tests := []struct {
		name string
		got  Deadline
		want string
	}{
		{
			name: "plain",
			got:  ReplyDeadline(mustDate(t, "2026-01-30"), 2, cal),
			want: "收到日 2026-01-30，次日起算两个月，届满日 2026-03-30（星期一）",
		},
		{
			name: "statutory holiday",
			got:  ReplyDeadline(mustDate(t, "2026-08-03"), 2, cal),
			want: "收到日 2026-08-03，次日起算两个月，届满日 2026-10-03（星期六）为法定节假日（国庆节），顺延至 2026-10-08（星期四）",
		},
		{
			name: "weekend rest day",
			got:  ReplyDeadline(mustDate(t, "2026-04-06"), 2, cal),
			want: "收到日 2026-04-06，次日起算两个月，届满日 2026-06-06（星期六）为休息日，顺延至 2026-06-08（星期一）",
		},
		{
			name: "adjusted working day",
			got:  ReplyDeadline(mustDate(t, "2025-12-14"), 2, cal),
			want: "收到日 2025-12-14，次日起算两个月，届满日 2026-02-14（星期六，调休上班日）",
		},
		{
			name: "year without arrangement",
			got:  ReplyDeadline(mustDate(t, "2026-12-31"), 2, cal),
			want: "收到日 2026-12-31，次日起算两个月，届满日 2027-02-28（星期日）为休息日，顺延至 2027-03-01（星期一）" +
				"；2027年节假日安排通知尚未载入，暂按周末和固定日期的法定节假日（元旦、劳动节、国庆节）计算，" +
				"春节、清明节、端午节、中秋节和调休以国务院通知为准，通知载入后重新计算",
		},
		{
			name: "urgent days",
			got:  DaysDeadline(mustDate(t, "2026-09-20"), 15, cal),
			want: "收到日 2026-09-20，次日起算十五日，届满日 2026-10-05（星期一）为法定节假日（国庆节），顺延至 2026-10-08（星期四）",
		},
		{
			name: "working days",
			got:  WorkingDaysDeadline(mustDate(t, "2026-09-30"), 7, cal),
			want: "收到日 2026-09-30，次日起算七个工作日（不计法定节假日和休息日），届满日 2026-10-15（星期四）",
		},
		{
			name: "working days ending on make-up day",
			got:  WorkingDaysDeadline(mustDate(t, "2026-10-02"), 3, cal),
			want: "收到日 2026-10-02，次日起算三个工作日（不计法定节假日和休息日），届满日 2026-10-10（星期六，调休上班日）",
		},
		{
			name: "working days into an uncovered year",
			got:  WorkingDaysDeadline(mustDate(t, "2026-12-28"), 7, cal),
			want: "收到日 2026-12-28，次日起算七个工作日（不计法定节假日和休息日），届满日 2027-01-07（星期四）" +
				"；2027年节假日安排通知尚未载入，暂按周末和固定日期的法定节假日（元旦、劳动节、国庆节）计算，" +
				"春节、清明节、端午节、中秋节和调休以国务院通知为准，通知载入后重新计算",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Explanation != tt.want {
				t.Errorf("Explanation\n got %s\nwant %s", tt.got.Explanation, tt.want)
			}
		})
	}
}

// withEntries returns the default calendar plus extra, as an admin edit would.
func withEntries(t *testing.T, extra ...CalendarEntry) *HolidayCalendar {
	t.Helper()
	cal, err := NewHolidayCalendar(append(DefaultHolidayCalendar().Entries(), extra...))
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestCalendarChangeMovesDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		cal             *HolidayCalendar
		start           string
		rule            string
		want            string
		wantProvisional bool
		wantExplains    string
	}{
		{
			name: "extra holiday on the due day", start: "2026-01-30", rule: "months:2", want: "2026-03-31",
			cal:          withEntries(t, CalendarEntry{Date: mustDate(t, "2026-03-30"), Kind: KindHoliday, Name: "临时假日"}),
			wantExplains: "为法定节假日（临时假日），顺延至 2026-03-31（星期二）",
		},
		{
			name: "unnamed extra holiday", start: "2026-01-30", rule: "months:2", want: "2026-03-31",
			cal:          withEntries(t, CalendarEntry{Date: mustDate(t, "2026-03-30"), Kind: KindHoliday}),
			wantExplains: "届满日 2026-03-30（星期一）为法定节假日，顺延",
		},
		{
			name: "extra holiday inside a working-day count", start: "2026-03-06", rule: "workdays:7", want: "2026-03-18",
			cal: withEntries(t, CalendarEntry{Date: mustDate(t, "2026-03-10"), Kind: KindHoliday}),
		},
		{
			name: "new make-up Sunday keeps the due day", start: "2026-01-08", rule: "months:2", want: "2026-03-08",
			cal:          withEntries(t, CalendarEntry{Date: mustDate(t, "2026-03-08"), Kind: KindWorkday}),
			wantExplains: "（星期日，调休上班日）",
		},
		{
			name: "2027 arrangement published", start: "2026-12-31", rule: "months:2", want: "2027-03-02",
			cal: withEntries(t,
				CalendarEntry{Date: mustDate(t, "2027-01-01"), Kind: KindHoliday, Name: "元旦"},
				CalendarEntry{Date: mustDate(t, "2027-03-01"), Kind: KindHoliday, Name: "假想节"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := mustDate(t, tt.start)
			before, err := ComputeDeadline(start, tt.rule, DefaultHolidayCalendar())
			if err != nil {
				t.Fatal(err)
			}
			after, err := ComputeDeadline(start, tt.rule, tt.cal)
			if err != nil {
				t.Fatal(err)
			}
			if after.Due.String() != tt.want || after.Due == before.Due {
				t.Errorf("Due before %s, after %s; want a change to %s (%s)", before.Due, after.Due, tt.want, after.Explanation)
			}
			if after.Provisional != tt.wantProvisional {
				t.Errorf("Provisional = %v, want %v", after.Provisional, tt.wantProvisional)
			}
			if !strings.Contains(after.Explanation, tt.wantExplains) {
				t.Errorf("Explanation %q lacks %q", after.Explanation, tt.wantExplains)
			}
		})
	}
}

func TestParseDeadlineRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule    string
		want    DeadlineRule
		wantErr bool
	}{
		{rule: "months:2", want: DeadlineRule{UnitMonths, 2}},
		{rule: "days:15", want: DeadlineRule{UnitDays, 15}},
		{rule: "workdays:7", want: DeadlineRule{UnitWorkdays, 7}},
		{rule: "months:120", want: DeadlineRule{UnitMonths, 120}},
		{rule: "", wantErr: true},
		{rule: "months", wantErr: true},
		{rule: "months:0", wantErr: true},
		{rule: "months:-1", wantErr: true},
		{rule: "months:121", wantErr: true},
		{rule: "months: 2", wantErr: true},
		{rule: "Months:2", wantErr: true},
		{rule: "weeks:2", wantErr: true},
		{rule: "days:abc", wantErr: true},
		{rule: "days:99999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			got, err := ParseDeadlineRule(tt.rule)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDeadlineRule) {
					t.Fatalf("error = %v, want ErrInvalidDeadlineRule", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDeadlineRule(%q) = %v, %v; want %v", tt.rule, got, err, tt.want)
			}
			if got.String() != tt.rule {
				t.Errorf("String() = %q, want %q", got.String(), tt.rule)
			}
		})
	}
}

func TestComputeDeadlineMatchesDirectFunctions(t *testing.T) {
	t.Parallel()
	cal := DefaultHolidayCalendar()
	start := mustDate(t, "2026-08-03")
	tests := []struct {
		rule string
		want Deadline
	}{
		{"months:2", ReplyDeadline(start, 2, cal)},
		{"days:15", DaysDeadline(start, 15, cal)},
		{"workdays:7", WorkingDaysDeadline(start, 7, cal)},
	}
	for _, tt := range tests {
		got, err := ComputeDeadline(start, tt.rule, cal)
		if err != nil || got != tt.want {
			t.Errorf("ComputeDeadline(%q) = %+v, %v; want %+v", tt.rule, got, err, tt.want)
		}
	}
	if _, err := ComputeDeadline(Date{}, "days:15", cal); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("zero start: error = %v, want ErrInvalidDate", err)
	}
	if _, err := ComputeDeadline(start, "days:0", cal); !errors.Is(err, ErrInvalidDeadlineRule) {
		t.Errorf("bad rule: error = %v, want ErrInvalidDeadlineRule", err)
	}
}

func TestDeadlinePanicsOnNonPositiveCount(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("ReplyDeadline with 0 months did not panic")
		}
	}()
	ReplyDeadline(mustDate(t, "2026-01-30"), 0, DefaultHolidayCalendar())
}

// TestDeadlineProperties checks random periods against rules stated
// independently of the implementation: the due day is a working day, it is
// never before the nominal end of the period, and no working day lies between
// the nominal end and the due day.
func TestDeadlineProperties(t *testing.T) {
	t.Parallel()
	cals := map[string]*HolidayCalendar{"default": DefaultHolidayCalendar(), "nil": nil}
	rng := rand.New(rand.NewPCG(2026, 201))
	first := mustDate(t, "2024-11-01")
	for name, cal := range cals {
		for range 3000 {
			start := first.AddDays(rng.IntN(3 * 365))
			var rule DeadlineRule
			switch rng.IntN(3) {
			case 0:
				rule = DeadlineRule{UnitMonths, 1 + rng.IntN(14)}
			case 1:
				rule = DeadlineRule{UnitDays, 1 + rng.IntN(60)}
			default:
				rule = DeadlineRule{UnitWorkdays, 1 + rng.IntN(30)}
			}
			d := rule.Apply(start, cal)
			if !cal.IsWorkingDay(d.Due) {
				t.Fatalf("%s %s from %s: due %s is not a working day", name, rule, start, d.Due)
			}
			switch rule.Unit {
			case UnitMonths:
				nominal := nominalMonthEnd(start, rule.Count)
				assertFirstWorkingDayFrom(t, cal, nominal, d.Due)
				if minDays := 28 * rule.Count; start.DaysUntil(d.Due) < minDays {
					t.Fatalf("%s from %s: due %s is less than %d days later", rule, start, d.Due, minDays)
				}
			case UnitDays:
				assertFirstWorkingDayFrom(t, cal, start.AddDays(rule.Count), d.Due)
			case UnitWorkdays:
				if start.DaysUntil(d.Due) < rule.Count {
					t.Fatalf("%s from %s: due %s is too early", rule, start, d.Due)
				}
				working := 0
				for day := start.AddDays(1); !day.After(d.Due); day = day.AddDays(1) {
					if cal.IsWorkingDay(day) {
						working++
					}
				}
				if working != rule.Count {
					t.Fatalf("%s from %s: %d working days up to %s", rule, start, working, d.Due)
				}
			}
			wantProvisional := !cal.Covers(d.Due.Year())
			if d.Provisional != wantProvisional && rule.Unit != UnitWorkdays {
				t.Fatalf("%s from %s: Provisional = %v for due %s", rule, start, d.Provisional, d.Due)
			}
		}
	}
}

// nominalMonthEnd restates 民法典 第202条 with the standard library: time.AddDate
// overflows into the next month when the day does not exist, and then the
// month's last day is the answer.
func nominalMonthEnd(start Date, months int) Date {
	t := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	if t.Day() != start.Day() {
		t = t.AddDate(0, 0, -t.Day())
	}
	return DateOf(t, time.UTC)
}

func assertFirstWorkingDayFrom(t *testing.T, cal *HolidayCalendar, nominal, due Date) {
	t.Helper()
	if due.Before(nominal) {
		t.Fatalf("due %s is before the period ends on %s", due, nominal)
	}
	for day := nominal; day.Before(due); day = day.AddDays(1) {
		if cal.IsWorkingDay(day) {
			t.Fatalf("due %s skips working day %s after period end %s", due, day, nominal)
		}
	}
}

func TestChineseCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want string
	}{
		{1, "一"}, {2, "两"}, {3, "三"}, {10, "十"}, {12, "十二"}, {15, "十五"}, {20, "二十"},
		{30, "三十"}, {45, "四十五"}, {100, "一百"}, {105, "一百零五"}, {110, "一百一十"},
		{365, "三百六十五"}, {1000, "1000"},
	}
	for _, tt := range tests {
		if got := chineseCount(tt.n); got != tt.want {
			t.Errorf("chineseCount(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
