package projects

import (
	"context"
	"fmt"
	"sort"
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

// TaskInput creates a task (责任分解).
type TaskInput struct {
	Title       string        `json:"title" validate:"required,max=200"`
	Description string        `json:"description" validate:"max=5000"`
	OwnerID     int64         `json:"owner_id" validate:"required,gt=0"`
	DueOn       calendar.Date `json:"due_on"`
	Internal    bool          `json:"internal"`
}

// TaskUpdate changes a task's status, owner or due date.
type TaskUpdate struct {
	Status  string        `json:"status" validate:"omitempty,oneof=todo doing done"`
	OwnerID int64         `json:"owner_id" validate:"omitempty,gt=0"`
	DueOn   calendar.Date `json:"due_on"`
	Note    string        `json:"note" validate:"max=2000"`
}

// TaskStatusLabels are the Chinese names of task statuses.
var TaskStatusLabels = map[string]string{TaskTodo: "未开始", TaskDoing: "进行中", TaskDone: "已完成"}

func (s *Service) requireTeamMember(tx *gorm.DB, projectID, userID int64, field string) error {
	var n int64
	if err := tx.Model(&ProjectMember{}).Where("project_id = ? AND user_id = ?", projectID, userID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField(field, "任务负责人须为项目团队成员")
	}
	return nil
}

// CreateTask adds a task; team members (not outside experts) may do so.
func (s *Service) CreateTask(ctx context.Context, a *org.Actor, projectID int64, in TaskInput) (*ProjectTask, error) {
	if in.DueOn.IsZero() {
		return nil, apperr.InvalidField("due_on", "请填写完成期限")
	}
	if strings.TrimSpace(in.Title) == "" {
		return nil, apperr.InvalidField("title", "任务名称不能为空")
	}
	var out *ProjectTask
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, projectID)
		if err != nil {
			return err
		}
		if !acc.CanWork() {
			return apperr.Forbidden("只有项目团队成员可以分解任务")
		}
		if p.Status == ProjectCompleted {
			return apperr.Conflict("project_completed", "项目已完成，不能新增任务")
		}
		if err := s.requireTeamMember(tx, p.ID, in.OwnerID, "owner_id"); err != nil {
			return err
		}
		now := s.now()
		t := &ProjectTask{ProjectID: p.ID, Title: strings.TrimSpace(in.Title), Description: in.Description, OwnerID: in.OwnerID,
			DueOn: in.DueOn, Status: TaskTodo, Internal: in.Internal, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		if err := s.event(tx, a, p.ID, "task_create", &t.ID, nil, fmt.Sprintf("新增任务“%s”，期限 %s", t.Title, t.DueOn), t.Internal); err != nil {
			return err
		}
		if t.OwnerID != a.UserID {
			if err := notify.Send(tx, s.Channels, notify.Spec{UserIDs: []int64{t.OwnerID}, Kind: "project_task_assigned",
				Title: "项目任务：" + t.Title, Body: fmt.Sprintf("项目“%s”分配给您的任务“%s”，期限 %s。", p.Title, t.Title, t.DueOn.Chinese())}); err != nil {
				return err
			}
		}
		out = t
		return audit.Record(tx, a, "project.task_create", "project_task", t.ID, map[string]any{"project_id": p.ID, "after": t})
	})
	return out, err
}

