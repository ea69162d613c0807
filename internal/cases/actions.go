package cases

import (
	"fmt"
)

// ActionBehaviour is what a domain adds to a lifecycle action: its payload
// (with validation tags naming required fields) and its effect.
type ActionBehaviour struct {
	NewPayload func() any
	Apply      func(ac *ActionContext) error
}

// NoPayload is the payload of actions that need nothing but the optional note.
type NoPayload struct{}

// Actions holds the behaviour of each lifecycle action. The composition root
// builds it once with NewActions (the prosecutor's side, defined here) and
// lets the agency side add its own (agency.Register); the case service only
// reads it afterwards.
type Actions struct {
	byName map[string]ActionBehaviour
}

// NewActions returns the registry with the prosecutor-side behaviours.
func NewActions() *Actions {
	r := &Actions{byName: map[string]ActionBehaviour{}}
	r.Register("decline", ActionBehaviour{NewPayload: func() any { return &ReasonPayload{} }, Apply: applyEnding("not_filed")})
	r.Register("propose_withdraw", ActionBehaviour{NewPayload: func() any { return &ProposalPayload{} }, Apply: applyProposeWithdraw})
	r.Register("withdraw", ActionBehaviour{NewPayload: func() any { return &WithdrawPayload{} }, Apply: applyWithdraw})
	r.Register("reject_proposal", ActionBehaviour{NewPayload: func() any { return &RejectProposalPayload{} }, Apply: applyRejectProposal})
	r.Register("waive_investigation", ActionBehaviour{NewPayload: func() any { return &WaiverPayload{} }, Apply: applyWaiveInvestigation})
	r.Register("terminate", ActionBehaviour{NewPayload: func() any { return &ReasonPayload{} }, Apply: applyEnding("terminated")})
	r.Register("check", ActionBehaviour{Apply: applyCheck})
	r.Register("file", ActionBehaviour{Apply: applyFile})
	r.Register("consult", ActionBehaviour{NewPayload: func() any { return &ConsultPayload{} }, Apply: applyConsult})
	r.Register("draft", ActionBehaviour{NewPayload: func() any { return &AgencyPayload{} }, Apply: applyDraft})
	r.Register("submit", ActionBehaviour{NewPayload: func() any { return &AgencyPayload{} }, Apply: applySubmit})
	r.Register("return", ActionBehaviour{NewPayload: func() any { return &ReturnPayload{} }, Apply: applyReturn})
	r.Register("approve", ActionBehaviour{NewPayload: func() any { return &ApprovePayload{} }, Apply: applyApprove})
	r.Register("issue", ActionBehaviour{NewPayload: func() any { return &IssuePayload{} }, Apply: applyIssue})
	r.Register("deliver", ActionBehaviour{NewPayload: func() any { return &DeliverPayload{} }, Apply: applyDeliver})
	return r
}

// Register attaches a payload and effect to a lifecycle action. An unknown
// action or a second registration is a programming error and panics when the
// program is assembled.
func (r *Actions) Register(action string, b ActionBehaviour) {
	if _, ok := ActionByName(action); !ok {
		panic("cases.Actions.Register: unknown action " + action)
	}
	if _, dup := r.byName[action]; dup {
		panic(fmt.Sprintf("cases.Actions.Register: action %s registered twice", action))
	}
	r.byName[action] = b
}

// Behaviour returns an action's registered behaviour.
func (r *Actions) Behaviour(action string) (ActionBehaviour, bool) {
	b, ok := r.byName[action]
	return b, ok
}

// NewPayload returns a fresh payload value for binding the action's request;
// actions without a registered payload take none (besides the version and an
// optional note, which every action accepts).
func (r *Actions) NewPayload(action string) any {
	if b, ok := r.byName[action]; ok && b.NewPayload != nil {
		return b.NewPayload()
	}
	return &NoPayload{}
}
