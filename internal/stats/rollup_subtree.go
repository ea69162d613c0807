package stats

import (
	"strconv"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/org"
)

// The subtree level (migration 0024): stats_subtree_counts and
// stats_subtree_sums hold, for every procuratorate, the sums of the
// department-0 rows of stats_counts and stats_rollup_sums (every department;
// a department belongs to one procuratorate) over the procuratorate and every
// procuratorate below it, keyed by the subtree's root. A province's request
// then reads its own few hundred rows instead of those of every procuratorate
// of the province.
//
// They are kept by difference: when a catch-up replaces a procuratorate's
// rows, the new rows minus the old ones are added to the subtree rows of the
// procuratorates on its path (itself and its ancestors), in the same
// transaction. That is exact — integer sums, and the subtree rows are by
// definition the sums of the rows replaced — and costs what the catch-up
// touched, not what the province holds (re-summing the province would cost
// a province request's reading at every catch-up). A subtree row summing to
// zero is deleted, as no row would be there after a rebuild (every
// per-procuratorate row counts at least one case). The paths never change
// (a procuratorate is renamed, never moved; a new one starts empty), so the
// subtree of a procuratorate is fixed. A full recount rebuilds them with the
// rest; `server stats verify` sums them again from the recomputed rows.

// The subtree tables.
const (
	subtreeCountsTable = "stats_subtree_counts"
	subtreeSumsTable   = "stats_subtree_sums"
)

// subtreeRow is a row of a table with a subtree level: stats_counts
// (levelCount) or stats_rollup_sums (RollupRow).
type subtreeRow[K comparable, R any] interface {
	*R
	// at is the row's procuratorate and department.
	at() (procuratorateID, departmentID int64)
	// rekeyed is a copy with zero counters for another procuratorate.
	rekeyed(procuratorateID int64) R
	key() K
	// keyColumns are the row's key as column conditions.
	keyColumns() map[string]any
	counters() []*int64
}

func (r *levelCount) at() (int64, int64) { return r.ProcuratorateID, r.DepartmentID }
func (r *levelCount) rekeyed(p int64) levelCount {
	return levelCount{ProcuratorateID: p, DepartmentID: r.DepartmentID, Field: r.Field, Dim: r.Dim, Dkey: r.Dkey}
}
func (r *levelCount) key() levelCountKey {
	return levelCountKey{r.ProcuratorateID, r.DepartmentID, r.Field, r.Dim, r.Dkey}
}
func (r *levelCount) keyColumns() map[string]any {
	return map[string]any{"procuratorate_id": r.ProcuratorateID, "department_id": r.DepartmentID, "field": r.Field, "dim": r.Dim, "dkey": r.Dkey}
}
func (r *levelCount) counters() []*int64 { return []*int64{&r.N, &r.Issued, &r.Filed} }

func (r *RollupRow) at() (int64, int64) { return r.ProcuratorateID, r.DepartmentID }
func (r *RollupRow) rekeyed(p int64) RollupRow {
	return RollupRow{ProcuratorateID: p, DepartmentID: r.DepartmentID, Field: r.Field, AgencyID: r.AgencyID}
}
func (r *RollupRow) keyColumns() map[string]any {
	return map[string]any{"procuratorate_id": r.ProcuratorateID, "department_id": r.DepartmentID, "field": r.Field, "agency_id": r.AgencyID}
}

// subtreePaths are the procuratorates of each procuratorate's path: itself
// and its ancestors, the subtrees it counts in.
type subtreePaths map[int64][]int64

// loadSubtreePaths reads every procuratorate's path.
func loadSubtreePaths(tx *gorm.DB) (subtreePaths, error) {
	var procs []org.Procuratorate
	if err := tx.Select("id, path").Find(&procs).Error; err != nil {
		return nil, err
	}
	out := make(subtreePaths, len(procs))
	for _, p := range procs {
		for _, s := range strings.Split(strings.Trim(p.Path, "/"), "/") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				out[p.ID] = append(out[p.ID], id)
			}
		}
	}
	return out, nil
}

// addSubtree adds sign × the department-0 rows to the subtree rows of
// their paths' procuratorates in out.
func addSubtree[K comparable, R any, P subtreeRow[K, R]](out map[K]*R, rows []R, paths subtreePaths, sign int64) {
	for i := range rows {
		r := P(&rows[i])
		p, d := r.at()
		if d != 0 {
			continue
		}
		for _, root := range paths[p] {
			z := r.rekeyed(root)
			k := P(&z).key()
			s := out[k]
			if s == nil {
				s = &z
				out[k] = s
			}
			sc := P(s).counters()
			for j, c := range r.counters() {
				*sc[j] += sign * *c
			}
		}
	}
}

