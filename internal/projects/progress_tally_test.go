package projects

import (
	"testing"

	"jianyi/internal/cases"
)

// TestCaseTallyIsTheCaseCredit: what a case adds to its project's kept
// counts (cases.ProjectTallyOf) is its credit on the project page
// (caseCredit): counted unless withdrawn, terminated or not filed; credit 1
// when assessed, 0.5 when replied, 0 otherwise — in every state, with and
// without a verdict.
func TestCaseTallyIsTheCaseCredit(t *testing.T) {
	t.Parallel()
	for state := range cases.StateLabels {
		for _, verdict := range []string{"", "rectified"} {
			tally := cases.ProjectTallyOf(state, verdict)
			credit := caseCredit(&cases.Case{State: state, Rectification: verdict})
			left := state == cases.StateWithdrawn || state == cases.StateTerminated || state == cases.StateNotFiled
			if tally.Total != map[bool]int{true: 0, false: 1}[left] {
				t.Errorf("%s/%q: counted %d", state, verdict, tally.Total)
			}
			if got := float64(tally.Assessed) + 0.5*float64(tally.Replied); got != credit {
				t.Errorf("%s/%q: tally %+v gives credit %.1f, the page %.1f", state, verdict, tally, got, credit)
			}
			if tally.Assessed+tally.Replied > tally.Total {
				t.Errorf("%s/%q: tally %+v", state, verdict, tally)
			}
		}
	}
}
