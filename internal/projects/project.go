package projects

import (
	"context"
	"fmt"
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
	"jianyi/internal/platform/files"
)

// ProjectStage is one stage of a project (项目阶段), in order.
type ProjectStage string

// The project stages: 立项 → 策划 → 调查核实 → 制发 → 督促落实 → 总结评估.
const (
	StageInitiation    ProjectStage = "initiation"    // 立项
	StagePlanning      ProjectStage = "planning"      // 策划
	StageInvestigation ProjectStage = "investigation" // 调查核实
	StageIssuance      ProjectStage = "issuance"      // 制发
	StageFollowUp      ProjectStage = "follow_up"     // 督促落实
	StageEvaluation    ProjectStage = "evaluation"    // 总结评估
)

// ProjectStages lists the stages in order.
var ProjectStages = []ProjectStage{StageInitiation, StagePlanning, StageInvestigation, StageIssuance, StageFollowUp, StageEvaluation}

// ProjectStageLabels are the Chinese names of the stages.
var ProjectStageLabels = map[ProjectStage]string{
	StageInitiation: "立项", StagePlanning: "策划", StageInvestigation: "调查核实",
	StageIssuance: "制发", StageFollowUp: "督促落实", StageEvaluation: "总结评估",
}

// Valid reports a known stage.
func (s ProjectStage) Valid() bool { _, ok := ProjectStageLabels[s]; return ok }

func (s ProjectStage) index() int {
	for i, x := range ProjectStages {
		if x == s {
			return i
		}
	}
	return -1
}

// Project statuses.
const (
	ProjectActive    = "active"    // 进行中
	ProjectCompleted = "completed" // 已完成 (the last stage was closed)
)

// Project roles of team members.
const (
	ProjectRoleLead     = "lead"            // 牵头检察官
	ProjectRoleMember   = "member"          // 团队成员
	ProjectRoleExternal = "external_member" // 其他部门成员
	ProjectRoleExpert   = "expert"          // 外部专家: sees only non-internal items
)

// ProjectRoleLabels are the Chinese names of the project roles.
var ProjectRoleLabels = map[string]string{
	ProjectRoleLead: "牵头检察官", ProjectRoleMember: "团队成员", ProjectRoleExternal: "其他部门成员", ProjectRoleExpert: "外部专家",
}

// Task statuses.
const (
	TaskTodo  = "todo"
	TaskDoing = "doing"
	TaskDone  = "done"
)

// Project is a 项目: a major problem tackled by a team through stages, tasks
// and linked cases.
type Project struct {
	ID              int64          `gorm:"primaryKey" json:"id"`
	ProcuratorateID int64          `json:"procuratorate_id"`
	DepartmentID    int64          `json:"department_id"`
	Title           string         `json:"title"`
	Field           string         `json:"field"`
	Problem         string         `json:"problem"`
	Goals           string         `json:"goals"`
	LeadID          int64          `json:"lead_id"`
	Stage           ProjectStage   `json:"stage"`
	Status          string         `json:"status"`
	StartOn         calendar.Date  `json:"start_on"`
	PlannedEndOn    calendar.Date  `json:"planned_end_on"`
	ActualEndOn     *calendar.Date `json:"actual_end_on"`
	Version         int            `json:"version"`
	CreatedBy       int64          `json:"created_by"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// ProjectStageRow is a stage's planned and actual end.
type ProjectStageRow struct {
	ID           int64          `gorm:"primaryKey" json:"-"`
	ProjectID    int64          `json:"-"`
	Stage        ProjectStage   `json:"stage"`
	Seq          int            `json:"seq"`
	PlannedEndOn *calendar.Date `json:"planned_end_on"`
	ActualEndOn  *calendar.Date `json:"actual_end_on"`
}

// TableName pins the table name.
func (ProjectStageRow) TableName() string { return "project_stages" }

// ProjectMember is one person on the team with their role in the project.
type ProjectMember struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	ProjectID   int64     `json:"project_id"`
	UserID      int64     `json:"user_id"`
	ProjectRole string    `json:"project_role"`
	Duty        string    `json:"duty"`
	CreatedAt   time.Time `json:"created_at"`
}

// ProjectTask is one item of 责任分解.
type ProjectTask struct {
	ID          int64          `gorm:"primaryKey" json:"id"`
	ProjectID   int64          `json:"project_id"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	OwnerID     int64          `json:"owner_id"`
	DueOn       calendar.Date  `json:"due_on"`
	Status      string         `json:"status"`
	Internal    bool           `json:"internal"`
	DoneOn      *calendar.Date `json:"done_on"`
	CreatedBy   int64          `json:"created_by"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// ProjectTaskComment is a comment on a task.
type ProjectTaskComment struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	ProjectID  int64     `json:"project_id"`
	TaskID     int64     `json:"task_id"`
	AuthorID   int64     `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// ProjectNote is a milestone note (阶段性成果) with files.
type ProjectNote struct {
	ID        int64        `gorm:"primaryKey" json:"id"`
	ProjectID int64        `json:"project_id"`
	Stage     ProjectStage `json:"stage"`
	Title     string       `json:"title"`
	Body      string       `json:"body"`
	Internal  bool         `json:"internal"`
	AuthorID  int64        `json:"author_id"`
	CreatedAt time.Time    `json:"created_at"`
}

// ProjectEvent is one entry of a project's own timeline.
type ProjectEvent struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	ProjectID int64     `json:"project_id"`
	Action    string    `json:"action"`
	TaskID    *int64    `json:"task_id"`
	CaseID    *int64    `json:"case_id"`
	ActorID   *int64    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Note      string    `json:"note"`
	Internal  bool      `json:"internal"`
	CreatedAt time.Time `json:"created_at"`
}

