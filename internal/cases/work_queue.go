package cases

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
)

// The work queue (工作台): what waits for the actor now, in boxes, most
// urgent first. Each box is a query over the cases the actor may read
// (CaseScope, as the case list) narrowed to the actor's own work: the
// handling prosecutor's cases, the department head's department, the whole
// procuratorate for the chief and the case managers. Other domains add their
// boxes (objections and extension requests, applications) with the same
// types and WorkScope.

// WorkItem is one thing to do.
type WorkItem struct {
	CaseID         int64          `json:"case_id,omitempty"`
	SubjectID      int64          `json:"subject_id,omitempty"` // the application, filing, … when not the case
	Title          string         `json:"title"`
	State          string         `json:"state"`
	StateLabel     string         `json:"state_label"`
	DocumentNumber string         `json:"document_number,omitempty"`
	Detail         string         `json:"detail,omitempty"`
	Due            *calendar.Date `json:"due,omitempty"`
	DueLabel       string         `json:"due_label,omitempty"` // what the date is: 回复期限, 备案期限, 阶段期限
}

// WorkBox is one box of the work queue with the number of items in it (the
// items are the most urgent few).
type WorkBox struct {
	Key    string     `json:"key"`
	Title  string     `json:"title"`
	Action string     `json:"action"` // what the user does: 初核, 立案, 审批, …
	Empty  string     `json:"empty"`  // the empty state
	Count  int64      `json:"count"`
	Items  []WorkItem `json:"items"`
}

// Urgent reports the box's most urgent due date (nil when none).
func (b WorkBox) Urgent() *calendar.Date {
	var best *calendar.Date
	for i := range b.Items {
		if d := b.Items[i].Due; d != nil && (best == nil || d.Before(*best)) {
			best = d
		}
	}
	return best
}

// WorkScope narrows a case query (already in CaseScope) to the actor's own
// work: a prosecutor's cases, a department head's department; chiefs and
// case managers oversee the whole procuratorate.
func WorkScope(a *org.Actor) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		q = q.Scopes(CaseScope(a))
		switch a.Role {
		case org.RoleProsecutor:
			return q.Where("cases.prosecutor_id = ?", a.UserID)
		case org.RoleDeptHead:
			return q.Where("cases.department_id = ?", a.DepartmentID)
		}
		return q
	}
}

// workBoxSpec is a case box: who sees it and which cases are in it (a SQL
// condition on the cases table; "?" args, today's date where today is).
type workBoxSpec struct {
	key, title, action, empty string
	roles                     []org.Role
	cond                      string
	args                      []any
	// byReplyDue orders by the reply deadline; otherwise the cases waiting
	// longest in their state come first (their stage limit runs out first).
	byReplyDue bool
}

// today stands for the current date in a box's args.
type todayArg struct{}

var workBoxes = []workBoxSpec{
	{key: "leads", title: "待初核的线索", action: "初核", empty: "暂无待初核的线索。新登记的线索会出现在这里。",
		roles: []org.Role{org.RoleProsecutor}, cond: "cases.state = ?", args: []any{StateLead}},
	{key: "to_file", title: "待立案", action: "立案", empty: "暂无待立案的案件。承办检察官初核后的线索会出现在这里。",
		roles: []org.Role{org.RoleDeptHead}, cond: "cases.state = ?", args: []any{StateChecking}},
	{key: "drafting", title: "调查核实与起草", action: "起草、提请审批", empty: "暂无需要起草的检察建议书。",
		roles: []org.Role{org.RoleProsecutor}, cond: "cases.state IN (?, ?, ?)", args: []any{StateFiled, StateInvestigating, StateDrafting}},
	{key: "dept_review", title: "待审核的检察建议书", action: "部门负责人审核", empty: "暂无待审核的检察建议书。",
		roles: []org.Role{org.RoleDeptHead}, cond: "cases.state = ? AND cases.approval_stage = ?", args: []any{StateReviewing, StageDeptReview}},
	{key: "approve", title: "待审批的检察建议书", action: "检察长审批", empty: "暂无待审批的检察建议书。",
		roles: []org.Role{org.RoleChief}, cond: "cases.state = ? AND cases.approval_stage IN (?, ?, ?)",
		args: []any{StateReviewing, "", StageApprove, StageCommittee}},
	{key: "to_deliver", title: "待制发、送达", action: "制发、送达", empty: "暂无待制发或送达的检察建议书。",
		roles: []org.Role{org.RoleProsecutor, org.RoleDeptHead}, cond: "cases.state IN (?, ?)", args: []any{StateApproved, StateIssued}},
	{key: "replies", title: "待评估的回复", action: "评估整改情况", empty: "暂无待评估的回复。",
		roles: []org.Role{org.RoleProsecutor, org.RoleDeptHead}, byReplyDue: true, cond: "cases.state = ?", args: []any{StateReplied}},
	{key: "overdue", title: "逾期未回复", action: "督促落实", empty: "暂无逾期未回复的检察建议。",
		roles: []org.Role{org.RoleProsecutor, org.RoleCaseManager, org.RoleChief}, byReplyDue: true,
		cond: "cases.state = ? AND cases.reply_due < ?", args: []any{StateDelivered, todayArg{}}},
}

