package jobs

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/stats"
)

// statGroup is one row of the grouped count.
type statGroup struct {
	ProcuratorateID int64
	State           string
	N               int
	Issued          int
	Delivered       int
	Overdue         int
}

// SnapshotDailyStats counts cases per procuratorate as of the run and writes
// one row per (today, procuratorate), every procuratorate included (zeros
// too, so a chart has no holes). The reply figures come from the statistics
// definitions (stats.ScanFacts, stats.ReplyTally), the same as the API's.
// Re-running on the same date updates the rows in place.
func SnapshotDailyStats(ctx context.Context, db *database.DB, loc *time.Location, today calendar.Date) (int, error) {
	var groups []statGroup
	if err := db.WithContext(ctx).Model(&cases.Case{}).
		Select(`procuratorate_id, state, COUNT(*) AS n,
			SUM(CASE WHEN issued_at IS NOT NULL THEN 1 ELSE 0 END) AS issued,
			SUM(CASE WHEN delivered_on IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
			SUM(CASE WHEN state = ? AND reply_due < ? THEN 1 ELSE 0 END) AS overdue`, cases.StateDelivered, today.String()).
		Group("procuratorate_id, state").Scan(&groups).Error; err != nil {
		return 0, err
	}
	var procs []int64
	if err := db.WithContext(ctx).Model(&org.Procuratorate{}).Order("id").Pluck("id", &procs).Error; err != nil {
		return 0, err
	}
	rows := map[int64]*stats.DailyStat{}
	states := map[int64]map[string]int{}
	replies := map[int64]*stats.ReplyTally{}
	escalated := map[int64]int64{}
	for _, p := range procs {
		rows[p] = &stats.DailyStat{StatDate: today, ProcuratorateID: p}
		states[p] = map[string]int{}
		replies[p] = &stats.ReplyTally{}
	}
	for _, g := range groups {
		r, ok := rows[g.ProcuratorateID]
		if !ok {
			continue
		}
		r.Total += g.N
		states[g.ProcuratorateID][g.State] += g.N
		r.Issued += g.Issued
		r.Delivered += g.Delivered
		r.OverdueOpen += g.Overdue
	}
	err := stats.ScanFacts(ctx, db, loc, nil, func(batch []stats.CaseFacts) error {
		for i := range batch {
			f := &batch[i]
			if t, ok := replies[f.ProcuratorateID]; ok {
				t.Add(f, stats.Period{}, today)
				if len(f.Escalations) > 0 {
					escalated[f.ProcuratorateID]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		for _, p := range procs {
			r := rows[p]
			raw, _ := json.Marshal(states[p])
			r.StateCounts = string(raw)
			r.SetReplyFigures(replies[p], escalated[p])
			if err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "stat_date"}, {Name: "procuratorate_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"total", "state_counts", "issued", "delivered", "reply_due", "replied",
					"replied_on_time", "replied_late", "replied_perfunctory", "no_reply", "adopted", "rectified", "escalated",
					"overdue_open", "updated_at"}),
			}).Create(r).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return len(procs), err
}

func runDailyStats(ctx context.Context, env *Env) (int, error) {
	return SnapshotDailyStats(ctx, env.DB, env.Clock.Location(), env.Today)
}
