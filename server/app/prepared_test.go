package app

import (
	"strings"
	"testing"
)

// TestPreparedBudget: the statements one process may keep prepared (per
// connection, on every connection) against MySQL's max_prepared_stmt_count —
// over it the start fails, over half of it a warning, under half nothing.
func TestPreparedBudget(t *testing.T) {
	for _, c := range []struct {
		prepared, conns int
		limit           int64
		warn, fail      bool
	}{
		{128, 20, 16382, false, false}, // the shipped defaults: 2,560
		{128, 80, 16382, true, false},  // 10,240: a second replica would pass the limit
		{1000, 20, 16382, false, true}, // 20,000
		{128, 20, 2560, true, false},   // exactly the limit: fits, alone
		{128, 20, 2559, false, true},
		{128, 0, 16382, true, false}, // unlimited connections
	} {
		warn, err := preparedBudget(c.prepared, c.conns, c.limit)
		if (warn != "") != c.warn || (err != nil) != c.fail {
			t.Errorf("%d × %d against %d: warning %q, error %v", c.prepared, c.conns, c.limit, warn, err)
		}
		if err != nil && !strings.Contains(err.Error(), "max_prepared_stmt_count") {
			t.Errorf("the error does not name the server setting: %v", err)
		}
	}
}
