package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/demo"
)

// demoEnv is the router on SQLite with the demo organisation and cases.
func demoEnv(t *testing.T) *apitest.Env {
	t.Helper()
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	if _, err := demo.SeedDemoCases(context.Background(), env.App.DemoServices(), apitest.Password); err != nil {
		t.Fatalf("demo cases: %v", err)
	}
	return env
}

func bodyHas(t *testing.T, res *apitest.Response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(res.Body), w) {
			t.Fatalf("page lacks %q:\n%s", w, clipBody(res.Body))
		}
	}
}

func clipBody(b []byte) string {
	s := string(b)
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 6000 {
		s = s[:6000]
	}
	return s
}

// Every case page, action form and draft page of the demo renders for each
// staff role that may read the case.
func TestCasePagesRenderForEveryDemoCase(t *testing.T) {
	t.Parallel()
	env := demoEnv(t)
	var all []cases.Case
	if err := env.DB.Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"prosecutor1", "depthead1", "chief1", "casemgr1"} {
		b := env.WebLogIn(t, user)
		b.Get("/dashboard").Expect(t, http.StatusOK)
		b.Get("/cases").Expect(t, http.StatusOK)
		b.Get("/cases?sort=due").Expect(t, http.StatusOK)
		for _, c := range all {
			if c.ProcuratorateID != 1 {
				continue
			}
			res := b.Get(fmt.Sprintf("/cases/%d", c.ID))
			if res.Status != http.StatusOK {
				t.Fatalf("%s case %d: %d %s", user, c.ID, res.Status, clipBody(res.Body))
			}
			b.Get(fmt.Sprintf("/cases/%d/draft", c.ID)).Expect(t, http.StatusOK)
			cv := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), user, nil).JSON()
			for _, a := range cv["allowed_actions"].([]any) {
				b.Get(fmt.Sprintf("/cases/%d/act/%s", c.ID, a)).Expect(t, http.StatusOK)
			}
		}
	}
}
