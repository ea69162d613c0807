package analysis

import "jianyi/internal/cases"

// ProblemKind is a kind of problem (问题类型); the catalogue lives with the
// cases, as each case stores its kind (cases.problem_kind) when registered.
type ProblemKind = cases.ProblemKind

// ProblemKinds is the catalogue, in matching order.
var ProblemKinds = cases.ProblemKinds

var problemKindLabels = cases.ProblemKindLabels
