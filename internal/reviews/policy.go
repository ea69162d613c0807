package reviews

import (
	"gorm.io/gorm"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// CanRunReviews reports who organises quality reviews (质量评查): case managers.
func CanRunReviews(a *org.Actor) bool {
	return a.HasRole(org.RoleCaseManager) && a.ProcuratorateID != 0
}

// CanReadAllReviews reports who reads every item and result of the
// procuratorate's reviews: case managers and the chief.
func CanReadAllReviews(a *org.Actor) bool {
	return a.HasRole(org.RoleCaseManager, org.RoleChief) && a.ProcuratorateID != 0
}

// CanReadReviewItem reports whether the actor may see one review item (its
// batch already belongs to the actor's procuratorate): case managers and the
// chief, the assigned reviewer, and the handling prosecutor.
func CanReadReviewItem(a *org.Actor, it *ReviewItem) bool {
	switch {
	case CanReadAllReviews(a):
		return true
	case it.ReviewerID != nil && *it.ReviewerID == a.UserID:
		return true
	case it.ProsecutorID == a.UserID:
		return true
	}
	return false
}

// ReviewItemScope restricts a review item query as CanReadReviewItem does.
func ReviewItemScope(a *org.Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if CanReadAllReviews(a) {
			return q
		}
		return q.Where("(review_items.reviewer_id = ? OR review_items.prosecutor_id = ?)", a.UserID, a.UserID)
	}
}

// CheckReviewerAllowed enforces who may review a case: never the handling
// prosecutor (nobody reviews their own work), and in a cross review
// (交叉评查) nobody from the case's own department.
func CheckReviewerAllowed(kind string, reviewer *org.User, it *ReviewItem) error {
	if reviewer.ID == it.ProsecutorID {
		return &apperr.Error{Kind: apperr.ErrConflict, Code: "reviewer_is_handler", Message: "评查人不能是该案件的承办检察官",
			Fields: map[string]string{"reviewer_id": "不能评查本人承办的案件"}}
	}
	if kind == ReviewCross && reviewer.DepartmentID != nil && *reviewer.DepartmentID == it.DepartmentID {
		return &apperr.Error{Kind: apperr.ErrConflict, Code: "reviewer_same_department", Message: "交叉评查的评查人不能来自案件承办部门",
			Fields: map[string]string{"reviewer_id": "交叉评查须由其他部门人员评查"}}
	}
	return nil
}

// CanRateAsAgency reports whether an agency user may rate a case: only its
// own recommendation, and only once the case is closed.
func CanRateAsAgency(a *org.Actor, c *cases.Case) bool {
	return a.HasRole(org.RoleAgency) && cases.CanReadCase(a, c) && c.State == cases.StateClosed
}
