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
// procuratorate's own reviews: case managers and the chief.
func CanReadAllReviews(a *org.Actor) bool {
	return a.HasRole(org.RoleCaseManager, org.RoleChief) && a.ProcuratorateID != 0
}

// CanReadAllItems reports who reads every item of a batch: the organising
// procuratorate's case managers and chief.
func CanReadAllItems(a *org.Actor, b *ReviewBatch) bool {
	return CanReadAllReviews(a) && a.ProcuratorateID == b.ProcuratorateID
}

// CanRunBatch reports who runs a batch (assigns reviewers): the organising
// procuratorate's case managers.
func CanRunBatch(a *org.Actor, b *ReviewBatch) bool {
	return CanRunReviews(a) && a.ProcuratorateID == b.ProcuratorateID
}

// CanReadReviewItem reports whether the actor may see one review item: the
// organiser's case managers and chief, the assigned reviewer (of whatever
// procuratorate), the handling prosecutor, and the chief and case managers
// of the case's own procuratorate.
func CanReadReviewItem(a *org.Actor, b *ReviewBatch, it *ReviewItem) bool {
	switch {
	case CanReadAllItems(a, b):
		return true
	case it.ReviewerID != nil && *it.ReviewerID == a.UserID:
		return true
	case it.ProsecutorID == a.UserID:
		return true
	case CanReadAllReviews(a) && it.ProcuratorateID == a.ProcuratorateID:
		return true
	}
	return false
}

// ReviewItemScope restricts a review item query as CanReadReviewItem does.
func ReviewItemScope(a *org.Actor, b *ReviewBatch) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if CanReadAllItems(a, b) {
			return q
		}
		if CanReadAllReviews(a) {
			return q.Where("(review_items.reviewer_id = ? OR review_items.prosecutor_id = ? OR review_items.procuratorate_id = ?)",
				a.UserID, a.UserID, a.ProcuratorateID)
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
	if kind == ReviewInterProcuratorate && reviewer.ProcuratorateID != nil && *reviewer.ProcuratorateID == it.ProcuratorateID {
		return &apperr.Error{Kind: apperr.ErrConflict, Code: "reviewer_same_procuratorate", Message: "院际交叉评查的评查人不能来自案件承办院",
			Fields: map[string]string{"reviewer_id": "院际交叉评查须由其他检察院人员评查"}}
	}
	return nil
}

// checkReviewerInScope requires the reviewer to belong to the organising
// procuratorate — or, for a batch over its subtree, to a procuratorate in it.
func (s *Service) checkReviewerInScope(tx *gorm.DB, b *ReviewBatch, u *org.User) error {
	if *u.ProcuratorateID == b.ProcuratorateID {
		return nil
	}
	if b.Scope == ScopeSubtree {
		organiser, err := org.ProcuratorateByID(tx, b.ProcuratorateID)
		if err != nil {
			return err
		}
		own, err := org.ProcuratorateByID(tx, *u.ProcuratorateID)
		if err != nil {
			return err
		}
		if org.InSubtree(own.Path, organiser.Path) {
			return nil
		}
		return apperr.InvalidField("reviewer_id", "评查人须为组织评查的检察院或其下级院的在岗检察人员")
	}
	return apperr.InvalidField("reviewer_id", "评查人须为本院在岗检察人员")
}

// CanRateAsAgency reports whether an agency user may rate a case: only its
// own recommendation, and only once the case is closed.
func CanRateAsAgency(a *org.Actor, c *cases.Case) bool {
	return a.HasRole(org.RoleAgency) && cases.CanReadCase(a, c) && c.State == cases.StateClosed
}
