package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/documents"
	"jianyi/internal/calendar"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// Settings are the configured limits the case rules use.
type Settings struct {
	ReplyMonths    int
	FilingDays     int
	ObjectionDays  int
	Channels       notify.Channels
	PublishRoles   []org.Role
	StageLimitDays map[string]int
	// Approval is the approval chain (审批链) per procuratorate.
	Approval ApprovalChains
	// LookbackMonths is when a closed case's 回头看 falls due; 0 for none.
	LookbackMonths int
}

// Service runs the case lifecycle.
type Service struct {
	DB       *database.DB
	Clock    *calendar.Clock
	Settings Settings
	// Calendar returns the current holiday calendar (admin-edited in the database).
	Calendar func(tx *gorm.DB) *calendar.HolidayCalendar
	// Actions are the behaviours of the lifecycle's actions.
	Actions *Actions
	// Renderer makes the case documents (PDF).
	Renderer *documents.Renderer
	// Hooks are what other domains add to the lifecycle.
	Hooks Hooks
}

// Hooks let the domains built on cases take part in the lifecycle without
// the lifecycle knowing them; they are set where the services are built.
type Hooks struct {
	// TellApplicant tells the citizen whose application started the case how
	// it ended, inside the action's transaction (applications).
	TellApplicant func(ac *ActionContext, text string) error
	// VoidedNumbers lists the 文号 an amendment after an objection voided
	// (the agency side keeps them on the objection).
	VoidedNumbers func(tx *gorm.DB, caseID int64) ([]string, error)
}

// TellApplicant runs the TellApplicant hook when one is set.
func (ac *ActionContext) TellApplicant(text string) error {
	if ac.Service.Hooks.TellApplicant == nil {
		return nil
	}
	return ac.Service.Hooks.TellApplicant(ac, text)
}

// Now is the current time (UTC) by the service's clock.
func (s *Service) Now() time.Time { return s.Clock.Now() }

// Today is the legal calendar date now.
func (s *Service) Today() calendar.Date { return s.Clock.Today() }

// NewActionPayload returns a fresh payload value for binding the action's
// request (see Actions.NewPayload).
func (s *Service) NewActionPayload(action string) any { return s.Actions.NewPayload(action) }

// Holidays returns the holiday calendar deadlines are counted with.
func (s *Service) Holidays(tx *gorm.DB) *calendar.HolidayCalendar {
	if s.Calendar != nil {
		return s.Calendar(tx)
	}
	return calendar.DefaultHolidayCalendar()
}

// ActionContext is what an action's effect works with, inside the action's
// transaction. The effect changes Case in place; Execute saves it.
type ActionContext struct {
	Ctx     context.Context
	Tx      *gorm.DB
	Actor   *org.Actor
	Case    *Case
	Before  Case
	Spec    *ActionSpec
	Payload any
	Now     time.Time
	Today   calendar.Date
	Service *Service
	// To is the state the action ends in; effects of actions with Targets set it.
	To CaseState
	// Note and Data go to the timeline event; Internal hides it from agencies.
	Note     string
	Data     map[string]any
	Internal bool
	// Files are the uploads sent with the action.
	Files []files.Upload
	notes []notify.Spec
}

// StoreFiles saves the action's uploads as files owned by (ownerType, ownerID)
// and returns their ids.
func (ac *ActionContext) StoreFiles(ownerType string, ownerID int64, internal bool) ([]int64, error) {
	return files.StoreUploads(ac.Tx, ac.Actor.UserID, ac.Case.ID, ownerType, ownerID, internal, ac.Files)
}

// Calendar returns the holiday calendar for deadline arithmetic.
func (ac *ActionContext) Calendar() *calendar.HolidayCalendar { return ac.Service.Holidays(ac.Tx) }

// Notify queues a notification written with the action.
func (ac *ActionContext) Notify(n notify.Spec) {
	if n.CaseID == 0 {
		n.CaseID = ac.Case.ID
	}
	ac.notes = append(ac.notes, n)
}