// UpdateTask changes a task. Team members may change any task; an outside
// expert only the status of a task they own.
func (s *Service) UpdateTask(ctx context.Context, a *org.Actor, projectID, taskID int64, in TaskUpdate) (*ProjectTask, error) {
	var out *ProjectTask
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, t, err := loadTask(tx, a, projectID, taskID)
		if err != nil {
			return err
		}
		owns := t.OwnerID == a.UserID
		switch {
		case acc.CanWork():
		case acc == ProjectExpert && owns && in.OwnerID == 0 && in.DueOn.IsZero():
		default:
			return apperr.Forbidden("无权修改该任务")
		}
		before := *t
		var changes []string
		if in.Status != "" && in.Status != t.Status {
			changes = append(changes, fmt.Sprintf("状态：%s → %s", TaskStatusLabels[t.Status], TaskStatusLabels[in.Status]))
			t.Status = in.Status
			if t.Status == TaskDone {
				today := s.Today()
				t.DoneOn = &today
			} else {
				t.DoneOn = nil
			}
		}
		if in.OwnerID != 0 && in.OwnerID != t.OwnerID {
			if err := s.requireTeamMember(tx, p.ID, in.OwnerID, "owner_id"); err != nil {
				return err
			}
			changes = append(changes, "更换负责人")
			t.OwnerID = in.OwnerID
		}
		if !in.DueOn.IsZero() && in.DueOn != t.DueOn {
			changes = append(changes, fmt.Sprintf("期限：%s → %s", t.DueOn, in.DueOn))
			t.DueOn = in.DueOn
		}
		if len(changes) == 0 {
			return apperr.InvalidField("status", "没有需要修改的内容")
		}
		t.UpdatedAt = s.now()
		if err := tx.Save(t).Error; err != nil {
			return err
		}
		note := fmt.Sprintf("任务“%s”：%s", t.Title, strings.Join(changes, "；"))
		if in.Note != "" {
			note += "。" + in.Note
		}
		if err := s.event(tx, a, p.ID, "task_update", &t.ID, nil, note, t.Internal); err != nil {
			return err
		}
		out = t
		return audit.Record(tx, a, "project.task_update", "project_task", t.ID, map[string]any{"project_id": p.ID, "before": before, "after": t})
	})
	return out, err
}

// CommentInput is a comment on a task.
type CommentInput struct {
	Body string `json:"body" validate:"required,max=5000"`
}

// AddTaskComment comments on a task (team members and experts).
func (s *Service) AddTaskComment(ctx context.Context, a *org.Actor, projectID, taskID int64, in CommentInput) (*ProjectTaskComment, error) {
	if strings.TrimSpace(in.Body) == "" {
		return nil, apperr.InvalidField("body", "评论内容不能为空")
	}
	var out *ProjectTaskComment
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, t, err := loadTask(tx, a, projectID, taskID)
		if err != nil {
			return err
		}
		if !acc.CanComment() {
			return apperr.Forbidden("只有项目团队成员可以评论任务")
		}
		c := &ProjectTaskComment{ProjectID: p.ID, TaskID: t.ID, AuthorID: a.UserID, AuthorName: a.DisplayName, Body: in.Body, CreatedAt: s.now()}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		if err := s.event(tx, a, p.ID, "task_comment", &t.ID, nil, fmt.Sprintf("评论任务“%s”", t.Title), t.Internal); err != nil {
			return err
		}
		out = c
		return audit.Record(tx, a, "project.task_comment", "project_task", t.ID, map[string]any{"project_id": p.ID, "comment_id": c.ID})
	})
	return out, err
}

// TaskComments lists a task's comments.
func (s *Service) TaskComments(ctx context.Context, a *org.Actor, projectID, taskID int64) ([]ProjectTaskComment, error) {
	tx := s.DB.WithContext(ctx)
	if _, _, _, err := loadTask(tx, a, projectID, taskID); err != nil {
		return nil, err
	}
	var out []ProjectTaskComment
	err := tx.Where("task_id = ?", taskID).Order("id").Find(&out).Error
	return out, err
}

// NoteInput is a milestone note; its files come with the multipart request.
type NoteInput struct {
	Stage    ProjectStage
	Title    string
	Body     string
	Internal bool
	Files    []files.Upload
}

// AddNote records a milestone note with files (team members).
func (s *Service) AddNote(ctx context.Context, a *org.Actor, projectID int64, in NoteInput) (*ProjectNoteView, error) {
	fields := map[string]string{}
	if strings.TrimSpace(in.Title) == "" || len([]rune(in.Title)) > 200 {
		fields["title"] = "标题不能为空且不超过200字"
	}
	if len([]rune(in.Body)) > 20000 {
		fields["body"] = "内容不能超过20000字"
	}
	if in.Stage != "" && !in.Stage.Valid() {
		fields["stage"] = "未知的项目阶段"
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid("成果记录有误，请按字段提示修改", fields)
	}
	var out *ProjectNoteView
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, projectID)
		if err != nil {
			return err
		}
		if !acc.CanWork() {
			return apperr.Forbidden("只有项目团队成员可以记录阶段成果")
		}
		stage := in.Stage
		if stage == "" {
			stage = p.Stage
		}
		n := &ProjectNote{ProjectID: p.ID, Stage: stage, Title: strings.TrimSpace(in.Title), Body: in.Body, Internal: in.Internal, AuthorID: a.UserID, CreatedAt: s.now()}
		if err := tx.Create(n).Error; err != nil {
			return err
		}
		ids, err := files.StoreUploads(tx, a.UserID, 0, "project_note", n.ID, in.Internal, in.Files)
		if err != nil {
			return err
		}
		files, err := files.FileMeta(tx, "project_note", []int64{n.ID}, true)
		if err != nil {
			return err
		}
		if err := s.event(tx, a, p.ID, "note", nil, nil, fmt.Sprintf("记录阶段成果“%s”（附件 %d 个）", n.Title, len(ids)), n.Internal); err != nil {
			return err
		}
		out = &ProjectNoteView{ProjectNote: *n, Files: files}
		return audit.Record(tx, a, "project.note", "project", p.ID, map[string]any{"note_id": n.ID, "file_ids": ids, "internal": n.Internal})
	})
	return out, err
}

