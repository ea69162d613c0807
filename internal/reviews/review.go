package reviews

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// Review kinds (质量评查).
const (
	ReviewCross   = "cross"   // 交叉评查: reviewers from another department
	ReviewSpecial = "special" // 专项评查
	ReviewRoutine = "routine" // 常规评查
	// ReviewInterProcuratorate is 院际交叉评查: a higher procuratorate's batch
	// over its subtree, each case reviewed by staff of another procuratorate.
	ReviewInterProcuratorate = "inter_procuratorate"
)

// ReviewKindLabels are the Chinese names of review kinds.
var ReviewKindLabels = map[string]string{ReviewCross: "交叉评查", ReviewSpecial: "专项评查", ReviewRoutine: "常规评查",
	ReviewInterProcuratorate: "院际交叉评查"}

// Batch scopes: the organiser's own cases, or those of its whole subtree
// (a higher procuratorate reviewing the procuratorates below it).
const (
	ScopeOwn     = "own"     // 本院
	ScopeSubtree = "subtree" // 本院及下级院
)

// Review item statuses.
const (
	ReviewPending  = "pending"  // no reviewer yet
	ReviewAssigned = "assigned" // reviewer assigned, not scored
	ReviewScored   = "scored"   // scored; the handling prosecutor may answer
	ReviewAnswered = "answered" // the handling prosecutor answered the findings
)

// MaxReviewBatchCases caps one batch so a broad filter cannot create an
// unmanageable review.
const MaxReviewBatchCases = 500

// ScoreLine is one line of a scoring sheet.
type ScoreLine struct {
	Name     string `json:"name"`
	MaxScore int    `json:"max_score"`
}

