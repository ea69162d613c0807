package stats

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
)

// A packed read selects the columns a loop needs as one text per row, the
// fields separated by packSep, and splits it in Go. On SQLite one column
// instead of several is most of the cost of a row: its driver takes the
// connection's mutex several times for every column of every row, asks a
// text column's declared type and copies each text twice; on MySQL it
// saves a value per column (a timestamp parsed, an integer boxed). The
// exports and the statistics read facts by the hundred thousand.
//
// A field is an integer, a date, a timestamp or a code (a state, a kind, a
// method), none of which holds the separator; a code's column is read with
// the separator replaced (packedCol.code), so that a stray one in the data
// cannot shift the fields — it matched no known code before and matches none
// after. A row that does not split into its fields fails the read, as a
// malformed value did when each column was scanned. Free text may hold
// anything: a reader that packs it reads a row that does not split again
// column by column (the ledger's cases, whose codes it need not replace then).

// packSep separates the fields of a packed row (the ASCII unit separator).
const packSep = '\x1f'

// packedCol is a column of a packed read.
type packedCol struct {
	expr     string
	nullable bool // NULL reads as ""
	code     bool // a code: packSep is replaced by the record separator
}

// packedExprs are the columns as expressions that read as text, "" for
// NULL (CONCAT_WS would leave a NULL out). SQLite and MySQL turn numbers and timestamps into text themselves: MySQL a
// DATETIME(6) as "2006-01-02 15:04:05.999999" in the zone the driver reads
// it in (UTC), SQLite the text its driver wrote.
func packedExprs(cols []packedCol) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		e := c.expr
		if c.code {
			e = "REPLACE(" + e + ", CHAR(31), CHAR(30))"
		}
		if c.nullable {
			e = "COALESCE(" + e + ", '')"
		}
		out[i] = e
	}
	return out
}

// packedExpr is the expression that reads cols as one text: CONCAT_WS on
// both databases (on SQLite a fifth cheaper than a chain of ||, which copies
// the text grown so far at every step).
func packedExpr(cols []packedCol) string {
	return "CONCAT_WS(CHAR(31), " + strings.Join(packedExprs(cols), ", ") + ")"
}

// splitPacked splits s into exactly len(f) fields (substrings of s); false
// when it holds more or fewer separators.
func splitPacked(s string, f []string) bool {
	last := len(f) - 1
	for i := 0; i < last; i++ {
		j := strings.IndexByte(s, packSep)
		if j < 0 {
			return false
		}
		f[i], s = s[:j], s[j+1:]
	}
	if strings.IndexByte(s, packSep) >= 0 {
		return false
	}
	f[last] = s
	return true
}

// scanPacked runs q, which selects one packed column, and calls fn with
// each row split into f.
func scanPacked(q *gorm.DB, f []string, fn func() error) error {
	var packed string
	return scanEach(q, []any{&packed}, func() error {
		if !splitPacked(packed, f) {
			return fmt.Errorf("stats: a row read as %q, not %d fields", packed, len(f))
		}
		return fn()
	})
}

// fieldParser reads the fields of a packed row; the first error sticks.
type fieldParser struct{ err error }

// id is an integer field, 0 for "".
func (p *fieldParser) id(s string) int64 {
	if s == "" || p.err != nil {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.err = err
	}
	return v
}

// date is a date field, the zero Date for "".
func (p *fieldParser) date(s string) calendar.Date {
	var d calendar.Date
	if err := d.ScanText(s); err != nil && p.err == nil {
		p.err = err
	}
	return d
}

// time is a timestamp field (as NullTime reads its text); false for "".
func (p *fieldParser) time(s string) (time.Time, bool) {
	if s == "" || p.err != nil {
		return time.Time{}, false
	}
	var t NullTime
	p.err = t.ScanText(s)
	return t.Time, p.err == nil
}

// bool is a boolean field as database/sql reads one from text ("1", "0",
// "true", …).
func (p *fieldParser) bool(s string) bool {
	v, err := strconv.ParseBool(s)
	if err != nil && p.err == nil {
		p.err = err
	}
	return v
}