// LoadNoteFile returns a milestone note's file the actor may read.
func (s *Service) LoadNoteFile(ctx context.Context, a *org.Actor, projectID, fileID int64) (*files.StoredFile, error) {
	tx := s.DB.WithContext(ctx)
	_, acc, err := loadProjectAccess(tx, a, projectID)
	if err != nil {
		return nil, err
	}
	var f files.StoredFile
	if err := tx.Where("id = ? AND owner_type = ?", fileID, "project_note").Take(&f).Error; err != nil {
		return nil, database.NotFoundOr(err, "附件")
	}
	var n ProjectNote
	if err := tx.Where("id = ? AND project_id = ?", f.OwnerID, projectID).Take(&n).Error; err != nil {
		return nil, database.NotFoundOr(err, "附件")
	}
	if (f.Internal || n.Internal) && !acc.SeesInternal() {
		return nil, apperr.NotFound("附件")
	}
	return &f, nil
}

// LinkCase puts a case into the project. A case belongs to at most one
// project, and only cases of the project's procuratorate may join.
func (s *Service) LinkCase(ctx context.Context, a *org.Actor, projectID, caseID int64) error {
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, projectID)
		if err != nil {
			return err
		}
		if !acc.CanManage() {
			return apperr.Forbidden("只有牵头检察官、部门负责人或检察长可以关联案件")
		}
		return s.linkCase(tx, a, p, caseID, "case_id")
	})
}

// linkCase puts a case into the project in the caller's transaction; field
// names the input the case id came from, for the error.
func (s *Service) linkCase(tx *gorm.DB, a *org.Actor, p *Project, caseID int64, field string) error {
	var c cases.Case
	if err := tx.First(&c, caseID).Error; err != nil || !cases.CanReadCase(a, &c) {
		return apperr.InvalidField(field, "案件不存在或无权查看")
	}
	if !CanLinkCaseToProject(a, p, &c) {
		return apperr.Conflict("case_other_procuratorate", "只能关联本院办理的案件")
	}
	if c.ProjectID != nil {
		if *c.ProjectID == p.ID {
			return apperr.Conflict("case_already_linked", "该案件已关联本项目")
		}
		return inOtherProject(tx, &c)
	}
	res := tx.Model(&cases.Case{}).Where("id = ? AND project_id IS NULL", c.ID).Update("project_id", p.ID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		if err := tx.First(&c, caseID).Error; err != nil {
			return err
		}
		return inOtherProject(tx, &c)
	}
	// The case was read without a lock: its state may have moved since.
	key, err := cases.CurrentProjectKey(tx, c.ID)
	if err != nil {
		return err
	}
	if err := cases.MoveProjectTally(tx, cases.ProjectKey{State: key.State, Rectification: key.Rectification}, key); err != nil {
		return err
	}
	if err := cases.AddCaseEvent(tx, a, &c, "project_link", "纳入项目“"+p.Title+"”", true, map[string]any{"project_id": p.ID}); err != nil {
		return err
	}
	if err := s.event(tx, a, p.ID, "case_link", nil, &c.ID, "关联案件“"+c.Title+"”", false); err != nil {
		return err
	}
	return audit.Record(tx, a, "project.case_link", "project", p.ID, map[string]any{"case_id": c.ID})
}