// SetData records a fact on the timeline event.
func (ac *ActionContext) SetData(k string, v any) {
	if ac.Data == nil {
		ac.Data = map[string]any{}
	}
	ac.Data[k] = v
}

// ActionRequest is one request to act on a case.
type ActionRequest struct {
	CaseID  int64
	Action  string
	Version int
	Payload any // from NewActionPayload, already validated
	Note    string
	// Files are uploads sent with the action (multipart), already checked for
	// size and type; the effect stores them with ac.StoreFiles.
	Files []files.Upload
	// Validate checks the payload's fields; Execute calls it once access, role,
	// version and state are known to be right.
	Validate func(payload any) error
}

// LoadCase loads a case the actor may read (not found otherwise).
func (s *Service) LoadCase(ctx context.Context, a *org.Actor, id int64) (*Case, error) {
	return ReadableCase(s.DB.WithContext(ctx), a, id, false)
}

// LoadCaseRecords loads a case for reading the agency records and files of
// it: what LoadCase allows, and for an agency also a case whose letter was
// once delivered to it and has since been re-addressed (ServedAgency). The
// caller shows such an agency only its own records.
func (s *Service) LoadCaseRecords(ctx context.Context, a *org.Actor, id int64) (*Case, error) {
	tx := s.DB.WithContext(ctx)
	c, err := ReadableCase(tx, a, id, false)
	if err == nil || a == nil || a.Role != org.RoleAgency || a.AgencyID == 0 || !errors.Is(err, apperr.ErrNotFound) {
		return c, err
	}
	var former Case
	if err := tx.First(&former, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "案件")
	}
	served, serr := ServedAgency(tx, id, a.AgencyID)
	if serr != nil {
		return nil, serr
	}
	if !served {
		return nil, err
	}
	return &former, nil
}