// ReviewBatch is one review: its kind, how its cases were chosen and the
// scoring sheet it uses (frozen at creation, so later edits of config.yaml do
// not change finished reviews).
type ReviewBatch struct {
	ID              int64     `gorm:"primaryKey" json:"id"`
	ProcuratorateID int64     `json:"procuratorate_id"`
	Kind            string    `json:"kind"`
	Title           string    `json:"title"`
	Criteria        string    `json:"-"`
	Sheet           string    `json:"-"`
	MaxScore        int       `json:"max_score"`
	Scope           string    `json:"scope"`
	CreatedBy       int64     `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
}

// SheetLines decodes the batch's scoring sheet.
func (b *ReviewBatch) SheetLines() []ScoreLine {
	var out []ScoreLine
	_ = json.Unmarshal([]byte(b.Sheet), &out)
	return out
}

// ReviewItem is one case in a batch with its reviewer, scores and the
// handling prosecutor's answer.
type ReviewItem struct {
	ID           int64 `gorm:"primaryKey" json:"id"`
	BatchID      int64 `json:"batch_id"`
	CaseID       int64 `json:"case_id"`
	ProsecutorID int64 `json:"prosecutor_id"`
	DepartmentID int64 `json:"department_id"`
	// ProcuratorateID is the case's procuratorate (batches may span a subtree).
	ProcuratorateID int64  `json:"procuratorate_id"`
	ReviewerID      *int64 `json:"reviewer_id"`
	Status          string `json:"status"`
	Scores          string `json:"-"`
	TotalScore      int    `json:"total_score"`
	MaxScore        int    `json:"max_score"`
	// Grade is the 等次 the score earns (GradeThresholds), set when scored.
	Grade      string     `json:"grade"`
	Findings   string     `json:"findings"`
	Answer     string     `json:"answer"`
	ScoredAt   *time.Time `json:"scored_at"`
	AnsweredAt *time.Time `json:"answered_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// ScoreMap decodes the item's scores.
func (it *ReviewItem) ScoreMap() map[string]int {
	m := map[string]int{}
	_ = json.Unmarshal([]byte(it.Scores), &m)
	return m
}

// ReviewFilter chooses a batch's cases.
type ReviewFilter struct {
	State      string        `json:"state" validate:"omitempty,max=20"`
	Field      string        `json:"field" validate:"max=50"`
	IssuedFrom calendar.Date `json:"issued_from"`
	IssuedTo   calendar.Date `json:"issued_to"`
	SampleSize int           `json:"sample_size" validate:"gte=0,lte=500"`
}

// ReviewBatchInput creates a batch.
type ReviewBatchInput struct {
	Kind  string `json:"kind" validate:"required,oneof=cross special routine inter_procuratorate" label:"评查类型"`
	Title string `json:"title" validate:"required,max=200"`
	// Scope "subtree" takes the cases of every procuratorate below the
	// organiser's as well as its own;院际交叉评查 needs it.
	Scope  string       `json:"scope" validate:"omitempty,oneof=own subtree" label:"评查范围"`
	Filter ReviewFilter `json:"filter"`
	// CaseIDs picks cases by hand instead of (or narrowing) the filter.
	CaseIDs []int64 `json:"case_ids" validate:"max=500"`
}

// Service runs quality reviews.
type Service struct {
	DB       *database.DB
	Sheet    []ScoreLine
	Channels notify.Channels
	Clock    *calendar.Clock
	// Grades derive a scored case's 等次.
	Grades GradeThresholds
	// Rand picks samples; tests may fix it.
	Rand *rand.Rand
}

func (s *Service) now() time.Time { return s.Clock.Now() }

// CreateBatch chooses cases of the case manager's procuratorate by filter
// (state, field, issued date range), by id, or as a random sample of N of the
// filtered cases, and creates one pending item per case.
func (s *Service) CreateBatch(ctx context.Context, a *org.Actor, in ReviewBatchInput) (*ReviewBatch, []ReviewItem, error) {
	if !CanRunReviews(a) {
		return nil, nil, apperr.Forbidden("只有案件管理部门可以组织质量评查")
	}
	f := in.Filter
	if f.State != "" && !cases.CaseState(f.State).Valid() {
		return nil, nil, apperr.InvalidField("filter.state", "未知的案件状态："+f.State)
	}
	if !f.IssuedFrom.IsZero() && !f.IssuedTo.IsZero() && f.IssuedTo.Before(f.IssuedFrom) {
		return nil, nil, apperr.InvalidField("filter.issued_to", "结束日期不能早于开始日期")
	}
	if in.Scope == "" {
		in.Scope = ScopeOwn
	}
	if in.Kind == ReviewInterProcuratorate && in.Scope != ScopeSubtree {
		return nil, nil, apperr.InvalidField("scope", "院际交叉评查须由上级院组织，评查范围应为本院及下级院（subtree）")
	}
	var batch *ReviewBatch
	var items []ReviewItem
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&cases.Case{}).Where("procuratorate_id = ?", a.ProcuratorateID)
		if in.Scope == ScopeSubtree {
			lo, hi := org.SubtreeRange(a.ProcuratoratePath)
			q = tx.Model(&cases.Case{}).Where("procuratorate_id IN (?)",
				tx.Model(&org.Procuratorate{}).Select("id").Where("path >= ? AND path < ?", lo, hi))
		}
		if f.State != "" {
			q = q.Where("state = ?", f.State)
		}
		if f.Field != "" {
			q = q.Where("field = ?", f.Field)
		}
		if !f.IssuedFrom.IsZero() {
			q = q.Where("issued_at >= ?", s.Clock.StartOf(f.IssuedFrom))
		}
		if !f.IssuedTo.IsZero() {
			q = q.Where("issued_at < ?", s.Clock.StartOf(f.IssuedTo.AddDays(1)))
		}
		if len(in.CaseIDs) > 0 {
			q = q.Where("id IN ?", in.CaseIDs)
		}
		var ids []int64
		if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(in.CaseIDs) > 0 && len(ids) != len(slices.Compact(slices.Sorted(slices.Values(in.CaseIDs)))) && f.State == "" && f.Field == "" && f.IssuedFrom.IsZero() && f.IssuedTo.IsZero() {
			return apperr.InvalidField("case_ids", "部分案件不存在或不在评查范围内")
		}
		if f.SampleSize > 0 && len(ids) > f.SampleSize {
			r := s.Rand
			if r == nil {
				r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
			}
			r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
			ids = ids[:f.SampleSize]
		}
		if len(ids) == 0 {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "no_cases_selected", Message: "没有符合条件的案件，请调整筛选条件"}
		}
		if len(ids) > MaxReviewBatchCases {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "too_many_cases", Message: fmt.Sprintf("符合条件的案件有 %d 件，超过单次评查 %d 件的上限，请缩小范围或随机抽样", len(ids), MaxReviewBatchCases)}
		}
		sheet, _ := json.Marshal(s.Sheet)
		crit, _ := json.Marshal(in)
		maxScore := 0
		for _, l := range s.Sheet {
			maxScore += l.MaxScore
		}
		now := s.now()
		batch = &ReviewBatch{ProcuratorateID: a.ProcuratorateID, Kind: in.Kind, Title: strings.TrimSpace(in.Title), Criteria: string(crit),
			Sheet: string(sheet), MaxScore: maxScore, Scope: in.Scope, CreatedBy: a.UserID, CreatedAt: now}
		if err := tx.Create(batch).Error; err != nil {
			return err
		}
		var cases []cases.Case
		if err := tx.Select("id", "prosecutor_id", "department_id", "procuratorate_id").Where("id IN ?", ids).Order("id").Find(&cases).Error; err != nil {
			return err
		}
		items = make([]ReviewItem, len(cases))
		for i, c := range cases {
			items[i] = ReviewItem{BatchID: batch.ID, CaseID: c.ID, ProsecutorID: c.ProsecutorID, DepartmentID: c.DepartmentID,
				ProcuratorateID: c.ProcuratorateID, Status: ReviewPending, Scores: "{}", MaxScore: maxScore, CreatedAt: now, UpdatedAt: now}
		}
		if err := tx.CreateInBatches(&items, 200).Error; err != nil {
			return err
		}
		return audit.Record(tx, a, "review.create", "review_batch", batch.ID, map[string]any{"kind": in.Kind, "criteria": in, "cases": ids})
	})
	if err != nil {
		return nil, nil, err
	}
	return batch, items, nil
}