// inOtherProject is the conflict of a case already in another project, naming
// the case and that project so the user knows which to take out where.
func inOtherProject(tx *gorm.DB, c *cases.Case) error {
	var other Project
	name := "其他项目"
	if c.ProjectID != nil && tx.Select("id", "title").First(&other, *c.ProjectID).Error == nil {
		name = "项目“" + other.Title + "”"
	}
	return apperr.Conflict("case_in_other_project", "案件“"+c.Title+"”已关联"+name+"，一件案件只能属于一个项目")
}

// UnlinkCase takes a case out of the project.
func (s *Service) UnlinkCase(ctx context.Context, a *org.Actor, projectID, caseID int64) error {
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		p, acc, err := loadProjectAccess(tx, a, projectID)
		if err != nil {
			return err
		}
		if !acc.CanManage() {
			return apperr.Forbidden("只有牵头检察官、部门负责人或检察长可以取消关联案件")
		}
		var c cases.Case
		if err := tx.Where("id = ? AND project_id = ?", caseID, p.ID).Take(&c).Error; err != nil {
			return database.NotFoundOr(err, "关联案件")
		}
		res := tx.Model(&cases.Case{}).Where("id = ? AND project_id = ?", c.ID, p.ID).Update("project_id", nil)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("case_not_linked", "该案件已不在本项目中，请刷新后重试")
		}
		// The case was read without a lock: its state may have moved since.
		key, err := cases.CurrentProjectKey(tx, c.ID)
		if err != nil {
			return err
		}
		if err := cases.MoveProjectTally(tx, cases.ProjectKey{ProjectID: &p.ID, State: key.State, Rectification: key.Rectification}, key); err != nil {
			return err
		}
		if err := cases.AddCaseEvent(tx, a, &c, "project_unlink", "移出项目“"+p.Title+"”", true, map[string]any{"project_id": p.ID}); err != nil {
			return err
		}
		if err := s.event(tx, a, p.ID, "case_unlink", nil, &c.ID, "取消关联案件“"+c.Title+"”", false); err != nil {
			return err
		}
		return audit.Record(tx, a, "project.case_unlink", "project", p.ID, map[string]any{"case_id": c.ID})
	})
}

// TimelineEntry is one line of the merged project timeline.
type TimelineEntry struct {
	Source    string    `json:"source"` // "project" or "case"
	Action    string    `json:"action"`
	TaskID    *int64    `json:"task_id,omitempty"`
	CaseID    *int64    `json:"case_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Note      string    `json:"note"`
	Internal  bool      `json:"internal"`
	At        time.Time `json:"at"`
}

// Timeline merges the project's own events (tasks, stages, notes, team) with
// the linked cases' events, newest first, at most limit entries; internal
// entries are left out for experts and readers outside the team.
func (s *Service) Timeline(ctx context.Context, a *org.Actor, projectID int64, limit int) ([]TimelineEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	tx := s.DB.WithContext(ctx)
	_, acc, err := loadProjectAccess(tx, a, projectID)
	if err != nil {
		return nil, err
	}
	var pev []ProjectEvent
	q := tx.Where("project_id = ?", projectID)
	if !acc.SeesInternal() {
		q = q.Where("internal = ?", false)
	}
	if err := q.Order("id DESC").Limit(limit).Find(&pev).Error; err != nil {
		return nil, err
	}
	var cev []cases.CaseEvent
	cq := tx.Where("case_id IN (SELECT id FROM cases WHERE project_id = ?)", projectID)
	if !acc.SeesInternal() {
		cq = cq.Where("internal = ?", false)
	}
	if err := cq.Order("id DESC").Limit(limit).Find(&cev).Error; err != nil {
		return nil, err
	}
	out := make([]TimelineEntry, 0, len(pev)+len(cev))
	for _, e := range pev {
		out = append(out, TimelineEntry{Source: "project", Action: e.Action, TaskID: e.TaskID, CaseID: e.CaseID, ActorName: e.ActorName, Note: e.Note, Internal: e.Internal, At: e.CreatedAt})
	}
	for i := range cev {
		e := cev[i]
		if !CaseEventVisibleInProject(acc, &e) {
			continue
		}
		note := e.Note
		if spec, ok := cases.ActionByName(e.Action); ok && note == "" {
			note = spec.Label
		}
		cid := e.CaseID
		out = append(out, TimelineEntry{Source: "case", Action: e.Action, CaseID: &cid, ActorName: e.ActorName, Note: note, Internal: e.Internal, At: e.CreatedAt})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
