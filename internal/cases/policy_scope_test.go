package cases

import (
	"testing"

	"jianyi/internal/org"
)

// TestScopeProcuratorateIsCaseScopes: the procuratorate a case search tests
// on its index row is the one CaseScope keeps the actor to — staff their
// own; an administrator, an agency or no actor none (CaseScope gives them
// no procuratorate's cases: nothing, or an agency's delivered letters).
func TestScopeProcuratorateIsCaseScopes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		role org.Role
		want bool
	}{
		{org.RoleProsecutor, true}, {org.RoleDeptHead, true}, {org.RoleChief, true}, {org.RoleCaseManager, true},
		{org.RoleAdmin, false}, {org.RoleAgency, false},
	} {
		a := &org.Actor{Role: tt.role, ProcuratorateID: 7, AgencyID: 9}
		p, ok := scopeProcuratorate(a)
		if ok != tt.want || (ok && p != 7) {
			t.Errorf("%s: %d, %v; want 7, %v", tt.role, p, ok, tt.want)
		}
	}
	if _, ok := scopeProcuratorate(nil); ok {
		t.Error("no actor has a procuratorate scope")
	}
}
