package notify

import (
	"strconv"
	"strings"

	"jianyi/internal/org"
)

// LinkFor is the page where a recipient acts on a notification: the
// recipient agency's letter page (/agency/letters/{id}) or the staff case
// page (/cases/{id}); notifications that are not about a case, or whose
// work is done elsewhere, lead to that area's list. "" when no page fits.
func LinkFor(role org.Role, kind string, caseID int64) string {
	if role == org.RoleAgency {
		if caseID != 0 {
			return "/agency/letters/" + strconv.FormatInt(caseID, 10)
		}
		return ""
	}
	switch {
	case strings.HasPrefix(kind, "review_"):
		return "/reviews"
	case strings.HasPrefix(kind, "project_"):
		return "/projects"
	case strings.HasPrefix(kind, "application.") && caseID == 0:
		return "/applications"
	case kind == "filing_submitted": // to the higher procuratorate, whose work is in 备案

		return "/filings"
	case caseID != 0:
		return "/cases/" + strconv.FormatInt(caseID, 10)
	}
	return ""
}

// fillLinks gives rows made before links were stored (migration 0018)
// the link they would have had.
func fillLinks(list []Notification, role org.Role) {
	for i := range list {
		if list[i].Link != nil {
			continue
		}
		var cid int64
		if list[i].CaseID != nil {
			cid = *list[i].CaseID
		}
		if l := LinkFor(role, list[i].Kind, cid); l != "" {
			list[i].Link = &l
		}
	}
}
