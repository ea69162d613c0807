package cases

import (
	"strings"
	"testing"
	"time"

	"jianyi/internal/calendar"
)

// TestAgencySeesLetter: the recipient reads the current letter only once it
// has been delivered — an amended letter redrafted, approved or re-issued keeps
// the first delivery date but stays hidden until delivered again.
func TestAgencySeesLetter(t *testing.T) {
	t.Parallel()
	day := calendar.Date{}
	delivered := &day
	issued := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		c    Case
		want bool
	}{
		{"never delivered", Case{State: StateIssued, IssuedAt: &issued}, false},
		{"delivered", Case{State: StateDelivered, DeliveredOn: delivered, ReceivedOn: delivered, IssuedAt: &issued}, true},
		{"replied", Case{State: StateReplied, DeliveredOn: delivered}, true},
		{"following up", Case{State: StateFollowingUp, DeliveredOn: delivered}, true},
		{"closed", Case{State: StateClosed, DeliveredOn: delivered}, true},
		{"amended, drafting", Case{State: StateDrafting, DeliveredOn: delivered}, false},
		{"amended, reviewing", Case{State: StateReviewing, DeliveredOn: delivered}, false},
		{"amended, approved", Case{State: StateApproved, DeliveredOn: delivered}, false},
		{"amended, re-issued", Case{State: StateIssued, DeliveredOn: delivered, IssuedAt: &issued}, false},
		{"withdrawn after delivery", Case{State: StateWithdrawn, DeliveredOn: delivered, ReceivedOn: delivered, IssuedAt: &issued}, true},
		{"withdrawn after re-issue", Case{State: StateWithdrawn, DeliveredOn: delivered, IssuedAt: &issued}, false},
		{"terminated while redrafting", Case{State: StateTerminated, DeliveredOn: delivered}, false},
	}
	for _, tt := range tests {
		if got := AgencySeesLetter(&tt.c); got != tt.want {
			t.Errorf("%s: AgencySeesLetter = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestAgencyTimeline: an issuance not yet followed by a delivery is left out.
func TestAgencyTimeline(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"issue,deliver,sign", "issue,deliver,sign"},
		{"issue,deliver,object,review_objection,issue", "issue,deliver,object,review_objection"},
		{"issue,deliver,object,review_objection,issue,deliver", "issue,deliver,object,review_objection,issue,deliver"},
		{"issue,deliver,object,review_objection,issue,withdraw", "issue,deliver,object,review_objection,withdraw"},
	}
	for _, tt := range tests {
		var events []CaseEvent
		for _, a := range strings.Split(tt.in, ",") {
			events = append(events, CaseEvent{Action: a})
		}
		var got []string
		for _, ev := range AgencyTimeline(events) {
			got = append(got, ev.Action)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("AgencyTimeline(%s) = %s, want %s", tt.in, strings.Join(got, ","), tt.want)
		}
	}
}
