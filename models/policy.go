package models

import "gorm.io/gorm"

// This file is the one policy place: may this actor see or act on this object?
// Handlers never decide access themselves.

// agencyVisible reports whether a case has reached the recipient: agencies see
// a recommendation only once it has been delivered to them.
func agencyVisible(c *Case) bool {
	return c.DeliveredOn != nil
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
// the case. filedWith is the procuratorate the case is filed with (备案), 0
// when there is none: its staff read the filing report, and only that.
// Administrators run the system, not cases, and read none. Callers answer
// "not found" when it is false.
func CanReadCaseDocument(a *Actor, c *Case, kind DocumentKind, filedWith int64) bool {
	if kind == DocFilingReport && a.IsStaff() && a.Role != RoleAdmin && filedWith != 0 && a.ProcuratorateID == filedWith {
		return true
	}
	if !CanReadCase(a, c) {
		return false
	}
	if a.Role == RoleAgency {
		return agencyDocuments[kind] && c.issued()
	}
	return SeesInternal(a)
}

// agencyDocumentOwnerTypes are the generated documents an agency may download
// by file id: the letter it received and the papers served on it.
var agencyDocumentOwnerTypes = []string{"recommendation_pdf", "service_receipt_pdf", "urging_letter_pdf"}

// CanDownloadFile decides a download by file id, for a user who may read the
// file's case: staff get every file of their cases; an agency only non-internal
// files of the kinds meant for it (its own submissions, the letter, non-internal
// follow-ups), so a guessed id never reaches an internal record's attachment.
func CanDownloadFile(a *Actor, f *StoredFile) bool {
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
			return true
		}
	}
	return false
}