// argsFor puts today's date into a box's args.
func (spec workBoxSpec) argsFor(today calendar.Date) []any {
	out := make([]any, len(spec.args))
	for i, a := range spec.args {
		if _, ok := a.(todayArg); ok {
			a = today.String()
		}
		out[i] = a
	}
	return out
}

// WorkQueueLimit is how many items a box shows.
const WorkQueueLimit = 8

// WorkQueue returns the actor's case boxes (in the order the role works
// them) with their counts and most urgent items; limit < 0 counts only. The
// counts of all case boxes come from one query over the actor's cases.
func (s *Service) WorkQueue(ctx context.Context, a *org.Actor, limit int) ([]WorkBox, error) {
	if limit == 0 {
		limit = WorkQueueLimit
	}
	db := s.DB.WithContext(ctx)
	today := s.Today()
	var specs []workBoxSpec
	var sums []string
	var args []any
	for _, spec := range workBoxes {
		if a.HasRole(spec.roles...) {
			specs = append(specs, spec)
			sums = append(sums, fmt.Sprintf("COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END), 0) AS b%d", spec.cond, len(sums)))
			args = append(args, spec.argsFor(today)...)
		}
	}
	var out []WorkBox
	if len(specs) > 0 {
		counts := make([]int64, len(specs))
		ptrs := make([]any, len(specs))
		for i := range counts {
			ptrs[i] = &counts[i]
		}
		if err := db.Model(&Case{}).Scopes(WorkScope(a)).Select(strings.Join(sums, ", "), args...).Row().Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, spec := range specs {
			box := WorkBox{Key: spec.key, Title: spec.title, Action: spec.action, Empty: spec.empty, Count: counts[i], Items: []WorkItem{}}
			if box.Count > 0 && limit > 0 {
				var rows []Case
				order := "cases.state_entered_at, cases.id"
				if spec.byReplyDue {
					order = "cases.reply_due, cases.id"
				}
				if err := db.Model(&Case{}).Scopes(WorkScope(a)).Where(spec.cond, spec.argsFor(today)...).
					Order(order).Limit(limit).Find(&rows).Error; err != nil {
					return nil, err
				}
				for i := range rows {
					box.Items = append(box.Items, s.workItem(&rows[i]))
				}
				SortWorkItems(box.Items)
			}
			out = append(out, box)
		}
	}
	for _, extra := range []func() (*WorkBox, error){
		func() (*WorkBox, error) { return s.PendingDecisionBox(ctx, a, limit) },
		func() (*WorkBox, error) { return s.filingBox(ctx, a, limit) },
	} {
		b, err := extra()
		if err != nil {
			return nil, err
		}
		if b != nil {
			out = append(out, *b)
		}
	}
	return out, nil
}

// workItem describes a case in a box with the date it is due by: the reply
// deadline once delivered, else the stage limit (deadlines.stage_limits)
// counted from when it entered its state.
func (s *Service) workItem(c *Case) WorkItem {
	it := WorkItem{CaseID: c.ID, Title: c.Title, State: string(c.State), StateLabel: StateLabels[c.State]}
	if c.DocumentNumber != nil {
		it.DocumentNumber = *c.DocumentNumber
	}
	switch {
	case c.ReplyDue != nil && (c.State == StateDelivered || c.State == StateReplied):
		d := *c.ReplyDue
		it.Due, it.DueLabel = &d, "回复期限"
	default:
		if days := s.Settings.StageLimitDays[string(c.State)]; days > 0 {
			d := calendar.DateOf(c.StateEnteredAt, s.Clock.Location()).AddDays(days)
			it.Due, it.DueLabel = &d, "阶段办理期限"
		}
	}
	if c.State == StateReviewing {
		it.Detail = ApprovalStageLabels[pendingApprovalStage(c)]
	}
	return it
}

