package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/documents"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/server/app"
)

// TestDocumentsVerifyCommand: a downloaded 检察建议书 is recognised by
// `server documents verify FILE` (exit 0, naming the 文号), a modified copy
// is not (exit 1).
func TestDocumentsVerifyCommand(t *testing.T) {
	for _, driver := range dbtest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			db, opts := dbtest.OpenUnmigrated(t, driver)
			env := apitest.New(t, dbMigrated(t, db))
			c := env.CaseFixture(apitest.CaseFixture{State: cases.StateIssued, DocumentNumber: "清河检八建〔2026〕3号",
				IssuedAt: time.Date(2026, 2, 2, 2, 0, 0, 0, time.UTC),
				Content: &cases.RecommendationContent{Addressee: "清河区市场监督管理局", ProblemSource: "本院在履职中发现校园周边食品安全问题。",
					Facts: "经查，11所学校周边有无证摊贩37家。", Illegality: "监管不到位。",
					Items: []cases.RecommendationItem{{Text: "依法查处无证经营。", LegalBasis: "《中华人民共和国食品安全法》第一百二十二条"}}}})
			res := env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/recommendation.pdf", c.ID), "prosecutor1", nil).Expect(t, http.StatusOK)
			dir := t.TempDir()
			good := filepath.Join(dir, "jianyi.pdf")
			bad := filepath.Join(dir, "altered.pdf")
			altered := bytes.Clone(res.Body)
			altered[len(altered)/3] ^= 0x20
			if err := os.WriteFile(good, res.Body, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(bad, altered, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("JIANYI_DATABASE_DRIVER", opts.Driver)
			t.Setenv("JIANYI_DATABASE_DSN", opts.DSN)
			for _, tc := range []struct {
				file     string
				wantCode int
				wantOut  []string
			}{
				{good, 0, []string{"MATCH", "检察建议书", "清河检八建〔2026〕3号", fmt.Sprintf("case %d", c.ID), res.Header.Get("X-Content-SHA256")}},
				{bad, 1, []string{"NO MATCH"}},
			} {
				var stdout, stderr bytes.Buffer
				code := run([]string{"documents", "verify", tc.file}, &stdout, &stderr)
				if code != tc.wantCode {
					t.Fatalf("%s: exit %d, want %d; stdout %s stderr %s", tc.file, code, tc.wantCode, stdout.String(), stderr.String())
				}
				for _, w := range tc.wantOut {
					if !strings.Contains(stdout.String(), w) {
						t.Errorf("%s: output %q lacks %q", tc.file, stdout.String(), w)
					}
				}
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"documents", "verify"}, &stdout, &stderr); code == 0 {
				t.Fatal("verify without a file succeeded")
			}
		})
	}
}

func dbMigrated(t *testing.T, db *database.DB) *database.DB {
	t.Helper()
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestNewRendererRefusesBadFont: a configured font that cannot be used stops
// the server at start, not at the first download.
func TestNewRendererRefusesBadFont(t *testing.T) {
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	bogus := filepath.Join(t.TempDir(), "fangsong.ttf")
	if err := os.WriteFile(bogus, []byte("not a font"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Documents.BodyFont = bogus
	if _, err := app.NewRenderer(cfg); !errors.Is(err, documents.ErrBadFont) {
		t.Fatalf("bad body font: %v, want ErrBadFont", err)
	}
}
