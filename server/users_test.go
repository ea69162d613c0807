package main

import (
	"strings"
	"testing"

	"jianyi/internal/org"
)

// TestCreateAdminOnProductionDatabase: after migrate in production there is
// no account; seed-demo is refused; create-admin makes the root
// procuratorate and the administrator, refusing a trivial password, and the
// administrator logs in.
func TestCreateAdminOnProductionDatabase(t *testing.T) {
	cfgPath, dbPath := tempConfig(t, "mode: production\nauth:\n  password_cost: 4\n")
	t.Setenv("JIANYI_AUTH_SIGNING_KEY", strings.Repeat("s", 40))
	t.Setenv("JIANYI_DEMO_PASSWORD", "demo-pass-2026")
	if code, _, errOut := runCmd("migrate", "--config", cfgPath); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	if code, _, errOut := runCmd("seed-demo", "--config", cfgPath); code == 0 || !strings.Contains(errOut, "refused in production") {
		t.Fatalf("seed-demo in production: code %d, %s", code, errOut)
	}
	args := []string{"users", "create-admin", "--config", cfgPath, "--username", "Root.Admin", "--procuratorate", "东川省人民检察院", "--short-name", "东检"}
	t.Setenv("JIANYI_ADMIN_PASSWORD", "aaaaaaaaaa")
	if code, _, errOut := runCmd(args...); code == 0 || !strings.Contains(errOut, "password") {
		t.Fatalf("trivial password accepted: %d %s", code, errOut)
	}
	t.Setenv("JIANYI_ADMIN_PASSWORD", "Tz9#kq4Lm2-东川")
	code, out, errOut := runCmd(args...)
	if code != 0 || !strings.Contains(out, "administrator root.admin created") {
		t.Fatalf("create-admin: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCmd(args...); code == 0 || !strings.Contains(errOut, "用户名已存在") {
		t.Fatalf("second create-admin: %d %s", code, errOut)
	}
	db := openSQLite(t, dbPath)
	var u org.User
	if err := db.Where("username = ?", "root.admin").First(&u).Error; err != nil {
		t.Fatal(err)
	}
	var p org.Procuratorate
	if err := db.First(&p, *u.ProcuratorateID).Error; err != nil || p.Name != "东川省人民检察院" || p.Path == "" || u.Role != org.RoleAdmin {
		t.Fatalf("admin %+v in %+v (%v)", u, p, err)
	}
	if !org.CheckPassword(u.PasswordHash, "Tz9#kq4Lm2-东川") {
		t.Fatal("password not stored")
	}
	var n int64
	db.Table("audit_entries").Where("action = ?", "user.create_admin").Count(&n)
	if n != 1 {
		t.Fatalf("%d audit entries for create_admin", n)
	}
}
