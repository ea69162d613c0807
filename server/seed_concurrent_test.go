package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"jianyi/dbtest"
)

// TestConcurrentDemoSeeding: two replicas seeding one empty database at
// once both succeed (the second waits for the first and finds the data),
// on MySQL/MariaDB, where replicas share a database server (set
// JIANYI_TEST_MYSQL_DSN; a SQLite file is one process's).
func TestConcurrentDemoSeeding(t *testing.T) {
	for _, driver := range dbtest.Drivers() {
		if driver != "mysql" {
			continue
		}
		t.Run(driver, func(t *testing.T) {
			t.Setenv("JIANYI_DEMO_PASSWORD", "demo-pass-2026")
			_, opts := dbtest.OpenUnmigrated(t, "mysql")
			cfg := filepath.Join(t.TempDir(), "config.yaml")
			yaml := fmt.Sprintf("database:\n  driver: mysql\n  dsn: %q\njobs:\n  enabled: false\nauth:\n  password_cost: 4\n", opts.DSN)
			if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			codes := make([]int, 2)
			errs := make([]string, 2)
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i], _, errs[i] = runCmd("seed-demo", "--config", cfg)
				}()
			}
			wg.Wait()
			for i, c := range codes {
				if c != 0 {
					t.Errorf("replica %d: exit %d: %s", i, c, errs[i])
				}
			}
		})
	}
}