// loadBatch loads a batch the actor may open: staff of the organising
// procuratorate, and — for a batch over a subtree or reviewed across
// procuratorates — whoever has an item in it (its reviewer, the handling
// prosecutor, the chief and case managers of the case's procuratorate).
func (s *Service) loadBatch(tx *gorm.DB, a *org.Actor, id int64) (*ReviewBatch, error) {
	var b ReviewBatch
	if err := tx.First(&b, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "评查")
	}
	if !a.IsStaff() || a.Role == org.RoleAdmin {
		return nil, apperr.NotFound("评查")
	}
	if b.ProcuratorateID == a.ProcuratorateID {
		return &b, nil
	}
	var n int64
	if err := tx.Model(&ReviewItem{}).Where("review_items.batch_id = ?", b.ID).Scopes(ReviewItemScope(a, &b)).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.NotFound("评查")
	}
	return &b, nil
}

func (s *Service) loadItem(tx *gorm.DB, a *org.Actor, batchID, itemID int64) (*ReviewBatch, *ReviewItem, error) {
	b, err := s.loadBatch(tx, a, batchID)
	if err != nil {
		return nil, nil, err
	}
	var it ReviewItem
	if err := tx.Where("id = ? AND batch_id = ?", itemID, batchID).Take(&it).Error; err != nil {
		return nil, nil, database.NotFoundOr(err, "评查案件")
	}
	if !CanReadReviewItem(a, b, &it) {
		return nil, nil, apperr.NotFound("评查案件")
	}
	return b, &it, nil
}

// AssignReviewer assigns (or reassigns, before scoring) the reviewer of one
// case. The reviewer may not be the handling prosecutor, and in a cross
// review may not come from the case's department.
func (s *Service) AssignReviewer(ctx context.Context, a *org.Actor, batchID, itemID, reviewerID int64) (*ReviewItem, error) {
	if !CanRunReviews(a) {
		return nil, apperr.Forbidden("只有案件管理部门可以指定评查人")
	}
	var out *ReviewItem
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		b, it, err := s.loadItem(tx, a, batchID, itemID)
		if err != nil {
			return err
		}
		if it.Status == ReviewScored || it.Status == ReviewAnswered {
			return apperr.Conflict("review_already_scored", "该案件已评分，不能更换评查人")
		}
		if !CanRunBatch(a, b) {
			return apperr.Forbidden("只有组织评查的检察院案件管理部门可以指定评查人")
		}
		u, err := org.UserByID(tx, reviewerID)
		if err != nil || u.Disabled || !u.Role.IsStaff() || u.Role == org.RoleAdmin || u.ProcuratorateID == nil {
			return apperr.InvalidField("reviewer_id", "评查人须为在岗检察人员")
		}
		if err := s.checkReviewerInScope(tx, b, u); err != nil {
			return err
		}
		if err := CheckReviewerAllowed(b.Kind, u, it); err != nil {
			return err
		}
		before := *it
		it.ReviewerID = &u.ID
		it.Status = ReviewAssigned
		it.UpdatedAt = s.now()
		if err := tx.Save(it).Error; err != nil {
			return err
		}
		if err := notify.Send(tx, s.Channels, notify.Spec{UserIDs: []int64{u.ID}, CaseID: it.CaseID, Kind: "review_assigned",
			Title: "质量评查任务：" + b.Title, Body: fmt.Sprintf("您被指定为“%s”（%s）中一件案件的评查人。", b.Title, ReviewKindLabels[b.Kind])}); err != nil {
			return err
		}
		out = it
		return audit.Record(tx, a, "review.assign", "review_item", it.ID, map[string]any{"batch_id": b.ID, "before": before.ReviewerID, "reviewer_id": u.ID})
	})
	return out, err
}

