package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestAdminRoleMatrix calls every admin endpoint as every demo role: only the
// administrator gets through, every other role gets 403, and no token gets 401.
func TestAdminRoleMatrix(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		org := env.Org
		target := userID(t, db, "prosecutor2")
		endpoints := []struct {
			method, path string
			body         any
			adminStatus  int
		}{
			{"GET", "/api/v1/admin/procuratorates", nil, http.StatusOK},
			{"POST", "/api/v1/admin/procuratorates", map[string]any{"parent_id": org.City.ID, "name": "临江市东湖区人民检察院", "short_name": "东湖", "level": "county"}, http.StatusCreated},
			{"PUT", fmt.Sprintf("/api/v1/admin/procuratorates/%d", org.District.ID), map[string]any{"parent_id": org.City.ID, "name": org.District.Name, "short_name": "清河", "level": "county"}, http.StatusOK},
			{"GET", "/api/v1/admin/departments", nil, http.StatusOK},
			{"POST", "/api/v1/admin/departments", map[string]any{"procuratorate_id": org.District.ID, "name": "第二检察部", "number_code": "二"}, http.StatusCreated},
			{"PUT", fmt.Sprintf("/api/v1/admin/departments/%d", org.Department.ID), map[string]any{"procuratorate_id": org.District.ID, "name": "第八检察部", "number_code": "八"}, http.StatusOK},
			{"GET", "/api/v1/admin/agencies", nil, http.StatusOK},
			{"POST", "/api/v1/admin/agencies", map[string]any{"name": "临江市清河区卫生健康局", "kind": "行政机关"}, http.StatusCreated},
			{"PUT", fmt.Sprintf("/api/v1/admin/agencies/%d", org.Agency1.ID), map[string]any{"name": org.Agency1.Name, "contact_person": "王科长"}, http.StatusOK},
			{"GET", "/api/v1/admin/users", nil, http.StatusOK},
			{"POST", "/api/v1/admin/users", map[string]any{"username": "prosecutor9", "display_name": "钱检察官", "password": "initial-password-1", "role": "prosecutor", "procuratorate_id": org.District.ID, "department_id": org.Department.ID}, http.StatusCreated},
			{"PUT", fmt.Sprintf("/api/v1/admin/users/%d", target), map[string]any{"username": "prosecutor2", "display_name": "陈检察官", "role": "prosecutor", "procuratorate_id": org.District.ID, "department_id": org.Department.ID, "phone": "0571-0000"}, http.StatusOK},
			{"POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", target), nil, http.StatusOK},
			{"POST", fmt.Sprintf("/api/v1/admin/users/%d/enable", target), nil, http.StatusOK},
		}
		roles := []struct {
			user       string
			wantStatus int // 0: the endpoint's admin status
		}{
			{"", http.StatusUnauthorized},
			{"prosecutor1", http.StatusForbidden},
			{"depthead1", http.StatusForbidden},
			{"chief1", http.StatusForbidden},
			{"casemgr1", http.StatusForbidden},
			{"agency1", http.StatusForbidden},
			{"admin", 0},
		}
		for _, ep := range endpoints {
			for _, r := range roles {
				name := r.user
				if name == "" {
					name = "anonymous"
				}
				t.Run(ep.method+" "+ep.path+" as "+name, func(t *testing.T) {
					want := r.wantStatus
					if want == 0 {
						want = ep.adminStatus
					}
					res := env.Do(ep.method, ep.path, r.user, ep.body).Expect(t, want)
					if want >= 400 && res.ErrorCode() == "" {
						t.Fatalf("error without code: %s", res.Body)
					}
				})
			}
		}
		// The administrator's changes are in the audit trail.
		if n := countRows(t, db, "audit_entries", "action = ?", "user.create"); n < 1 {
			t.Fatal("no user.create audit entry")
		}
	})
}

// TestAdminListUsersShowsUnitNames checks that the user list names each
// user's procuratorate, department and agency, as a single user's view does.
func TestAdminListUsersShowsUnitNames(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		org := env.Org
		var list struct {
			Items []struct {
				Username          string `json:"username"`
				ProcuratorateName string `json:"procuratorate_name"`
				DepartmentName    string `json:"department_name"`
				AgencyName        string `json:"agency_name"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/admin/users", "admin", nil).Expect(t, http.StatusOK).Decode(t, &list)
		want := map[string][3]string{
			"admin":           {org.Province.Name, "", ""},
			"prosecutor1":     {org.District.Name, org.Department.Name, ""},
			"chief1":          {org.District.Name, "", ""},
			"cityprosecutor1": {org.City.Name, org.CityDepartment.Name, ""},
			"agency1":         {"", "", org.Agency1.Name},
			"agency2":         {"", "", org.Agency2.Name},
		}
		seen := 0
		for _, u := range list.Items {
			w, ok := want[u.Username]
			if !ok {
				continue
			}
			seen++
			if got := [3]string{u.ProcuratorateName, u.DepartmentName, u.AgencyName}; got != w {
				t.Errorf("%s: procuratorate, department, agency = %q, want %q", u.Username, got, w)
			}
		}
		if seen != len(want) {
			t.Fatalf("listed %d of the %d expected users: %+v", seen, len(want), list.Items)
		}
	})
}
