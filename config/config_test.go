package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jianyi/config"
)

func TestLoadDefaults(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatalf("shipped config.yaml does not load: %v", err)
	}
	if cfg.Mode != "dev" || cfg.Database.Driver != "sqlite" || cfg.HTTP.BodyLimit != 1<<20 || cfg.Auth.TokenTTL != 8*time.Hour {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if !cfg.Auth.EphemeralKey || len(cfg.Auth.SigningKey) < 32 || strings.Contains(cfg.Auth.SigningKey, "development") {
		t.Fatal("dev mode without a key should make a random key for the process")
	}
	again, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if again.Auth.SigningKey == cfg.Auth.SigningKey {
		t.Fatal("two starts without a key share a signing key")
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(*config.Config) bool
		wantErr string // substring of the error; "" = loads
	}{
		{"listen", map[string]string{"JIANYI_HTTP_LISTEN": "127.0.0.1:9999"},
			func(c *config.Config) bool { return c.HTTP.Listen == "127.0.0.1:9999" }, ""},
		{"token ttl", map[string]string{"JIANYI_AUTH_TOKEN_TTL": "90m"},
			func(c *config.Config) bool { return c.Auth.TokenTTL == 90*time.Minute }, ""},
		{"body limit", map[string]string{"JIANYI_HTTP_BODY_LIMIT": "64KB"},
			func(c *config.Config) bool { return c.HTTP.BodyLimit == 64<<10 }, ""},
		{"list", map[string]string{"JIANYI_HTTP_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.0.0/16"},
			func(c *config.Config) bool {
				return len(c.HTTP.TrustedProxies) == 2 && c.HTTP.TrustedProxies[1] == "192.168.0.0/16"
			}, ""},
		{"nested job spec", map[string]string{"JIANYI_JOBS_REPLY_REMINDERS_SPEC": "0 7 * * *"},
			func(c *config.Config) bool { return c.Jobs.ReplyReminders.Spec == "0 7 * * *" }, ""},
		{"stage limits map", map[string]string{"JIANYI_DEADLINES_STAGE_LIMITS": "checking=10,investigating=20"},
			func(c *config.Config) bool { return c.Deadlines.StageLimits["investigating"] == 20 }, ""},
		{"unknown driver", map[string]string{"JIANYI_DATABASE_DRIVER": "bogus"}, nil, "database.driver"},
		{"bad duration", map[string]string{"JIANYI_AUTH_TOKEN_TTL": "soon"}, nil, "auth.token_ttl"},
		{"ttl out of range", map[string]string{"JIANYI_AUTH_TOKEN_TTL": "30s"}, nil, "auth.token_ttl"},
		{"bad integer", map[string]string{"JIANYI_AUTH_MAX_FAILURES_PER_IP": "many"}, nil, "JIANYI_AUTH_MAX_FAILURES_PER_IP"},
		{"bad mode", map[string]string{"JIANYI_MODE": "staging"}, nil, "mode"},
		{"production without key", map[string]string{"JIANYI_MODE": "production"}, nil, "auth.signing_key"},
		{"production with the retired key", map[string]string{"JIANYI_MODE": "production", "JIANYI_AUTH_SIGNING_KEY": "jianyi-development-signing-key-not-for-production"}, nil, "development key"},
		{"dev with the retired key", map[string]string{"JIANYI_AUTH_SIGNING_KEY": "jianyi-development-signing-key-not-for-production"}, nil, "development key"},
		{"short key", map[string]string{"JIANYI_AUTH_SIGNING_KEY": "short"}, nil, "at least 32 bytes"},
		{"production with key", map[string]string{"JIANYI_MODE": "production", "JIANYI_AUTH_SIGNING_KEY": strings.Repeat("k", 40)},
			func(c *config.Config) bool { return c.IsProduction() && c.Auth.SigningKey == strings.Repeat("k", 40) }, ""},
		{"site identity", map[string]string{"JIANYI_SITE_NAME": "东川省人民检察院", "JIANYI_SITE_ICP": "东ICP备00000001号"},
			func(c *config.Config) bool {
				return c.Site.Name == "东川省人民检察院" && c.Site.ICP == "东ICP备00000001号" && c.Site.Hotline == "12309"
			}, ""},
		{"site without a name", map[string]string{"JIANYI_SITE_NAME": " "}, nil, "site.name"},
		{"webhook without secret", map[string]string{"JIANYI_WEBHOOK_URL": "https://example.invalid/hook"}, nil, "webhook.secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := config.Load("")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(cfg) {
				t.Fatalf("override not applied: %+v", cfg)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		wantErr    string
	}{
		{"overlay", "http:\n  listen: \":9090\"\n", ""},
		{"unknown key", "http:\n  lisen: \":9090\"\n", "lisen"},
		{"bad size", "http:\n  body_limit: huge\n", "huge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.HTTP.Listen != ":9090" || cfg.Database.Driver != "sqlite" {
				t.Fatalf("overlay: %v %+v", err, cfg)
			}
		})
	}
	// The environment wins over the file.
	t.Setenv("JIANYI_HTTP_LISTEN", ":7070")
	cfg, err := config.Load(filepath.Join(dir, "overlay.yaml"))
	if err != nil || cfg.HTTP.Listen != ":7070" {
		t.Fatalf("env over file: %v %+v", err, cfg)
	}
}

