package cases

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// PendingFiling is a 备案 the actor's cases still owe the procuratorate
// above (the 待备案 of the dashboard, all of them on the page 本院待备案).
type PendingFiling struct {
	ID             int64
	CaseID         int64
	DueOn          calendar.Date
	Title          string
	DocumentNumber *string
	IssuedAt       *time.Time
	AgencyName     *string
	DepartmentID   int64
	// CanSubmit: the actor may file it (CanSubmitFiling).
	CanSubmit bool `gorm:"-"`
}

// PendingFilingPage is one page of ListPendingFilings.
type PendingFilingPage struct {
	Items []PendingFiling
	Total int64
	// Next is the cursor of the following page ("" on the last).
	Next string
}

// PendingFilingRoles see the filings still to make for their cases: the
// staff who may submit them, and the case managers who watch them.
var PendingFilingRoles = []org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleCaseManager}

// pendingFilings are the filings still to make for the cases in the actor's
// work scope (joined to their cases): the dashboard's 待备案 box and the
// page 本院待备案.
func (s *Service) pendingFilings(ctx context.Context, a *org.Actor) *gorm.DB {
	return s.DB.WithContext(ctx).Table("filings").Joins("JOIN cases ON cases.id = filings.case_id").
		Scopes(WorkScope(a)).Where("filings.status = ?", FilingPending)
}

// ListPendingFilings lists the filings still to make for the cases in the
// actor's work scope (WorkScope: a prosecutor's own, a department head's
// department's, a case manager's procuratorate's), the earliest due first,
// limit a page, after the cursor of the previous page. Only the staff the
// dashboard's 待备案 box is for may list them.
func (s *Service) ListPendingFilings(ctx context.Context, a *org.Actor, cursor string, limit int) (*PendingFilingPage, error) {
	if !a.HasRole(PendingFilingRoles...) {
		return nil, apperr.Forbidden("只有检察官、部门负责人和案件管理人员可以查看本院待备案")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := func() *gorm.DB { return s.pendingFilings(ctx, a) }
	page := &PendingFilingPage{Items: []PendingFiling{}}
	if err := q().Count(&page.Total).Error; err != nil {
		return nil, err
	}
	list := q()
	if cursor != "" {
		// The due sort's cursor (the date and id of the previous page's
		// last), always with a date: a filing's is never empty.
		due, id, ok := ParseDueCursor(cursor)
		if !ok || due == nil {
			return nil, apperr.InvalidField("cursor", "翻页参数无效")
		}
		list = list.Where("(filings.due_on > ? OR (filings.due_on = ? AND filings.id > ?))", *due, *due, id)
	}
	err := list.Joins("LEFT JOIN agencies ON agencies.id = cases.agency_id").
		Select("filings.id, filings.case_id, filings.due_on, cases.title, cases.document_number, cases.issued_at, " +
			"agencies.name AS agency_name, cases.department_id").
		Order("filings.due_on, filings.id").Limit(limit + 1).Scan(&page.Items).Error
	if err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = last.DueOn.String() + "." + strconv.FormatInt(last.ID, 10)
	}
	for i := range page.Items {
		page.Items[i].CanSubmit = canSubmitFilingIn(a, page.Items[i].DepartmentID)
	}
	return page, nil
}
