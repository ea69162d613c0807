package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Deadline is a computed legal deadline together with how it was computed, so
// it can be stored, shown to users and recomputed when the calendar changes.
type Deadline struct {
	// Due is the last day of the period, already moved off rest days.
	Due Date `json:"due"`
	// Rule is the machine form of the period, e.g. "months:2"; see ParseDeadlineRule.
	Rule string `json:"rule"`
	// Explanation tells the user in Chinese how Due was reached.
	Explanation string `json:"explanation"`
	// Provisional is true when the period touched a year without an official
	// holiday arrangement, so Due must be recomputed once that year is added.
	Provisional bool `json:"provisional"`
}

// DeadlineUnit is the unit a period is counted in.
type DeadlineUnit string

// Units of DeadlineRule.
const (
	// UnitMonths counts calendar months (民法典 第201–203条), e.g. the two-month reply period.
	UnitMonths DeadlineUnit = "months"
	// UnitDays counts calendar days, e.g. an urgent 15-day reply.
	UnitDays DeadlineUnit = "days"
	// UnitWorkdays counts working days only, e.g. the 7-working-day answer to a citizen.
	UnitWorkdays DeadlineUnit = "workdays"
)

// maxRuleCount bounds a period so a typo such as "days:15000" is rejected
// rather than producing a deadline decades away.
var maxRuleCount = map[DeadlineUnit]int{UnitMonths: 120, UnitDays: 3660, UnitWorkdays: 2500}

// ErrInvalidDeadlineRule is wrapped by every error about a malformed rule.
var ErrInvalidDeadlineRule = errors.New("期限规则无效")

// DeadlineRule is a parsed period such as two months or seven working days.
type DeadlineRule struct {
	Unit  DeadlineUnit
	Count int
}

// String returns the stored form of r, e.g. "months:2".
func (r DeadlineRule) String() string {
	return string(r.Unit) + ":" + strconv.Itoa(r.Count)
}

