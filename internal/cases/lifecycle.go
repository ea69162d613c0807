package cases

import (
	"jianyi/internal/org"
)

// ActionSpec is one row of the lifecycle table: which states an action may
// start from, where it leads and who may take it. What an action requires and
// does beyond the state change (its payload and effect) is the behaviour the
// owning domain registers in Actions.
type ActionSpec struct {
	Name  string
	Label string      // 中文名称
	From  []CaseState // states the action may start from
	// To is the state the action leads to. When Targets is set instead, the
	// action's effect chooses one of them (e.g. 复核: amend, withdraw or keep).
	To      CaseState
	Targets []CaseState
	Roles   []org.Role
	// Internal actions are hidden from agency users' timelines.
	Internal bool
	// HandlerOnly actions change or end the case: a prosecutor takes them
	// only on a case he handles (承办), never on a colleague's; the head of
	// the handling department may take them where the table lists the role.
	HandlerOnly bool
	// DecidedBy names the action that decides what this one proposes (提请):
	// the prosecutor proposes, the chief (or the 检察委员会) decides.
	DecidedBy string
}

// stays marks an action that keeps the case in its state (records, receipts).
const stays CaseState = ""

var (
	afterFiling    = []CaseState{StateFiled, StateInvestigating, StateDrafting, StateReviewing, StateApproved}
	openPostIssue  = []CaseState{StateIssued, StateDelivered, StateReplied, StateFollowingUp}
	withdrawable   = append(append([]CaseState{StateLead, StateChecking}, afterFiling...), openPostIssue...)
	amendable      = []CaseState{StateIssued, StateDelivered, StateReplied, StateFollowingUp}
	escalatable    = []CaseState{StateDelivered, StateReplied, StateFollowingUp}
	staffWhoHandle = []org.Role{org.RoleProsecutor}
	// handlerOrHead: the handling prosecutor or the head of the handling
	// department (HandlerOnly keeps colleagues out).
	handlerOrHead = []org.Role{org.RoleProsecutor, org.RoleDeptHead}
	// approverRoles take the steps of the approval chain (approval.go).
	approverRoles = []org.Role{org.RoleDeptHead, org.RoleChief}
	// deciders decide what the handling prosecutor proposes: the chief, who
	// records the 检察委员会's decision when the matter went to it.
	deciders = []org.Role{org.RoleChief}
)