// Service runs projects.
type Service struct {
	DB       *database.DB
	Channels notify.Channels
	Clock    *calendar.Clock
}

func (s *Service) now() time.Time { return s.Clock.Now() }

// Today is the legal date now.
func (s *Service) Today() calendar.Date { return s.Clock.Today() }

// MemberInput puts a user on the team.
type MemberInput struct {
	UserID      int64  `json:"user_id" validate:"required,gt=0"`
	ProjectRole string `json:"project_role" validate:"required,oneof=member external_member expert"`
	Duty        string `json:"duty" validate:"max=200"`
}

// ProjectInput creates a project.
type ProjectInput struct {
	Title        string                         `json:"title" validate:"required,max=200"`
	Field        string                         `json:"field" validate:"required,max=50"`
	Problem      string                         `json:"problem" validate:"required,max=20000"`
	Goals        string                         `json:"goals" validate:"required,max=20000"`
	LeadID       int64                          `json:"lead_id" validate:"omitempty,gt=0"`
	StartOn      calendar.Date                  `json:"start_on"`
	PlannedEndOn calendar.Date                  `json:"planned_end_on"`
	StagePlan    map[ProjectStage]calendar.Date `json:"stage_plan"`
	Members      []MemberInput                  `json:"members" validate:"max=50,dive"`
}

// ProjectUpdate changes a project's description and plan.
type ProjectUpdate struct {
	Version      int                            `json:"version" validate:"required,gt=0"`
	Title        *string                        `json:"title" validate:"omitempty,min=1,max=200"`
	Problem      *string                        `json:"problem" validate:"omitempty,min=1,max=20000"`
	Goals        *string                        `json:"goals" validate:"omitempty,min=1,max=20000"`
	PlannedEndOn *calendar.Date                 `json:"planned_end_on"`
	StagePlan    map[ProjectStage]calendar.Date `json:"stage_plan"`
}

// validateProjectUser checks a user may join a project team in the role.
func validateProjectUser(tx *gorm.DB, p *Project, userID int64, role string) (*org.User, error) {
	u, err := org.UserByID(tx, userID)
	if err != nil || u.Disabled || !u.Role.IsStaff() || u.Role == org.RoleAdmin {
		return nil, apperr.InvalidField("user_id", "团队成员须为在岗检察人员")
	}
	switch role {
	case ProjectRoleLead:
		if u.ProcuratorateID == nil || *u.ProcuratorateID != p.ProcuratorateID || u.DepartmentID == nil || (u.Role != org.RoleProsecutor && u.Role != org.RoleDeptHead) {
			return nil, apperr.InvalidField("lead_id", "牵头检察官须为本院检察官或部门负责人")
		}
	case ProjectRoleMember:
		if u.ProcuratorateID == nil || *u.ProcuratorateID != p.ProcuratorateID {
			return nil, apperr.InvalidField("user_id", "团队成员须为本院人员；其他院人员请以外部专家身份加入")
		}
	case ProjectRoleExternal:
		if u.ProcuratorateID == nil || *u.ProcuratorateID != p.ProcuratorateID || (u.DepartmentID != nil && *u.DepartmentID == p.DepartmentID) {
			return nil, apperr.InvalidField("user_id", "“其他部门成员”须为本院其他部门的人员")
		}
	case ProjectRoleExpert:
	default:
		return nil, apperr.InvalidField("project_role", "未知的项目角色")
	}
	return u, nil
}