// SortWorkItems puts the items due soonest first; items without a date
// keep their order after them.
func SortWorkItems(items []WorkItem) {
	sort.SliceStable(items, func(i, j int) bool {
		di, dj := items[i].Due, items[j].Due
		switch {
		case di == nil:
			return false
		case dj == nil:
			return true
		}
		return di.Before(*dj)
	})
}

// FillBox counts the rows of q (a fresh query each call) into the box and,
// unless only the count is wanted (limit < 0) or there are none, loads the
// first limit of them in order and turns each into an item, soonest due
// first. It is the shape every box of the work queue shares.
func FillBox[T any](box *WorkBox, q func() *gorm.DB, limit int, load func(*gorm.DB) *gorm.DB, item func(*T) WorkItem) error {
	if err := q().Count(&box.Count).Error; err != nil {
		return err
	}
	if box.Count == 0 || limit < 0 {
		return nil
	}
	var rows []T
	if err := load(q()).Limit(limit).Scan(&rows).Error; err != nil {
		return err
	}
	for i := range rows {
		box.Items = append(box.Items, item(&rows[i]))
	}
	SortWorkItems(box.Items)
	return nil
}

// filingBox lists the 备案 still to be made for the actor's cases, the
// earliest due first (pendingFilings; all of them on 本院待备案).
func (s *Service) filingBox(ctx context.Context, a *org.Actor, limit int) (*WorkBox, error) {
	if !a.HasRole(PendingFilingRoles...) {
		return nil, nil
	}
	box := &WorkBox{Key: "filings", Title: "待备案", Action: "报上级院备案", Empty: "暂无待报备案的检察建议。", Items: []WorkItem{}}
	q := func() *gorm.DB { return s.pendingFilings(ctx, a) }
	type row struct {
		ID             int64
		CaseID         int64
		DueOn          calendar.Date
		Title          string
		State          CaseState
		DocumentNumber *string
	}
	err := FillBox(box, q, limit, func(q *gorm.DB) *gorm.DB {
		return q.Select("filings.id, filings.case_id, filings.due_on, cases.title, cases.state, cases.document_number").
			Order("filings.due_on, filings.id")
	}, func(r *row) WorkItem {
		due := r.DueOn
		it := WorkItem{CaseID: r.CaseID, SubjectID: r.ID, Title: r.Title, State: string(r.State), StateLabel: StateLabels[r.State],
			Due: &due, DueLabel: "备案期限"}
		if r.DocumentNumber != nil {
			it.DocumentNumber = *r.DocumentNumber
		}
		return it
	})
	return box, err
}

// PendingDecisionBox lists the proposals (提请) waiting for the chief's
// decision, oldest first.
func (s *Service) PendingDecisionBox(ctx context.Context, a *org.Actor, limit int) (*WorkBox, error) {
	if !a.HasRole(org.RoleChief) {
		return nil, nil
	}
	box := &WorkBox{Key: "proposals", Title: "待决定的提请事项", Action: "决定", Empty: "暂无待决定的提请事项。", Items: []WorkItem{}}
	q := func() *gorm.DB {
		return s.DB.WithContext(ctx).Table("case_decisions").Joins("JOIN cases ON cases.id = case_decisions.case_id").
			Scopes(WorkScope(a)).Where("case_decisions.status = ?", DecisionProposed)
	}
	type row struct {
		ID         int64
		CaseID     int64
		Kind       string
		ProposedAt *time.Time
		Title      string
		State      CaseState
	}
	err := FillBox(box, q, limit, func(q *gorm.DB) *gorm.DB {
		return q.Select("case_decisions.id, case_decisions.case_id, case_decisions.kind, case_decisions.proposed_at, cases.title, cases.state").
			Order("case_decisions.id")
	}, func(r *row) WorkItem {
		return WorkItem{CaseID: r.CaseID, SubjectID: r.ID, Title: r.Title, State: string(r.State),
			StateLabel: StateLabels[r.State], Detail: "提请" + DecisionKindLabels[r.Kind]}
	})
	return box, err
}
