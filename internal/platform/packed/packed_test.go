package packed

import (
	"testing"

	"jianyi/internal/calendar"
)

// TestSplitTakesExactlyItsFields: a row splits only into exactly as many
// fields as the reader expects; one separator more or less fails it.
func TestSplitTakesExactlyItsFields(t *testing.T) {
	f := make([]string, 3)
	if !Split("1\x1f\x1fc", f) || f[0] != "1" || f[1] != "" || f[2] != "c" {
		t.Fatalf("split: %q", f)
	}
	for _, bad := range []string{"1\x1fb", "1\x1fb\x1fc\x1fd", ""} {
		if Split(bad, f) {
			t.Errorf("%q split into 3 fields", bad)
		}
	}
}

// TestParserReadsNullAsEmpty: "" is NULL for every optional field, and the
// first malformed field's error sticks.
func TestParserReadsNullAsEmpty(t *testing.T) {
	var p Parser
	if p.OptID("") != nil || p.OptDate("") != nil || p.Instant("") != nil || p.ID("") != 0 || !p.Date("").IsZero() {
		t.Fatal("an empty field did not read as NULL")
	}
	if id := p.OptID("42"); id == nil || *id != 42 {
		t.Fatalf("id: %v", id)
	}
	if d := p.OptDate("2026-12-07"); d == nil || *d != calendar.NewDate(2026, 12, 7) {
		t.Fatalf("date: %v", d)
	}
	if ts := p.Instant("2026-12-06 18:30:00.123456+00:00"); ts == nil || ts.Nanosecond() != 123456000 {
		t.Fatalf("instant: %v (%v)", ts, p.Err)
	}
	if p.Err != nil {
		t.Fatal(p.Err)
	}
	p.ID("x")
	first := p.Err
	p.Date("not a date")
	if first == nil || p.Err != first {
		t.Fatalf("the first error did not stick: %v then %v", first, p.Err)
	}
}
