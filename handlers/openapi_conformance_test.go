package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/handlers"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// loadContract parses and validates the merged OpenAPI document.
func loadContract(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	raw, err := handlers.OpenAPIDocument()
	if err != nil {
		t.Fatalf("merge the contract: %v", err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("load the contract: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the contract is not valid OpenAPI: %v", err)
	}
	if doc.Components == nil || doc.Components.Schemas["Error"] == nil || doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Fatal("openapi.yaml must define components.schemas.Error and components.securitySchemes.bearerAuth")
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("router from the contract: %v", err)
	}
	return doc, router
}

// TestOpenAPIOperationIDs: every operation of the contract has an
// operationId, and no two share one, so generated clients get usable method
// names.
func TestOpenAPIOperationIDs(t *testing.T) {
	t.Parallel()
	doc, _ := loadContract(t)
	seen := map[string]string{}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			where := method + " " + path
			switch prev, dup := seen[op.OperationID]; {
			case op.OperationID == "":
				t.Errorf("%s has no operationId", where)
			case dup:
				t.Errorf("%s and %s share the operationId %q", where, prev, op.OperationID)
			default:
				seen[op.OperationID] = where
			}
		}
	}
	if n == 0 {
		t.Fatal("the contract has no operations")
	}
}

// contractChecker validates every request and response the API sees against
// the contract and collects the violations.
type contractChecker struct {
	router routers.Router
	mu     sync.Mutex
	seen   map[string]bool // "METHOD /template status"
	errs   []string
}

func (cc *contractChecker) observe(req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	label := req.Method + " " + req.URL.RequestURI()
	route, params, err := cc.router.FindRoute(req)
	if err != nil {
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			cc.errs = append(cc.errs, fmt.Sprintf("%s → %d: not in the contract (%v)", label, rec.Code, err))
		}
		return
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	ctx := context.Background()
	// A request the server accepted must be one the contract allows; rejected
	// requests are deliberately wrong, only their error responses are checked.
	if rec.Code < 400 {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			cc.errs = append(cc.errs, fmt.Sprintf("%s → %d: request accepted but not valid per contract: %v", label, rec.Code, err))
		}
	}
	respOpts := *opts
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		respOpts.ExcludeResponseBody = true
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: &respOpts,
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		cc.errs = append(cc.errs, fmt.Sprintf("%s → %d: response not valid per contract: %v\nbody: %.500s", label, rec.Code, err, rec.Body.String()))
	}
	cc.seen[fmt.Sprintf("%s %s %d", req.Method, route.Path, rec.Code)] = true
}

