package calendar

import (
	"time"
)

// Clock is the one source of the current time and of the legal date: the
// composition root builds it once from the configured time zone and hands it
// to every service, job and handler; tests give it a time of their own.
type Clock struct {
	now func() time.Time
	loc *time.Location
}

// NewClock returns a clock that reads now and counts legal dates in loc.
func NewClock(loc *time.Location, now func() time.Time) *Clock {
	return &Clock{now: now, loc: loc}
}

// Now is the current instant in UTC, to the microsecond the databases keep.
func (c *Clock) Now() time.Time { return c.now().UTC().Truncate(time.Microsecond) }

// Today is the legal date now: the calendar day in the configured zone.
func (c *Clock) Today() Date { return DateOf(c.now(), c.loc) }

// Location is the configured zone legal dates are counted in.
func (c *Clock) Location() *time.Location { return c.loc }

// DateOf is the legal date of an instant.
func (c *Clock) DateOf(t time.Time) Date { return DateOf(t, c.loc) }

// StartOf is the instant a legal date begins.
func (c *Clock) StartOf(d Date) time.Time { return d.StartIn(c.loc) }

// StoppedAt returns a clock in the same zone that always reads t; the demo
// seeding dates each of its steps with one.
func (c *Clock) StoppedAt(t time.Time) *Clock {
	return &Clock{now: func() time.Time { return t }, loc: c.loc}
}
