package cases

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// This file is the cases store: the queries the package's services and the
// other domains read cases data with (the case the actor may read, the
// timeline events, the latest draft, the active fields).

// ReadableCase loads a case the actor may read; one they may not read is not
// found, like one that does not exist, so its existence does not leak. With
// lock the row is locked for the rest of the transaction.
func ReadableCase(tx *gorm.DB, a *org.Actor, id int64, lock bool) (*Case, error) {
	q := tx
	if lock {
		q = database.LockRow(tx)
	}
	var c Case
	if err := q.First(&c, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "案件")
	}
	if !CanReadCase(a, &c) {
		return nil, apperr.NotFound("案件")
	}
	return &c, nil
}

// AddCaseEvent records a timeline event that is not a state change (e.g. a
// saved draft or an added investigation record) with its audit entry.
func AddCaseEvent(tx *gorm.DB, a *org.Actor, c *Case, action, note string, internal bool, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	ev := &CaseEvent{CaseID: c.ID, Action: action, FromState: c.State, ToState: c.State, ActorName: a.DisplayName,
		Role: string(a.Role), Note: note, Data: string(raw), Internal: internal, CreatedAt: database.Now(tx)}
	if a.UserID != 0 {
		id := a.UserID
		ev.ActorID = &id
	}
	if err := tx.Create(ev).Error; err != nil {
		return err
	}
	return audit.Record(tx, a, "case."+action, "case", c.ID, map[string]any{"note": note, "data": data, "event_id": ev.ID})
}

// latestDraft returns the newest draft version of a case, nil when none;
// lock takes the row lock for a read-modify-write.
func latestDraft(tx *gorm.DB, caseID int64, lock bool) (*RecommendationDraft, error) {
	q := tx
	if lock {
		q = database.LockRow(tx)
	}
	var d RecommendationDraft
	err := q.Where("case_id = ?", caseID).Order("version_no DESC").Limit(1).Take(&d).Error
	if database.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// loadCaseForWork loads a case the actor may work on (records, drafts): 404
// when the actor may not read it, 403 when they may read but not work on it.
// With lock the row is locked, so a concurrent action cannot change the state
// between the caller's check and its write.
func loadCaseForWork(tx *gorm.DB, a *org.Actor, caseID int64, lock bool) (*Case, error) {
	c, err := ReadableCase(tx, a, caseID, lock)
	if err != nil {
		return nil, err
	}
	if !CanWorkOnCase(a, c) {
		return nil, apperr.Forbidden("只有承办部门的检察官或部门负责人可以办理该案件")
	}
	return c, nil
}

// draftContent is the case's newest 检察建议书 draft.
func draftContent(tx *gorm.DB, caseID int64) (*RecommendationDraft, RecommendationContent, error) {
	d, err := latestDraft(tx, caseID, false)
	if err != nil {
		return nil, RecommendationContent{}, err
	}
	if d == nil {
		return nil, RecommendationContent{}, apperr.Conflict("no_draft", "案件尚无检察建议书草稿，无法生成检察建议书")
	}
	content, err := ParseRecommendationContent(d.Content)
	if err != nil {
		return nil, RecommendationContent{}, fmt.Errorf("draft %d: %w", d.ID, err)
	}
	return d, content, nil
}

// FieldActive reports whether field is an active 领域 of the list; leads may
// only name one.
func FieldActive(tx *gorm.DB, field string) bool {
	var n int64
	err := tx.Model(&CaseField{}).Where("name = ? AND active = ?", field, true).Count(&n).Error
	return err == nil && n > 0
}
