package models

import "gorm.io/gorm"

// This file is the one policy place: may this actor see or act on this object?
// Handlers never decide access themselves.

// agencyVisible reports whether a case has reached the recipient: agencies see
// a recommendation only once it has been delivered to them.
func agencyVisible(c *Case) bool {
	return c.DeliveredOn != nil
}

// AgencySeesLetter reports whether the recipient may read the current
// recommendation — its content, 文号 and documents. A case amended after an
// objection (异议复核 → 修改) keeps its first delivery date, so the agency still
// reads its history (objection, replies) while the letter is redrafted,
// approved and re-issued; the new draft and the new letter reach it only once
// delivered again. So: the post-delivery states, and a case withdrawn or
// terminated after the current letter was delivered (the deliver action sets
// received_on; an amendment clears it).
func AgencySeesLetter(c *Case) bool {
	if c.DeliveredOn == nil {
		return false
	}
	switch c.State {
	case StateDelivered, StateReplied, StateFollowingUp, StateClosed:
		return true
	case StateWithdrawn, StateTerminated:
		return c.ReceivedOn != nil && c.IssuedAt != nil
	}
	return false
}

// AgencyTimeline drops from a recipient's timeline (already without internal
// events) an issuance not yet followed by a delivery: a letter re-issued after
// an amendment names its new 文号 and 抄送 list, which the agency reads only
// once the letter is delivered (AgencySeesLetter).
func AgencyTimeline(events []CaseEvent) []CaseEvent {
	delivered := false
	keep := make([]bool, len(events))
	for i := len(events) - 1; i >= 0; i-- {
		switch events[i].Action {
		case "deliver":
			delivered = true
		case "issue":
			keep[i] = delivered
			continue
		}
		keep[i] = true
	}
	out := events[:0]
	for i, ev := range events {
		if keep[i] {
			out = append(out, ev)
		}
	}
	return out
}

// CanReadCase reports whether the actor may read the case at all. Callers
// answer "not found" when it is false, so existence does not leak.
func CanReadCase(a *Actor, c *Case) bool {
	switch {
	case a == nil:
		return false
	case a.Role == RoleAgency:
		return a.AgencyID != 0 && c.AgencyID != nil && *c.AgencyID == a.AgencyID && agencyVisible(c)
	case a.Role == RoleAdmin:
		// Administrators run the system, not cases.
		return false
	case a.Role.IsStaff():
		return c.ProcuratorateID == a.ProcuratorateID
	}
	return false
}

// CanActOnCase reports whether the actor may take the action on the case,
// beyond the lifecycle table's role check: staff act only on their own
// procuratorate's cases, prosecutors and department heads only within their
// department, agencies only on recommendations addressed to them.
func CanActOnCase(a *Actor, c *Case, spec *ActionSpec) bool {
	if !CanReadCase(a, c) || !spec.AllowsRole(a.Role) {
		return false
	}
	switch a.Role {
	case RoleProsecutor, RoleDeptHead:
		return a.DepartmentID == c.DepartmentID
	}
	return true
}

// CaseScope restricts a case query to what the actor may read.
func CaseScope(a *Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		switch {
		case a == nil:
			return q.Where("1 = 0")
		case a.Role == RoleAgency:
			return q.Where("cases.agency_id = ? AND cases.delivered_on IS NOT NULL", a.AgencyID)
		case a.Role == RoleAdmin:
			return q.Where("1 = 0")
		case a.Role.IsStaff():
			return q.Where("cases.procuratorate_id = ?", a.ProcuratorateID)
		}
		return q.Where("1 = 0")
	}
}

// SeesInternal reports whether the actor may see internal items (drafts,
// approval notes, internal records). Agency users never do.
func SeesInternal(a *Actor) bool {
	return a != nil && a.Role.IsStaff()
}

// applicationHandlers are the roles that handle citizen applications
// (公民申请) addressed to their procuratorate.
var applicationHandlers = []Role{RoleProsecutor, RoleDeptHead, RoleCaseManager}

// CanHandleApplication reports whether a staff member may read and answer a
// citizen application: handlers of the procuratorate it was addressed to.
func CanHandleApplication(a *Actor, app *Application) bool {
	return a.HasRole(applicationHandlers...) && a.ProcuratorateID != 0 && a.ProcuratorateID == app.ProcuratorateID
}