// CreateProject starts a project in the actor's procuratorate at stage 立项.
func (s *Service) CreateProject(ctx context.Context, a *org.Actor, in ProjectInput) (*Project, error) {
	if err := checkProjectInput(a, in); err != nil {
		return nil, err
	}
	var out *Project
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, err := s.createProject(tx, a, in)
		out = p
		return err
	})
	return out, err
}

// checkProjectInput checks the actor may start a project and the input
// holds together.
func checkProjectInput(a *org.Actor, in ProjectInput) error {
	if !CanCreateProject(a) {
		return apperr.Forbidden("只有检察官、部门负责人或检察长可以创建项目")
	}
	fields := map[string]string{}
	if strings.TrimSpace(in.Title) == "" {
		fields["title"] = "标题不能为空"
	}
	if in.StartOn.IsZero() {
		fields["start_on"] = "请填写开始日期"
	}
	if in.PlannedEndOn.IsZero() {
		fields["planned_end_on"] = "请填写计划完成日期"
	} else if !in.StartOn.IsZero() && in.PlannedEndOn.Before(in.StartOn) {
		fields["planned_end_on"] = "计划完成日期不能早于开始日期"
	}
	for st := range in.StagePlan {
		if !st.Valid() {
			fields["stage_plan"] = "未知的项目阶段：" + string(st)
		}
	}
	if len(fields) > 0 {
		return apperr.Invalid("项目信息有误，请按字段提示修改", fields)
	}
	return nil
}

