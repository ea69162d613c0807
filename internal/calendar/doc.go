// Package calendar is legal time: Date (a civil date), the Clock every "now"
// comes from, the holiday calendar (national schedule plus the administrators'
// edits) and deadline arithmetic (months, days, working days).
package calendar
