package reviews

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// RatingInput is an external evaluation (被建议单位代表/公民评价) of a closed
// case: three marks from 1 to 5 and a comment.
type RatingInput struct {
	Accuracy    int    `json:"accuracy" validate:"required,min=1,max=5"`
	Workability int    `json:"workability" validate:"required,min=1,max=5"`
	Effect      int    `json:"effect" validate:"required,min=1,max=5"`
	Comment     string `json:"comment" validate:"max=2000"`
}

func (r RatingInput) check() error {
	fields := map[string]string{}
	for name, v := range map[string]int{"accuracy": r.Accuracy, "workability": r.Workability, "effect": r.Effect} {
		if v < 1 || v > 5 {
			fields[name] = "评分应为 1 至 5 的整数"
		}
	}
	if len([]rune(r.Comment)) > 2000 {
		fields["comment"] = "评价内容不能超过2000字"
	}
	if len(fields) > 0 {
		return apperr.Invalid("评价内容有误，请按字段提示修改", fields)
	}
	return nil
}

// rateCase writes one rating; the unique index (case, rater type, rater)
// makes a second rating by the same rater a 409, also under concurrency.
func rateCase(tx *gorm.DB, a *org.Actor, c *cases.Case, raterType, raterRef string, in RatingInput) (*CaseRating, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if c.State != cases.StateClosed {
		return nil, apperr.Conflict("case_not_closed", "案件结案后才能评价")
	}
	r := &CaseRating{CaseID: c.ID, RaterType: raterType, RaterRef: raterRef, Accuracy: in.Accuracy, Workability: in.Workability,
		Effect: in.Effect, Comment: strings.TrimSpace(in.Comment)}
	if err := tx.Create(r).Error; err != nil {
		if database.IsUniqueViolation(err) {
			return nil, apperr.Conflict("already_rated", "已经评价过该检察建议，不能重复评价")
		}
		return nil, err
	}
	who := map[string]string{"agency": "被建议单位", "citizen": "申请人"}[raterType]
	note := fmt.Sprintf("%s评价：精准性 %d，可操作性 %d，实效性 %d", who, in.Accuracy, in.Workability, in.Effect)
	return r, cases.AddCaseEvent(tx, a, c, "rate", note, false, map[string]any{"rating_id": r.ID, "rater_type": raterType})
}

// RateCaseAsAgency records the recipient agency's rating of its own closed
// recommendation, once.
func RateCaseAsAgency(ctx context.Context, db *database.DB, a *org.Actor, caseID int64, in RatingInput) (*CaseRating, error) {
	var out *CaseRating
	err := db.WithTx(ctx, func(tx *gorm.DB) error {
		var c cases.Case
		if err := tx.First(&c, caseID).Error; err != nil {
			return database.NotFoundOr(err, "检察建议")
		}
		if !a.HasRole(org.RoleAgency) || !cases.CanReadCase(a, &c) {
			return apperr.NotFound("检察建议")
		}
		if !CanRateAsAgency(a, &c) {
			return apperr.Conflict("case_not_closed", "案件结案后才能评价")
		}
		r, err := rateCase(tx, a, &c, "agency", fmt.Sprint(a.AgencyID), in)
		out = r
		return err
	})
	return out, err
}

// RateCaseAsCitizen records a citizen applicant's rating of the closed case
// their application led to, once per tracking number. The applications
// feature calls it inside its own transaction after it has checked the
// application's secret and that the application belongs to caseID; here the
// case must exist, be closed and have come from a citizen application.
func RateCaseAsCitizen(tx *gorm.DB, caseID int64, trackingNo string, in RatingInput) (*CaseRating, error) {
	trackingNo = strings.TrimSpace(trackingNo)
	if trackingNo == "" || len(trackingNo) > 64 {
		return nil, apperr.InvalidField("tracking_no", "查询码无效")
	}
	var c cases.Case
	if err := tx.First(&c, caseID).Error; err != nil {
		return nil, database.NotFoundOr(err, "案件")
	}
	if c.Source != cases.SourceApplication {
		return nil, apperr.NotFound("案件")
	}
	citizen := &org.Actor{Username: "citizen:" + trackingNo, DisplayName: "申请人"}
	return rateCase(tx, citizen, &c, "citizen", trackingNo, in)
}

