package agency

import (
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/files"
)

// This file holds the records of the recipient agency's side of a case and of
// the follow-up that comes after the reply (migration 0004_agency.sql).

// Objection statuses: pending until the prosecutor reviews it (复核), then the
// outcome of the review.
const (
	ObjectionPending  = "pending"
	ObjectionAmend    = "amend"    // 修改后重新制发
	ObjectionWithdraw = "withdraw" // 撤回检察建议
	ObjectionKeep     = "keep"     // 维持原检察建议
)

// Objection is 异议: the recipient's written objection to a recommendation,
// raised within the objection period, and the prosecutor's review of it.
type Objection struct {
	ID     int64 `gorm:"primaryKey" json:"id"`
	CaseID int64 `json:"case_id"`
	// AgencyID is the agency that submitted the record or was served with it:
	// only that agency reads it, whatever the case's recipient becomes.
	AgencyID       *int64        `json:"-"`
	RaisedBy       int64         `json:"raised_by"`
	RaisedOn       calendar.Date `json:"raised_on"`
	Reason         string        `json:"reason"`
	Status         string        `json:"status"`
	DecidedBy      *int64        `json:"decided_by"`
	DecidedAt      *time.Time    `json:"decided_at"`
	DecisionReason *string       `json:"decision_reason"`
	// SupersededDocumentNumber is the 文号 of the letter an amendment replaced;
	// the amended letter is issued under a new number.
	SupersededDocumentNumber string             `json:"superseded_document_number"`
	CreatedAt                time.Time          `json:"created_at"`
	Files                    []files.StoredFile `gorm:"-" json:"files"`
}

// Extension request statuses.
const (
	ExtensionPending = "pending"
	ExtensionGranted = "granted"
	ExtensionRefused = "refused"
	// ExtensionLapsed: the request became moot before a decision (the agency
	// replied, or the letter was amended).
	ExtensionLapsed = "lapsed"
)

// ExtensionRequest is the agency's request to reply later (申请延期回复) and
// the prosecutor's decision on it.
type ExtensionRequest struct {
	ID     int64 `gorm:"primaryKey" json:"id"`
	CaseID int64 `json:"case_id"`
	// AgencyID is the agency that submitted the record or was served with it:
	// only that agency reads it, whatever the case's recipient becomes.
	AgencyID       *int64         `json:"-"`
	RequestedBy    int64          `json:"requested_by"`
	RequestedOn    calendar.Date  `json:"requested_on"`
	Reason         string         `json:"reason"`
	OldDue         calendar.Date  `json:"old_due"`
	RequestedDue   *calendar.Date `json:"requested_due"`
	RequestedDays  int            `json:"requested_days"`
	Status         string         `json:"status"`
	DecidedBy      *int64         `json:"decided_by"`
	DecidedAt      *time.Time     `json:"decided_at"`
	DecisionReason *string        `json:"decision_reason"`
	GrantedDue     *calendar.Date `json:"granted_due"`
	GrantedRule    string         `json:"granted_rule"`
	CreatedAt      time.Time      `json:"created_at"`
}

// ReplyItem is the agency's position on one numbered recommendation.
type ReplyItem struct {
	ID       int64   `gorm:"primaryKey" json:"-"`
	ReplyID  int64   `json:"-"`
	CaseID   int64   `json:"-"`
	ItemNo   int     `json:"item_no"`
	Position string  `json:"position"`
	Reason   *string `json:"reason"`
}

// ReplyReturn records a reply returned as perfunctory (粗回复) and the
// deadline set for the supplement.
type ReplyReturn struct {
	ID            int64         `gorm:"primaryKey" json:"id"`
	ReplyID       int64         `json:"reply_id"`
	CaseID        int64         `json:"case_id"`
	ReturnedBy    int64         `json:"returned_by"`
	Reason        string        `json:"reason"`
	SupplementDue calendar.Date `json:"supplement_due"`
	CreatedAt     time.Time     `json:"created_at"`
}