// Lifecycle is the case lifecycle as one table. A reader answers "can a
// prosecutor issue without approval?" here: issue starts only from approved,
// and only the approvers of the configured chain (部门负责人审核 → 检察长审批,
// approval.go) approve. 撤回, 变更, 异议复核 and escalations are the chief's
// decisions; the handling prosecutor proposes them (提请).
var Lifecycle = []ActionSpec{
	// Prosecutor's side (检察机关办理).
	{Name: "check", Label: "初核", From: []CaseState{StateLead}, To: StateChecking, Roles: staffWhoHandle, Internal: true, HandlerOnly: true},
	{Name: "decline", Label: "不立案", From: []CaseState{StateLead, StateChecking}, To: StateNotFiled, Roles: []org.Role{org.RoleProsecutor, org.RoleDeptHead}, Internal: true, HandlerOnly: true},
	{Name: "file", Label: "立案", From: []CaseState{StateChecking}, To: StateFiled, Roles: []org.Role{org.RoleDeptHead}, Internal: true},
	{Name: "investigate", Label: "开始调查核实", From: []CaseState{StateFiled}, To: StateInvestigating, Roles: staffWhoHandle, Internal: true, HandlerOnly: true},
	{Name: "consult", Label: "征求被建议单位意见", From: []CaseState{StateInvestigating, StateDrafting}, To: stays, Roles: staffWhoHandle, Internal: true},
	{Name: "waive_investigation", Label: "决定免予调查终结报告", From: []CaseState{StateInvestigating, StateDrafting}, To: stays, Roles: []org.Role{org.RoleChief}, Internal: true},
	{Name: "draft", Label: "起草检察建议书", From: []CaseState{StateInvestigating}, To: StateDrafting, Roles: staffWhoHandle, Internal: true, HandlerOnly: true},
	{Name: "submit", Label: "提请审批", From: []CaseState{StateInvestigating, StateDrafting}, To: StateReviewing, Roles: staffWhoHandle, Internal: true, HandlerOnly: true},
	{Name: "return", Label: "退回修改", From: []CaseState{StateReviewing}, To: StateDrafting, Roles: approverRoles, Internal: true},
	{Name: "approve", Label: "审核审批同意", From: []CaseState{StateReviewing}, Targets: []CaseState{StateReviewing, StateApproved}, Roles: approverRoles, Internal: true},
	{Name: "issue", Label: "制发", From: []CaseState{StateApproved}, To: StateIssued, Roles: handlerOrHead, HandlerOnly: true},
	{Name: "deliver", Label: "送达", From: []CaseState{StateIssued}, To: StateDelivered, Roles: handlerOrHead, HandlerOnly: true},
	{Name: "propose_withdraw", Label: "提请撤回", From: withdrawable, To: stays, Roles: handlerOrHead, Internal: true, HandlerOnly: true, DecidedBy: "withdraw"},
	{Name: "withdraw", Label: "撤回", From: withdrawable, To: StateWithdrawn, Roles: deciders},
	{Name: "terminate", Label: "终结", From: withdrawable, To: StateTerminated, Roles: []org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleChief}, HandlerOnly: true},
	{Name: "reject_proposal", Label: "不同意提请事项", From: withdrawable, To: stays, Roles: deciders, Internal: true},

	// The recipient agency's side and what follows (被建议单位回复与督促落实).
	{Name: "sign", Label: "签收", From: []CaseState{StateDelivered}, To: stays, Roles: []org.Role{org.RoleAgency}},
	{Name: "object", Label: "提出异议", From: []CaseState{StateDelivered}, To: stays, Roles: []org.Role{org.RoleAgency}},
	{Name: "propose_objection_review", Label: "提请异议复核决定", From: []CaseState{StateDelivered}, To: stays, Roles: handlerOrHead, Internal: true, HandlerOnly: true, DecidedBy: "review_objection"},
	{Name: "review_objection", Label: "异议复核决定", From: []CaseState{StateDelivered}, Targets: []CaseState{StateDrafting, StateWithdrawn, StateDelivered}, Roles: deciders},
	{Name: "propose_amend", Label: "提请变更检察建议", From: amendable, To: stays, Roles: handlerOrHead, Internal: true, HandlerOnly: true, DecidedBy: "amend"},
	{Name: "amend", Label: "变更检察建议", From: amendable, To: StateDrafting, Roles: deciders},
	{Name: "request_extension", Label: "申请延期回复", From: []CaseState{StateDelivered}, To: stays, Roles: []org.Role{org.RoleAgency}},
	{Name: "decide_extension", Label: "决定是否延期", From: []CaseState{StateDelivered}, To: stays, Roles: handlerOrHead, HandlerOnly: true},
	{Name: "reply", Label: "书面回复", From: []CaseState{StateDelivered, StateReplied, StateFollowingUp}, Targets: []CaseState{StateDelivered, StateReplied, StateFollowingUp}, Roles: []org.Role{org.RoleAgency}},
	{Name: "return_reply", Label: "退回补充回复", From: []CaseState{StateReplied}, To: StateDelivered, Roles: handlerOrHead, HandlerOnly: true},
	{Name: "assess", Label: "评估整改情况", From: []CaseState{StateReplied}, To: StateFollowingUp, Roles: handlerOrHead, HandlerOnly: true},
	{Name: "follow_up", Label: "督促落实", From: []CaseState{StateDelivered, StateReplied, StateFollowingUp}, To: stays, Roles: staffWhoHandle},
	{Name: "report_progress", Label: "报告整改进展", From: []CaseState{StateReplied, StateFollowingUp}, To: stays, Roles: []org.Role{org.RoleAgency}},
	{Name: "propose_escalation", Label: "提请报告/通报/移送", From: escalatable, To: stays, Roles: handlerOrHead, Internal: true, HandlerOnly: true, DecidedBy: "escalate"},
	{Name: "escalate", Label: "决定报告/通报/移送", From: escalatable, To: stays, Roles: deciders},
	{Name: "record_escalation_result", Label: "登记报告/移送结果", From: []CaseState{StateDelivered, StateReplied, StateFollowingUp, StateClosed}, To: stays, Roles: handlerOrHead, Internal: true, HandlerOnly: true},
	{Name: "close", Label: "结案", From: []CaseState{StateDelivered, StateReplied, StateFollowingUp}, To: StateClosed, Roles: handlerOrHead, HandlerOnly: true},
	{Name: "look_back", Label: "回头看", From: []CaseState{StateClosed}, To: stays, Roles: handlerOrHead, Internal: true, HandlerOnly: true},
	{Name: "reopen", Label: "重新启动", From: []CaseState{StateClosed}, To: StateFollowingUp, Roles: deciders},
}

var actionIndex = func() map[string]*ActionSpec {
	m := map[string]*ActionSpec{}
	for i := range Lifecycle {
		m[Lifecycle[i].Name] = &Lifecycle[i]
	}
	return m
}()

// ActionByName finds a lifecycle row.
func ActionByName(name string) (*ActionSpec, bool) {
	a, ok := actionIndex[name]
	return a, ok
}

// StartsFrom reports whether the action may be taken in state s.
func (a *ActionSpec) StartsFrom(s CaseState) bool {
	for _, f := range a.From {
		if f == s {
			return true
		}
	}
	return false
}

// AllowsRole reports whether the role may take the action.
func (a *ActionSpec) AllowsRole(r org.Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Leads reports whether the action may end in state s.
func (a *ActionSpec) Leads(from, s CaseState) bool {
	if len(a.Targets) == 0 {
		if a.To == stays {
			return s == from
		}
		return s == a.To
	}
	for _, t := range a.Targets {
		if t == s {
			return true
		}
	}
	return false
}
