package cases_test

import (
	"slices"
	"testing"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// TestCaseListIndexHintsNameServingIndexes: every index a staff member's
// case list names for MySQL (FORCE INDEX, mysqlCaseListIndex) exists on
// both databases with the columns its filters need first — the
// procuratorate, the filter's column, then id — so that dropping or
// changing one fails here and not as an error of every such list on MySQL.
// TestCaseListAgreesWithAReferenceFilter checks the hinted lists' pages.
func TestCaseListIndexHintsNameServingIndexes(t *testing.T) {
	t.Parallel()
	staff := &org.Actor{UserID: 1, Role: org.RoleCaseManager, ProcuratorateID: 1}
	day := calendar.NewDate(2026, 3, 2)
	lists := []struct {
		q       cases.CaseListQuery
		index   string
		columns []string
	}{
		{cases.CaseListQuery{}, "ix_cases_proc_id", []string{"procuratorate_id", "id"}},
		{cases.CaseListQuery{Cursor: 9}, "ix_cases_proc_id", []string{"procuratorate_id", "id"}},
		{cases.CaseListQuery{State: "delivered"}, "ix_cases_proc_state_id", []string{"procuratorate_id", "state", "id", "reply_due"}},
		{cases.CaseListQuery{State: "delivered", Overdue: true}, "ix_cases_proc_state_id", []string{"procuratorate_id", "state", "id", "reply_due"}},
		{cases.CaseListQuery{Overdue: true}, "ix_cases_proc_state_id", []string{"procuratorate_id", "state", "id", "reply_due"}},
		{cases.CaseListQuery{State: "delivered", DueFrom: &day}, "ix_cases_proc_state_id", []string{"procuratorate_id", "state", "id", "reply_due"}},
		{cases.CaseListQuery{Field: "金融"}, "ix_cases_proc_field", []string{"procuratorate_id", "field", "id"}},
		{cases.CaseListQuery{AgencyID: 3}, "ix_cases_proc_agency", []string{"procuratorate_id", "agency_id", "id"}},
		{cases.CaseListQuery{ProsecutorID: 3}, "ix_cases_proc_prosecutor", []string{"procuratorate_id", "prosecutor_id", "id"}},
		// Left to the optimizer.
		{cases.CaseListQuery{DueFrom: &day}, "", nil},
		{cases.CaseListQuery{State: "delivered", Field: "金融"}, "", nil},
		{cases.CaseListQuery{Field: "金融", DueTo: &day}, "", nil},
		{cases.CaseListQuery{AgencyID: 3, ProsecutorID: 3}, "", nil},
		{cases.CaseListQuery{Q: "尾矿库"}, "", nil},
	}
	for _, l := range lists {
		if got := cases.MySQLCaseListIndex(staff, l.q); got != l.index {
			t.Errorf("%+v: index %q, want %q", l.q, got, l.index)
		}
	}
	for _, a := range []*org.Actor{nil, {Role: org.RoleAgency, AgencyID: 3}, {Role: org.RoleAdmin, ProcuratorateID: 1}} {
		if got := cases.MySQLCaseListIndex(a, cases.CaseListQuery{}); got != "" {
			t.Errorf("%v: index %q for a list that is not a procuratorate's", a, got)
		}
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		for _, l := range lists {
			if l.index == "" {
				continue
			}
			var cols []string
			var err error
			if db.Dialect == "mysql" {
				err = db.Raw("SELECT column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'cases' "+
					"AND index_name = ? ORDER BY seq_in_index", l.index).Scan(&cols).Error
			} else {
				err = db.Raw("SELECT name FROM pragma_index_info(?) ORDER BY seqno", l.index).Scan(&cols).Error
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) < len(l.columns) || !slices.Equal(cols[:len(l.columns)], l.columns) {
				t.Errorf("index %s of cases has columns %v, the list needs %v first", l.index, cols, l.columns)
			}
		}
	})
}