// ApplicationScope restricts an application query to what the actor handles.
func ApplicationScope(a *Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if !a.HasRole(applicationHandlers...) || a.ProcuratorateID == 0 {
			return q.Where("1 = 0")
		}
		return q.Where("applications.procuratorate_id = ?", a.ProcuratorateID)
	}
}

// CanPreviewDisclosure reports whether the actor may prepare a case's
// publication (see the redacted text): staff of the case's procuratorate who
// handle or approve it.
func CanPreviewDisclosure(a *Actor, c *Case, publishRoles []Role) bool {
	if !CanReadCase(a, c) {
		return false
	}
	return a.HasRole(RoleProsecutor, RoleDeptHead, RoleChief) || a.HasRole(publishRoles...)
}

// CanPublishCase reports whether the actor may take the decision to publish
// or withdraw: the configured roles (disclosure.publish_roles, by default the
// chief) of the case's own procuratorate.
func CanPublishCase(a *Actor, c *Case, publishRoles []Role) bool {
	return CanReadCase(a, c) && a.HasRole(publishRoles...)
}

// PublishBlockers lists why a case can never be published (涉及国家秘密、
// 商业秘密、个人隐私或未成年人), empty when none applies.
func PublishBlockers(c *Case) []string {
	var out []string
	if c.InvolvesStateSecret {
		out = append(out, "涉及国家秘密")
	}
	if c.InvolvesTradeSecret {
		out = append(out, "涉及商业秘密")
	}
	if c.InvolvesPrivacy {
		out = append(out, "涉及个人隐私")
	}
	if c.InvolvesMinors {
		out = append(out, "涉及未成年人")
	}
	return out
}

// agencyDocuments are the documents a recipient agency may download for a
// recommendation delivered to it: the issued letter, the proof of service and
// urging letters — never draft previews, approval forms or filing reports.
var agencyDocuments = map[DocumentKind]bool{DocRecommendation: true, DocServiceReceipt: true, DocUrgingLetter: true}

// CanReadCaseDocument reports whether the actor may download a document of
// the case. filerPath is the tree path of the procuratorate that filed the
// case upward (备案), "" when there is no filing: whoever may read the filing
// (CanReadFiling — every procuratorate above the filer) reads the filing
// report, and only that. Administrators run the system, not cases, and read
// none. Callers answer "not found" when it is false.
func CanReadCaseDocument(a *Actor, c *Case, kind DocumentKind, filerPath string) bool {
	if kind == DocFilingReport && filerPath != "" && CanReadFiling(a, filerPath) {
		return true
	}
	if !CanReadCase(a, c) {
		return false
	}
	if a.Role == RoleAgency {
		return agencyDocuments[kind] && c.issued() && AgencySeesLetter(c)
	}
	return SeesInternal(a)
}

// agencyDocumentOwnerTypes are the generated documents an agency may download
// by file id: the letter it received and the papers served on it.
var agencyDocumentOwnerTypes = []string{"recommendation_pdf", "service_receipt_pdf", "urging_letter_pdf"}

// CanDownloadFile decides a download by file id, for a user who may read the
// file's case c: staff get every file of their cases; an agency only non-internal
// files of the kinds meant for it (its own submissions, the letter, non-internal
// follow-ups), so a guessed id never reaches an internal record's attachment,
// and the letter's documents only while AgencySeesLetter.
func CanDownloadFile(a *Actor, c *Case, f *StoredFile) bool {
	if SeesInternal(a) {
		return true
	}
	if f.Internal || a == nil || a.Role != RoleAgency {
		return false
	}
	for _, t := range AgencyFileOwnerTypes {
		if f.OwnerType == t {
			return true
		}
	}
	for _, t := range agencyDocumentOwnerTypes {
		if f.OwnerType == t {
			return AgencySeesLetter(c)
		}
	}
	return false
}

// ProjectAccess is what an actor may do with a project (项目化管理). The
// levels, from most to least:
//
//	manager  the lead, the chief and the head of the project's department: everything
//	member   team members (member, external_member): read all, work on tasks and notes
//	monitor  case managers of the procuratorate: read all (流程监控), change nothing
//	expert   team members with project_role expert: read non-internal items,
//	         comment and update the tasks they own
//	viewer   other staff of the procuratorate and staff of higher procuratorates:
//	         read non-internal items, change nothing
type ProjectAccess string

