package jobs

// 流程监控 (process monitoring): cases too long in a stage, and 备案 filings
// not made by their due date, are reported to the handling prosecutor and the
// procuratorate's case managers.

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
)

// Process monitoring reminder kinds. Stage warnings are "stage_limit_" + the
// state ("stage_limit_checking").
const (
	KindStageLimitPrefix = "stage_limit_"
	KindFilingOverdue    = "filing_overdue"
)

// StageCutoff is the instant before which a case must have entered a stage to
// be over a limit of limitDays today: it entered on a legal date at least
// limitDays before today.
func StageCutoff(today calendar.Date, limitDays int, loc *time.Location) time.Time {
	d := today.AddDays(-limitDays + 1)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).UTC()
}

// stageCase is what the stage scan reads of a case.
type stageCase struct {
	ID              int64
	ProcuratorateID int64
	ProsecutorID    int64
	Title           string
	State           cases.CaseState
	StateEnteredAt  time.Time
}

// stageQuery reads the cases in a stage since before cutoff by the
// (state, state_entered_at) index.
func stageQuery(tx *gorm.DB, stage string, cutoff time.Time) *gorm.DB {
	return tx.Model(&cases.Case{}).Select("id", "procuratorate_id", "prosecutor_id", "title", "state", "state_entered_at").
		Where("state = ? AND state_entered_at < ?", stage, cutoff)
}

func runStageWarnings(ctx context.Context, env *Env) (int, error) {
	stages := make([]string, 0, len(env.Config.Deadlines.StageLimits))
	for s := range env.Config.Deadlines.StageLimits {
		stages = append(stages, s)
	}
	sort.Strings(stages)
	handled := 0
	for _, stage := range stages {
		limit := env.Config.Deadlines.StageLimits[stage]
		if limit <= 0 {
			continue
		}
		if !cases.CaseState(stage).Valid() {
			env.Log.Warn("deadlines.stage_limits names an unknown state", "state", stage)
			continue
		}
		var rows []stageCase
		if err := stageQuery(env.DB.WithContext(ctx), stage, StageCutoff(env.Today, limit, env.Clock.Location())).
			Find(&rows).Error; err != nil {
			return handled, err
		}
		kind := KindStageLimitPrefix + stage
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		sent, err := sentReminders(ctx, env.DB.DB, "case", ids, []string{kind})
		if err != nil {
			return handled, err
		}
		for i := range rows {
			c := &rows[i]
			entered := calendar.DateOf(c.StateEnteredAt, env.Clock.Location())
			if sent[reminderID{c.ID, kind, entered.String()}] {
				continue
			}
			created, err := emitStageWarning(ctx, env, c, kind, entered, limit)
			if err != nil {
				return handled, fmt.Errorf("case %d %s: %w", c.ID, kind, err)
			}
			if created {
				handled++
			}
		}
	}
	return handled, nil
}

func emitStageWarning(ctx context.Context, env *Env, c *stageCase, kind string, entered calendar.Date, limit int) (bool, error) {
	var created bool
	err := inTx(ctx, env.DB, func(tx *gorm.DB) error {
		created = false
		var cur cases.Case
		if err := tx.Select("id", "state", "state_entered_at").First(&cur, c.ID).Error; err != nil {
			return err
		}
		if cur.State != c.State || !cur.StateEnteredAt.Equal(c.StateEnteredAt) {
			return nil
		}
		managers, err := org.UsersWithRole(tx, c.ProcuratorateID, org.RoleCaseManager)
		if err != nil {
			return err
		}
		days := entered.DaysUntil(env.Today)
		label := cases.StateLabels[c.State]
		created, err = notify.EmitReminder(tx, env.Channels,
			notify.ReminderKey{SubjectType: "case", SubjectID: c.ID, CaseID: c.ID, Kind: kind, Deadline: entered},
			notify.Spec{UserIDs: uniqueIDs([]int64{c.ProsecutorID}, managers), Kind: kind,
				Title: fmt.Sprintf("流程监控：案件%s阶段超过%d日", label, limit),
				Body: fmt.Sprintf("《%s》自%s进入%s阶段，已%d日，超过%d日的办理期限，请及时推进。",
					c.Title, entered.Chinese(), label, days, limit)})
		return err
	})
	return created, err
}

// filingRow is what the filing scan reads.
type filingRow struct {
	ID              int64
	CaseID          int64
	ProcuratorateID int64
	DueOn           calendar.Date
}

// filingQuery reads pending filings past due by the (status, due_on) index.
func filingQuery(tx *gorm.DB, today calendar.Date) *gorm.DB {
	return tx.Model(&cases.Filing{}).Select("id", "case_id", "procuratorate_id", "due_on").
		Where("status = ? AND due_on < ?", cases.FilingPending, today.String())
}

func runFilingDeadlines(ctx context.Context, env *Env) (int, error) {
	var rows []filingRow
	if err := filingQuery(env.DB.WithContext(ctx), env.Today).Find(&rows).Error; err != nil {
		return 0, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	sent, err := sentReminders(ctx, env.DB.DB, "filing", ids, []string{KindFilingOverdue})
	if err != nil {
		return 0, err
	}
	handled := 0
	for i := range rows {
		f := &rows[i]
		if sent[reminderID{f.ID, KindFilingOverdue, f.DueOn.String()}] {
			continue
		}
		created, err := emitFilingOverdue(ctx, env, f)
		if err != nil {
			return handled, fmt.Errorf("filing %d: %w", f.ID, err)
		}
		if created {
			handled++
		}
	}
	return handled, nil
}

func emitFilingOverdue(ctx context.Context, env *Env, f *filingRow) (bool, error) {
	var created bool
	err := inTx(ctx, env.DB, func(tx *gorm.DB) error {
		created = false
		var cur cases.Filing
		if err := tx.First(&cur, f.ID).Error; err != nil {
			return err
		}
		if cur.Status != cases.FilingPending || cur.DueOn != f.DueOn {
			return nil
		}
		var c cases.Case
		if err := tx.Select("id", "title", "document_number", "prosecutor_id").First(&c, f.CaseID).Error; err != nil {
			return err
		}
		managers, err := org.UsersWithRole(tx, f.ProcuratorateID, org.RoleCaseManager)
		if err != nil {
			return err
		}
		created, err = notify.EmitReminder(tx, env.Channels,
			notify.ReminderKey{SubjectType: "filing", SubjectID: f.ID, CaseID: f.CaseID, Kind: KindFilingOverdue, Deadline: f.DueOn},
			notify.Spec{UserIDs: uniqueIDs([]int64{c.ProsecutorID}, managers), Kind: KindFilingOverdue,
				Title: "备案逾期：检察建议未按期报上级院备案",
				Body:  fmt.Sprintf("%s应于%s前报上级人民检察院备案，至今尚未备案，请尽快办理。", caseLabel(c.Title, c.DocumentNumber), f.DueOn.Chinese())})
		return err
	})
	return created, err
}
