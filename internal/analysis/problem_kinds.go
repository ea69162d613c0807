package analysis

import "jianyi/internal/cases"

// ProblemKind is a kind of problem (问题类型); the catalogue lives with the
// cases, as each case stores its kind (cases.problem_kind) when registered.
type ProblemKind = cases.ProblemKind

// ProblemKindOther is the kind of a title no keyword matches.
const ProblemKindOther = cases.ProblemKindOther

// ProblemKinds is the catalogue, in matching order.
var ProblemKinds = cases.ProblemKinds

var problemKindLabels = cases.ProblemKindLabels

// ClassifyProblem returns the key of the kind of problem a title names.
func ClassifyProblem(title string) string { return cases.ClassifyProblem(title) }
