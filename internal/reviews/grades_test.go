package reviews

import "testing"

// TestGrade: the 等次 thresholds compare the exact percentage, bounds included.
func TestGrade(t *testing.T) {
	t.Parallel()
	g := GradeThresholds{Excellent: 90, Qualified: 75, Flawed: 60}
	for _, tc := range []struct {
		total, max int
		want       string
	}{
		{100, 100, GradeExcellent}, {90, 100, GradeExcellent}, {89, 100, GradeQualified},
		{179, 200, GradeQualified}, // 89.5 %
		{75, 100, GradeQualified}, {74, 100, GradeFlawed}, {60, 100, GradeFlawed}, {59, 100, GradeUnqualified},
		{0, 100, GradeUnqualified}, {3, 5, GradeFlawed}, {0, 0, ""},
	} {
		if got := g.Grade(tc.total, tc.max); got != tc.want {
			t.Errorf("%d/%d: %q, want %q", tc.total, tc.max, got, tc.want)
		}
	}
	if got := (GradeThresholds{Excellent: 95, Qualified: 80, Flawed: 70}).Grade(92, 100); got != GradeQualified {
		t.Errorf("configured thresholds: %q", got)
	}
}
