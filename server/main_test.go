package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/database"
	"jianyi/migrations"
)

// tempConfig writes a config file for a fresh SQLite database (passwords
// hashed at bcrypt's lowest cost unless extra sets auth) and returns its path
// and the database path.
func tempConfig(t *testing.T, extra string) (cfgPath, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "jianyi.db")
	cfgPath = filepath.Join(dir, "config.yaml")
	// bcrypt's lowest cost, as the other packages' tests hash: the demo
	// and the logins here hashed at the production cost (about 1 s of CPU).
	if !strings.Contains(extra, "auth:") {
		extra += "auth:\n  password_cost: 4\n"
	}
	yaml := fmt.Sprintf("database:\n  dsn: %q\njobs:\n  enabled: false\n%s", dbPath, extra)
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

// runCmd runs the command line and returns its exit code and output.
func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func openSQLite(t *testing.T, path string) *database.DB {
	t.Helper()
	db, err := database.Open(database.OpenOptions{Driver: "sqlite", DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCommands(t *testing.T) {
	t.Setenv("JIANYI_DEMO_PASSWORD", "")
	cfg, dbPath := tempConfig(t, "")
	steps := []struct {
		name       string
		args       []string
		before     func(t *testing.T)
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2, wantStderr: "unknown command"},
		{name: "audit without verify", args: []string{"audit"}, wantCode: 2, wantStderr: "usage"},
		{name: "migrate", args: []string{"migrate", "--config", cfg}, wantCode: 0, wantStdout: "applied 0001_foundation"},
		{name: "migrate again", args: []string{"migrate", "--config", cfg}, wantCode: 0, wantStdout: "schema is up to date"},
		{name: "seed without password", args: []string{"seed-demo", "--config", cfg}, wantCode: 1, wantStderr: "JIANYI_DEMO_PASSWORD"},
		{name: "seed with a short password", args: []string{"seed-demo", "--config", cfg, "--password", "short-pw"}, wantCode: 1, wantStderr: "at least 10 characters"},
		{name: "seed", args: []string{"seed-demo", "--config", cfg, "--password", "demo-pass-2026"}, wantCode: 0, wantStdout: "prosecutor1"},
		{name: "seed makes the demo cases", args: []string{"audit", "verify", "--config", cfg}, wantCode: 0, wantStdout: "audit chain intact",
			before: func(t *testing.T) { checkDemoCases(t, dbPath) }},
		{name: "seed again", args: []string{"seed-demo", "--config", cfg, "--password", "demo-pass-2026"}, wantCode: 0, wantStdout: "中小学校舍消防安全隐患  already existed"},
		{name: "seed again made nothing", args: []string{"audit", "verify", "--config", cfg}, wantCode: 0, wantStdout: "audit chain intact",
			before: func(t *testing.T) { checkDemoCases(t, dbPath) }},
		{name: "audit verify intact", args: []string{"audit", "verify", "--config", cfg}, wantCode: 0, wantStdout: "audit chain intact"},
		{name: "stats without verify", args: []string{"stats"}, wantCode: 2, wantStderr: "usage"},
		{name: "stats verify", args: []string{"stats", "verify", "--config", cfg}, wantCode: 0, wantStdout: "statistics aggregates agree with the raw rows"},
		{
			name: "stats verify after an edit",
			before: func(t *testing.T) {
				db := openSQLite(t, dbPath)
				if err := db.Exec("UPDATE stats_rollup SET issued = issued + 1").Error; err != nil {
					t.Fatal(err)
				}
				db.Close()
			},
			args: []string{"stats", "verify", "--config", cfg}, wantCode: 1, wantStdout: "statistics aggregates DIFFER",
		},
		{name: "stats rebuild", args: []string{"stats", "rebuild", "--config", cfg}, wantCode: 0, wantStdout: "rebuilt"},
		{name: "stats verify after the rebuild", args: []string{"stats", "verify", "--config", cfg}, wantCode: 0, wantStdout: "agree"},
		{
			name: "audit verify after an edit",
			before: func(t *testing.T) {
				db := openSQLite(t, dbPath)
				if err := db.Exec("UPDATE audit_entries SET summary = ? WHERE id = 2", `{"name":"forged"}`).Error; err != nil {
					t.Fatal(err)
				}
				db.Close()
			},
			args: []string{"audit", "verify", "--config", cfg}, wantCode: 1, wantStdout: "audit chain BROKEN",
		},
		{
			name: "serve refuses a newer schema",
			before: func(t *testing.T) {
				db := openSQLite(t, dbPath)
				if err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')", migrations.Latest()+1).Error; err != nil {
					t.Fatal(err)
				}
				db.Close()
			},
			args: []string{"serve", "--config", cfg}, wantCode: 1, wantStderr: "newer",
		},
		{name: "migrate refuses a newer schema", args: []string{"migrate", "--config", cfg}, wantCode: 1, wantStderr: "newer"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before(t)
			}
			code, stdout, stderr := runCmd(st.args...)
			if code != st.wantCode || !strings.Contains(stdout, st.wantStdout) || !strings.Contains(stderr, st.wantStderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, st.wantCode, stdout, stderr, st.wantStdout, st.wantStderr)
			}
		})
	}
}

