package cases

import (
	"strings"
	"testing"
)

// TestApprovalChainSteps: a procuratorate's own chain overrides the default;
// each step is followed by the next, the last by none.
func TestApprovalChainSteps(t *testing.T) {
	t.Parallel()
	ch := ApprovalChains{Default: []string{StageDeptReview, StageApprove},
		ByProcuratorate: map[string][]string{"东川省临江市人民检察院": {StageDeptReview, StageApprove, StageCommittee}}}
	for _, tc := range []struct {
		procuratorate, stage, next string
	}{
		{"临江市清河区人民检察院", StageDeptReview, StageApprove},
		{"临江市清河区人民检察院", StageApprove, ""},
		{"东川省临江市人民检察院", StageApprove, StageCommittee},
		{"东川省临江市人民检察院", StageCommittee, ""},
		{"东川省临江市人民检察院", "unknown", ""},
	} {
		if got := nextStage(ch.For(tc.procuratorate), tc.stage); got != tc.next {
			t.Errorf("%s after %s: %q, want %q", tc.procuratorate, tc.stage, got, tc.next)
		}
	}
	if got := strings.Join(ApprovalChains{}.For("任何院"), ","); got != "dept_review,approve" {
		t.Errorf("unconfigured chain %s", got)
	}
	steps := DescribeChain(ch.For("东川省临江市人民检察院"))
	if steps[0].Label != "部门负责人审核" || steps[2].Role != "chief" {
		t.Errorf("described chain %+v", steps)
	}
}
