package handlers

import (
	"testing"

	"jianyi/jobs"
)

// TestEveryJobHasAChineseLabel: the admin's jobs page names each scheduled
// job in Chinese; a job added without a label would show a blank name.
func TestEveryJobHasAChineseLabel(t *testing.T) {
	t.Parallel()
	for _, j := range jobs.All() {
		if jobLabels[j.Name] == "" {
			t.Errorf("job %q has no label in jobLabels", j.Name)
		}
	}
	if len(jobLabels) != len(jobs.All()) {
		t.Errorf("%d labels for %d jobs", len(jobLabels), len(jobs.All()))
	}
}
