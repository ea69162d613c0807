package cases

import (
	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
)

// This file is the case's policy: may this actor see or act on this case, its
// documents and files, its filing? Each domain keeps its own policy file
// (applications, disclosure, projects, reviews, stats); handlers never
// decide access themselves.

// agencyVisible reports whether a case has reached the recipient: agencies see
// a recommendation only once it has been delivered to them.
func agencyVisible(c *Case) bool {
	return c.DeliveredOn != nil && (c.DeliveredAgencyID == nil || (c.AgencyID != nil && *c.DeliveredAgencyID == *c.AgencyID))
}

// CurrentRecipient reports whether the actor's agency is the case's
// recipient and the current letter's delivery was served on it. A letter
// re-addressed to another agency after delivery (an amendment after an
// objection) is read by the new agency only once delivered to it; the
// former recipient keeps only its own records (ServedAgency).
func CurrentRecipient(a *org.Actor, c *Case) bool {
	return a != nil && a.Role == org.RoleAgency && a.AgencyID != 0 && c.AgencyID != nil && *c.AgencyID == a.AgencyID && agencyVisible(c)
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
	if !agencyVisible(c) {
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
func CanReadCase(a *org.Actor, c *Case) bool {
	switch {
	case a == nil:
		return false
	case a.Role == org.RoleAgency:
		return CurrentRecipient(a, c)
	case a.Role == org.RoleAdmin:
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
// department, agencies only on recommendations addressed to them. Actions
// that change or end the case (HandlerOnly) are the handling prosecutor's,
// not a colleague's; the approval steps are each their approver's turn.
func CanActOnCase(a *org.Actor, c *Case, spec *ActionSpec) bool {
	return CanReadCase(a, c) && spec.AllowsRole(a.Role) && actionRefusal(a, c, spec) == nil
}

// actionRefusal explains why an actor who may read the case and holds one of
// the action's roles may still not take it, nil when nothing stands in the way.
func actionRefusal(a *org.Actor, c *Case, spec *ActionSpec) error {
	switch a.Role {
	case org.RoleProsecutor, org.RoleDeptHead:
		if a.DepartmentID != c.DepartmentID {
			return apperr.Forbidden("无权对该案件执行“" + spec.Label + "”：案件不属于本部门")
		}
	}
	if spec.HandlerOnly && a.Role == org.RoleProsecutor && c.ProsecutorID != a.UserID {
		return &apperr.Error{Kind: apperr.ErrForbidden, Code: "not_case_handler",
			Message: "“" + spec.Label + "”只能由案件的承办检察官或部门负责人办理"}
	}
	return approvalTurnError(a, c, spec)
}

// CaseScope restricts a case query to what the actor may read (and to an
// actor whose standing still holds, when the request did not read it first:
// org.StandingCheck).
func CaseScope(a *org.Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		q = a.CheckStanding(q)
		if p, ok := scopeProcuratorate(a); ok {
			return q.Where("cases.procuratorate_id = ?", p)
		}
		if a != nil && a.Role == org.RoleAgency {
			return q.Where("cases.agency_id = ? AND cases.delivered_on IS NOT NULL AND (cases.delivered_agency_id IS NULL OR cases.delivered_agency_id = cases.agency_id)", a.AgencyID)
		}
		return q.Where("1 = 0")
	}
}

// scopeProcuratorate is the procuratorate CaseScope keeps the actor's cases
// to, when the scope is exactly one procuratorate's cases (staff;
// administrators run the system and read no case); a query may then test it
// earlier as well (the case search on its index row).
func scopeProcuratorate(a *org.Actor) (int64, bool) {
	if a == nil || a.Role == org.RoleAdmin || !a.Role.IsStaff() {
		return 0, false
	}
	return a.ProcuratorateID, true
}

// SeesInternal reports whether the actor may see internal items (drafts,
// approval notes, internal records). Agency users never do.
func SeesInternal(a *org.Actor) bool {
	return a != nil && a.Role.IsStaff()
}

// agencyDocuments are the documents a recipient agency may download for a
// recommendation delivered to it: the issued letter, the proof of service and
// urging letters — never draft previews, approval forms or filing reports.
var agencyDocuments = map[DocumentKind]bool{DocRecommendation: true, DocServiceReceipt: true, DocUrgingLetter: true}

// filedDocuments are what a filing (备案) shows the higher procuratorate: the
// 备案报告 and the 检察建议书 it names as its attachment.
var filedDocuments = map[DocumentKind]bool{DocFilingReport: true, DocRecommendation: true}

// FiledDocumentOwnerTypes are the stored files of those documents.
var FiledDocumentOwnerTypes = []string{"filing_report_pdf", "recommendation_pdf"}

// CanReadCaseDocument reports whether the actor may download a document of
// the case. filerPath is the tree path of the procuratorate that filed the
// case upward (备案) once the filing is submitted, "" before and when there is
// none: whoever may read the filing (CanReadFiling — every procuratorate
// above the filer) then reads the filing report and the letter it names as
// its attachment, and nothing else. Administrators run the system, not cases,
// and read none. Callers answer "not found" when it is false.
func CanReadCaseDocument(a *org.Actor, c *Case, kind DocumentKind, filerPath string) bool {
	if filedDocuments[kind] && filerPath != "" && CanReadFiling(a, filerPath) {
		return true
	}
	if !CanReadCase(a, c) {
		return false
	}
	if a.Role == org.RoleAgency {
		return agencyDocuments[kind] && c.issued() && CurrentRecipient(a, c) && AgencySeesLetter(c)
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
// and the letter's documents only while it is the current recipient and
// AgencySeesLetter. Whether a record's file belongs to the actor's agency is
// the caller's check (LoadFile reads the owner record's agency).
func CanDownloadFile(a *org.Actor, c *Case, f *files.StoredFile) bool {
	if SeesInternal(a) {
		return true
	}
	if f.Internal || a == nil || a.Role != org.RoleAgency {
		return false
	}
	for _, t := range AgencyFileOwnerTypes {
		if f.OwnerType == t {
			return true
		}
	}
	for _, t := range agencyDocumentOwnerTypes {
		if f.OwnerType == t {
			return CurrentRecipient(a, c) && AgencySeesLetter(c)
		}
	}
	return false
}

// CanWorkOnCase reports whether the actor may add investigation records and
// edit drafts: prosecutors and department heads of the handling department.
func CanWorkOnCase(a *org.Actor, c *Case) bool {
	return CanReadCase(a, c) && a.HasRole(org.RoleProsecutor, org.RoleDeptHead) && a.DepartmentID == c.DepartmentID
}

// CanSubmitFiling reports whether the actor may file a case's 备案 with the
// higher procuratorate: the handling department's prosecutors and its head,
// who answer for filing within deadlines.filing_days of issue.
func CanSubmitFiling(a *org.Actor, c *Case) bool {
	return CanReadCase(a, c) && canSubmitFilingIn(a, c.DepartmentID)
}

// canSubmitFilingIn is CanSubmitFiling for a case the actor may read, known
// by its department.
func canSubmitFilingIn(a *org.Actor, departmentID int64) bool {
	return a.HasRole(org.RoleProsecutor, org.RoleDeptHead) && a.DepartmentID == departmentID
}

// CanReadFiling reports whether the actor may read a filing (备案) made by the
// procuratorate at filerPath: staff of a strictly higher procuratorate whose
// subtree holds the filer. The filer's own (same-level) staff read the case
// itself, not the filing.
func CanReadFiling(a *org.Actor, filerPath string) bool {
	return a.IsStaff() && a.Role != org.RoleAdmin && a.ProcuratoratePath != "" && filerPath != a.ProcuratoratePath && org.InSubtree(filerPath, a.ProcuratoratePath)
}

// FilingScope is the condition restricting filings to what CanReadFiling
// allows, on the filer's procuratorate joined as fp: a path strictly below
// the actor's, read as a range of paths (org.SubtreeRange, the actor's own path excluded) rather than a
// bound LIKE, which SQLite prepares twice.
func FilingScope(a *org.Actor) (string, []any) {
	if !readsFilings(a) {
		return "1 = 0", nil
	}
	after, before := org.SubtreeRange(a.ProcuratoratePath)
	return "fp.path > ? AND fp.path < ?", []any{after, before}
}

// readsFilings reports whether the actor may read any filing: staff of a
// procuratorate in the tree, not administrators (FilingScope).
func readsFilings(a *org.Actor) bool {
	return a.IsStaff() && a.Role != org.RoleAdmin && a.ProcuratoratePath != ""
}

// File owner types of the agency feature's records.
const (
	OwnerObjection      = "objection"
	OwnerReply          = "reply"
	OwnerFollowUp       = "follow_up"
	OwnerProgressReport = "progress_report"
	OwnerEscalation     = "escalation"
)

// AgencyFileOwnerTypes are the owner types whose non-internal files an agency
// sees listed on its recommendation. Other features add theirs (e.g. the
// issued letter's PDF) so nothing reaches the agency by accident.
var AgencyFileOwnerTypes = []string{OwnerObjection, OwnerReply, OwnerFollowUp, OwnerProgressReport}

// agencyRecordTables are the tables of the records whose files an agency
// may download, by the files' owner type.
var agencyRecordTables = map[string]string{OwnerObjection: "objections", OwnerReply: "replies",
	OwnerFollowUp: "follow_ups", OwnerProgressReport: "progress_reports"}

// RecordOfAgency reports whether the record owning a file was submitted by
// or served on the agency (its agency_id). Files of other owner types are
// not agency records and answer false.
func RecordOfAgency(tx *gorm.DB, ownerType string, ownerID, agencyID int64) (bool, error) {
	table, ok := agencyRecordTables[ownerType]
	if !ok {
		return false, nil
	}
	var n int64
	err := tx.Table(table).Where("id = ? AND agency_id = ?", ownerID, agencyID).Count(&n).Error
	return n > 0, err
}

// ServedAgency reports whether a letter of the case was ever delivered to
// the agency (a case_deliveries row names it): a former recipient keeps
// reading its own records after the case is re-addressed.
func ServedAgency(tx *gorm.DB, caseID, agencyID int64) (bool, error) {
	var n int64
	err := tx.Model(&CaseDelivery{}).Where("case_id = ? AND agency_id = ?", caseID, agencyID).Count(&n).Error
	return n > 0, err
}