// createProject writes a new project, its stages, team and audit entry in
// the caller's transaction (CreateProject checked the input).
func (s *Service) createProject(tx *gorm.DB, a *org.Actor, in ProjectInput) (*Project, error) {
	now := s.now()
	leadID := in.LeadID
	if leadID == 0 {
		if a.Role == org.RoleChief {
			return nil, apperr.InvalidField("lead_id", "请指定牵头检察官")
		}
		leadID = a.UserID
	}
	p := &Project{ProcuratorateID: a.ProcuratorateID, Title: strings.TrimSpace(in.Title), Field: in.Field, Problem: in.Problem,
		Goals: in.Goals, LeadID: leadID, Stage: StageInitiation, Status: ProjectActive, StartOn: in.StartOn,
		PlannedEndOn: in.PlannedEndOn, Version: 1, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	lead, err := validateProjectUser(tx, p, leadID, ProjectRoleLead)
	if err != nil {
		return nil, err
	}
	p.DepartmentID = *lead.DepartmentID
	if err := tx.Create(p).Error; err != nil {
		return nil, err
	}
	if err := tx.Create(&cases.ProjectCaseCounts{ProjectID: p.ID}).Error; err != nil {
		return nil, err
	}
	for i, st := range ProjectStages {
		row := &ProjectStageRow{ProjectID: p.ID, Stage: st, Seq: i + 1}
		if d, ok := in.StagePlan[st]; ok && !d.IsZero() {
			row.PlannedEndOn = &d
		}
		if err := tx.Create(row).Error; err != nil {
			return nil, err
		}
	}
	if err := tx.Create(&ProjectMember{ProjectID: p.ID, UserID: leadID, ProjectRole: ProjectRoleLead, Duty: "牵头", CreatedAt: now}).Error; err != nil {
		return nil, err
	}
	for i, m := range in.Members {
		if m.UserID == leadID {
			continue
		}
		if _, err := validateProjectUser(tx, p, m.UserID, m.ProjectRole); err != nil {
			return nil, withFieldPrefix(err, fmt.Sprintf("members[%d].", i))
		}
		if err := tx.Create(&ProjectMember{ProjectID: p.ID, UserID: m.UserID, ProjectRole: m.ProjectRole, Duty: m.Duty, CreatedAt: now}).Error; err != nil {
			return nil, database.UniqueOr(err, fmt.Sprintf("members[%d].user_id", i), "同一人员不能重复加入团队")
		}
	}
	if err := s.event(tx, a, p.ID, "create", nil, nil, "立项："+p.Title, false); err != nil {
		return nil, err
	}
	return p, audit.Record(tx, a, "project.create", "project", p.ID, map[string]any{"after": p, "members": in.Members})
}

// withFieldPrefix moves per-field messages under a prefix (members[0].user_id).
func withFieldPrefix(err error, prefix string) error {
	e, ok := err.(*apperr.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	cp := *e
	cp.Fields = map[string]string{}
	for k, v := range e.Fields {
		cp.Fields[prefix+k] = v
	}
	return &cp
}

// event appends to the project timeline.
func (s *Service) event(tx *gorm.DB, a *org.Actor, projectID int64, action string, taskID, caseID *int64, note string, internal bool) error {
	ev := &ProjectEvent{ProjectID: projectID, Action: action, TaskID: taskID, CaseID: caseID, ActorName: a.DisplayName, Note: note, Internal: internal, CreatedAt: s.now()}
	if a.UserID != 0 {
		id := a.UserID
		ev.ActorID = &id
	}
	return tx.Create(ev).Error
}

// ProjectDetail is a project as one actor sees it.
type ProjectDetail struct {
	Project
	StageLabel string              `json:"stage_label"`
	Access     ProjectAccess       `json:"access"`
	Stages     []ProjectStageRow   `json:"stages"`
	Members    []ProjectMemberView `json:"members"`
	Tasks      []ProjectTask       `json:"tasks"`
	Notes      []ProjectNoteView   `json:"notes"`
	Cases      []ProjectCaseView   `json:"cases"`
	Progress   ProjectProgress     `json:"progress"`
}

// ProjectMemberView names a member.
type ProjectMemberView struct {
	ProjectMember
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	RoleLabel   string `json:"project_role_label"`
}

// ProjectNoteView is a note with its files.
type ProjectNoteView struct {
	ProjectNote
	Files []files.StoredFile `json:"files"`
}

// ProjectCaseView is a linked case in brief.
type ProjectCaseView struct {
	ID             int64           `json:"id"`
	Title          string          `json:"title"`
	DocumentNumber *string         `json:"document_number"`
	State          cases.CaseState `json:"state"`
	StateLabel     string          `json:"state_label"`
	ReplyClass     string          `json:"reply_class"`
	Rectification  string          `json:"rectification"`
	Credit         float64         `json:"progress_credit"`
}

// GetProject returns the project with its team, stages, tasks, notes, linked
// cases and derived progress, leaving out internal items for experts and
// non-members.
func (s *Service) GetProject(ctx context.Context, a *org.Actor, id int64) (*ProjectDetail, error) {
	tx := s.DB.WithContext(ctx)
	p, acc, err := loadProjectAccess(tx, a, id)
	if err != nil {
		return nil, err
	}
	d := &ProjectDetail{Project: *p, StageLabel: ProjectStageLabels[p.Stage], Access: acc}
	internal := acc.SeesInternal()
	if err := tx.Where("project_id = ?", id).Order("seq").Find(&d.Stages).Error; err != nil {
		return nil, err
	}
	if err := tx.Model(&ProjectMember{}).Select("project_members.*, users.username, users.display_name").
		Joins("JOIN users ON users.id = project_members.user_id").Where("project_members.project_id = ?", id).
		Order("project_members.id").Scan(&d.Members).Error; err != nil {
		return nil, err
	}
	for i := range d.Members {
		d.Members[i].RoleLabel = ProjectRoleLabels[d.Members[i].ProjectRole]
	}
	tq := tx.Where("project_id = ?", id)
	if !internal {
		tq = tq.Where("internal = ?", false)
	}
	if err := tq.Order("due_on, id").Find(&d.Tasks).Error; err != nil {
		return nil, err
	}
	var notes []ProjectNote
	nq := tx.Where("project_id = ?", id)
	if !internal {
		nq = nq.Where("internal = ?", false)
	}
	if err := nq.Order("id").Find(&notes).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(notes))
	for i := range notes {
		ids[i] = notes[i].ID
	}
	uploads, err := files.FileMeta(tx, "project_note", ids, internal)
	if err != nil {
		return nil, err
	}
	d.Notes = make([]ProjectNoteView, len(notes))
	for i := range notes {
		d.Notes[i] = ProjectNoteView{ProjectNote: notes[i], Files: []files.StoredFile{}}
		for _, f := range uploads {
			if f.OwnerID == notes[i].ID {
				d.Notes[i].Files = append(d.Notes[i].Files, f)
			}
		}
	}
	if d.Cases, err = linkedCases(tx, id, s.Clock); err != nil {
		return nil, err
	}
	prog, err := ProjectProgressOf(tx, []int64{id}, s.Today())
	if err != nil {
		return nil, err
	}
	d.Progress = prog[id]
	return d, nil
}

// UpdateProject changes the description and the plan (managers only).
func (s *Service) UpdateProject(ctx context.Context, a *org.Actor, id int64, in ProjectUpdate) (*Project, error) {
	var out *Project
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, id)
		if err != nil {
			return err
		}
		if !acc.CanManage() {
			return apperr.Forbidden("只有牵头检察官、部门负责人或检察长可以修改项目")
		}
		if p.Version != in.Version {
			return staleProject(p.Version, in.Version)
		}
		before := *p
		if in.Title != nil {
			if strings.TrimSpace(*in.Title) == "" {
				return apperr.InvalidField("title", "标题不能为空")
			}
			p.Title = strings.TrimSpace(*in.Title)
		}
		if in.Problem != nil {
			p.Problem = *in.Problem
		}
		if in.Goals != nil {
			p.Goals = *in.Goals
		}
		if in.PlannedEndOn != nil && !in.PlannedEndOn.IsZero() {
			if in.PlannedEndOn.Before(p.StartOn) {
				return apperr.InvalidField("planned_end_on", "计划完成日期不能早于开始日期")
			}
			p.PlannedEndOn = *in.PlannedEndOn
		}
		for st, d := range in.StagePlan {
			if !st.Valid() {
				return apperr.InvalidField("stage_plan", "未知的项目阶段："+string(st))
			}
			var dv *calendar.Date
			if !d.IsZero() {
				dd := d
				dv = &dd
			}
			if err := tx.Model(&ProjectStageRow{}).Where("project_id = ? AND stage = ?", p.ID, st).Update("planned_end_on", dv).Error; err != nil {
				return err
			}
		}
		if err := s.saveVersioned(tx, p, in.Version); err != nil {
			return err
		}
		if err := s.event(tx, a, p.ID, "update", nil, nil, "修改项目信息", true); err != nil {
			return err
		}
		out = p
		return audit.Record(tx, a, "project.update", "project", p.ID, map[string]any{"before": before, "after": p, "stage_plan": in.StagePlan})
	})
	return out, err
}