// AllowedActions lists the actions the actor may take on the case now. A
// recommendation signed for once no longer offers sign (it would only answer
// 409 already_signed).
func AllowedActions(a *org.Actor, c *Case) []string {
	out := []string{}
	for i := range Lifecycle {
		spec := &Lifecycle[i]
		if spec.Name == "sign" && c.SignedAt != nil {
			continue
		}
		if spec.StartsFrom(c.State) && CanActOnCase(a, c, spec) {
			out = append(out, spec.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Execute takes one action on a case in one transaction: it checks access,
// state and version, runs the action's effect, saves the case with its version
// bumped (the conditional update makes concurrent actions on the same version
// lose with 409), writes the timeline event, the audit entry and the
// notifications.
func (s *Service) Execute(ctx context.Context, a *org.Actor, req ActionRequest) (*Case, error) {
	spec, ok := ActionByName(req.Action)
	if !ok {
		return nil, &apperr.Error{Kind: apperr.ErrNotFound, Code: "unknown_action", Message: "不存在该操作：" + req.Action}
	}
	var out *Case
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		// Lock the case row first so concurrent actions queue on it instead of
		// deadlocking on rows they insert that reference it (MySQL).
		c, err := ReadableCase(tx, a, req.CaseID, true)
		if err != nil {
			return err
		}
		if !spec.AllowsRole(a.Role) {
			return &apperr.Error{Kind: apperr.ErrForbidden, Code: "role_not_allowed",
				Message: fmt.Sprintf("“%s”须由%s办理", spec.Label, org.RoleList(spec.Roles))}
		}
		if err := actionRefusal(a, c, spec); err != nil {
			return err
		}
		if c.Version != req.Version {
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "stale_version",
				Message: fmt.Sprintf("案件已被他人更新（当前版本 %d，提交版本 %d），请刷新后重试", c.Version, req.Version),
				Details: map[string]any{"current_version": c.Version}}
		}
		if !spec.StartsFrom(c.State) {
			allowed := AllowedActions(a, c)
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "action_not_allowed_in_state",
				Message: fmt.Sprintf("案件当前处于“%s”状态，不能执行“%s”；可执行的操作：%s", StateLabels[c.State], spec.Label, actionList(allowed)),
				Details: map[string]any{"state": c.State, "allowed_actions": allowed}}
		}
		if req.Validate != nil {
			if err := req.Validate(req.Payload); err != nil {
				return err
			}
		}
		ac := &ActionContext{Ctx: ctx, Tx: tx, Actor: a, Case: c, Before: *c, Spec: spec, Payload: req.Payload,
			Now: s.Now(), Today: s.Today(), Service: s, To: spec.To, Note: req.Note, Internal: spec.Internal, Files: req.Files}
		if ac.To == stays {
			ac.To = c.State
		}
		if b, ok := s.Actions.Behaviour(spec.Name); ok && b.Apply != nil {
			if err := b.Apply(ac); err != nil {
				return err
			}
		} else if len(req.Files) > 0 {
			return apperr.InvalidField("files", "该操作不接受附件")
		}
		if !spec.Leads(c.State, ac.To) {
			return fmt.Errorf("action %s chose state %s outside its targets", spec.Name, ac.To)
		}
		from := c.State
		c.State = ac.To
		if from != c.State {
			c.StateEnteredAt = ac.Now
		}
		c.Version = req.Version + 1
		c.UpdatedAt = ac.Now
		res := tx.Model(&Case{}).Where("id = ? AND version = ?", c.ID, req.Version).Select("*").Omit("id", "created_at", "created_by").Updates(c)
		if res.Error != nil {
			if database.IsUniqueViolation(res.Error) {
				return apperr.Conflict("duplicate", "编号冲突，请重试")
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "stale_version", Message: "案件已被他人同时更新，请刷新后重试"}
		}
		if err := MoveProjectTally(tx, ProjectKeyOf(&ac.Before), ProjectKeyOf(c)); err != nil {
			return err
		}
		if err := s.recordEvent(tx, ac, from); err != nil {
			return err
		}
		for _, n := range ac.notes {
			if err := notify.Send(tx, s.Settings.Channels, n); err != nil {
				return err
			}
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// recordEvent writes the timeline event and the audit entry for an action.
func (s *Service) recordEvent(tx *gorm.DB, ac *ActionContext, from CaseState) error {
	data := ac.Data
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	ev := &CaseEvent{CaseID: ac.Case.ID, Action: ac.Spec.Name, FromState: from, ToState: ac.Case.State,
		ActorName: ac.Actor.DisplayName, Role: string(ac.Actor.Role), Note: ac.Note, Data: string(raw), Internal: ac.Internal, CreatedAt: ac.Now}
	if ac.Actor.UserID != 0 {
		id := ac.Actor.UserID
		ev.ActorID = &id
	}
	if err := tx.Create(ev).Error; err != nil {
		return err
	}
	return audit.Record(tx, ac.Actor, "case."+ac.Spec.Name, "case", ac.Case.ID, map[string]any{
		"from": from, "to": ac.Case.State, "version": ac.Case.Version, "note": ac.Note, "data": data, "event_id": ev.ID,
	})
}

// Events returns a case's timeline as the actor may see it.
func (s *Service) Events(ctx context.Context, a *org.Actor, caseID int64) ([]CaseEvent, error) {
	if _, err := s.LoadCase(ctx, a, caseID); err != nil {
		return nil, err
	}
	q := s.DB.WithContext(ctx).Where("case_id = ?", caseID)
	if !SeesInternal(a) {
		q = q.Where("internal = ?", false)
	}
	var out []CaseEvent
	if err := q.Order("id").Find(&out).Error; err != nil {
		return nil, err
	}
	if !SeesInternal(a) {
		out = AgencyTimeline(out)
	}
	return out, nil
}

// EventData decodes an event's data.
func (e *CaseEvent) EventData() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal([]byte(e.Data), &m)
	return m
}

func actionList(names []string) string {
	if len(names) == 0 {
		return "无"
	}
	labels := make([]string, len(names))
	for i, n := range names {
		spec, _ := ActionByName(n)
		labels[i] = fmt.Sprintf("%s（%s）", spec.Label, n)
	}
	return strings.Join(labels, "、")
}
