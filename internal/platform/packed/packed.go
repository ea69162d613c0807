// Package packed reads rows selected as one text per row: the fields
// separated by Sep (CONCAT_WS(CHAR(31), …) on both databases), split and
// parsed in Go. On SQLite one column instead of several is most of the
// cost of a row (its pure-Go driver takes the connection's mutex several
// times for every cell and parses every timestamp itself); the exports, the
// statistics and the hot lists read that way (stats/packed.go says which
// fields may be packed).
package packed

import (
	"strconv"
	"strings"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// Sep separates the fields of a packed row (the ASCII unit separator,
// CHAR(31)).
const Sep = '\x1f'

// Split splits s into exactly len(f) fields (substrings of s); false when
// it holds more or fewer separators.
func Split(s string, f []string) bool {
	last := len(f) - 1
	for i := 0; i < last; i++ {
		j := strings.IndexByte(s, Sep)
		if j < 0 {
			return false
		}
		f[i], s = s[:j], s[j+1:]
	}
	if strings.IndexByte(s, Sep) >= 0 {
		return false
	}
	f[last] = s
	return true
}

// Parser reads the fields of a packed row ("" is NULL); the first error
// sticks in Err.
type Parser struct{ Err error }

// ID is an integer field, 0 for "".
func (p *Parser) ID(s string) int64 {
	if s == "" || p.Err != nil {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.Err = err
	}
	return v
}

// OptID is an integer field, nil for "".
func (p *Parser) OptID(s string) *int64 {
	if s == "" {
		return nil
	}
	v := p.ID(s)
	return &v
}

// Date is a date field, the zero Date for "".
func (p *Parser) Date(s string) calendar.Date {
	var d calendar.Date
	if err := d.ScanText(s); err != nil && p.Err == nil {
		p.Err = err
	}
	return d
}

// OptDate is a date field, nil for "".
func (p *Parser) OptDate(s string) *calendar.Date {
	if s == "" {
		return nil
	}
	d := p.Date(s)
	return &d
}

// Time is a timestamp field (as database.NullTime reads its text); false
// for "".
func (p *Parser) Time(s string) (time.Time, bool) {
	if s == "" || p.Err != nil {
		return time.Time{}, false
	}
	var t database.NullTime
	p.Err = t.ScanText(s)
	return t.Time, p.Err == nil
}

// Instant is a timestamp field, nil for "".
func (p *Parser) Instant(s string) *time.Time {
	if t, ok := p.Time(s); ok {
		return &t
	}
	return nil
}

// Bool is a boolean field as database/sql reads one from text ("1", "0",
// "true", …).
func (p *Parser) Bool(s string) bool {
	v, err := strconv.ParseBool(s)
	if err != nil && p.Err == nil {
		p.Err = err
	}
	return v
}
