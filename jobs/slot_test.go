package jobs

import (
	"testing"
	"time"
)

func TestSlotAt(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	at := func(h, m, s int) time.Time { return time.Date(2026, 4, 15, h, m, s, 0, cst) }
	tests := []struct {
		spec string
		now  time.Time
		want time.Time
	}{
		{"0 8 * * *", at(8, 0, 0), at(8, 0, 0)},
		{"0 8 * * *", at(8, 0, 0).Add(900 * time.Millisecond), at(8, 0, 0)}, // a slow timer: same slot
		{"0 8 * * *", at(7, 59, 59), at(8, 0, 0).AddDate(0, 0, -1)},         // before today's: yesterday's
		{"0 8 * * *", at(23, 0, 0), at(8, 0, 0)},
		{"30 8 * * *", at(8, 30, 2), at(8, 30, 0)},
		{"0 1 * * *", at(1, 0, 0), at(1, 0, 0)},
		{"*/15 * * * *", at(9, 44, 59), at(9, 30, 0)},
		{"@every 30s", at(9, 0, 31), at(9, 0, 30)},
		{"@every 30s", at(9, 0, 29), at(9, 0, 0)},
		{"@every 1h", at(9, 59, 0), at(9, 0, 0)},
		{"@daily", at(0, 0, 1), at(0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.spec+" "+tt.now.Format("15:04:05.000"), func(t *testing.T) {
			sched, err := ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := slotAt(sched, tt.now); !got.Equal(tt.want) {
				t.Fatalf("slot %s, want %s", got.In(cst), tt.want)
			}
		})
	}
}

func TestParseSpecRejects(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"", "every day", "61 * * * *", "@every 0s", "@every soon", "@every 10ms"} {
		if _, err := ParseSpec(spec); err == nil {
			t.Errorf("ParseSpec(%q) accepted", spec)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	base, max := time.Minute, time.Hour
	tests := []struct {
		failed int
		want   time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {6, 32 * time.Minute}, {7, time.Hour}, {30, time.Hour}}
	for _, tt := range tests {
		if got := RetryDelay(tt.failed, base, max); got != tt.want {
			t.Errorf("RetryDelay(%d) = %s, want %s", tt.failed, got, tt.want)
		}
	}
}