// ScoreInput is a reviewer's scoring of one case.
type ScoreInput struct {
	Scores   map[string]int `json:"scores" validate:"required"`
	Findings string         `json:"findings" validate:"max=10000"`
}

// ScoreItem records the reviewer's scores against the batch's sheet: every
// line scored from 0 to its maximum, no unknown lines.
func (s *Service) ScoreItem(ctx context.Context, a *org.Actor, batchID, itemID int64, in ScoreInput) (*ReviewItem, error) {
	var out *ReviewItem
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		b, it, err := s.loadItem(tx, a, batchID, itemID)
		if err != nil {
			return err
		}
		if it.ReviewerID == nil || *it.ReviewerID != a.UserID {
			return apperr.Forbidden("只有被指定的评查人可以评分")
		}
		if it.Status == ReviewAnswered {
			return apperr.Conflict("review_answered", "承办检察官已答复评查意见，不能再修改评分")
		}
		fields := map[string]string{}
		total := 0
		lines := b.SheetLines()
		known := map[string]bool{}
		for _, l := range lines {
			known[l.Name] = true
			v, ok := in.Scores[l.Name]
			switch {
			case !ok:
				fields["scores."+l.Name] = "请为该项评分"
			case v < 0 || v > l.MaxScore:
				fields["scores."+l.Name] = fmt.Sprintf("分值应在 0 至 %d 之间", l.MaxScore)
			default:
				total += v
			}
		}
		for k := range in.Scores {
			if !known[k] {
				fields["scores."+k] = "评分表中没有该项"
			}
		}
		if len(fields) > 0 {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "invalid_scores", Message: "评分不符合评分表，请按字段提示修改", Fields: fields}
		}
		raw, _ := json.Marshal(in.Scores)
		now := s.now()
		it.Scores, it.TotalScore, it.Findings, it.Status, it.ScoredAt, it.UpdatedAt = string(raw), total, in.Findings, ReviewScored, &now, now
		it.Grade = s.Grades.Grade(total, it.MaxScore)
		if err := tx.Save(it).Error; err != nil {
			return err
		}
		if err := notify.Send(tx, s.Channels, notify.Spec{UserIDs: []int64{it.ProsecutorID}, CaseID: it.CaseID, Kind: "review_scored",
			Title: "评查意见：" + b.Title, Body: fmt.Sprintf("您承办的案件已完成评查，得分 %d/%d（%s），请查阅评查意见并答复。", total, it.MaxScore, GradeLabels[it.Grade])}); err != nil {
			return err
		}
		out = it
		return audit.Record(tx, a, "review.score", "review_item", it.ID, map[string]any{"batch_id": b.ID, "scores": in.Scores, "total": total, "grade": it.Grade, "findings": in.Findings})
	})
	return out, err
}

// ReviewAnswerInput is the handling prosecutor's answer to the findings.
type ReviewAnswerInput struct {
	Answer string `json:"answer" validate:"required,max=10000"`
}