// TestOpenAPIConformance runs a realistic session through the real router and
// checks every request and response against the published contract.
func TestOpenAPIConformance(t *testing.T) {
	t.Parallel()
	_, router := loadContract(t)
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newEnvWith(t, db, func(cfg *config.Config) {
			cfg.Auth.MaxFailuresPerUser = 2
			cfg.HTTP.BodyLimit = 4096
		})
		cc := &contractChecker{router: router, seen: map[string]bool{}}
		env.Observe = cc.observe
		org := env.Org
		id := func(r *apitest.Response) int64 {
			var v struct {
				ID int64 `json:"id"`
			}
			r.Decode(t, &v)
			return v.ID
		}

		// Operations.
		env.Do("GET", "/healthz", "", nil).Expect(t, 200)
		env.Do("GET", "/readyz", "", nil).Expect(t, 200)
		env.Do("GET", "/metrics", "", nil).Expect(t, 200)
		env.Do("GET", "/openapi.yaml", "", nil).Expect(t, 200)

		// Logging in, failing, being throttled; the current user; a password change.
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "prosecutor1", "password": apitest.Password}).Expect(t, 200)
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "chief1", "password": "wrong-one"}).Expect(t, 401)
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "chief1", "password": "wrong-two"}).Expect(t, 401)
		env.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "chief1", "password": apitest.Password}).Expect(t, 429)
		env.Do("POST", "/api/v1/auth/login", "", `{"username":`).Expect(t, 400)
		env.Do("POST", "/api/v1/auth/login", "", map[string]any{"username": "x", "password": "y", "extra": 1}).Expect(t, 400)
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader("username=x"))
		req.Header.Set("Content-Type", "text/plain")
		env.DoRequest(req, "").Expect(t, 415)
		env.Do("POST", "/api/v1/auth/login", "", `{"username":"`+strings.Repeat("x", 5000)+`","password":"p"}`).Expect(t, 413)
		env.Do("GET", "/api/v1/me", "prosecutor1", nil).Expect(t, 200)
		env.Do("GET", "/api/v1/me", "agency1", nil).Expect(t, 200)
		env.Do("GET", "/api/v1/me", "", nil).Expect(t, 401)
		env.Do("POST", "/api/v1/me/password", "casemgr1", map[string]string{"current_password": "wrong-password", "new_password": "another-password-1"}).Expect(t, 400)
		env.Do("POST", "/api/v1/me/password", "depthead1", map[string]string{"current_password": apitest.Password, "new_password": "another-password-1"}).Expect(t, 204)

		// Administration.
		env.Do("GET", "/api/v1/admin/procuratorates", "admin", nil).Expect(t, 200)
		env.Do("GET", "/api/v1/admin/procuratorates", "prosecutor1", nil).Expect(t, 403)
		pid := id(env.Do("POST", "/api/v1/admin/procuratorates", "admin", map[string]any{"parent_id": org.City.ID, "name": "临江市东湖区人民检察院", "short_name": "东湖", "level": "county"}).Expect(t, 201))
		env.Do("POST", "/api/v1/admin/procuratorates", "admin", map[string]any{"parent_id": org.City.ID, "name": "x", "short_name": "x", "level": "galactic"}).Expect(t, 400)
		env.Do("PUT", fmt.Sprintf("/api/v1/admin/procuratorates/%d", pid), "admin", map[string]any{"parent_id": org.City.ID, "name": "临江市东湖区人民检察院", "short_name": "东湖区", "level": "county"}).Expect(t, 200)
		env.Do("PUT", "/api/v1/admin/procuratorates/999999", "admin", map[string]any{"name": "某院", "short_name": "某", "level": "county"}).Expect(t, 404)
		env.Do("GET", fmt.Sprintf("/api/v1/admin/departments?procuratorate_id=%d", org.District.ID), "admin", nil).Expect(t, 200)
		did := id(env.Do("POST", "/api/v1/admin/departments", "admin", map[string]any{"procuratorate_id": pid, "name": "第八检察部", "number_code": "八"}).Expect(t, 201))
		env.Do("PUT", fmt.Sprintf("/api/v1/admin/departments/%d", did), "admin", map[string]any{"procuratorate_id": pid, "name": "第八检察部", "number_code": "8"}).Expect(t, 200)
		env.Do("GET", "/api/v1/admin/agencies?q=市场", "admin", nil).Expect(t, 200)
		aid := id(env.Do("POST", "/api/v1/admin/agencies", "admin", map[string]any{"name": "临江市东湖区住房和城乡建设局", "kind": "行政机关", "contact_person": "钱科长"}).Expect(t, 201))
		env.Do("POST", "/api/v1/admin/agencies", "admin", map[string]any{"name": "临江市东湖区住房和城乡建设局"}).Expect(t, 409)
		env.Do("PUT", fmt.Sprintf("/api/v1/admin/agencies/%d", aid), "admin", map[string]any{"name": "临江市东湖区住房和城乡建设局", "address": "东湖路1号"}).Expect(t, 200)
		env.Do("GET", "/api/v1/admin/users?role=prosecutor", "admin", nil).Expect(t, 200)
		uid := id(env.Do("POST", "/api/v1/admin/users", "admin", map[string]any{"username": "donghu1", "display_name": "钱检察官", "password": "initial-password-1", "role": "prosecutor", "procuratorate_id": pid, "department_id": did}).Expect(t, 201))
		env.Do("POST", "/api/v1/admin/users", "admin", map[string]any{"username": "x", "display_name": "x", "role": "superuser"}).Expect(t, 400)
		env.Do("PUT", fmt.Sprintf("/api/v1/admin/users/%d", uid), "admin", map[string]any{"username": "donghu1", "display_name": "钱检察官", "role": "prosecutor", "procuratorate_id": pid, "department_id": did, "email": "qian@example.invalid"}).Expect(t, 200)
		env.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", uid), "admin", nil).Expect(t, 200)
		env.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/enable", uid), "admin", nil).Expect(t, 200)
		env.Do("POST", "/api/v1/admin/users/999999/disable", "admin", nil).Expect(t, 404)

		// Cases: register, list, read, act, the timeline, the lifecycle table.
		env.Do("GET", "/api/v1/lifecycle", "prosecutor1", nil).Expect(t, 200)
		caseBody := map[string]any{"title": "校园周边食品安全隐患", "field": "食品药品安全", "source": "case_finding",
			"summary": "发现校园周边流动摊贩无证经营。", "agency_id": org.Agency1.ID}
		cid := id(env.Do("POST", "/api/v1/cases", "prosecutor1", caseBody).Expect(t, 201))
		env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{"title": "x", "field": "x", "source": "rumour", "summary": "x"}).Expect(t, 400)
		env.Do("GET", "/api/v1/cases?state=lead&limit=10", "prosecutor1", nil).Expect(t, 200)
		env.Do("GET", "/api/v1/cases?state=nonsense", "prosecutor1", nil).Expect(t, 400)
		casePath := fmt.Sprintf("/api/v1/cases/%d", cid)
		env.Do("GET", casePath, "prosecutor1", nil).Expect(t, 200)
		env.Do("GET", casePath, "cityprosecutor1", nil).Expect(t, 404)
		env.Do("POST", casePath+"/actions/check", "prosecutor1", map[string]any{"version": 1, "note": "开始初核"}).Expect(t, 200)
		env.Do("POST", casePath+"/actions/check", "prosecutor1", map[string]any{"version": 1}).Expect(t, 409)
		env.Do("POST", casePath+"/actions/file", "prosecutor1", map[string]any{"version": 2}).Expect(t, 403)
		env.Do("POST", casePath+"/actions/teleport", "prosecutor1", map[string]any{"version": 2}).Expect(t, 404)
		env.Do("POST", casePath+"/actions/check", "prosecutor1", map[string]any{"note": "无版本"}).Expect(t, 400)
		env.Do("GET", casePath+"/events", "prosecutor1", nil).Expect(t, 200)
		// Delivered to agency1 (set directly: the lifecycle is another feature's).
		if err := db.Exec("UPDATE cases SET state = 'delivered', delivered_on = '2026-03-01', received_on = '2026-03-01', reply_due = '2026-05-01' WHERE id = ?", cid).Error; err != nil {
			t.Fatal(err)
		}
		env.Do("GET", "/api/v1/cases", "agency1", nil).Expect(t, 200)
		env.Do("GET", casePath, "agency1", nil).Expect(t, 200)
		env.Do("GET", casePath+"/events", "agency1", nil).Expect(t, 200)
		env.Do("GET", casePath, "agency2", nil).Expect(t, 404)

		// A stored file and its download.
		up, err := files.CheckUpload("现场检查笔录.txt", "text/plain", []byte("现场检查笔录：摊贩三处。"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var fileIDs []int64
		err = db.WithTx(context.Background(), func(tx *gorm.DB) error {
			fileIDs, err = files.StoreUploads(tx, 0, cid, "case", cid, false, []files.Upload{up})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		env.Do("GET", fmt.Sprintf("/api/v1/files/%d", fileIDs[0]), "prosecutor1", nil).Expect(t, 200)
		env.Do("GET", fmt.Sprintf("/api/v1/files/%d", fileIDs[0]), "agency2", nil).Expect(t, 404)

		// The audit trail.
		env.Do("GET", "/api/v1/audit?limit=5", "admin", nil).Expect(t, 200)
		env.Do("GET", fmt.Sprintf("/api/v1/audit?object_type=case&object_id=%d", cid), "casemgr1", nil).Expect(t, 200)
		env.Do("GET", "/api/v1/audit", "agency1", nil).Expect(t, 403)

		if len(cc.errs) > 0 {
			t.Fatalf("%d contract violations:\n%s", len(cc.errs), strings.Join(cc.errs, "\n\n"))
		}
		if len(cc.seen) < 40 {
			t.Fatalf("the scenario exercised only %d route/status pairs", len(cc.seen))
		}
	})
}

// TestEveryRouteDocumented keeps the contract from drifting: each route the
// server registers under /api/v1 (and the operations routes) is in the merged
// document with the same method, and everything documented is served.
func TestEveryRouteDocumented(t *testing.T) {
	t.Parallel()
	doc, _ := loadContract(t)
	db := dbtest.Open(t, "sqlite")
	env := apitest.New(t, db)
	served := map[string]bool{}
	var undocumented []string
	for _, r := range env.Echo.Routes() {
		if strings.Contains(r.Path, "*") || r.Method == "echo_route_not_found" {
			continue
		}
		ops := map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/openapi.yaml": true}
		if !strings.HasPrefix(r.Path, "/api/v1/") && !ops[r.Path] {
			continue
		}
		path := echoPathToOpenAPI(r.Path)
		served[r.Method+" "+path] = true
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			undocumented = append(undocumented, r.Method+" "+path)
		}
	}
	var unserved []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+path] {
				unserved = append(unserved, method+" "+path)
			}
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unserved)
	if len(undocumented) > 0 {
		t.Errorf("routes served but not in the OpenAPI contract (add them to openapi/<feature>.yaml):\n  %s", strings.Join(undocumented, "\n  "))
	}
	if len(unserved) > 0 {
		t.Errorf("operations in the OpenAPI contract that no route serves:\n  %s", strings.Join(unserved, "\n  "))
	}
	if len(served) < 20 {
		t.Fatalf("only %d routes found; is the router built?", len(served))
	}
}

// echoPathToOpenAPI turns /cases/:id/actions/:action into /cases/{id}/actions/{action}.
func echoPathToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