func staleProject(current, sent int) error {
	return &apperr.Error{Kind: apperr.ErrConflict, Code: "stale_version",
		Message: fmt.Sprintf("项目已被他人更新（当前版本 %d，提交版本 %d），请刷新后重试", current, sent),
		Details: map[string]any{"current_version": current}}
}

// saveVersioned writes the project with its version bumped, only if nobody
// else changed it meanwhile.
func (s *Service) saveVersioned(tx *gorm.DB, p *Project, version int) error {
	p.Version = version + 1
	p.UpdatedAt = s.now()
	res := tx.Model(&Project{}).Where("id = ? AND version = ?", p.ID, version).Select("*").Omit("id", "created_at", "created_by").Updates(p)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return staleProject(p.Version, version)
	}
	return nil
}

// AdvanceStage closes the current stage today and opens the next; closing
// 总结评估 completes the project.
func (s *Service) AdvanceStage(ctx context.Context, a *org.Actor, id int64, version int, note string) (*Project, error) {
	var out *Project
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, id)
		if err != nil {
			return err
		}
		if !acc.CanManage() {
			return apperr.Forbidden("只有牵头检察官、部门负责人或检察长可以推进项目阶段")
		}
		if p.Version != version {
			return staleProject(p.Version, version)
		}
		if p.Status == ProjectCompleted {
			return apperr.Conflict("project_completed", "项目已完成，不能再推进阶段")
		}
		today := s.Today()
		from := p.Stage
		if err := tx.Model(&ProjectStageRow{}).Where("project_id = ? AND stage = ?", p.ID, from).Update("actual_end_on", today).Error; err != nil {
			return err
		}
		i := from.index()
		msg := fmt.Sprintf("“%s”阶段完成", ProjectStageLabels[from])
		if i == len(ProjectStages)-1 {
			p.Status = ProjectCompleted
			p.ActualEndOn = &today
			msg += "，项目完成"
		} else {
			p.Stage = ProjectStages[i+1]
			msg += fmt.Sprintf("，进入“%s”阶段", ProjectStageLabels[p.Stage])
		}
		if note != "" {
			msg += "：" + note
		}
		if err := s.saveVersioned(tx, p, version); err != nil {
			return err
		}
		if err := s.event(tx, a, p.ID, "advance_stage", nil, nil, msg, false); err != nil {
			return err
		}
		out = p
		return audit.Record(tx, a, "project.advance_stage", "project", p.ID, map[string]any{"from": from, "to": p.Stage, "status": p.Status, "note": note})
	})
	return out, err
}

