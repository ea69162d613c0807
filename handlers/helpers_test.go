package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// newEnvWith starts the API with the test defaults adjusted by change.
func newEnvWith(t *testing.T, db *database.DB, change func(cfg *config.Config)) *apitest.Env {
	t.Helper()
	return apitest.NewWithConfig(t, db, apitest.TestConfig(t, change))
}

// userID looks a demo account up by name.
func userID(t *testing.T, db *database.DB, username string) int64 {
	t.Helper()
	var u org.User
	if err := db.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u.ID
}

// countRows counts rows of a table matching a condition.
func countRows(t *testing.T, db *database.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// jsonReader encodes v as a JSON request body.
func jsonReader(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}