// subtreeOf sums rows to the subtree level.
func subtreeOf[K comparable, R any, P subtreeRow[K, R]](rows []R, paths subtreePaths) map[K]*R {
	out := map[K]*R{}
	addSubtree[K, R, P](out, rows, paths, 1)
	return out
}

func isZero(cs []*int64) bool {
	for _, c := range cs {
		if *c != 0 {
			return false
		}
	}
	return true
}

// subtreeBulkKeys is the number of changed rows of one subtree above which
// a catch-up reads all the subtree's rows and writes them again (a few
// statements per 200 rows) rather than each changed row by its key (three
// statements each): a new day's recount changes most agency rows of a
// province.
const subtreeBulkKeys = 200

// applySubtreeDelta adds delta (summed by addSubtree: the rows rewritten,
// minus the rows they replaced) to the subtree rows of table. bulkAbove
// (0: subtreeBulkKeys) is the number of changed rows of a subtree above
// which it is rewritten whole.
func applySubtreeDelta[K comparable, R any, P subtreeRow[K, R]](tx *gorm.DB, table string, delta map[K]*R, bulkAbove int) error {
	if bulkAbove <= 0 {
		bulkAbove = subtreeBulkKeys
	}
	byRoot := map[int64][]*R{}
	for _, d := range delta {
		if !isZero(P(d).counters()) {
			root, _ := P(d).at()
			byRoot[root] = append(byRoot[root], d)
		}
	}
	var write []R
	for root, ds := range byRoot {
		if len(ds) > bulkAbove {
			rows, err := rewriteSubtree[K, R, P](tx, table, root, ds)
			if err != nil {
				return err
			}
			write = append(write, rows...)
			continue
		}
		for _, d := range ds {
			var stored []R
			if err := tx.Table(table).Where(P(d).keyColumns()).Limit(1).Find(&stored).Error; err != nil {
				return err
			}
			if len(stored) > 0 {
				addCounters(P(d).counters(), P(&stored[0]).counters())
				var none R
				if err := tx.Table(table).Where(P(d).keyColumns()).Delete(&none).Error; err != nil {
					return err
				}
			}
			if !isZero(P(d).counters()) {
				write = append(write, *d)
			}
		}
	}
	return createAll(tx.Table(table), write, 200)
}

// rewriteSubtree reads every row of root's subtree in table, adds ds and
// deletes them: the rows to write again are returned.
func rewriteSubtree[K comparable, R any, P subtreeRow[K, R]](tx *gorm.DB, table string, root int64, ds []*R) ([]R, error) {
	var stored []R
	if err := tx.Table(table).Where("procuratorate_id = ?", root).Find(&stored).Error; err != nil {
		return nil, err
	}
	rows := make(map[K]*R, len(stored))
	for i := range stored {
		rows[P(&stored[i]).key()] = &stored[i]
	}
	for _, d := range ds {
		k := P(d).key()
		if r := rows[k]; r != nil {
			addCounters(P(r).counters(), P(d).counters())
		} else {
			rows[k] = d
		}
	}
	if err := tx.Exec("DELETE FROM "+table+" WHERE procuratorate_id = ?", root).Error; err != nil {
		return nil, err
	}
	out := make([]R, 0, len(rows))
	for _, r := range rows {
		if !isZero(P(r).counters()) {
			out = append(out, *r)
		}
	}
	return out, nil
}

func addCounters(dst, src []*int64) {
	for j, c := range src {
		*dst[j] += *c
	}
}

// subtreeRoot is the procuratorate whose subtree rows answer the scope, or
// 0: a scope of a procuratorate with the ones below it, every department,
// no period and no prosecutor (then the rows of its level are kept per
// subtree: department 0).
func (sc *statsScope) subtreeRoot() int64 {
	if sc.subtree == 0 || len(sc.procIDs) < 2 || sc.departmentID != 0 || sc.prosecutorID != 0 {
		return 0
	}
	return sc.subtree
}

// verifySubtree compares the stored subtree rows with those summed from
// the recomputed rows of stats_rollup_sums and stats_counts.
func verifySubtree(tx *gorm.DB, sums []RollupRow, counts []levelCount, sumKey func(RollupRow) rollupKey,
	countKey func(levelCount) levelCountKey) ([]Difference, error) {
	paths, err := loadSubtreePaths(tx)
	if err != nil {
		return nil, err
	}
	var storedSums []RollupRow
	if err := tx.Table(subtreeSumsTable).Find(&storedSums).Error; err != nil {
		return nil, err
	}
	var storedCounts []levelCount
	if err := tx.Table(subtreeCountsTable).Find(&storedCounts).Error; err != nil {
		return nil, err
	}
	diffs := compareRows(subtreeSumsTable, subtreeOf[rollupKey](sums, paths), storedSums, sumKey)
	return append(diffs, compareRows(subtreeCountsTable, subtreeOf[levelCountKey](counts, paths), storedCounts, countKey)...), nil
}
