package stats

import (
	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

// NullTime scans a nullable timestamp (database.NullTime, shared with the
// case list, which reads timestamps as text on SQLite too).
type NullTime = database.NullTime

// timeColumn selects a timestamp column so that NullTime reads it
// (database.TimeColumn).
func timeColumn(tx *gorm.DB, col string) string { return database.TimeColumn(tx, col) }