// checkDemoCases checks seed-demo made the four demo cases, once, in their
// states (made in the order the work started), with one published item.
func checkDemoCases(t *testing.T, dbPath string) {
	t.Helper()
	db := openSQLite(t, dbPath)
	defer db.Close()
	var states []string
	if err := db.Model(&cases.Case{}).Order("id").Pluck("state", &states).Error; err != nil {
		t.Fatal(err)
	}
	// In the order the work started (ids follow the dates): the late 宣告送达,
	// the perfunctory, the no-reply, the published, the application's case,
	// the awaiting, the second department's, the draft, the lead.
	if strings.Join(states, ",") != "following_up,closed,delivered,closed,investigating,delivered,delivered,drafting,lead" {
		t.Fatalf("demo case states %v", states)
	}
	var published int64
	if err := db.Model(&disclosure.Disclosure{}).Where("status = ?", disclosure.DisclosurePublished).Count(&published).Error; err != nil || published != 1 {
		t.Fatalf("%d published (err %v)", published, err)
	}
}

// TestServeRefusesNewerSchemaWithoutAutoMigrate covers the CheckSchema path
// taken when migrations are left to `server migrate`.
func TestServeRefusesNewerSchemaWithoutAutoMigrate(t *testing.T) {
	cfg, dbPath := tempConfig(t, "")
	if code, _, stderr := runCmd("migrate", "--config", cfg); code != 0 {
		t.Fatal(stderr)
	}
	db := openSQLite(t, dbPath)
	if err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')", migrations.Latest()+1).Error; err != nil {
		t.Fatal(err)
	}
	t.Setenv("JIANYI_DATABASE_AUTO_MIGRATE", "false")
	code, _, stderr := runCmd("serve", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, migrations.ErrSchemaTooNew.Error()) {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
}

func TestServeDemoRefusals(t *testing.T) {
	cfg, _ := tempConfig(t, "")
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantStderr string
	}{
		{"production", map[string]string{"JIANYI_MODE": "production", "JIANYI_AUTH_SIGNING_KEY": strings.Repeat("p", 40), "JIANYI_DEMO_PASSWORD": "demo-pass-2026"},
			[]string{"serve", "--demo", "--config", cfg}, "refused in production"},
		{"no password", map[string]string{"JIANYI_DEMO_PASSWORD": ""}, []string{"serve", "--demo", "--config", cfg}, "JIANYI_DEMO_PASSWORD"},
		{"production without key", map[string]string{"JIANYI_MODE": "production"}, []string{"serve", "--config", cfg}, "auth.signing_key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runCmd(tc.args...)
			if code != 1 || !strings.Contains(stderr, tc.wantStderr) {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
		})
	}
}

// TestServeDemo runs the one-command demo on a free port, logs in with the
// demo password and stops the server with SIGINT.
func TestServeDemo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg, _ := tempConfig(t, fmt.Sprintf("http:\n  listen: %q\n", addr))
	t.Setenv("JIANYI_DEMO_PASSWORD", "demo-pass-2026")
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"serve", "--demo", "--config", cfg}, &stdout, &stderr) }()

	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("server exited with %d before it was ready: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := json.Marshal(map[string]string{"username": "chief1", "password": "demo-pass-2026"})
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("demo login: %d", res.StatusCode)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop on SIGINT")
	}
	for _, want := range []string{"agency2", "demo ready: http://" + addr} {
		if !strings.Contains(stdout.String(), want) {
			t.Fatalf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}
