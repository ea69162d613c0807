package stats

import (
	"context"
	"errors"
	"reflect"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// A full recount writes only what changed.
//
// It used to delete every aggregate row and insert them again in one
// transaction: at 10^6 cases that rewrote ~750,000 stats_case_groups rows and
// held SQLite's write lock for 3.5 minutes (every write answered 503), and a
// new day at province scale (more than rebuildGroups groups whose day came)
// met it every night. Now the recount, and the comparison of what it counted
// with the rows stored, both read outside any transaction, and the one write
// transaction changes only the rows that differ — a new day's few thousand.
// It first checks that the aggregates are in the state the comparison read:
// when another process caught up meanwhile to the same or a later state of
// today, that state stands; otherwise the recount starts again (at most
// recountAttempts times). This process's catch-ups wait on rollupLocks.
//
// The write is one transaction so that a reader, and a catch-up of another
// process, always meets aggregates that add up (the subtree rows are kept by
// difference); what it holds the lock for is proportional to what changed:
// the first build writes everything once.

// recountAttempts bounds the recounts started again because another
// process changed the aggregates meanwhile.
const recountAttempts = 3

// errRollupMoved makes a full recount start again: the aggregates changed
// between its comparison and its write.
var errRollupMoved = errors.New("stats rollup: changed during the recount")

// keyedRow is a row of an aggregate table that a full recount compares by
// key: stats_rollup and stats_rollup_sums (RollupRow), stats_counts
// (levelCount), the subtree tables and stats_application_counts (appCount).
type keyedRow[K comparable, V any] interface {
	*V
	key() K
	keyColumns() map[string]any
	at() (procuratorateID, departmentID int64)
}

func (a *appCount) key() int64         { return a.ProcuratorateID }
func (a *appCount) at() (int64, int64) { return a.ProcuratorateID, 0 }
func (a *appCount) keyColumns() map[string]any {
	return map[string]any{"procuratorate_id": a.ProcuratorateID}
}

// tableChange is what a recount changes in one table: the rows to write
// (new or different) and the rows to delete (no longer counted).
type tableChange interface {
	size() int
	apply(tx *gorm.DB) error
}

type rowChange[V any] struct {
	table string
	write []V
	drop  []map[string]any // the key columns of each row to delete
}

func (c *rowChange[V]) size() int { return len(c.drop) + len(c.write) }

// apply deletes the rows gone and writes (inserts or replaces) the others.
func (c *rowChange[V]) apply(tx *gorm.DB) error {
	for _, k := range c.drop {
		var none V
		if err := tx.Table(c.table).Where(k).Delete(&none).Error; err != nil {
			return err
		}
	}
	if len(c.write) == 0 {
		return nil
	}
	return tx.Table(c.table).Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(c.write, rowsPerStatement[V](tx)).Error
}

// diffByProcuratorate compares the rows a recount wants in table with those
// stored, one procuratorate at a time (the tables' keys begin with it), so
// no more than one procuratorate's stored rows are held at once.
func diffByProcuratorate[K comparable, V any, P keyedRow[K, V]](db *gorm.DB, table string, want map[K]*V) (*rowChange[V], error) {
	byProc := map[int64][]*V{}
	for _, w := range want {
		p, _ := P(w).at()
		byProc[p] = append(byProc[p], w)
	}
	var stored []int64
	if err := db.Table(table).Distinct("procuratorate_id").Pluck("procuratorate_id", &stored).Error; err != nil {
		return nil, err
	}
	procs := map[int64]bool{}
	for p := range byProc {
		procs[p] = true
	}
	for _, p := range stored {
		procs[p] = true
	}
	out := &rowChange[V]{table: table}
	for _, p := range sortedIDs(procs) {
		var rows []V
		if err := db.Table(table).Where("procuratorate_id = ?", p).Find(&rows).Error; err != nil {
			return nil, err
		}
		seen := make(map[K]bool, len(rows))
		for i := range rows {
			k := P(&rows[i]).key()
			seen[k] = true
			w := want[k]
			switch {
			case w == nil:
				out.drop = append(out.drop, P(&rows[i]).keyColumns())
			case !reflect.DeepEqual(*w, rows[i]):
				out.write = append(out.write, *w)
			}
		}
		for _, w := range byProc[p] {
			if !seen[P(w).key()] {
				out.write = append(out.write, *w)
			}
		}
	}
	return out, nil
}

// caseGroupBatch is how many stored case rows the comparison reads at a time.
const caseGroupBatch = 5000

// diffCaseGroups compares the case rows a recount wants (in case id order,
// as recount makes them) with those stored, read in case id order, so the
// stored ones are never all in memory.
func diffCaseGroups(db *gorm.DB, want []caseGroup) (*rowChange[caseGroup], error) {
	out := &rowChange[caseGroup]{table: CaseRowsTable}
	i := 0
	var after int64 = -1 << 63
	for {
		var rows []caseGroup
		if err := db.Where("case_id > ?", after).Order("case_id").Limit(caseGroupBatch).Find(&rows).Error; err != nil {
			return nil, err
		}
		for j := range rows {
			for i < len(want) && want[i].CaseID < rows[j].CaseID {
				out.write = append(out.write, want[i])
				i++
			}
			if i < len(want) && want[i].CaseID == rows[j].CaseID {
				if !reflect.DeepEqual(want[i], rows[j]) {
					out.write = append(out.write, want[i])
				}
				i++
				continue
			}
			out.drop = append(out.drop, map[string]any{"case_id": rows[j].CaseID})
		}
		if len(rows) < caseGroupBatch {
			break
		}
		after = rows[len(rows)-1].CaseID
	}
	out.write = append(out.write, want[i:]...)
	return out, nil
}

// sameState reports whether two reads of stats_rollup_state are the same
// state: every catch-up that writes moves built_at.
func sameState(a, b rollupState) bool {
	return a.AuditID == b.AuditID && a.AsOf == b.AsOf && (a.BuiltAt == nil) == (b.BuiltAt == nil) &&
		(a.BuiltAt == nil || a.BuiltAt.Equal(*b.BuiltAt))
}

// writeChanges writes a recount's changes in one transaction, after
// checking that the aggregates are still in the state read before the
// comparison (was), and saves the new state.
func (s *Service) writeChanges(ctx context.Context, was rollupState, today calendar.Date, auditID int64, changes []tableChange) error {
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		if err := lockUnmoved(tx, was, today, auditID); err != nil {
			return err
		}
		for _, c := range changes {
			if err := c.apply(tx); err != nil {
				return err
			}
		}
		return saveState(tx, today, auditID)
	})
	if errors.Is(err, errLaterState) {
		return nil
	}
	return err
}

// lockUnmoved locks the aggregates' state in tx and checks that it is still
// was, the state read before a recount or a catch-up's plan: errLaterState
// when another process counted the same or a later state of today
// meanwhile (that state stands), errRollupMoved when it moved otherwise
// (start again).
func lockUnmoved(tx *gorm.DB, was rollupState, today calendar.Date, auditID int64) error {
	var st rollupState
	if err := database.LockRow(tx).First(&st, 1).Error; err != nil {
		return err
	}
	switch {
	case sameState(st, was):
		return nil
	case st.AsOf == today.String() && st.AuditID >= auditID:
		return errLaterState
	}
	return errRollupMoved
}

// errLaterState ends a recount's or a catch-up's writes: another process
// counted as far meanwhile.
var errLaterState = errors.New("stats rollup: counted as far by another process")

// rollupStateOf reads the aggregates' state.
func rollupStateOf(db *gorm.DB) (rollupState, error) {
	var st rollupState
	err := db.First(&st, 1).Error
	return st, err
}
