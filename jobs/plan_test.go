package jobs

import (
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// TestScansReadByIndex asks SQLite how it would run each scan: every one
// must search its index, never scan the whole table.
func TestScansReadByIndex(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, "sqlite")
	today := calendar.NewDate(2026, 4, 15)
	tests := []struct {
		name  string
		index string
		query func(tx *gorm.DB) *gorm.DB
	}{
		{"reply window", "ix_cases_state_due", func(tx *gorm.DB) *gorm.DB {
			return replyWindowQuery(tx, DateWindow{today, today.AddDays(15)})
		}},
		{"stage limit", "ix_cases_state_entered", func(tx *gorm.DB) *gorm.DB {
			return stageQuery(tx, "checking", StageCutoff(today, 30, time.FixedZone("CST", 8*60*60)))
		}},
		{"filing deadline", "ix_filings_due", func(tx *gorm.DB) *gorm.DB { return filingQuery(tx, today) }},
		{"outbox due", "ix_outbox_due", func(tx *gorm.DB) *gorm.DB { return outboxDueQuery(tx, time.Now(), 100) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := explainSQLite(t, db, tt.query)
			t.Log(plan)
			if !strings.Contains(plan, "SEARCH") || !strings.Contains(plan, tt.index) {
				t.Fatalf("plan does not search %s:\n%s", tt.index, plan)
			}
		})
	}
}

// explainSQLite returns SQLite's EXPLAIN QUERY PLAN for the query.
func explainSQLite(t testing.TB, db *database.DB, query func(tx *gorm.DB) *gorm.DB) string {
	t.Helper()
	sql := db.ToSQL(func(tx *gorm.DB) *gorm.DB { return query(tx).Find(&[]map[string]any{}) })
	var rows []struct {
		ID, Parent, Notused int
		Detail              string
	}
	if err := db.Raw("EXPLAIN QUERY PLAN " + sql).Scan(&rows).Error; err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	var b strings.Builder
	b.WriteString(sql + "\n")
	for _, r := range rows {
		b.WriteString("  " + r.Detail + "\n")
	}
	return b.String()
}