// RatingSummary averages external ratings (each rating's mark is the mean of
// its three marks).
type RatingSummary struct {
	Count          int     `json:"count"`
	AgencyCount    int     `json:"agency_count"`
	CitizenCount   int     `json:"citizen_count"`
	AvgAccuracy    float64 `json:"avg_accuracy"`
	AvgWorkability float64 `json:"avg_workability"`
	AvgEffect      float64 `json:"avg_effect"`
	AvgOverall     float64 `json:"avg_overall"`
}

// ReviewGroupResult is the result of a prosecutor or a department.
type ReviewGroupResult struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	Items      int     `json:"items"`
	Scored     int     `json:"scored"`
	AvgPercent float64 `json:"avg_percent"` // mean of total/max × 100 over scored items
	// Grades counts the scored items per 等次 (excellent, qualified, flawed,
	// unqualified; every grade present, zero included).
	Grades  map[string]int `json:"grades"`
	Ratings RatingSummary  `json:"ratings"`
}

// ReviewCaseResult is one case's result with its external ratings.
type ReviewCaseResult struct {
	ReviewItemView
	GradeLabel string        `json:"grade_label"`
	Percent    float64       `json:"percent"`
	Ratings    RatingSummary `json:"ratings"`
}

// ReviewResults are a batch's results per case, per prosecutor, per
// department and overall; external ratings of the cases enter each level.
type ReviewResults struct {
	Batch        ReviewBatch         `json:"batch"`
	Overall      ReviewGroupResult   `json:"overall"`
	ByCase       []ReviewCaseResult  `json:"by_case"`
	ByProsecutor []ReviewGroupResult `json:"by_prosecutor"`
	ByDepartment []ReviewGroupResult `json:"by_department"`
	// ByProcuratorate groups a batch over a subtree by the cases' procuratorates.
	ByProcuratorate []ReviewGroupResult `json:"by_procuratorate"`
	ScoringSheet    []ScoreLine         `json:"scoring_sheet"`
	AnsweredCount   int                 `json:"answered"`
}

type RatingRow struct {
	CaseID      int64
	RaterType   string
	N           int
	Accuracy    float64
	Workability float64
	Effect      float64
}

