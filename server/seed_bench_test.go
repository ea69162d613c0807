package main

import (
	"strings"
	"testing"
)

// TestSeedBenchCommand: a seeded database passes the service's own audit
// verification (the generator writes the chain without the audit code), a
// second seed is refused, and production mode refuses outright.
func TestSeedBenchCommand(t *testing.T) {
	cfg, _ := tempConfig(t, "")
	args := []string{"seed-bench", "--config", cfg, "--cases", "300", "--cities", "2", "--districts", "2",
		"--until", "2026-06-30", "--password", "bench-pass-2026"}
	code, out, errOut := runCmd(args...)
	if code != 0 || !strings.Contains(out, "seeded 300 cases up to 2026-06-30") {
		t.Fatalf("seed-bench: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCmd("audit", "verify", "--config", cfg)
	if code != 0 || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify after seed-bench: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut = runCmd(args...); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("second seed-bench: exit %d\n%s", code, errOut)
	}
	t.Setenv("JIANYI_MODE", "production")
	t.Setenv("JIANYI_AUTH_SIGNING_KEY", strings.Repeat("k", 40))
	if code, _, errOut = runCmd(args...); code != 1 || !strings.Contains(errOut, "refused in production") {
		t.Fatalf("seed-bench in production: exit %d\n%s", code, errOut)
	}
}