// AnswerFindings lets the handling prosecutor answer a scored review.
func (s *Service) AnswerFindings(ctx context.Context, a *org.Actor, batchID, itemID int64, in ReviewAnswerInput) (*ReviewItem, error) {
	var out *ReviewItem
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		b, it, err := s.loadItem(tx, a, batchID, itemID)
		if err != nil {
			return err
		}
		if it.ProsecutorID != a.UserID {
			return apperr.Forbidden("只有承办检察官可以答复评查意见")
		}
		if it.Status != ReviewScored && it.Status != ReviewAnswered {
			return apperr.Conflict("review_not_scored", "评查尚未完成评分，暂不能答复")
		}
		now := s.now()
		it.Answer, it.Status, it.AnsweredAt, it.UpdatedAt = in.Answer, ReviewAnswered, &now, now
		if err := tx.Save(it).Error; err != nil {
			return err
		}
		out = it
		return audit.Record(tx, a, "review.answer", "review_item", it.ID, map[string]any{"batch_id": b.ID, "answer": in.Answer})
	})
	return out, err
}

// ReviewItemView is an item with names and its scores decoded.
type ReviewItemView struct {
	ReviewItem
	Scores         map[string]int `json:"scores"`
	CaseTitle      string         `json:"case_title"`
	DocumentNumber *string        `json:"document_number"`
	ProsecutorName string         `json:"prosecutor_name"`
	ReviewerName   string         `json:"reviewer_name"`
}

// ReviewBatchView is a batch with its sheet and the items the actor may see.
type ReviewBatchView struct {
	ReviewBatch
	KindLabel  string           `json:"kind_label"`
	ScopeLabel string           `json:"scope_label"`
	Sheet      []ScoreLine      `json:"sheet"`
	Items      []ReviewItemView `json:"items"`
}

// GetBatch returns a batch: the organiser's case managers and chief see
// every item, others only the items they review, whose case they handle or —
// chief and case managers of a procuratorate in a subtree batch — of their
// own procuratorate's cases (404 if none).
func (s *Service) GetBatch(ctx context.Context, a *org.Actor, id int64) (*ReviewBatchView, error) {
	tx := s.DB.WithContext(ctx)
	b, err := s.loadBatch(tx, a, id)
	if err != nil {
		return nil, err
	}
	q := tx.Where("review_items.batch_id = ?", b.ID).Scopes(ReviewItemScope(a, b))
	items, err := itemViews(tx, q)
	if err != nil {
		return nil, err
	}
	if !CanReadAllItems(a, b) && len(items) == 0 {
		return nil, apperr.NotFound("评查")
	}
	for i := range items {
		hideUnscoredFindings(a, &items[i])
	}
	return &ReviewBatchView{ReviewBatch: *b, KindLabel: ReviewKindLabels[b.Kind], ScopeLabel: ScopeLabels[b.Scope], Sheet: b.SheetLines(), Items: items}, nil
}

// hideUnscoredFindings keeps a half-finished scoring from the handling
// prosecutor until the reviewer submits it.
func hideUnscoredFindings(a *org.Actor, it *ReviewItemView) {
	if it.ProsecutorID == a.UserID && (it.ReviewerID == nil || *it.ReviewerID != a.UserID) && it.Status != ReviewScored && it.Status != ReviewAnswered {
		it.Findings = ""
		it.Scores = map[string]int{}
	}
}

// ListBatches lists the procuratorate's batches and the higher
// procuratorates' batches that take in its cases (case managers and the chief).
func (s *Service) ListBatches(ctx context.Context, a *org.Actor) ([]ReviewBatch, error) {
	if !CanReadAllReviews(a) {
		return nil, apperr.Forbidden("只有案件管理部门和检察长可以查看评查列表")
	}
	db := s.DB.WithContext(ctx)
	var out []ReviewBatch
	err := db.Where("procuratorate_id = ? OR id IN (?)", a.ProcuratorateID,
		db.Model(&ReviewItem{}).Select("batch_id").Where("procuratorate_id = ?", a.ProcuratorateID)).
		Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// MyReviewItems lists the items the actor reviews (role "reviewer") or whose
// cases the actor handles (role "handler").
func (s *Service) MyReviewItems(ctx context.Context, a *org.Actor, role string) ([]ReviewItemView, error) {
	tx := s.DB.WithContext(ctx)
	q := tx
	switch role {
	case "reviewer":
		q = q.Where("review_items.reviewer_id = ?", a.UserID)
	case "handler", "":
		q = q.Where("review_items.prosecutor_id = ?", a.UserID)
	default:
		return nil, apperr.InvalidField("role", "应为 reviewer 或 handler")
	}
	items, err := itemViews(tx, q.Limit(500))
	if err != nil {
		return nil, err
	}
	for i := range items {
		hideUnscoredFindings(a, &items[i])
	}
	return items, nil
}