// ParseDeadlineRule parses the stored form "months:N", "days:N" or "workdays:N".
func ParseDeadlineRule(rule string) (DeadlineRule, error) {
	unit, count, ok := strings.Cut(rule, ":")
	if !ok {
		return DeadlineRule{}, fmt.Errorf("%w：%q 应为“单位:数量”，如 months:2", ErrInvalidDeadlineRule, rule)
	}
	r := DeadlineRule{Unit: DeadlineUnit(unit)}
	limit, known := maxRuleCount[r.Unit]
	if !known {
		return DeadlineRule{}, fmt.Errorf("%w：%q 的单位应为 months、days 或 workdays", ErrInvalidDeadlineRule, rule)
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > limit {
		return DeadlineRule{}, fmt.Errorf("%w：%q 的数量应为 1 到 %d 之间的整数", ErrInvalidDeadlineRule, rule, limit)
	}
	r.Count = n
	return r, nil
}

// Apply computes the deadline of r for a period whose start event (receipt,
// delivery) happened on start.
func (r DeadlineRule) Apply(start Date, cal *HolidayCalendar) Deadline {
	if start.IsZero() || r.Count < 1 {
		panic(fmt.Sprintf("models: deadline %s from date %q", r, start))
	}
	switch r.Unit {
	case UnitMonths:
		return monthsDeadline(start, r, cal)
	case UnitDays:
		return calendarDaysDeadline(start, r, cal)
	case UnitWorkdays:
		return workdaysDeadline(start, r, cal)
	default:
		panic("models: unknown deadline unit " + string(r.Unit))
	}
}

// ComputeDeadline recomputes a stored rule from its start date, for example
// after an admin changed the holiday calendar.
func ComputeDeadline(start Date, rule string, cal *HolidayCalendar) (Deadline, error) {
	r, err := ParseDeadlineRule(rule)
	if err != nil {
		return Deadline{}, err
	}
	if start.IsZero() {
		return Deadline{}, fmt.Errorf("%w：缺少期限起算日期", ErrInvalidDate)
	}
	return r.Apply(start, cal), nil
}

// ReplyDeadline is the recipient's reply deadline: months counted from the day
// after receipt, ending on the corresponding day of the due month (or its last
// day if it has none), moved to the next working day if that is a rest day.
// months must be at least 1.
func ReplyDeadline(received Date, months int, cal *HolidayCalendar) Deadline {
	return DeadlineRule{Unit: UnitMonths, Count: months}.Apply(received, cal)
}

// DaysDeadline is an urgent deadline of days calendar days counted from the
// day after start, moved to the next working day if the last day is a rest day.
// days must be at least 1.
func DaysDeadline(start Date, days int, cal *HolidayCalendar) Deadline {
	return DeadlineRule{Unit: UnitDays, Count: days}.Apply(start, cal)
}

// WorkingDaysDeadline is the n-th working day after start, as for the
// 7-working-day procedural answer to a citizen. n must be at least 1.
func WorkingDaysDeadline(start Date, n int, cal *HolidayCalendar) Deadline {
	return DeadlineRule{Unit: UnitWorkdays, Count: n}.Apply(start, cal)
}

func monthsDeadline(received Date, r DeadlineRule, cal *HolidayCalendar) Deadline {
	nominal := addMonthsClamped(received, r.Count)
	period := chineseCount(r.Count) + "个月"
	return rollToWorkingDay(received, nominal, period, r, cal)
}

func calendarDaysDeadline(start Date, r DeadlineRule, cal *HolidayCalendar) Deadline {
	period := chineseCount(r.Count) + "日"
	return rollToWorkingDay(start, start.AddDays(r.Count), period, r, cal)
}

// addMonthsClamped implements 民法典 第202条: the period ends on the day of the
// due month corresponding to the start day, or on that month's last day when
// it has no such day (01-31 + 1 month ends 02-28, not 03-03 as time.AddDate gives).
func addMonthsClamped(d Date, months int) Date {
	firstOfDue := NewDate(d.year, d.month+time.Month(months), 1)
	lastOfDue := NewDate(firstOfDue.year, firstOfDue.month+1, 1).AddDays(-1)
	return NewDate(firstOfDue.year, firstOfDue.month, min(d.day, lastOfDue.day))
}

// rollToWorkingDay implements 民法典 第203条: a last day that is a rest day
// moves to the next working day.
func rollToWorkingDay(start, nominal Date, period string, r DeadlineRule, cal *HolidayCalendar) Deadline {
	due := cal.NextWorkingDay(nominal)
	var b strings.Builder
	fmt.Fprintf(&b, "收到日 %s，次日起算%s，届满日 %s（%s", start, period, nominal, nominal.ChineseWeekday())
	switch {
	case due != nominal:
		b.WriteString("）")
		b.WriteString(restDayReason(nominal, cal))
		fmt.Fprintf(&b, "，顺延至 %s（%s）", due, due.ChineseWeekday())
	case cal.IsAdjustedWorkday(nominal):
		b.WriteString("，调休上班日）")
	default:
		b.WriteString("）")
	}
	return finish(&b, r, due, uncoveredYears(cal, nominal, due))
}

func restDayReason(d Date, cal *HolidayCalendar) string {
	if !cal.IsHoliday(d) {
		return "为休息日"
	}
	if name := cal.HolidayName(d); name != "" {
		return "为法定节假日（" + name + "）"
	}
	return "为法定节假日"
}

func workdaysDeadline(start Date, r DeadlineRule, cal *HolidayCalendar) Deadline {
	due := start
	for counted := 0; counted < r.Count; {
		due = due.AddDays(1)
		if cal.IsWorkingDay(due) {
			counted++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "收到日 %s，次日起算%s个工作日（不计法定节假日和休息日），届满日 %s（%s",
		start, chineseCount(r.Count), due, due.ChineseWeekday())
	if cal.IsAdjustedWorkday(due) {
		b.WriteString("，调休上班日")
	}
	b.WriteString("）")
	return finish(&b, r, due, uncoveredYears(cal, start.AddDays(1), due))
}

// finish appends the warning about years without an official arrangement: for
// those only weekends and the fixed-date statutory holidays were treated as
// rest days, so the deadline is provisional.
func finish(b *strings.Builder, r DeadlineRule, due Date, uncovered []int) Deadline {
	for _, y := range uncovered {
		fmt.Fprintf(b, "；%s，通知载入后重新计算", provisionalBasis(y))
	}
	return Deadline{Due: due, Rule: r.String(), Explanation: b.String(), Provisional: len(uncovered) > 0}
}

// uncoveredYears lists the years from first to last that cal has no official
// arrangement for; only the days the computation looked at matter.
func uncoveredYears(cal *HolidayCalendar, first, last Date) []int {
	var years []int
	for y := first.Year(); y <= last.Year(); y++ {
		if !cal.Covers(y) {
			years = append(years, y)
		}
	}
	return years
}

var chineseDigits = [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// ChineseCount writes a count in Chinese numerals as documents read it
// before a measure word (两个月, 十五日, 七日).
func ChineseCount(n int) string { return chineseCount(n) }

// chineseCount writes a count as it is read before a measure word: 两个月, 十五日,
// 七个工作日. Counts of 1000 or more keep Arabic digits, as documents do.
func chineseCount(n int) string {
	switch {
	case n == 2:
		return "两"
	case n < 10:
		return chineseDigits[n]
	case n < 20:
		return "十" + chineseOnes(n%10)
	case n < 100:
		return chineseDigits[n/10] + "十" + chineseOnes(n%10)
	case n < 1000:
		rest := n % 100
		switch {
		case rest == 0:
			return chineseDigits[n/100] + "百"
		case rest < 10:
			return chineseDigits[n/100] + "百零" + chineseDigits[rest]
		default:
			return chineseDigits[n/100] + "百" + chineseDigits[rest/10] + "十" + chineseOnes(rest%10)
		}
	default:
		return strconv.Itoa(n)
	}
}

func chineseOnes(n int) string {
	if n == 0 {
		return ""
	}
	return chineseDigits[n]
}