// Follow-up kinds (督促落实方式).
const (
	FollowUpInquiry      = "inquiry"       // 询问
	FollowUpVisit        = "visit"         // 走访
	FollowUpConsultation = "consultation"  // 会商
	FollowUpJointMeeting = "joint_meeting" // 联席会议
	FollowUpReturnVisit  = "return_visit"  // 回访
	FollowUpLookBack     = "look_back"     // 回头看 (after closure, action look_back)
)

// FollowUpKindLabels are the Chinese names of follow-up kinds.
var FollowUpKindLabels = map[string]string{
	FollowUpInquiry: "询问", FollowUpVisit: "走访", FollowUpConsultation: "会商",
	FollowUpJointMeeting: "联席会议", FollowUpReturnVisit: "回访", FollowUpLookBack: "回头看",
}

// FollowUp is one 督促落实 record kept by the prosecutor. Internal records
// (and their files) are never shown to the agency.
type FollowUp struct {
	ID     int64 `gorm:"primaryKey" json:"id"`
	CaseID int64 `json:"case_id"`
	// AgencyID is the agency that submitted the record or was served with it:
	// only that agency reads it, whatever the case's recipient becomes.
	AgencyID     *int64             `json:"-"`
	Kind         string             `json:"kind"`
	HeldOn       calendar.Date      `json:"held_on"`
	Participants string             `json:"participants"`
	Findings     string             `json:"findings"`
	Verdict      string             `json:"verdict"` // look_back only: sustained, partly, relapsed
	Internal     bool               `json:"internal"`
	CreatedBy    int64              `json:"created_by"`
	CreatedAt    time.Time          `json:"created_at"`
	Files        []files.StoredFile `gorm:"-" json:"files"`
}

// ProgressReport is the agency's report of rectification progress (整改进展).
type ProgressReport struct {
	ID     int64 `gorm:"primaryKey" json:"id"`
	CaseID int64 `json:"case_id"`
	// AgencyID is the agency that submitted the record or was served with it:
	// only that agency reads it, whatever the case's recipient becomes.
	AgencyID    *int64             `json:"-"`
	Percent     int                `json:"percent"`
	Description string             `json:"description"`
	ReportedBy  int64              `json:"reported_by"`
	ReportedOn  calendar.Date      `json:"reported_on"`
	CreatedAt   time.Time          `json:"created_at"`
	Files       []files.StoredFile `gorm:"-" json:"files"`
}

// Escalation kinds (after urging, no valid reason for not rectifying).
const (
	EscalateHigherProcuratorate  = "report_higher_procuratorate"  // 报告上级检察院
	EscalateSuperiorRegulator    = "notify_superior_regulator"    // 通报被建议单位上级、主管机关或行业协会
	EscalatePartyCongress        = "report_party_congress"        // 报告同级党委、人大
	EscalateGovernmentDiscipline = "notify_government_discipline" // 通报同级政府、纪检监察机关
	EscalateLitigation           = "public_interest_litigation"   // 移送公益诉讼
)

// EscalationKindLabels are the Chinese names of escalation kinds.
var EscalationKindLabels = map[string]string{
	EscalateHigherProcuratorate:  "报告上级人民检察院",
	EscalateSuperiorRegulator:    "通报被建议单位的上级机关、行政主管部门或行业自律组织",
	EscalatePartyCongress:        "报告同级党委、人大",
	EscalateGovernmentDiscipline: "通报同级政府、纪检监察机关",
	EscalateLitigation:           "依法提起公益诉讼",
}

