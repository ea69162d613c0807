package applications

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
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
	"jianyi/internal/platform/packed"
	"jianyi/internal/redact"
)

// ApplicationListQuery filters the staff list of applications.
type ApplicationListQuery struct {
	Status    string
	Duplicate bool
	Cursor    int64
	Limit     int
	// Summary reads only ApplicationSummaryColumns (the API's list items);
	// the other fields are left zero, the ID number included.
	Summary bool
}

// ApplicationSummaryColumns are what an application list item is made of
// (handlers.ApplicationListItem): who asked about what, its status and
// deadlines — not the contact data, the ID number or the long answers,
// which the detail view gives. On SQLite each cell read costs.
var ApplicationSummaryColumns = []string{"id", "tracking_no", "procuratorate_id", "applicant_name", "problem", "agency_name",
	"agency_id", "status", "version", "submitted_on", "answer_due", "answered_on", "result_due", "next_update_due", "decided_on",
	"case_id", "duplicate_of", "created_at"}

// findSummaries runs a list statement reading ApplicationSummaryColumns,
// scanned by hand: gorm's reflection per cell was a third of the list's
// CPU on MySQL.
func findSummaries(tx *gorm.DB, limit int) ([]Application, error) {
	var (
		a                                               Application
		agencyID, caseID, duplicateOf                   sql.NullInt64
		answeredOn, resultDue, nextUpdateDue, decidedOn calendar.Date
	)
	dest := []any{&a.ID, &a.TrackingNo, &a.ProcuratorateID, &a.ApplicantName, &a.Problem, &a.AgencyName, &agencyID,
		(*string)(&a.Status), &a.Version, &a.SubmittedOn, &a.AnswerDue, &answeredOn, &resultDue, &nextUpdateDue, &decidedOn,
		&caseID, &duplicateOf, &a.CreatedAt}
	out := make([]Application, 0, limit)
	err := database.ScanEach(tx, dest, func() error {
		a.AgencyID, a.CaseID, a.DuplicateOf = cases.Nullable(agencyID.Int64, agencyID.Valid), cases.Nullable(caseID.Int64, caseID.Valid),
			cases.Nullable(duplicateOf.Int64, duplicateOf.Valid)
		a.AnsweredOn, a.ResultDue, a.NextUpdateDue, a.DecidedOn = cases.OptDate(answeredOn), cases.OptDate(resultDue),
			cases.OptDate(nextUpdateDue), cases.OptDate(decidedOn)
		out = append(out, a)
		return nil
	})
	return out, err
}

// summaryPackedColumns are ApplicationSummaryColumns as SQLite reads them:
// the numbers, codes, dates and the time packed in one text (CONCAT_WS
// with CHAR(31), NULL as "", the timestamp as its stored text), the free
// texts apart. The pure-Go driver fetches each cell through several calls
// and parses each timestamp itself: 18 cells a row were two thirds of the
// driver's share of the list (as in cases' casePackedColumns).
var summaryPackedColumns = []string{"CONCAT_WS(CHAR(31), id, procuratorate_id, COALESCE(agency_id, ''), status, version, " +
	"submitted_on, answer_due, COALESCE(answered_on, ''), COALESCE(result_due, ''), COALESCE(next_update_due, ''), " +
	"COALESCE(decided_on, ''), COALESCE(case_id, ''), COALESCE(duplicate_of, ''), CAST(created_at AS TEXT))",
	"tracking_no", "applicant_name", "problem", "agency_name"}

// summaryPackedFields is the number of fields packed in summaryPackedColumns[0].
const summaryPackedFields = 14

