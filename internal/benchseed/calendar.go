package benchseed

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// day is a calendar date in the legal zone, counted in days since 1970-01-01.
// The generator handles millions of dates; an int keeps them cheap.
type day int32

func dayOf(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func (d day) String() string { return d.time().Format("2006-01-02") }

func (d day) year() int { return d.time().Year() }

func (d day) weekday() time.Weekday { return time.Weekday((int(d)%7 + 7 + 4) % 7) }

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// addMonthsClamped ends on the corresponding day of the due month, or that
// month's last day when it has none (民法典 第202条).
func (d day) addMonthsClamped(months int) day {
	t := d.time()
	first := time.Date(t.Year(), t.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return dayOf(first.Year(), first.Month(), min(t.Day(), last))
}

// calendar is the holiday table the migrations ship (法定节假日 and 调休
// 上班日); outside it only weekends rest, as the service assumes.
type calendar struct {
	kinds map[day]string // "holiday" | "workday"
	names map[day]string
	years map[int]bool
}

func loadCalendar(ctx context.Context, db *sql.DB) (*calendar, error) {
	rows, err := db.QueryContext(ctx, "SELECT day, kind, name, year FROM holidays")
	if err != nil {
		return nil, fmt.Errorf("reading the holiday calendar: %w", err)
	}
	defer rows.Close()
	c := &calendar{kinds: map[day]string{}, names: map[day]string{}, years: map[int]bool{}}
	for rows.Next() {
		var s, kind, name string
		var year int
		if err := rows.Scan(&s, &kind, &name, &year); err != nil {
			return nil, err
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return nil, fmt.Errorf("holiday %q: %w", s, err)
		}
		d := dayOf(t.Year(), t.Month(), t.Day())
		c.kinds[d], c.names[d], c.years[year] = kind, name, true
	}
	return c, rows.Err()
}

func (c *calendar) isWorkingDay(d day) bool {
	switch c.kinds[d] {
	case "holiday":
		return false
	case "workday":
		return true
	}
	wd := d.weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func (c *calendar) nextWorkingDay(d day) day {
	for !c.isWorkingDay(d) {
		d++
	}
	return d
}

// deadline is a computed reply deadline with its stored rule and the
// explanation users read, worded as the service words it.
type deadline struct {
	due         day
	rule        string
	explanation string
}

// replyDeadline is the two-month (or urgent N-day) period from receipt: the
// receipt day is not counted and a last day on a rest day moves to the next
// working day (民法典 第201–203条).
func (c *calendar) replyDeadline(received day, urgentDays int) deadline {
	nominal, period, rule := received.addMonthsClamped(2), "两个月", "months:2"
	if urgentDays > 0 {
		nominal, period, rule = received+day(urgentDays), chineseCount(urgentDays)+"日", fmt.Sprintf("days:%d", urgentDays)
	}
	return c.rollToWorkingDay(received, nominal, period, rule)
}

// daysDeadline is N calendar days from start, rolled off rest days.
func (c *calendar) daysDeadline(start day, n int) day {
	return c.nextWorkingDay(start + day(n))
}

func (c *calendar) rollToWorkingDay(start, nominal day, period, rule string) deadline {
	due := c.nextWorkingDay(nominal)
	var b strings.Builder
	fmt.Fprintf(&b, "收到日 %s，次日起算%s，届满日 %s（%s", start, period, nominal, weekdayNames[nominal.weekday()])
	switch {
	case due != nominal:
		b.WriteString("）")
		if c.kinds[nominal] == "holiday" {
			b.WriteString("为法定节假日（" + c.names[nominal] + "）")
		} else {
			b.WriteString("为休息日")
		}
		fmt.Fprintf(&b, "，顺延至 %s（%s）", due, weekdayNames[due.weekday()])
	case c.kinds[nominal] == "workday":
		b.WriteString("，调休上班日）")
	default:
		b.WriteString("）")
	}
	var uncovered []string
	for y := nominal.year(); y <= due.year(); y++ {
		if !c.years[y] {
			uncovered = append(uncovered, fmt.Sprintf("%d年", y))
		}
	}
	if len(uncovered) > 0 {
		fmt.Fprintf(&b, "；%s尚无官方节假日安排，暂仅按周末顺延，安排公布后应重新计算", strings.Join(uncovered, "、"))
	}
	return deadline{due: due, rule: rule, explanation: b.String()}
}

var chineseDigits = [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// chineseCount writes the small counts the generator uses (1–99).
func chineseCount(n int) string {
	switch {
	case n == 2:
		return "两"
	case n < 10:
		return chineseDigits[n]
	case n < 20:
		return "十" + ones(n%10)
	default:
		return chineseDigits[n/10%10] + "十" + ones(n%10)
	}
}

func ones(n int) string {
	if n == 0 {
		return ""
	}
	return chineseDigits[n]
}

// workdaysAfter is the n-th working day after start.
func (c *calendar) workdaysAfter(start day, n int) day {
	d := start
	for counted := 0; counted < n; {
		d++
		if c.isWorkingDay(d) {
			counted++
		}
	}
	return d
}