// The project access levels.
const (
	ProjectNoAccess ProjectAccess = ""
	ProjectManager  ProjectAccess = "manager"
	ProjectMemberAc ProjectAccess = "member"
	ProjectMonitor  ProjectAccess = "monitor"
	ProjectExpert   ProjectAccess = "expert"
	ProjectViewer   ProjectAccess = "viewer"
)

// SeesInternal reports whether internal tasks, notes, files and case events
// are shown: outside experts and readers outside the team never see them.
func (l ProjectAccess) SeesInternal() bool {
	return l == ProjectManager || l == ProjectMemberAc || l == ProjectMonitor
}

// CanWork reports whether the actor may add tasks and milestone notes.
func (l ProjectAccess) CanWork() bool { return l == ProjectManager || l == ProjectMemberAc }

// CanComment reports whether the actor may comment on tasks (experts may).
func (l ProjectAccess) CanComment() bool { return l.CanWork() || l == ProjectExpert }

// CanManage reports whether the actor may change the project, its team and
// stages and link cases.
func (l ProjectAccess) CanManage() bool { return l == ProjectManager }

// ProjectAccessFor decides the actor's access to a project. member is the
// actor's team membership (nil when not on the team); projectPath is the
// project's procuratorate path, needed only when the actor belongs to another
// procuratorate.
func ProjectAccessFor(a *Actor, p *Project, member *ProjectMember, projectPath string) ProjectAccess {
	if a == nil || !a.Role.IsStaff() || a.Role == RoleAdmin {
		return ProjectNoAccess
	}
	sameProc := a.ProcuratorateID == p.ProcuratorateID
	switch {
	case a.UserID == p.LeadID,
		sameProc && a.Role == RoleChief,
		sameProc && a.Role == RoleDeptHead && a.DepartmentID == p.DepartmentID:
		return ProjectManager
	case member != nil && member.ProjectRole == ProjectRoleExpert:
		return ProjectExpert
	case member != nil:
		return ProjectMemberAc
	case sameProc && a.Role == RoleCaseManager:
		return ProjectMonitor
	case sameProc:
		return ProjectViewer
	case projectPath != "" && a.ProcuratoratePath != "" && InSubtree(projectPath, a.ProcuratoratePath):
		return ProjectViewer
	}
	return ProjectNoAccess
}

// CanCreateProject reports who may start a project: those who may lead one
// and the chief.
func CanCreateProject(a *Actor) bool {
	return a.HasRole(RoleProsecutor, RoleDeptHead, RoleChief) && a.ProcuratorateID != 0
}

// ProjectScope restricts a project query to the projects the actor may read:
// its procuratorate's subtree and any project it is a team member of.
func ProjectScope(a *Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if a == nil || !a.Role.IsStaff() || a.Role == RoleAdmin {
			return q.Where("1 = 0")
		}
		return q.Where("(projects.procuratorate_id IN (SELECT id FROM procuratorates WHERE path LIKE ?) OR projects.id IN (SELECT project_id FROM project_members WHERE user_id = ?))",
			a.ProcuratoratePath+"%", a.UserID)
	}
}

// CanLinkCaseToProject reports whether a case may join a project: the same
// procuratorate, and a case the actor may read.
func CanLinkCaseToProject(a *Actor, p *Project, c *Case) bool {
	return c.ProcuratorateID == p.ProcuratorateID && CanReadCase(a, c)
}

// CaseEventVisibleInProject reports whether a linked case's event shows on
// the project timeline for this access level.
func CaseEventVisibleInProject(l ProjectAccess, ev *CaseEvent) bool {
	return !ev.Internal || l.SeesInternal()
}

// CanRunReviews reports who organises quality reviews (质量评查): case managers.
func CanRunReviews(a *Actor) bool { return a.HasRole(RoleCaseManager) && a.ProcuratorateID != 0 }

// CanReadAllReviews reports who reads every item and result of the
// procuratorate's reviews: case managers and the chief.
func CanReadAllReviews(a *Actor) bool {
	return a.HasRole(RoleCaseManager, RoleChief) && a.ProcuratorateID != 0
}