// findPackedSummaries runs a list statement reading summaryPackedColumns.
func findPackedSummaries(tx *gorm.DB, limit int) ([]Application, error) {
	var (
		a   Application
		row string
		f   [summaryPackedFields]string
	)
	dest := []any{&row, &a.TrackingNo, &a.ApplicantName, &a.Problem, &a.AgencyName}
	out := make([]Application, 0, limit)
	err := database.ScanEach(tx, dest, func() error {
		if !packed.Split(row, f[:]) {
			return fmt.Errorf("applications: an application read as %q, not %d fields", row, len(f))
		}
		var p packed.Parser
		a.ID, a.ProcuratorateID, a.AgencyID, a.Status, a.Version = p.ID(f[0]), p.ID(f[1]), p.OptID(f[2]), ApplicationStatus(f[3]), int(p.ID(f[4]))
		a.SubmittedOn, a.AnswerDue, a.AnsweredOn, a.ResultDue = p.Date(f[5]), p.Date(f[6]), p.OptDate(f[7]), p.OptDate(f[8])
		a.NextUpdateDue, a.DecidedOn, a.CaseID, a.DuplicateOf = p.OptDate(f[9]), p.OptDate(f[10]), p.OptID(f[11]), p.OptID(f[12])
		a.CreatedAt = time.Time{}
		if t := p.Instant(f[13]); t != nil {
			a.CreatedAt = *t
		}
		if p.Err != nil {
			return fmt.Errorf("applications: application %s: %w", f[0], p.Err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// ListApplications lists the applications addressed to the actor's
// procuratorate, newest first, with a keyset cursor.
func (s *Service) ListApplications(ctx context.Context, a *org.Actor, q ApplicationListQuery) ([]Application, string, error) {
	if !a.HasRole(applicationHandlers...) {
		return nil, "", apperr.Forbidden("只有承办检察官、部门负责人或案件管理人员可以办理公民申请")
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	tx := s.DB.WithContext(ctx).Model(&Application{}).Scopes(ApplicationScope(a))
	packedRows := q.Summary && s.DB.Dialector.Name() == "sqlite"
	switch {
	case packedRows:
		tx = tx.Select(summaryPackedColumns)
	case q.Summary:
		tx = tx.Select(ApplicationSummaryColumns)
	}
	if q.Status != "" {
		if _, ok := ApplicationStatusLabels[ApplicationStatus(q.Status)]; !ok {
			return nil, "", apperr.InvalidField("status", "未知的申请状态："+q.Status)
		}
		tx = tx.Where("status = ?", q.Status)
	}
	if q.Duplicate {
		tx = tx.Where("duplicate_of IS NOT NULL")
	}
	if q.Cursor > 0 {
		tx = tx.Where("id < ?", q.Cursor)
	}
	tx = tx.Order("id DESC").Limit(q.Limit + 1)
	var out []Application
	var err error
	switch {
	case packedRows:
		out, err = findPackedSummaries(tx, q.Limit+1)
	case q.Summary:
		out, err = findSummaries(tx, q.Limit+1)
	default:
		err = tx.Find(&out).Error
	}
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	// Lists show masked ID numbers; the full number is in the detail view,
	// read one application at a time.
	for i := range out {
		if out[i].IDType == IDTypeResident {
			out[i].IDNumber = redact.MaskResidentID(out[i].IDNumber)
		}
	}
	return out, next, nil
}

// ApplicationDetail is an application as its handlers see it.
type ApplicationDetail struct {
	Application
	StatusLabel         string              `json:"status_label"`
	DuplicateTrackingNo string              `json:"duplicate_tracking_no,omitempty"`
	Answers             []ApplicationAnswer `json:"answers"`
	Files               []files.StoredFile  `json:"files"`
}

// LoadApplication loads an application the actor handles (not found otherwise).
func (s *Service) LoadApplication(ctx context.Context, a *org.Actor, id int64) (*ApplicationDetail, error) {
	tx := s.DB.WithContext(ctx)
	var app Application
	if err := tx.First(&app, id).Error; err != nil {
		return nil, database.NotFoundOr(err, "申请")
	}
	if !CanHandleApplication(a, &app) {
		return nil, apperr.NotFound("申请")
	}
	d := &ApplicationDetail{Application: app, StatusLabel: ApplicationStatusLabels[app.Status]}
	if err := tx.Where("application_id = ?", app.ID).Order("id").Find(&d.Answers).Error; err != nil {
		return nil, err
	}
	files, err := files.FileMeta(tx, "application", []int64{app.ID}, true)
	if err != nil {
		return nil, err
	}
	d.Files = files
	if app.DuplicateOf != nil {
		var prev Application
		if err := tx.Select("tracking_no").First(&prev, *app.DuplicateOf).Error; err == nil {
			d.DuplicateTrackingNo = prev.TrackingNo
		}
	}
	return d, nil
}

// LoadApplicationFile returns an evidence file of an application the actor handles.
func (s *Service) LoadApplicationFile(ctx context.Context, a *org.Actor, appID, fileID int64) (*files.StoredFile, error) {
	if _, err := s.LoadApplication(ctx, a, appID); err != nil {
		return nil, err
	}
	var f files.StoredFile
	if err := s.DB.WithContext(ctx).Where("id = ? AND owner_type = ? AND owner_id = ?", fileID, "application", appID).First(&f).Error; err != nil {
		return nil, database.NotFoundOr(err, "附件")
	}
	return &f, nil
}

// AnswerInput is the procedural answer (程序性答复) within 7 working days.
type AnswerInput struct {
	Version       int    `json:"version" validate:"required,gt=0"`
	Kind          string `json:"kind" validate:"required,oneof=accepted needs_supplement transferred"`
	Text          string `json:"text" validate:"max=5000"`
	Missing       string `json:"missing" validate:"max=2000"`
	TransferredTo string `json:"transferred_to" validate:"max=200"`
}

// DecideInput is the decision after review: start (a lead is registered) or
// decline (不予启动, with reasons the applicant reads).
type DecideInput struct {
	Version      int    `json:"version" validate:"required,gt=0"`
	Decision     string `json:"decision" validate:"required,oneof=accept decline"`
	Reasons      string `json:"reasons" validate:"max=5000"`
	ProsecutorID int64  `json:"prosecutor_id" validate:"omitempty,gt=0"`
	Field        string `json:"field" validate:"max=50"`
	Title        string `json:"title" validate:"max=200"`
}

// ProgressInput is a progress update to the applicant.
type ProgressInput struct {
	Version int    `json:"version" validate:"required,gt=0"`
	Text    string `json:"text" validate:"required,max=5000"`
}

// mutate runs one staff action on an application: load with a lock, check
// access and version, apply, save with the version bumped, audit.
func (s *Service) mutate(ctx context.Context, a *org.Actor, id int64, version int, action string,
	apply func(tx *gorm.DB, app *Application, today calendar.Date, now time.Time) (map[string]any, error)) (*ApplicationDetail, error) {
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		var app Application
		if err := database.LockRow(tx).First(&app, id).Error; err != nil {
			return database.NotFoundOr(err, "申请")
		}
		if !CanHandleApplication(a, &app) {
			return apperr.NotFound("申请")
		}
		if app.Version != version {
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "stale_version",
				Message: fmt.Sprintf("申请已被他人更新（当前版本 %d，提交版本 %d），请刷新后重试", app.Version, version),
				Details: map[string]any{"current_version": app.Version}}
		}
		now := s.Cases.Now()
		today := calendar.DateOf(now, s.Cases.Clock.Location())
		summary, err := apply(tx, &app, today, now)
		if err != nil {
			return err
		}
		app.Version = version + 1
		app.UpdatedAt = now
		res := tx.Model(&Application{}).Where("id = ? AND version = ?", app.ID, version).Select("*").Omit("id", "created_at").Updates(&app)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("stale_version", "申请已被他人同时更新，请刷新后重试")
		}
		summary["tracking_no"] = app.TrackingNo
		summary["status"] = app.Status
		return audit.Record(tx, a, "application."+action, "application", app.ID, summary)
	})
	if err != nil {
		return nil, err
	}
	return s.LoadApplication(ctx, a, id)
}

func actorIDPtr(a *org.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// Answer gives the procedural answer: 受理 (review starts; result or progress
// due within 3 months), 需补正 (saying what is missing) or 移送 (to which body).
func (s *Service) Answer(ctx context.Context, a *org.Actor, id int64, in AnswerInput) (*ApplicationDetail, error) {
	return s.mutate(ctx, a, id, in.Version, "answer", func(tx *gorm.DB, app *Application, today calendar.Date, now time.Time) (map[string]any, error) {
		if app.Status != AppSubmitted {
			return nil, apperr.Conflict("application_not_awaiting_answer", "该申请当前为“"+ApplicationStatusLabels[app.Status]+"”，不能再作程序性答复")
		}
		text := strings.TrimSpace(in.Text)
		switch in.Kind {
		case AnswerAccepted:
			due := calendar.DeadlineRule{Unit: calendar.UnitMonths, Count: s.Settings.ResultMonths}.Apply(today, s.Cases.Holidays(tx)).Due
			app.Status, app.ResultDue, app.NextUpdateDue = AppUnderReview, &due, &due
			if text == "" {
				text = fmt.Sprintf("本院决定受理您的申请，将在%s前告知审查结果或办理进展。", due.Chinese())
			}
		case AnswerNeedsSupplement:
			missing := strings.TrimSpace(in.Missing)
			if missing == "" {
				return nil, apperr.InvalidField("missing", "请写明需要补正的内容")
			}
			app.Status = AppNeedsSupplement
			text = strings.TrimSpace("请补正以下材料：" + missing + "。" + text)
		case AnswerTransferred:
			to := strings.TrimSpace(in.TransferredTo)
			if to == "" {
				return nil, apperr.InvalidField("transferred_to", "请写明移送的机关")
			}
			app.Status, app.TransferredTo, app.NextUpdateDue = AppTransferred, to, nil
			text = strings.TrimSpace("您反映的问题不属于本院职责范围，已移送" + to + "处理。" + text)
		}
		app.AnswerKind = in.Kind
		app.AnsweredOn = &today
		if err := addAnswer(tx, app.ID, in.Kind, text, today, actorIDPtr(a), now); err != nil {
			return nil, err
		}
		return map[string]any{"kind": in.Kind, "late": today.After(app.AnswerDue)}, nil
	})
}

// Decide ends the review: accept registers a lead (source 公民申请) linked to
// the application, in the same transaction; decline records the reasons.
func (s *Service) Decide(ctx context.Context, a *org.Actor, id int64, in DecideInput) (*ApplicationDetail, error) {
	return s.mutate(ctx, a, id, in.Version, "decide", func(tx *gorm.DB, app *Application, today calendar.Date, now time.Time) (map[string]any, error) {
		if app.Status != AppUnderReview {
			return nil, apperr.Conflict("application_not_under_review", "只有已受理、审查中的申请可以作出决定（当前为“"+ApplicationStatusLabels[app.Status]+"”）")
		}
		reasons := strings.TrimSpace(in.Reasons)
		summary := map[string]any{"decision": in.Decision}
		switch in.Decision {
		case "decline":
			if reasons == "" {
				return nil, apperr.InvalidField("reasons", "不予启动须写明理由")
			}
			app.Status, app.Decision, app.DecisionReasons, app.NextUpdateDue = AppDeclined, "decline", reasons, nil
			if err := addAnswer(tx, app.ID, AnswerDeclined, reasons, today, actorIDPtr(a), now); err != nil {
				return nil, err
			}
		case "accept":
			c, err := s.createLead(tx, a, app, in, now)
			if err != nil {
				return nil, err
			}
			next := calendar.DeadlineRule{Unit: calendar.UnitMonths, Count: 1}.Apply(today, s.Cases.Holidays(tx)).Due
			app.Status, app.Decision, app.DecisionReasons, app.CaseID, app.NextUpdateDue = AppAccepted, "accept", reasons, &c.ID, &next
			text := "本院经审查，决定对您反映的问题启动检察建议办理程序，将定期告知办理进展。"
			if reasons != "" {
				text += "说明：" + reasons // set apart: the staff's words follow the standard sentence
			}
			if err := addAnswer(tx, app.ID, AnswerStarted, text, today, actorIDPtr(a), now); err != nil {
				return nil, err
			}
			// The evidence follows the application into the case (internal:
			// staff only), so the prosecutor finds it with the lead.
			if err := tx.Model(&files.StoredFile{}).Where("owner_type = ? AND owner_id = ?", "application", app.ID).Update("case_id", c.ID).Error; err != nil {
				return nil, err
			}
			summary["case_id"] = c.ID
		}
		app.DecidedOn = &today
		return summary, nil
	})
}

// createLead registers the lead for an accepted application, handled by the
// named prosecutor of the application's procuratorate.
func (s *Service) createLead(tx *gorm.DB, a *org.Actor, app *Application, in DecideInput, now time.Time) (*cases.Case, error) {
	pid := in.ProsecutorID
	if pid == 0 && a.Role == org.RoleProsecutor {
		pid = a.UserID
	}
	if pid == 0 {
		return nil, apperr.InvalidField("prosecutor_id", "请指定承办检察官")
	}
	u, err := org.UserByID(tx, pid)
	if err != nil || u.Role != org.RoleProsecutor || u.Disabled || u.DepartmentID == nil || u.ProcuratorateID == nil || *u.ProcuratorateID != app.ProcuratorateID {
		return nil, apperr.InvalidField("prosecutor_id", "承办检察官须为本院在岗检察官")
	}
	field := strings.TrimSpace(in.Field)
	if field == "" {
		field = "其他"
	}
	if !cases.FieldActive(tx, field) {
		return nil, apperr.InvalidField("field", "领域不在可选列表中（可选领域见 GET /api/v1/fields）")
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		r := []rune(app.Problem)
		if len(r) > 30 {
			r = r[:30]
		}
		title = "公民申请：" + string(r)
	}
	c := &cases.Case{ProcuratorateID: app.ProcuratorateID, DepartmentID: *u.DepartmentID, Title: title, Field: field,
		Source: cases.SourceApplication, OriginCaseNumber: app.TrackingNo,
		Summary:  fmt.Sprintf("公民申请（%s）\n地点：%s\n涉及单位：%s\n%s", app.TrackingNo, app.Place, app.AgencyName, app.Problem),
		AgencyID: app.AgencyID, ProsecutorID: u.ID, State: cases.StateLead, Version: 1,
		StateEnteredAt: now, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	if _, err := cases.RegisterLead(tx, a, c, "公民申请转为线索："+app.TrackingNo, map[string]any{"application_id": app.ID}); err != nil {
		return nil, err
	}
	if err := audit.Record(tx, a, "case.register", "case", c.ID, map[string]any{"title": c.Title, "source": c.Source, "application_id": app.ID}); err != nil {
		return nil, err
	}
	if u.ID != a.UserID {
		if err := notify.Send(tx, s.Cases.Settings.Channels, notify.Spec{UserIDs: []int64{u.ID}, CaseID: c.ID, Kind: "case.assigned",
			Title: "公民申请转为线索", Body: "您被指定为公民申请 " + app.TrackingNo + " 所立线索的承办检察官。"}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Progress tells the applicant how the matter stands; the next update is due
// a month later while the application stays open.
func (s *Service) Progress(ctx context.Context, a *org.Actor, id int64, in ProgressInput) (*ApplicationDetail, error) {
	return s.mutate(ctx, a, id, in.Version, "progress", func(tx *gorm.DB, app *Application, today calendar.Date, now time.Time) (map[string]any, error) {
		if app.Status != AppUnderReview && app.Status != AppAccepted {
			return nil, apperr.Conflict("application_closed", "该申请当前为“"+ApplicationStatusLabels[app.Status]+"”，无需告知进展")
		}
		text := strings.TrimSpace(in.Text)
		if text == "" {
			return nil, apperr.InvalidField("text", "请填写办理进展")
		}
		next := calendar.DeadlineRule{Unit: calendar.UnitMonths, Count: 1}.Apply(today, s.Cases.Holidays(tx)).Due
		app.NextUpdateDue = &next
		if err := addAnswer(tx, app.ID, AnswerProgress, text, today, actorIDPtr(a), now); err != nil {
			return nil, err
		}
		return map[string]any{"next_update_due": next.String()}, nil
	})
}

// NoticeData is what the applicant notice PDF (受理告知书 / 不予启动告知书)
// says, with the applicant's name pseudonymised: the PDF is fetched with
// the secret alone, and a leaked secret should not leak a full name.
type NoticeData struct {
	Declined      bool
	Procuratorate string
	Number        string
	Applicant     string
	Paragraphs    []string
	Date          calendar.Date
}

// Notice returns the applicant's latest notice, or not found when no
// acceptance or decline has been given yet.
func (s *Service) Notice(ctx context.Context, trackingNo, secret, ip string) (*NoticeData, error) {
	v, err := s.LookUp(ctx, trackingNo, secret, ip)
	if err != nil {
		return nil, err
	}
	return s.noticeOf(ctx, v.app, v.answers)
}

// StaffNotice is the applicant's latest notice as the staff who handle the
// application download it (the same document the applicant gets).
func (s *Service) StaffNotice(ctx context.Context, a *org.Actor, id int64) (*NoticeData, error) {
	d, err := s.LoadApplication(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.noticeOf(ctx, &d.Application, d.Answers)
}

// noticeOf builds the notice from the application and its answers.
func (s *Service) noticeOf(ctx context.Context, app *Application, answers []ApplicationAnswer) (*NoticeData, error) {
	var last *ApplicationAnswer
	for i := range answers {
		switch answers[i].Kind {
		case AnswerAccepted, AnswerDeclined, AnswerStarted:
			last = &answers[i]
		}
	}
	if last == nil {
		return nil, &apperr.Error{Kind: apperr.ErrNotFound, Code: "notice_not_ready", Message: "尚未作出受理或不予启动的决定，暂无告知书"}
	}
	p, err := org.ProcuratorateByID(s.DB.WithContext(ctx), app.ProcuratorateID)
	if err != nil {
		return nil, err
	}
	n := &NoticeData{Declined: last.Kind == AnswerDeclined, Procuratorate: p.Name, Date: last.GivenOn,
		Number: fmt.Sprintf("申请查询码：%s", app.TrackingNo), Applicant: redact.Pseudonym(app.ApplicantName)}
	switch last.Kind {
	case AnswerDeclined:
		n.Paragraphs = []string{
			fmt.Sprintf("你于%s向本院提出的申请（查询码%s）收悉。", app.SubmittedOn.Chinese(), app.TrackingNo),
			"本院经审查，决定不予启动检察建议程序。理由如下：" + last.Text,
			"如对本决定有异议，可以自收到本告知书之日起向本院或上一级人民检察院提出。",
		}
	default:
		n.Paragraphs = []string{
			fmt.Sprintf("你于%s向本院提出的申请（查询码%s）收悉。", app.SubmittedOn.Chinese(), app.TrackingNo),
			last.Text,
			"你可以凭查询码和查询密码查询办理进展。",
		}
	}
	return n, nil
}

// TellApplicantCaseEnded adds, inside a lifecycle action's transaction, the
// answer that tells the applicant of a case started from a citizen
// application how it ended (不立案 with the reason, withdrawal, termination,
// closure): the monthly progress updates stop at a final state, so without
// it the applicant would never hear the result. Cases not started from an
// application are left alone.
// It is the case service's TellApplicant hook.
func TellApplicantCaseEnded(ac *cases.ActionContext, text string) error {
	var ids []int64
	if err := ac.Tx.Model(&Application{}).Where("case_id = ?", ac.Case.ID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := addAnswer(ac.Tx, id, AnswerProgress, text, ac.Today, actorIDPtr(ac.Actor), ac.Now); err != nil {
			return err
		}
	}
	return nil
}