func TestRedacted(t *testing.T) {
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database.Driver = "mysql"
	cfg.Database.DSN = "jianyi:s3cret-db-pass@tcp(db.internal:3306)/jianyi?parseTime=true"
	cfg.Auth.SigningKey = "signing-key-that-must-never-be-logged-0123"
	cfg.Mail.Password = "smtp-pass"
	cfg.Webhook.Secret = "hook-secret"
	red := cfg.Redacted()
	dump := strings.Join([]string{red.Database.DSN, red.Auth.SigningKey, red.Mail.Password, red.Webhook.Secret}, " ")
	for _, secret := range []string{"s3cret-db-pass", "signing-key-that-must", "smtp-pass", "hook-secret"} {
		if strings.Contains(dump, secret) {
			t.Errorf("Redacted leaks %q: %s", secret, dump)
		}
	}
	if red.Database.DSN != "jianyi:***@tcp(db.internal:3306)/jianyi?parseTime=true" {
		t.Errorf("masked DSN %q should keep user, host and database", red.Database.DSN)
	}
	if red.Auth.SigningKey != "***" {
		t.Errorf("signing key shown as %q", red.Auth.SigningKey)
	}
	// The original is untouched.
	if cfg.Auth.SigningKey != "signing-key-that-must-never-be-logged-0123" || !strings.Contains(cfg.Database.DSN, "s3cret") {
		t.Fatal("Redacted changed the configuration it was called on")
	}
}

// TestApprovalAndGradeSettings: the approval chains (审批链) and the 评查
// 等次 thresholds are checked at load, naming the key at fault.
func TestApprovalAndGradeSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(c *config.Config)
		wantErr string
	}{
		{"default", func(c *config.Config) {}, ""},
		{"with committee", func(c *config.Config) { c.Approval.Chain = []string{"dept_review", "approve", "committee"} }, ""},
		{"chief only", func(c *config.Config) { c.Approval.Chain = []string{"approve"} }, ""},
		{"no chief", func(c *config.Config) { c.Approval.Chain = []string{"dept_review"} }, "approval.chain"},
		{"out of order", func(c *config.Config) { c.Approval.Chain = []string{"approve", "dept_review"} }, "approval.chain"},
		{"unknown step", func(c *config.Config) { c.Approval.Chain = []string{"vice_chief", "approve"} }, "approval.chain"},
		{"twice", func(c *config.Config) { c.Approval.Chain = []string{"approve", "approve"} }, "approval.chain"},
		{"per procuratorate", func(c *config.Config) {
			c.Approval.ByProcuratorate = []config.ProcuratorateChain{{Procuratorate: "东川省临江市人民检察院", Chain: []string{"dept_review", "approve", "committee"}}}
		}, ""},
		{"per procuratorate without name", func(c *config.Config) {
			c.Approval.ByProcuratorate = []config.ProcuratorateChain{{Chain: []string{"approve"}}}
		}, "approval.by_procuratorate"},
		{"grades out of order", func(c *config.Config) { c.Reviews.Grades.Qualified = 95 }, "reviews.grades"},
		{"negative lookback", func(c *config.Config) { c.Deadlines.LookbackMonths = -1 }, "deadlines.lookback_months"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Defaults()
			if err != nil {
				t.Fatal(err)
			}
			tc.change(cfg)
			err = cfg.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
			}
		})
	}
}
