package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/jobs"
	"jianyi/templates"
)

func (s *Server) adminOpsPages(app pages, admin echo.MiddlewareFunc) {
	app.GET("/admin/holidays", s.adminHolidays, admin)
	app.POST("/admin/holidays", s.adminPutHoliday, admin)
	app.POST("/admin/holidays/:date/delete", s.adminDeleteHoliday, admin)
	app.GET("/admin/jobs", s.adminJobs, admin)
	app.POST("/admin/jobs/:name/run", s.adminRunJob, admin)
	app.GET("/admin/audit", s.adminAudit, admin)
	app.POST("/admin/audit/verify", s.adminVerifyAudit, admin)
}

// adminHolidaysData is the calendar page of one year, and after an edit the
// deadlines it moved.
type adminHolidaysData struct {
	Year       int
	Years      []int
	Status     calendar.YearStatus
	Stored     []calendar.Holiday
	Form       calendar.HolidayInput
	Day        string
	Kinds      []templates.Option
	Edited     string // what was changed, when the page shows a recompute result
	Recomputed []holidayChangeView
}

// holidayChangeView is one moved deadline with its case.
type holidayChangeView struct {
	cases.DeadlineChange
	Title string
}

var holidayKindLabels = map[string]string{"holiday": "放假", "workday": "调休上班"}

func (s *Server) renderHolidays(c echo.Context, status int, d *adminHolidaysData, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	var err error
	if d.Status, err = s.cases.CalendarYear(ctx, d.Year); err != nil {
		return s.errorPage(c, err)
	}
	if d.Stored, err = calendar.ListHolidays(ctx, s.db, d.Year); err != nil {
		return err
	}
	this := s.clock.Today().Year()
	d.Years = []int{this - 1, this, this + 1}
	d.Kinds = []templates.Option{{Value: "holiday", Label: "放假（不计入工作日）"}, {Value: "workday", Label: "调休上班（周末改为工作日）"}}
	if d.Form.Kind == "" {
		d.Form.Kind = "holiday"
	}
	p, err := s.appPage(c, strconv.Itoa(d.Year)+" 年节假日", "admin", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/admin_holidays", p)
}

func (s *Server) adminHolidays(c echo.Context) error {
	year := s.clock.Today().Year()
	if v := c.QueryParam("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return s.errorPage(c, apperr.InvalidField("year", "年份应在 2000 至 2100 之间"))
		}
		year = y
	}
	return s.renderHolidays(c, http.StatusOK, &adminHolidaysData{Year: year}, templates.FormErrors{})
}

// withTitles names the cases whose deadlines moved.
func (s *Server) withTitles(ctx context.Context, changes []cases.DeadlineChange) ([]holidayChangeView, error) {
	out := make([]holidayChangeView, 0, len(changes))
	if len(changes) == 0 {
		return out, nil
	}
	ids := make([]int64, len(changes))
	for i, ch := range changes {
		ids[i] = ch.CaseID
	}
	titles, err := cases.TitlesByID(s.db.WithContext(ctx), ids)
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		out = append(out, holidayChangeView{DeadlineChange: ch, Title: titles[ch.CaseID]})
	}
	return out, nil
}

// adminPutHoliday sets a day (放假 or 调休上班) through the service the API
// uses, which recomputes every open reply deadline in the same transaction;
// the page shows which deadlines moved.
func (s *Server) adminPutHoliday(c echo.Context) error {
	ctx := c.Request().Context()
	year, _ := strconv.Atoi(c.FormValue("year"))
	in := calendar.HolidayInput{Kind: c.FormValue("kind"), Name: strings.TrimSpace(c.FormValue("name")), Year: year}
	d := &adminHolidaysData{Year: year, Form: in, Day: strings.TrimSpace(c.FormValue("date"))}
	fields := map[string]string{}
	day, err := calendar.ParseDate(d.Day)
	if err != nil {
		fields["date"] = "请输入日期（YYYY-MM-DD）"
	}
	var h *calendar.Holiday
	var changes []cases.DeadlineChange
	if err = c.Validate(&in); err == nil && len(fields) == 0 {
		h, changes, err = s.cases.PutHoliday(ctx, actorOf(c), day, in)
	}
	if err != nil || len(fields) > 0 {
		msg := "请按提示修改"
		if err != nil {
			var more map[string]string
			if more, msg, err = formFailure(err); err != nil {
				return err
			}
			for k, v := range more {
				fields[k] = v
			}
		}
		if d.Year < 2000 || d.Year > 2100 {
			d.Year = s.clock.Today().Year()
		}
		return s.renderHolidays(c, http.StatusUnprocessableEntity, d, templates.NewFormErrors(msg, fields, "date", "kind", "name", "year"))
	}
	res := &adminHolidaysData{Year: h.Year, Edited: h.Day.Chinese() + "设为" + holidayKindLabels[h.Kind]}
	if h.Name != "" {
		res.Edited += "（" + h.Name + "）"
	}
	if res.Recomputed, err = s.withTitles(ctx, changes); err != nil {
		return err
	}
	return s.renderHolidays(c, http.StatusOK, res, templates.FormErrors{})
}

