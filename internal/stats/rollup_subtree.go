package stats

import (
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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
// transaction (addDelta; stats_rollup_sums is kept the same way). That is exact — integer sums, and the subtree rows are by
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
	// counterColumns are the columns of counters, in their order.
	counterColumns() []string
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
func (r *levelCount) counters() []*int64       { return []*int64{&r.N, &r.Issued, &r.Filed} }
func (r *levelCount) counterColumns() []string { return []string{"n", "issued", "filed"} }
func (r *RollupRow) counterColumns() []string  { return rollupColumns }

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

// addDelta adds delta (rows of signed counters: the rows a catch-up wrote
// minus those they replaced) to table's rows of the same keys with an
// additive upsert — no row is read, a few statements per 200 keys — then
// deletes the rows of the procuratorates touched whose counters all came
// to zero (a rebuild writes no such row: every row counts at least one
// case).
func addDelta[K comparable, R any, P subtreeRow[K, R]](tx *gorm.DB, table string, delta map[K]*R) error {
	var rows []R
	procs := map[int64]bool{}
	for _, d := range delta {
		if !isZero(P(d).counters()) {
			rows = append(rows, *d)
			p, _ := P(d).at()
			procs[p] = true
		}
	}
	if len(rows) == 0 {
		return nil
	}
	cols := P(&rows[0]).counterColumns()
	set := make(map[string]any, len(cols))
	for _, c := range cols {
		if tx.Dialector.Name() == "mysql" {
			set[c] = gorm.Expr(c + " + VALUES(" + c + ")")
		} else {
			set[c] = gorm.Expr(c + " + excluded." + c)
		}
	}
	var target []clause.Column
	for k := range P(&rows[0]).keyColumns() {
		target = append(target, clause.Column{Name: k})
	}
	if err := tx.Table(table).Clauses(clause.OnConflict{Columns: target, DoUpdates: clause.Assignments(set)}).
		CreateInBatches(rows, rowsPerStatement[R](tx)).Error; err != nil {
		return err
	}
	zero := strings.Join(cols, " = 0 AND ") + " = 0"
	for _, chunk := range chunks(sortedIDs(procs)) {
		if err := tx.Exec("DELETE FROM "+table+" WHERE procuratorate_id IN ? AND "+zero, chunk).Error; err != nil {
			return err
		}
	}
	return nil
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