// AddMember puts a user on the team (managers only).
func (s *Service) AddMember(ctx context.Context, a *org.Actor, id int64, in MemberInput) (*ProjectMember, error) {
	var out *ProjectMember
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, id)
		if err != nil {
			return err
		}
		if !acc.CanManage() {
			return apperr.Forbidden("只有牵头检察官、部门负责人或检察长可以调整团队")
		}
		u, err := validateProjectUser(tx, p, in.UserID, in.ProjectRole)
		if err != nil {
			return err
		}
		m := &ProjectMember{ProjectID: p.ID, UserID: in.UserID, ProjectRole: in.ProjectRole, Duty: in.Duty, CreatedAt: s.now()}
		if err := tx.Create(m).Error; err != nil {
			return database.UniqueOr(err, "user_id", "该人员已在团队中")
		}
		if err := s.event(tx, a, p.ID, "add_member", nil, nil, fmt.Sprintf("%s以“%s”身份加入团队", u.DisplayName, ProjectRoleLabels[in.ProjectRole]), false); err != nil {
			return err
		}
		out = m
		return audit.Record(tx, a, "project.add_member", "project", p.ID, map[string]any{"member": m})
	})
	return out, err
}

// RemoveMember takes a user off the team; the lead stays (change the lead by
// editing the project instead).
func (s *Service) RemoveMember(ctx context.Context, a *org.Actor, id, userID int64) error {
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, id)
		if err != nil {
			return err
		}
		if !acc.CanManage() {
			return apperr.Forbidden("只有牵头检察官、部门负责人或检察长可以调整团队")
		}
		if userID == p.LeadID {
			return apperr.Conflict("lead_cannot_leave", "牵头检察官不能移出团队")
		}
		var open int64
		if err := tx.Model(&ProjectTask{}).Where("project_id = ? AND owner_id = ? AND status <> ?", p.ID, userID, TaskDone).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return apperr.Conflict("member_has_open_tasks", fmt.Sprintf("该成员还有 %d 项未完成的任务，请先调整任务负责人", open))
		}
		res := tx.Where("project_id = ? AND user_id = ?", p.ID, userID).Delete(&ProjectMember{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.NotFound("团队成员")
		}
		if err := s.event(tx, a, p.ID, "remove_member", nil, nil, "移出团队成员", false); err != nil {
			return err
		}
		return audit.Record(tx, a, "project.remove_member", "project", p.ID, map[string]any{"user_id": userID})
	})
}

// CreateProjectFromCases starts a project and links the given cases to it
// in one transaction (the analysis page's "以这些案件立项"): either the
// project exists with every case linked, or nothing was written.
func (s *Service) CreateProjectFromCases(ctx context.Context, a *org.Actor, in ProjectInput, caseIDs []int64) (*Project, error) {
	if err := checkProjectInput(a, in); err != nil {
		return nil, err
	}
	if len(caseIDs) == 0 {
		return nil, apperr.InvalidField("case_ids", "请选择至少一件案件")
	}
	var out *Project
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, err := s.createProject(tx, a, in)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for i, id := range caseIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			if err := s.linkCase(tx, a, p, id, fmt.Sprintf("case_ids[%d]", i)); err != nil {
				return err
			}
		}
		out = p
		return nil
	})
	return out, err
}