func (s *Server) adminDeleteHoliday(c echo.Context) error {
	ctx := c.Request().Context()
	day, err := holidayDate(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	changes, err := s.cases.DeleteHoliday(ctx, actorOf(c), day)
	if err != nil {
		return s.errorPage(c, err)
	}
	res := &adminHolidaysData{Year: day.Year(), Edited: "已删除" + day.Chinese() + "的设置"}
	if res.Recomputed, err = s.withTitles(ctx, changes); err != nil {
		return err
	}
	return s.renderHolidays(c, http.StatusOK, res, templates.FormErrors{})
}

// jobLabels name the scheduled jobs in Chinese.
var jobLabels = map[string]string{
	"application_deadlines": "公民申请答复期限提醒",
	"daily_stats":           "每日统计汇总",
	"outbox":                "消息发送（短信、邮件）",
	"stage_warnings":        "办案阶段期限预警",
	"filing_deadlines":      "备案期限提醒",
	"follow_through":        "跟进监督提醒",
	"project_tasks":         "项目任务到期提醒",
	"reply_reminders":       "回复期限提醒",
	"search_compact":        "全文索引整理",
}

// adminJob is one job on the jobs page.
type adminJob struct {
	jobs.JobStatus
	Label string
}

func (s *Server) adminJobs(c echo.Context) error {
	list, err := s.jobs.List(c.Request().Context(), 5)
	if err != nil {
		return err
	}
	out := make([]adminJob, len(list))
	for i, j := range list {
		out[i] = adminJob{JobStatus: j, Label: jobLabels[j.Name]}
	}
	p, err := s.appPage(c, "定时任务", "admin", map[string]any{"Jobs": out})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/admin_jobs", p)
}

// adminRunJob runs a job now, as POST /api/v1/admin/jobs/{name}/run does,
// and reports the run.
func (s *Server) adminRunJob(c echo.Context) error {
	name := c.Param("name")
	run, err := s.jobs.RunNow(context.WithoutCancel(c.Request().Context()), actorOf(c), name)
	if err != nil {
		return s.errorPage(c, err)
	}
	label := jobLabels[name]
	if label == "" {
		label = name
	}
	if run.Status == jobs.RunFailed {
		s.setFlash(c, "error", "任务“"+label+"”运行失败："+run.Error)
	} else {
		s.setFlash(c, "success", "任务“"+label+"”已运行，处理 "+strconv.Itoa(run.Handled)+" 项。")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/jobs")
}

// adminAuditData is the audit trail page.
type adminAuditData struct {
	ObjectType, ObjectID, ActorID string
	Entries                       []audit.Entry
	NextURL                       string
	Verification                  *org.AuditVerification
	Anchor                        string // the head the admin asked to find
	BreakReasons                  map[string]string
}

// auditBreakReasons say the chain's breaks (audit.Break.Reason) in Chinese.
var auditBreakReasons = map[string]string{
	"prev_hash does not match the preceding entry (a row was removed, inserted or changed)": "与前一条记录的哈希不衔接（有记录被删除、插入或修改）",
	"content does not match its hash (the row was edited)":                                  "内容与其哈希不符（该记录被修改过）",
	"keyed hash does not match (the row was edited or rehashed without the key)":            "密钥哈希不符（该记录被修改，或被无密钥者重新计算哈希）",
	"unkeyed entry after keyed ones (the chain was rehashed without the key)":               "密钥哈希之后出现无密钥记录（审计链被无密钥者重新计算）",
	"the chain head does not match the last entry (entries were removed from the end)":      "链头与最后一条记录不符（末尾的记录被删除）",
}

func (s *Server) renderAudit(c echo.Context, v *org.AuditVerification) error {
	anchor := strings.TrimSpace(c.FormValue("head"))
	d := &adminAuditData{ObjectType: strings.TrimSpace(c.QueryParam("object_type")), ObjectID: strings.TrimSpace(c.QueryParam("object_id")),
		ActorID: strings.TrimSpace(c.QueryParam("actor_id")), Verification: v, Anchor: anchor, BreakReasons: auditBreakReasons}
	q := org.AuditQuery{ObjectType: d.ObjectType, Limit: 50}
	fields := map[string]string{}
	for name, dst := range map[string]*int64{"object_id": &q.ObjectID, "actor_id": &q.ActorID, "cursor": &q.AfterID} {
		if v := strings.TrimSpace(c.QueryParam(name)); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				fields[name] = "应为非负整数"
				continue
			}
			*dst = n
		}
	}
	status := http.StatusOK
	if len(fields) == 0 {
		var err error
		if d.Entries, err = org.ListAudit(c.Request().Context(), s.db, actorOf(c), q); err != nil {
			return s.errorPage(c, err)
		}
		if len(d.Entries) == q.Limit {
			next := c.QueryParams()
			next.Set("cursor", strconv.FormatInt(d.Entries[len(d.Entries)-1].ID, 10))
			d.NextURL = "/admin/audit?" + next.Encode()
		}
	} else {
		status = http.StatusBadRequest
	}
	p, err := s.appPage(c, "审计记录", "admin", d)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		p.Errors = templates.NewFormErrors("筛选条件有误", fields, "object_type", "object_id", "actor_id")
	}
	return s.renderPage(c, status, "staff/admin_audit", p)
}

func (s *Server) adminAudit(c echo.Context) error { return s.renderAudit(c, nil) }

// adminVerifyAudit checks the hash chain of the whole trail and shows the
// result above the list.
func (s *Server) adminVerifyAudit(c echo.Context) error {
	anchor := strings.TrimSpace(c.FormValue("head"))
	v, err := org.VerifyAuditChain(c.Request().Context(), s.db, actorOf(c), s.cfg.Audit.Key, anchor)
	if err != nil {
		return err
	}
	c.Request().URL.RawQuery = url.Values{}.Encode()
	return s.renderAudit(c, v)
}