// Results computes a batch's results (case managers and the chief).
func (s *Service) Results(ctx context.Context, a *org.Actor, batchID int64) (*ReviewResults, error) {
	tx := s.DB.WithContext(ctx)
	b, err := s.loadBatch(tx, a, batchID)
	if err != nil {
		return nil, err
	}
	if !CanReadAllItems(a, b) {
		return nil, apperr.NotFound("评查")
	}
	items, err := itemViews(tx, tx.Where("review_items.batch_id = ?", b.ID))
	if err != nil {
		return nil, err
	}
	var ratings []RatingRow
	if err := tx.Model(&CaseRating{}).Select("case_id, rater_type, COUNT(*) AS n, SUM(accuracy) AS accuracy, SUM(workability) AS workability, SUM(effect) AS effect").
		Where("case_id IN (SELECT case_id FROM review_items WHERE batch_id = ?)", b.ID).Group("case_id, rater_type").Scan(&ratings).Error; err != nil {
		return nil, err
	}
	byCase := map[int64][]RatingRow{}
	for _, r := range ratings {
		byCase[r.CaseID] = append(byCase[r.CaseID], r)
	}
	var deptNames []struct {
		ID   int64
		Name string
	}
	if err := tx.Model(&org.Department{}).Select("id, name").Where("id IN (SELECT department_id FROM review_items WHERE batch_id = ?)", b.ID).Scan(&deptNames).Error; err != nil {
		return nil, err
	}
	dnames := map[int64]string{}
	for _, d := range deptNames {
		dnames[d.ID] = d.Name
	}
	res := &ReviewResults{Batch: *b, ScoringSheet: b.SheetLines(), ByCase: []ReviewCaseResult{}}
	type acc struct {
		g       ReviewGroupResult
		sum     float64
		ratings []RatingRow
	}
	var procNames []struct {
		ID   int64
		Name string
	}
	if err := tx.Model(&org.Procuratorate{}).Select("id, name").Where("id IN (SELECT procuratorate_id FROM review_items WHERE batch_id = ?)", b.ID).Scan(&procNames).Error; err != nil {
		return nil, err
	}
	pnames := map[int64]string{}
	for _, p := range procNames {
		pnames[p.ID] = p.Name
	}
	pros, depts, procs := map[int64]*acc{}, map[int64]*acc{}, map[int64]*acc{}
	var pOrder, dOrder, rOrder []int64
	overall := &acc{g: ReviewGroupResult{Name: "全部"}}
	add := func(m map[int64]*acc, order *[]int64, id int64, name string, it *ReviewItemView, pct float64, rr []RatingRow) {
		x, ok := m[id]
		if !ok {
			x = &acc{g: ReviewGroupResult{ID: id, Name: name}}
			m[id] = x
			*order = append(*order, id)
		}
		x.g.Items++
		if it.Status == ReviewScored || it.Status == ReviewAnswered {
			x.g.Scored++
			x.sum += pct
			x.g.Grades = countGrade(x.g.Grades, it.Grade)
		}
		x.ratings = append(x.ratings, rr...)
	}
	for i := range items {
		it := &items[i]
		if it.Grade == "" && (it.Status == ReviewScored || it.Status == ReviewAnswered) {
			it.Grade = s.Grades.Grade(it.TotalScore, it.MaxScore) // scored before grades were stored
		}
		pct := 0.0
		if it.MaxScore > 0 {
			pct = float64(it.TotalScore) * 100 / float64(it.MaxScore)
		}
		rr := byCase[it.CaseID]
		cr := ReviewCaseResult{ReviewItemView: *it, GradeLabel: GradeLabels[it.Grade], Ratings: SummariseRatings(rr)}
		if it.Status == ReviewScored || it.Status == ReviewAnswered {
			cr.Percent = round1(pct)
		}
		if it.Status == ReviewAnswered {
			res.AnsweredCount++
		}
		res.ByCase = append(res.ByCase, cr)
		add(pros, &pOrder, it.ProsecutorID, it.ProsecutorName, it, pct, rr)
		add(depts, &dOrder, it.DepartmentID, dnames[it.DepartmentID], it, pct, rr)
		add(procs, &rOrder, it.ProcuratorateID, pnames[it.ProcuratorateID], it, pct, rr)
		overall.g.Items++
		if it.Status == ReviewScored || it.Status == ReviewAnswered {
			overall.g.Scored++
			overall.sum += pct
			overall.g.Grades = countGrade(overall.g.Grades, it.Grade)
		}
		overall.ratings = append(overall.ratings, rr...)
	}
	finish := func(x *acc) ReviewGroupResult {
		if x.g.Scored > 0 {
			x.g.AvgPercent = round1(x.sum / float64(x.g.Scored))
		}
		x.g.Ratings = SummariseRatings(x.ratings)
		x.g.Grades = countGrade(x.g.Grades, "")
		return x.g
	}
	res.Overall = finish(overall)
	for _, id := range pOrder {
		res.ByProsecutor = append(res.ByProsecutor, finish(pros[id]))
	}
	for _, id := range dOrder {
		res.ByDepartment = append(res.ByDepartment, finish(depts[id]))
	}
	for _, id := range rOrder {
		res.ByProcuratorate = append(res.ByProcuratorate, finish(procs[id]))
	}
	return res, nil
}

func SummariseRatings(rows []RatingRow) RatingSummary {
	var s RatingSummary
	var a, w, e float64
	for _, r := range rows {
		s.Count += r.N
		if r.RaterType == "agency" {
			s.AgencyCount += r.N
		} else {
			s.CitizenCount += r.N
		}
		a += r.Accuracy
		w += r.Workability
		e += r.Effect
	}
	if s.Count > 0 {
		n := float64(s.Count)
		s.AvgAccuracy, s.AvgWorkability, s.AvgEffect = round2(a/n), round2(w/n), round2(e/n)
		s.AvgOverall = round2((a + w + e) / (3 * n))
	}
	return s
}

// round1 and round2 round to one and two decimal places.
func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// CaseRating is an external evaluation of a closed case by the recipient
// agency's representative or the citizen who applied.
type CaseRating struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	CaseID      int64     `json:"case_id"`
	RaterType   string    `json:"rater_type"` // "agency" | "citizen"
	RaterRef    string    `json:"-"`          // agency id or application tracking number
	Accuracy    int       `json:"accuracy"`
	Workability int       `json:"workability"`
	Effect      int       `json:"effect"`
	Comment     string    `json:"comment"`
	CreatedAt   time.Time `json:"created_at"`
}

// countGrade adds one item of grade g ("" adds nothing) to a count that lists
// every grade.
func countGrade(m map[string]int, g string) map[string]int {
	if m == nil {
		m = map[string]int{}
		for _, k := range AllGrades {
			m[k] = 0
		}
	}
	if g != "" {
		m[g]++
	}
	return m
}
