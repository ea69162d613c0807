package stats

import (
	"fmt"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/packed"
	"strings"

	"gorm.io/gorm"
)

// A packed read selects the columns a loop needs as one text per row, the
// fields separated by packed.Sep, and splits it in Go. On SQLite one column
// instead of several is most of the cost of a row: its driver takes the
// connection's mutex several times for every column of every row, asks a
// text column's declared type and copies each text twice; on MySQL it
// saves a value per column (a timestamp parsed, an integer boxed). The
// exports and the statistics read facts by the hundred thousand.
//
// A field is an integer, a date, a timestamp or a code (a state, a kind, a
// method), none of which holds the separator; a code's column is read with
// the separator replaced (packedCol.code), so that a stray one in the data
// cannot shift the fields — it matched no known code before and matches none
// after. A row that does not split into its fields fails the read, as a
// malformed value did when each column was scanned. Free text may hold
// anything: a reader that packs it reads a row that does not split again
// column by column (the ledger's cases, whose codes it need not replace then).

// packedCol is a column of a packed read.
type packedCol struct {
	expr     string
	nullable bool // NULL reads as ""
	code     bool // a code: packed.Sep is replaced by the record separator
}

// packedExprs are the columns as expressions that read as text, "" for
// NULL (CONCAT_WS would leave a NULL out). SQLite and MySQL turn numbers and timestamps into text themselves: MySQL a
// DATETIME(6) as "2006-01-02 15:04:05.999999" in the zone the driver reads
// it in (UTC), SQLite the text its driver wrote.
func packedExprs(cols []packedCol) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		e := c.expr
		if c.code {
			e = "REPLACE(" + e + ", CHAR(31), CHAR(30))"
		}
		if c.nullable {
			e = "COALESCE(" + e + ", '')"
		}
		out[i] = e
	}
	return out
}

// packedExpr is the expression that reads cols as one text: CONCAT_WS on
// both databases (on SQLite a fifth cheaper than a chain of ||, which copies
// the text grown so far at every step).
func packedExpr(cols []packedCol) string {
	return "CONCAT_WS(CHAR(31), " + strings.Join(packedExprs(cols), ", ") + ")"
}

// scanPacked runs q, which selects one packed column, and calls fn with
// each row split into f.
func scanPacked(q *gorm.DB, f []string, fn func() error) error {
	var text string
	return database.ScanEach(q, []any{&text}, func() error {
		if !packed.Split(text, f) {
			return fmt.Errorf("stats: a row read as %q, not %d fields", text, len(f))
		}
		return fn()
	})
}
