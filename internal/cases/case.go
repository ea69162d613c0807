package cases

import (
	"time"

	"jianyi/internal/calendar"
)

// CaseState is where a case stands in its lifecycle (lifecycle.go holds the
// table of actions between the states; docs/lifecycle.md explains them).
type CaseState string

// The case states.
const (
	StateLead          CaseState = "lead"          // 线索
	StateChecking      CaseState = "checking"      // 初核
	StateNotFiled      CaseState = "not_filed"     // 不立案
	StateFiled         CaseState = "filed"         // 立案
	StateInvestigating CaseState = "investigating" // 调查核实
	StateDrafting      CaseState = "drafting"      // 起草
	StateReviewing     CaseState = "reviewing"     // 审批
	StateApproved      CaseState = "approved"      // 已批准
	StateIssued        CaseState = "issued"        // 制发
	StateDelivered     CaseState = "delivered"     // 已送达
	StateReplied       CaseState = "replied"       // 已回复
	StateFollowingUp   CaseState = "following_up"  // 督促落实
	StateClosed        CaseState = "closed"        // 结案
	StateWithdrawn     CaseState = "withdrawn"     // 撤回
	StateTerminated    CaseState = "terminated"    // 终结
)

// StateLabels are the Chinese names of the states.
var StateLabels = map[CaseState]string{
	StateLead: "线索", StateChecking: "初核", StateNotFiled: "不立案", StateFiled: "立案",
	StateInvestigating: "调查核实", StateDrafting: "起草", StateReviewing: "审批", StateApproved: "已批准",
	StateIssued: "制发", StateDelivered: "已送达", StateReplied: "已回复", StateFollowingUp: "督促落实",
	StateClosed: "结案", StateWithdrawn: "撤回", StateTerminated: "终结",
}

// AllStates lists the states in lifecycle order.
var AllStates = []CaseState{StateLead, StateChecking, StateNotFiled, StateFiled, StateInvestigating, StateDrafting,
	StateReviewing, StateApproved, StateIssued, StateDelivered, StateReplied, StateFollowingUp, StateClosed,
	StateWithdrawn, StateTerminated}

// Valid reports a known state.
func (s CaseState) Valid() bool { _, ok := StateLabels[s]; return ok }

// IsFinal reports a state no action leaves (except reopen).
func (s CaseState) IsFinal() bool {
	return s == StateNotFiled || s == StateClosed || s == StateWithdrawn || s == StateTerminated
}

// Lead sources (线索来源).
const (
	SourceCaseFinding = "case_finding"        // 办案发现
	SourceApplication = "citizen_application" // 公民申请
	SourceDeputy      = "deputy_referral"     // 人大代表/政协委员转交
	SourceAssigned    = "higher_assigned"     // 上级交办
	SourceDataModel   = "data_model"          // 大数据模型
	SourceOther       = "other"               // 其他
)

// SourceLabels are the Chinese names of lead sources.
var SourceLabels = map[string]string{
	SourceCaseFinding: "办案发现", SourceApplication: "公民申请", SourceDeputy: "人大代表政协委员转交",
	SourceAssigned: "上级交办", SourceDataModel: "大数据模型", SourceOther: "其他",
}

// Reply quality classes (统计口径).
const (
	ReplyClassOnTime      = "on_time"     // 按期回复
	ReplyClassLate        = "late"        // 慢回复
	ReplyClassPerfunctory = "perfunctory" // 粗回复
	ReplyClassNoReply     = "no_reply"    // 不回复
	ReplyClassPending     = ""            // deadline not reached, nothing to classify yet
)