// CanReadReviewItem reports whether the actor may see one review item (its
// batch already belongs to the actor's procuratorate): case managers and the
// chief, the assigned reviewer, and the handling prosecutor.
func CanReadReviewItem(a *Actor, it *ReviewItem) bool {
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

// CanWorkOnCase reports whether the actor may add investigation records and
// edit drafts: prosecutors and department heads of the handling department.
func CanWorkOnCase(a *Actor, c *Case) bool {
	return CanReadCase(a, c) && a.HasRole(RoleProsecutor, RoleDeptHead) && a.DepartmentID == c.DepartmentID
}

// CanSubmitFiling reports whether the actor may file a case's 备案 with the
// higher procuratorate: the handling department's prosecutors and its head,
// who answer for filing within deadlines.filing_days of issue.
func CanSubmitFiling(a *Actor, c *Case) bool {
	return CanReadCase(a, c) && a.HasRole(RoleProsecutor, RoleDeptHead) && a.DepartmentID == c.DepartmentID
}

// CanReadFiling reports whether the actor may read a filing (备案) made by the
// procuratorate at filerPath: staff of a strictly higher procuratorate whose
// subtree holds the filer. The filer's own (same-level) staff read the case
// itself, not the filing.
func CanReadFiling(a *Actor, filerPath string) bool {
	return a.IsStaff() && a.Role != RoleAdmin && a.ProcuratoratePath != "" && filerPath != a.ProcuratoratePath && InSubtree(filerPath, a.ProcuratoratePath)
}

// FilingScope restricts a filings query to what CanReadFiling allows.
func FilingScope(a *Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if !a.IsStaff() || a.Role == RoleAdmin || a.ProcuratoratePath == "" {
			return q.Where("1 = 0")
		}
		return q.Joins("JOIN procuratorates fp ON fp.id = filings.procuratorate_id").
			Where("fp.path LIKE ? AND fp.path <> ?", a.ProcuratoratePath+"%", a.ProcuratoratePath)
	}
}

// ReviewItemScope restricts a review item query as CanReadReviewItem does.
func ReviewItemScope(a *Actor) func(*gorm.DB) *gorm.DB {
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
func CheckReviewerAllowed(kind string, reviewer *User, it *ReviewItem) error {
	if reviewer.ID == it.ProsecutorID {
		return &Error{Kind: ErrConflict, Code: "reviewer_is_handler", Message: "评查人不能是该案件的承办检察官",
			Fields: map[string]string{"reviewer_id": "不能评查本人承办的案件"}}
	}
	if kind == ReviewCross && reviewer.DepartmentID != nil && *reviewer.DepartmentID == it.DepartmentID {
		return &Error{Kind: ErrConflict, Code: "reviewer_same_department", Message: "交叉评查的评查人不能来自案件承办部门",
			Fields: map[string]string{"reviewer_id": "交叉评查须由其他部门人员评查"}}
	}
	return nil
}

// CanRateAsAgency reports whether an agency user may rate a case: only its
// own recommendation, and only once the case is closed.
func CanRateAsAgency(a *Actor, c *Case) bool {
	return a.HasRole(RoleAgency) && CanReadCase(a, c) && c.State == StateClosed
}

// StatsAccessLevel is how much of the statistics and the ledger (台账) an
// actor sees.
type StatsAccessLevel string

// The statistics access levels.
const (
	StatsNone       StatsAccessLevel = ""
	StatsSubtree    StatsAccessLevel = "subtree"    // chief, case manager: own procuratorate and those below
	StatsDepartment StatsAccessLevel = "department" // dept head: own department's cases
	StatsOwnCases   StatsAccessLevel = "own_cases"  // prosecutor: own cases
)

// StatsAccess decides the statistics scope by role. Higher procuratorates
// read the subtree because they supervise it (备案 and 流程监控); a department
// head answers for one department; a prosecutor sees the figures of their own
// cases. Administrators and agencies see none.
func StatsAccess(a *Actor) StatsAccessLevel {
	switch {
	case a == nil || a.ProcuratorateID == 0:
		return StatsNone
	case a.HasRole(RoleChief, RoleCaseManager):
		return StatsSubtree
	case a.HasRole(RoleDeptHead):
		return StatsDepartment
	case a.HasRole(RoleProsecutor):
		return StatsOwnCases
	}
	return StatsNone
}