// Escalation is one escalation measure decided by the chief, with its
// document. Escalations are internal to the procuratorate.
type Escalation struct {
	ID     int64 `gorm:"primaryKey" json:"id"`
	CaseID int64 `json:"case_id"`
	// AgencyID is the agency that submitted the record or was served with it:
	// only that agency reads it, whatever the case's recipient becomes.
	AgencyID  *int64        `json:"-"`
	Kind      string        `json:"kind"`
	DecidedOn calendar.Date `json:"decided_on"`
	Target    string        `json:"target"`
	Summary   string        `json:"summary"`
	DecidedBy int64         `json:"decided_by"`
	// DecisionID is the chief's recorded decision (case_decisions).
	DecisionID *int64 `json:"decision_id"`
	// What the measure produced (record_escalation_result): the 公益诉讼
	// case number, or the reference of the report or notice, with the day
	// it came and a note. Empty until recorded.
	ResultReference string             `json:"result_reference"`
	ResultOn        *calendar.Date     `json:"result_on"`
	ResultNote      string             `json:"result_note"`
	ResultBy        *int64             `json:"result_by"`
	CreatedAt       time.Time          `json:"created_at"`
	Files           []files.StoredFile `gorm:"-" json:"files"`
}

// Rectification verdicts (整改情况评估), the procuratorate's own judgement, kept
// apart from the agency's position on the recommendation.
const (
	RectificationRectified       = "rectified"        // 整改到位
	RectificationPartlyRectified = "partly_rectified" // 部分到位
	RectificationNotRectified    = "not_rectified"    // 未整改
)

// CloseOutcomeLabels are the closing outcomes (结案结果) and their Chinese names.
var CloseOutcomeLabels = map[string]string{
	"rectified":        "建议采纳，整改到位",
	"partly_rectified": "建议部分采纳或部分整改",
	"not_rectified":    "未整改",
	"escalated":        "已报告、通报或移送公益诉讼",
	"other":            "其他",
}

// agencyDraftStatuses are the draft statuses an agency may read: the letter
// as approved and issued, never earlier versions.
var agencyDraftStatuses = []string{"approved", "issued"}

// Reply kinds and positions (回复 — the agency's position, kept apart from the
// procuratorate's verdict on rectification).
const (
	ReplyKindInterim    = "interim"    // 阶段性回复
	ReplyKindFinal      = "final"      // 正式回复
	ReplyKindSupplement = "supplement" // 补充回复

	PositionAdopted       = "adopted"        // 采纳
	PositionPartlyAdopted = "partly_adopted" // 部分采纳
	PositionNotAdopted    = "not_adopted"    // 不采纳
)

// Reply is one written reply from the recipient agency.
type Reply struct {
	ID     int64 `gorm:"primaryKey" json:"id"`
	CaseID int64 `json:"case_id"`
	// AgencyID is the agency that submitted the record or was served with it:
	// only that agency reads it, whatever the case's recipient becomes.
	AgencyID      *int64         `json:"-"`
	Kind          string         `json:"kind"`
	Position      string         `json:"position"`
	Content       string         `json:"content"` // JSON or text owned by the agency feature
	ContactPerson string         `json:"contact_person"`
	ContactPhone  string         `json:"contact_phone"`
	SubmittedBy   int64          `json:"submitted_by"`
	SubmittedOn   calendar.Date  `json:"submitted_on"`
	DueOn         *calendar.Date `json:"due_on"`
	Late          bool           `json:"late"`
	Returned      bool           `json:"returned"` // returned as perfunctory (粗回复)
	CreatedAt     time.Time      `json:"created_at"`
}

// The Stats* labels are the names statistics, the ledger and project reports
// print; they differ from the agency pages' wording in places.

// StatsRectificationLabels are the Chinese names of the rectification
// verdicts (整改情况) as statistics and the ledger print them.
var StatsRectificationLabels = map[string]string{
	"rectified": "整改到位", "partly_rectified": "部分整改到位", "not_rectified": "未整改",
}

// StatsReplyClassLabels are the Chinese names of the reply classes.
var StatsReplyClassLabels = map[string]string{
	cases.ReplyClassOnTime: "按期回复", cases.ReplyClassLate: "慢回复", cases.ReplyClassPerfunctory: "粗回复", cases.ReplyClassNoReply: "不回复",
}

// StatsPositionLabels are the Chinese names of the agency's positions.
var StatsPositionLabels = map[string]string{
	PositionAdopted: "采纳", PositionPartlyAdopted: "部分采纳", PositionNotAdopted: "不采纳",
}
