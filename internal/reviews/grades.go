package reviews

// 等次: a scored case's grade, derived from its score as a percentage of
// the sheet's maximum by the configured thresholds (reviews.grades).

// The grades.
const (
	GradeExcellent   = "excellent"   // 优质
	GradeQualified   = "qualified"   // 合格
	GradeFlawed      = "flawed"      // 瑕疵
	GradeUnqualified = "unqualified" // 不合格
)

// GradeLabels are the Chinese names of the grades.
var GradeLabels = map[string]string{
	GradeExcellent: "优质", GradeQualified: "合格", GradeFlawed: "瑕疵", GradeUnqualified: "不合格",
}

// AllGrades lists the grades from best to worst.
var AllGrades = []string{GradeExcellent, GradeQualified, GradeFlawed, GradeUnqualified}

// ScopeLabels are the Chinese names of the batch scopes.
var ScopeLabels = map[string]string{ScopeOwn: "本院", ScopeSubtree: "本院及下级院"}

// GradeThresholds are the lowest percentages for 优质, 合格 and 瑕疵.
type GradeThresholds struct {
	Excellent, Qualified, Flawed int
}

// Grade is the grade of total out of max: the percentage is compared exactly
// (total×100 against threshold×max), so 89.5 % is not 优质 at 90.
func (g GradeThresholds) Grade(total, max int) string {
	if max <= 0 {
		return ""
	}
	if g == (GradeThresholds{}) {
		g = GradeThresholds{Excellent: 90, Qualified: 75, Flawed: 60}
	}
	switch pct := total * 100; {
	case pct >= g.Excellent*max:
		return GradeExcellent
	case pct >= g.Qualified*max:
		return GradeQualified
	case pct >= g.Flawed*max:
		return GradeFlawed
	}
	return GradeUnqualified
}
