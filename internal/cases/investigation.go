package cases

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// Investigation methods (调查核实方式).
const (
	InvestigationFiles            = "consult_files"       // 查阅资料
	InvestigationSiteVisit        = "site_visit"          // 实地走访
	InvestigationInterview        = "interview"           // 询问
	InvestigationEvidence         = "obtain_evidence"     // 调取书证物证
	InvestigationExperts          = "expert_consultation" // 咨询专家/行业协会
	InvestigationAppraisal        = "commissioned_review" // 委托鉴定评估审计
	InvestigationRecipientOpinion = "recipient_opinion"   // 征求被建议单位意见
	// InvestigationReport is not a method but the 调查终结报告 that closes the
	// investigation, with its own fields (InvestigationReportContent).
	InvestigationReport = "investigation_report"
)

// InvestigationKindLabels are the permitted methods with their Chinese names.
var InvestigationKindLabels = map[string]string{
	InvestigationFiles: "查阅资料", InvestigationSiteVisit: "实地走访", InvestigationInterview: "询问",
	InvestigationEvidence: "调取书证物证", InvestigationExperts: "咨询专家/行业协会",
	InvestigationAppraisal: "委托鉴定评估审计", InvestigationRecipientOpinion: "征求被建议单位意见",
	InvestigationReport: "调查终结报告",
}

// InvestigationReportContent is the 调查终结报告: what the investigation found,
// on what evidence, the illegality or hazard it shows and the handling
// prosecutor's proposal (whether and what to recommend).
type InvestigationReportContent struct {
	Facts    string `json:"facts" validate:"required,max=20000" label:"查明的事实"`
	Evidence string `json:"evidence" validate:"required,max=20000" label:"证据情况"`
	Problems string `json:"problems" validate:"required,max=10000" label:"存在的问题"`
	Opinion  string `json:"opinion" validate:"required,max=10000" label:"处理意见"`
}

// forbiddenInvestigationKinds are coercive measures a recommendation case may
// never use (检察建议工作规定: 不得采取限制人身自由和查封、扣押、冻结财产等强制性措施);
// they are named so the refusal says why instead of "unknown kind".
var forbiddenInvestigationKinds = map[string]string{
	"restrict_liberty": "限制人身自由", "detention": "限制人身自由", "seize_property": "查封、扣押、冻结财产",
	"freeze_assets": "查封、扣押、冻结财产", "seizure": "查封、扣押、冻结财产",
}

// InvestigationRecord is one 调查核实 step with its files.
type InvestigationRecord struct {
	ID            int64         `gorm:"primaryKey" json:"id"`
	CaseID        int64         `json:"case_id"`
	Kind          string        `json:"kind"`
	KindLabel     string        `gorm:"-" json:"kind_label"`
	RecordDate    calendar.Date `json:"date"`
	Place         string        `json:"place"`
	Participants  string        `json:"participants"`
	Summary       string        `json:"summary"`
	Internal      bool          `json:"internal"`
	ExpertIDsJSON string        `gorm:"column:expert_ids" json:"-"`
	ExpertIDs     []int64       `gorm:"-" json:"expert_ids"`
	// ReportJSON holds the 调查终结报告's fields (kind investigation_report only).
	ReportJSON *string                     `gorm:"column:report" json:"-"`
	Report     *InvestigationReportContent `gorm:"-" json:"report,omitempty"`
	Files      []files.StoredFile          `gorm:"-" json:"files"`
	CreatedBy  int64                       `json:"created_by"`
	CreatedAt  time.Time                   `json:"created_at"`
}

// InvestigationInput is a new record.
type InvestigationInput struct {
	Kind         string        `json:"kind" validate:"required,max=30"`
	Date         calendar.Date `json:"date"`
	Place        string        `json:"place" validate:"max=200"`
	Participants string        `json:"participants" validate:"required,max=1000"`
	Summary      string        `json:"summary" validate:"required,max=20000"`
	Internal     *bool         `json:"internal"`
	ExpertIDs    []int64       `json:"expert_ids" validate:"max=20,dive,gt=0"`
	// Report is required for, and only taken with, kind investigation_report.
	Report *InvestigationReportContent `json:"report"`
}