// Case is one recommendation to one primary recipient, from lead to closure.
type Case struct {
	ID              int64   `gorm:"primaryKey" json:"id"`
	ProcuratorateID int64   `json:"procuratorate_id"`
	DepartmentID    int64   `json:"department_id"`
	CaseNumber      *string `json:"case_number"` // 案号, assigned at filing
	Title           string  `json:"title"`
	Field           string  `json:"field"` // 领域
	// ProblemKind is the kind of problem the title names (ClassifyProblem),
	// set when the case is created; nil in rows written in bulk until
	// ClassifyMissingProblems has run.
	ProblemKind      *string        `json:"-"`
	Source           string         `json:"source"`
	OriginCaseNumber string         `json:"origin_case_number"`
	Summary          string         `json:"summary"`
	AgencyID         *int64         `json:"agency_id"`
	ProsecutorID     int64          `json:"prosecutor_id"`
	State            CaseState      `json:"state"`
	Version          int            `json:"version"`
	DocumentNumber   *string        `json:"document_number"` // 文号, assigned at issuance
	DocYear          *int           `json:"doc_year"`
	DocSeq           *int           `json:"doc_seq"`
	IssuedAt         *time.Time     `json:"issued_at"`
	DeliveredOn      *calendar.Date `json:"delivered_on"`
	// DeliveredAgencyID is the agency DeliveredOn was served on: after a
	// delivered letter is re-addressed (AgencyID changed) the new recipient
	// reads nothing until its own delivery. Nil only in rows written by
	// hand, read as the current recipient.
	DeliveredAgencyID   *int64         `json:"-"`
	ReceivedOn          *calendar.Date `json:"received_on"`
	ReplyDue            *calendar.Date `json:"reply_due"`
	ReplyDueRule        string         `json:"reply_due_rule"`
	ReplyDueExplanation string         `json:"reply_due_explanation"`
	UrgentDays          int            `json:"urgent_days"`
	UrgentReason        string         `json:"urgent_reason"`
	ObjectionDue        *calendar.Date `json:"objection_due"`
	FirstRepliedOn      *calendar.Date `json:"first_replied_on"`
	ReplyClass          string         `json:"reply_class"`
	Rectification       string         `json:"rectification"`
	Outcome             string         `json:"outcome"`
	EndReason           string         `json:"end_reason"` // why it was not filed, withdrawn or terminated
	InvolvesStateSecret bool           `json:"involves_state_secret"`
	InvolvesTradeSecret bool           `json:"involves_trade_secret"`
	InvolvesPrivacy     bool           `json:"involves_privacy"`
	InvolvesMinors      bool           `json:"involves_minors"`
	ProjectID           *int64         `json:"project_id"`
	StateEnteredAt      time.Time      `json:"state_entered_at"`
	CreatedBy           int64          `json:"created_by"`
	CreatedAt           time.Time      `json:"created_at"`
	UpdatedAt           time.Time      `json:"updated_at"`
	ClosedAt            *time.Time     `json:"closed_at"`
	// 签收: the agency user who signed for the letter, the name they gave and when.
	SignedBy   *int64     `json:"signed_by"`
	SignerName string     `json:"signer_name"`
	SignedAt   *time.Time `json:"signed_at"`
	// ApprovalStage is the step of the approval chain a case under review
	// waits for (dept_review, approve, committee; approval.go), "" otherwise.
	ApprovalStage string `json:"approval_stage"`
	// 回头看: when the look back after closure falls due and when it was done.
	LookbackDue    *calendar.Date `json:"lookback_due"`
	LookbackDoneOn *calendar.Date `json:"lookback_done_on"`
}

// CaseEvent is one entry of a case's timeline.
type CaseEvent struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	CaseID    int64     `json:"case_id"`
	Action    string    `json:"action"`
	FromState CaseState `json:"from_state"`
	ToState   CaseState `json:"to_state"`
	ActorID   *int64    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Role      string    `json:"role"`
	Note      string    `json:"note"`
	Data      string    `json:"-"`
	Internal  bool      `json:"internal"`
	CreatedAt time.Time `json:"created_at"`
}

// RecommendationDraft is one version of the 检察建议书 content.
type RecommendationDraft struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	CaseID         int64     `json:"case_id"`
	VersionNo      int       `json:"version_no"`
	Content        string    `json:"-"` // JSON of RecommendationContent
	Status         string    `json:"status"`
	AuthorID       int64     `json:"author_id"`
	ReviewComments string    `json:"review_comments"`
	UrgentDays     int       `json:"urgent_days"`   // a shorter reply period than two months, set at drafting
	UrgentReason   string    `json:"urgent_reason"` // why the reply is urgent
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}