// Expert is an outside expert (or trade body contact) the procuratorate may
// consult during an investigation.
type Expert struct {
	ID           int64     `gorm:"primaryKey" json:"id"`
	Name         string    `json:"name"`
	Field        string    `json:"field"`
	Organisation string    `json:"organisation"`
	Title        string    `json:"title"`
	CreatedBy    int64     `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// ExpertInput registers an expert.
type ExpertInput struct {
	Name         string `json:"name" validate:"required,max=50"`
	Field        string `json:"field" validate:"required,max=50"`
	Organisation string `json:"organisation" validate:"required,max=200"`
	Title        string `json:"title" validate:"max=100"`
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// investigationStates are the states in which records may be added.
var investigationStates = []CaseState{StateFiled, StateInvestigating, StateDrafting}

// InvestigationOpen reports whether records may be added in this state.
func InvestigationOpen(st CaseState) bool { return slices.Contains(investigationStates, st) }

// AddInvestigationRecord adds a 调查核实 record (with checked uploads) to a
// case of the actor's department while it is filed, under investigation or in
// drafting.
func (s *Service) AddInvestigationRecord(ctx context.Context, a *org.Actor, caseID int64, in InvestigationInput, uploads []files.Upload) (*InvestigationRecord, error) {
	if what, bad := forbiddenInvestigationKinds[in.Kind]; bad {
		return nil, &apperr.Error{Kind: apperr.ErrInvalid, Code: "forbidden_investigation_method",
			Message: "调查核实不得采取" + what + "等强制性措施", Fields: map[string]string{"kind": "不允许的调查方式：" + what}}
	}
	fields := map[string]string{}
	if _, ok := InvestigationKindLabels[in.Kind]; !ok {
		fields["kind"] = "未知的调查方式"
	}
	checkPastDate(fields, "date", in.Date, s.Today(), "调查日期")
	switch {
	case in.Kind == InvestigationReport && in.Report == nil:
		fields["report"] = "调查终结报告须填写查明的事实、证据情况、存在的问题和处理意见"
	case in.Kind != InvestigationReport && in.Report != nil:
		fields["report"] = "只有调查终结报告填写报告内容"
	case in.Report != nil:
		tooLong, missing := fieldProblems(*in.Report, "report.")
		for k, v := range tooLong {
			fields[k] = v
		}
		for k, v := range missing {
			fields[k] = v
		}
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid("调查核实记录有误，请按字段提示修改", fields)
	}
	var out *InvestigationRecord
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := loadCaseForWork(tx, a, caseID, true)
		if err != nil {
			return err
		}
		if !slices.Contains(investigationStates, c.State) {
			return apperr.Conflict("investigation_not_allowed_in_state", "案件处于“"+StateLabels[c.State]+"”状态，只有立案至起草阶段可以登记调查核实记录")
		}
		experts := in.ExpertIDs
		if experts == nil {
			experts = []int64{}
		}
		if len(experts) > 0 {
			var n int64
			if err := tx.Model(&Expert{}).Where("id IN ?", experts).Count(&n).Error; err != nil {
				return err
			}
			if int(n) != len(uniqueIDs(experts)) {
				return apperr.InvalidField("expert_ids", "专家不存在")
			}
		}
		rec := &InvestigationRecord{CaseID: c.ID, Kind: in.Kind, RecordDate: in.Date, Place: strings.TrimSpace(in.Place),
			Participants: strings.TrimSpace(in.Participants), Summary: strings.TrimSpace(in.Summary), Internal: in.Internal == nil || *in.Internal,
			ExpertIDsJSON: mustJSON(experts), ExpertIDs: experts, CreatedBy: a.UserID, CreatedAt: s.Now(), Report: in.Report}
		if in.Report != nil {
			raw := mustJSON(in.Report)
			rec.ReportJSON = &raw
		}
		if err := tx.Create(rec).Error; err != nil {
			return err
		}
		if _, err := files.StoreUploads(tx, a.UserID, c.ID, "investigation_record", rec.ID, rec.Internal, uploads); err != nil {
			return err
		}
		meta, err := files.FileMeta(tx, "investigation_record", []int64{rec.ID}, true)
		if err != nil {
			return err
		}
		rec.Files = meta
		rec.KindLabel = InvestigationKindLabels[rec.Kind]
		out = rec
		return AddCaseEvent(tx, a, c, "investigation_record", InvestigationKindLabels[rec.Kind], true,
			map[string]any{"record_id": rec.ID, "kind": rec.Kind, "date": rec.RecordDate, "files": len(uploads)})
	})
	return out, err
}

// uniqueIDs is ids sorted without repeats.
func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// ListInvestigationRecords lists a case's records in order with their files;
// readers who do not see internal items get only the non-internal ones.
func (s *Service) ListInvestigationRecords(ctx context.Context, a *org.Actor, caseID int64) ([]InvestigationRecord, error) {
	if _, err := s.LoadCase(ctx, a, caseID); err != nil {
		return nil, err
	}
	internal := SeesInternal(a)
	q := s.DB.WithContext(ctx).Where("case_id = ?", caseID)
	if !internal {
		q = q.Where("internal = ?", false)
	}
	var out []InvestigationRecord
	if err := q.Order("id").Find(&out).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	uploads, err := files.FileMeta(s.DB.WithContext(ctx), "investigation_record", ids, internal)
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		r.KindLabel = InvestigationKindLabels[r.Kind]
		r.Files = []files.StoredFile{}
		for _, f := range uploads {
			if f.OwnerID == r.ID {
				r.Files = append(r.Files, f)
			}
		}
		if err := json.Unmarshal([]byte(r.ExpertIDsJSON), &r.ExpertIDs); err != nil || r.ExpertIDs == nil {
			r.ExpertIDs = []int64{}
		}
		if r.ReportJSON != nil {
			r.Report = &InvestigationReportContent{}
			_ = json.Unmarshal([]byte(*r.ReportJSON), r.Report)
		}
	}
	return out, nil
}

// CreateExpert registers an expert (staff only).
func CreateExpert(ctx context.Context, db *database.DB, a *org.Actor, in ExpertInput) (*Expert, error) {
	if !a.IsStaff() || a.Role == org.RoleAdmin {
		return nil, apperr.Forbidden("只有检察院工作人员可以登记专家")
	}
	e := &Expert{Name: strings.TrimSpace(in.Name), Field: strings.TrimSpace(in.Field), Organisation: strings.TrimSpace(in.Organisation),
		Title: strings.TrimSpace(in.Title), CreatedBy: a.UserID}
	err := db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(e).Error; err != nil {
			return err
		}
		return audit.Record(tx, a, "expert.create", "expert", e.ID, map[string]any{"name": e.Name, "field": e.Field, "organisation": e.Organisation})
	})
	return e, err
}

// ListExperts lists the registry, optionally one field's experts.
func ListExperts(ctx context.Context, db *database.DB, a *org.Actor, field string) ([]Expert, error) {
	if !a.IsStaff() || a.Role == org.RoleAdmin {
		return nil, apperr.Forbidden("只有检察院工作人员可以查看专家库")
	}
	q := db.WithContext(ctx).Order("id")
	if field != "" {
		q = q.Where("field = ?", field)
	}
	var out []Expert
	return out, q.Find(&out).Error
}

// checkInvestigationDone is the quality gate of submission (调查核实不充分的
// 不得制发): at least one investigation record and a 调查终结报告, unless the
// chief waived them (DecisionInvestigationWaiver).
func checkInvestigationDone(ac *ActionContext) error {
	var records, reports int64
	if err := ac.Tx.Model(&InvestigationRecord{}).Where("case_id = ? AND kind <> ?", ac.Case.ID, InvestigationReport).Count(&records).Error; err != nil {
		return err
	}
	if err := ac.Tx.Model(&InvestigationRecord{}).Where("case_id = ? AND kind = ?", ac.Case.ID, InvestigationReport).Count(&reports).Error; err != nil {
		return err
	}
	if records > 0 && reports > 0 {
		return nil
	}
	var waived int64
	if err := ac.Tx.Model(&CaseDecision{}).Where("case_id = ? AND kind = ? AND status = ?", ac.Case.ID, DecisionInvestigationWaiver, DecisionDecided).
		Count(&waived).Error; err != nil {
		return err
	}
	if waived > 0 {
		ac.SetData("investigation_waived", true)
		return nil
	}
	fields := map[string]string{}
	if records == 0 {
		fields["investigation_records"] = "尚无调查核实记录"
	}
	if reports == 0 {
		fields["investigation_report"] = "尚无调查终结报告"
	}
	return &apperr.Error{Kind: apperr.ErrConflict, Code: "investigation_incomplete",
		Message: "调查核实不充分：提请审批前须有调查核实记录和调查终结报告（或经检察长决定免予）", Fields: fields}
}
