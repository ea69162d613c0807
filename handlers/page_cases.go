package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// casePages are the staff's 工作台, case list, case page with its action
// forms and the draft editor (page_draft.go). Every page reads and acts
// through the same services as the API's case endpoints.
func (s *Server) casePages(app pages) {
	staff := requireRole(staffRoles...)
	app.GET("/dashboard", s.dashboardPage, requireRole(append(append([]org.Role(nil), staffRoles...), org.RoleAdmin)...))
	app.GET("/cases", s.caseListPage, staff)
	app.GET("/cases/new", s.newCasePage, requireRole(org.RoleProsecutor, org.RoleDeptHead))
	app.POST("/cases/new", s.newCaseSubmit, requireRole(org.RoleProsecutor, org.RoleDeptHead))
	app.GET("/cases/:id", s.casePage, staff)
	app.GET("/cases/:id/act/:action", s.actionPage, staff)
	app.POST("/cases/:id/act/:action", s.actionSubmit, staff)
	app.GET("/cases/:id/draft", s.draftPage, staff)
	app.POST("/cases/:id/draft", s.draftSubmit, staff)
	// Documents and files: the API's handlers, which check access by the
	// signed-in actor (inline PDFs open in the browser's viewer).
	app.GET("/cases/:id/documents/:file", s.caseDocument, staff, framedBySite)
	app.GET("/files/:id", s.downloadFile)
}

// framedBySite lets this site's pages show a document in a frame (the
// draft's live preview, the letter on the case page); other sites still
// cannot frame it.
func framedBySite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'")
		return next(c)
	}
}

// ---- 工作台 ----

// dashItem is a work item with the page it is done on.
type dashItem struct {
	cases.WorkItem
	Href string
}

// dashBox is a box of the 工作台.
type dashBox struct {
	Key, Title, Action, Empty string
	Count                     int64
	Items                     []dashItem
	MoreHref                  string
	urgent                    *calendar.Date
}

type dashboardData struct {
	Today     calendar.Date
	Boxes     []dashBox // boxes with work, most urgent first
	Quiet     []dashBox // boxes with nothing waiting
	Reminders []notify.Notification
	Unread    int64
	Total     int64
}

// workBoxes gathers the actor's boxes from the domains: the case boxes,
// the objections and extension requests, the applications. limit < 0 counts.
func (s *Server) workBoxes(ctx context.Context, a *org.Actor, limit int) ([]cases.WorkBox, error) {
	boxes, err := s.cases.WorkQueue(ctx, a, limit)
	if err != nil {
		return nil, err
	}
	req, err := s.agency.PendingRequestsBox(ctx, a, limit)
	if err != nil {
		return nil, err
	}
	if req != nil {
		boxes = append(boxes, *req)
	}
	if s.pub != nil && s.pub.apps != nil {
		apps, err := s.pub.apps.WorkBox(ctx, a, limit)
		if err != nil {
			return nil, err
		}
		if apps != nil {
			boxes = append(boxes, *apps)
		}
	}
	return boxes, nil
}

// workQueue answers GET /api/v1/work: the boxes of the 工作台.
func (s *Server) workQueue(c echo.Context) error {
	a := actorOf(c)
	out := struct {
		Total int64           `json:"total"`
		Boxes []cases.WorkBox `json:"boxes"`
	}{Boxes: []cases.WorkBox{}}
	if a.IsStaff() && a.Role != org.RoleAdmin {
		boxes, err := s.workBoxes(c.Request().Context(), a, cases.WorkQueueLimit)
		if err != nil {
			return err
		}
		out.Boxes = boxes
		for _, b := range boxes {
			out.Total += b.Count
		}
	}
	return c.JSON(http.StatusOK, out)
}

// workCount is the number on the 工作台 navigation entry.
func (s *Server) workCount(ctx context.Context, a *org.Actor) (int64, error) {
	boxes, err := s.workBoxes(ctx, a, -1)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, b := range boxes {
		n += b.Count
	}
	return n, nil
}

// setWorkCount puts the count of waiting work on the 工作台 entry of the
// staff navigation.
func (s *Server) setWorkCount(c echo.Context, p *templates.Page, n int64) {
	for i := range p.Nav {
		if p.Nav[i].Key == "dashboard" {
			p.Nav[i].Count = int(n)
		}
	}
}

// workCountCache keeps each user's 工作台 count for the navigation a few
// seconds, so a page does not count the whole work queue again (half of a
// case page's time). The 工作台 itself always counts afresh and refreshes
// the entry; a form post of the user's that went through forgets it
// (forgetWorkCount).
type workCountCache struct {
	mu sync.Mutex
	m  map[int64]workCountEntry
}

type workCountEntry struct {
	n  int64
	at time.Time
}

// workCountTTL is how long another user's action may take to show in the
// navigation's count (the 工作台's boxes are always current).
const workCountTTL = 15 * time.Second

func (w *workCountCache) get(user int64) (int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.m[user]
	if !ok || time.Since(e.at) > workCountTTL {
		return 0, false
	}
	return e.n, true
}

func (w *workCountCache) put(user, n int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil || len(w.m) > 10000 {
		w.m = map[int64]workCountEntry{}
	}
	w.m[user] = workCountEntry{n: n, at: time.Now()}
}

func (w *workCountCache) forget(user int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.m, user)
}

// fillWorkCount counts the waiting work for the navigation of a staff page.
func (s *Server) fillWorkCount(c echo.Context, p *templates.Page) error {
	a := actorOf(c)
	if a == nil || !a.IsStaff() || a.Role == org.RoleAdmin || p.Section == "dashboard" {
		return nil
	}
	n, ok := s.web.work.get(a.UserID)
	if !ok {
		var err error
		if n, err = s.workCount(c.Request().Context(), a); err != nil {
			return err
		}
		s.web.work.put(a.UserID, n)
	}
	s.setWorkCount(c, p, n)
	return nil
}

// itemHref is where a work item is done.
func itemHref(box string, it cases.WorkItem) string {
	switch box {
	case "applications":
		return fmt.Sprintf("/applications/%d", it.SubjectID)
	case "dept_review", "approve", "drafting":
		return fmt.Sprintf("/cases/%d/draft", it.CaseID)
	case "filings": // filed from 本院待备案
		return fmt.Sprintf("/filings/pending#filing-%d", it.SubjectID)
	}
	return fmt.Sprintf("/cases/%d", it.CaseID)
}

// boxMore is the list that holds all of a box's items.
var boxMore = map[string]string{
	"leads": "/cases?state=lead", "to_file": "/cases?state=checking", "dept_review": "/cases?state=reviewing",
	"approve": "/cases?state=reviewing", "to_deliver": "/cases?state=approved", "replies": "/cases?state=replied",
	"overdue": "/cases?overdue=true&sort=due", "applications": "/applications", "filings": "/filings/pending",
}

func (s *Server) dashboardPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	boxes, err := s.workBoxes(ctx, a, cases.WorkQueueLimit)
	if err != nil {
		return err
	}
	d := dashboardData{Today: s.cases.Today()}
	for _, b := range boxes {
		db := dashBox{Key: b.Key, Title: b.Title, Action: b.Action, Empty: b.Empty, Count: b.Count, urgent: b.Urgent()}
		for _, it := range b.Items {
			db.Items = append(db.Items, dashItem{WorkItem: it, Href: itemHref(b.Key, it)})
		}
		if b.Count > int64(len(b.Items)) {
			db.MoreHref = boxMore[b.Key]
		}
		d.Total += b.Count
		if b.Count > 0 {
			d.Boxes = append(d.Boxes, db)
		} else {
			d.Quiet = append(d.Quiet, db)
		}
	}
	// The box whose first item is due soonest comes first; boxes without
	// dates keep the role's working order after them.
	sort.SliceStable(d.Boxes, func(i, j int) bool {
		ui, uj := d.Boxes[i].urgent, d.Boxes[j].urgent
		switch {
		case ui == nil:
			return false
		case uj == nil:
			return true
		}
		return ui.Before(*uj)
	})
	inbox, err := notify.ListInbox(ctx, s.db, a, notify.InboxQuery{UnreadOnly: true, Limit: 5})
	if err != nil {
		return err
	}
	d.Reminders, d.Unread = inbox.Items, inbox.UnreadCount
	p, err := s.appPage(c, "工作台", "dashboard", d)
	if err != nil {
		return err
	}
	s.setWorkCount(c, p, d.Total)
	s.web.work.put(a.UserID, d.Total)
	return s.renderPage(c, http.StatusOK, "staff/cases_dashboard", p)
}

// ---- case list ----

type caseListData struct {
	Today   calendar.Date
	Items   []CaseView
	Query   url.Values
	States  []templates.Option
	Fields  []templates.Option
	SortDue bool
	NextURL string
	PrevURL string
	CanAdd  bool
}

func (s *Server) caseListPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	q, err := caseListQuery(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	if q.Limit == 0 {
		q.Limit = 25
	}
	items, next, err := s.cases.ListCases(ctx, a, q)
	if err != nil {
		return s.errorPage(c, err)
	}
	views, err := s.caseViews(ctx, a, items)
	if err != nil {
		return err
	}
	d := caseListData{Today: s.cases.Today(), Items: views, Query: c.QueryParams(), SortDue: q.Sort == cases.CaseSortDue,
		CanAdd: a.HasRole(org.RoleProsecutor, org.RoleDeptHead)}
	for _, st := range cases.AllStates {
		d.States = append(d.States, templates.Option{Value: string(st), Label: cases.StateLabels[st]})
	}
	fields, err := cases.ListCaseFields(ctx, s.db, false)
	if err != nil {
		return err
	}
	for _, f := range fields {
		d.Fields = append(d.Fields, templates.Option{Value: f.Name, Label: f.Name})
	}
	if next != "" {
		nq := cloneQuery(c.QueryParams())
		nq.Set("cursor", next)
		d.NextURL = "/cases?" + nq.Encode()
	}
	if c.QueryParam("cursor") != "" {
		pq := cloneQuery(c.QueryParams())
		pq.Del("cursor")
		d.PrevURL = "/cases?" + pq.Encode()
	}
	p, err := s.appPage(c, "案件", "cases", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/cases_list", p)
}

func cloneQuery(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// ---- register a lead ----

type newCaseData struct {
	Values      url.Values
	Fields      []templates.Option
	Sources     []templates.Option
	Agencies    []templates.Option
	Prosecutors []templates.Option
	NeedHandler bool
}

func (s *Server) newCaseData(c echo.Context, values url.Values) (newCaseData, error) {
	ctx := c.Request().Context()
	a := actorOf(c)
	d := newCaseData{Values: values, NeedHandler: a.Role != org.RoleProsecutor}
	fields, err := cases.ListCaseFields(ctx, s.db, false)
	if err != nil {
		return d, err
	}
	for _, f := range fields {
		d.Fields = append(d.Fields, templates.Option{Value: f.Name, Label: f.Name})
	}
	for _, k := range []string{cases.SourceCaseFinding, cases.SourceApplication, cases.SourceDeputy, cases.SourceAssigned, cases.SourceDataModel, cases.SourceOther} {
		d.Sources = append(d.Sources, templates.Option{Value: k, Label: cases.SourceLabels[k]})
	}
	if d.Agencies, err = s.agencyOptions(ctx); err != nil {
		return d, err
	}
	if d.NeedHandler {
		ids, err := org.DepartmentUsersWithRole(s.db.WithContext(ctx), a.DepartmentID, org.RoleProsecutor)
		if err != nil {
			return d, err
		}
		names, err := userNames(s.db.WithContext(ctx), ids)
		if err != nil {
			return d, err
		}
		for _, id := range ids {
			d.Prosecutors = append(d.Prosecutors, templates.Option{Value: strconv.FormatInt(id, 10), Label: names[id]})
		}
	}
	return d, nil
}

func (s *Server) agencyOptions(ctx context.Context) ([]templates.Option, error) {
	list, err := s.org.ListAgencies(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]templates.Option, len(list))
	for i, ag := range list {
		out[i] = templates.Option{Value: strconv.FormatInt(ag.ID, 10), Label: ag.Name}
	}
	return out, nil
}

func (s *Server) newCasePage(c echo.Context) error {
	d, err := s.newCaseData(c, url.Values{})
	if err != nil {
		return err
	}
	p, err := s.appPage(c, "登记线索", "cases", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/cases_new", p)
}

var newCaseOrder = []string{"title", "field", "source", "origin_case_number", "summary", "agency_id", "prosecutor_id"}

func (s *Server) newCaseSubmit(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return apperr.Invalid("无法读取表单", nil)
	}
	payload := &cases.CaseInput{}
	body, bad := formBody(payload, values)
	var fields map[string]string
	message := ""
	if len(bad) == 0 {
		err = decodeFormBody(c, body, payload)
		if err == nil {
			var cs *cases.Case
			cs, err = s.cases.CreateCase(c.Request().Context(), actorOf(c), *payload)
			if err == nil {
				s.setFlash(c, "success", "线索已登记。下一步：初核。")
				return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d", cs.ID))
			}
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			return err
		}
		if ae.Kind != apperr.ErrInvalid {
			return s.errorPage(c, err)
		}
		fields, message = ae.Fields, ae.Message
	} else {
		fields, message = bad, "请修改标出的字段"
	}
	d, err := s.newCaseData(c, values)
	if err != nil {
		return err
	}
	p, err := s.appPage(c, "登记线索", "cases", d)
	if err != nil {
		return err
	}
	p.Errors = templates.NewFormErrors(message, fields, newCaseOrder...)
	return s.renderPage(c, http.StatusUnprocessableEntity, "staff/cases_new", p)
}

// ---- the case page ----

// eventView is a timeline entry on the page.
type eventView struct {
	cases.CaseEvent
	Label string
	Stage string
}

// eventLabel names a timeline event (the API's action_label).
func eventLabel(action string) string {
	if spec, ok := cases.ActionByName(action); ok {
		return spec.Label
	}
	if l, ok := extraEventLabels[action]; ok {
		return l
	}
	return "登记线索"
}

// actionLink is one action the user may take now: a button when it needs
// nothing but a click, else a link to its form.
type actionLink struct {
	Name, Label string
	Href        string // the form's page; "" for a one-click action
	Danger      bool
	Primary     bool
}

type docLink struct {
	Href, Name string
	Size       int64
	Kind       string
}

type personRow struct{ Role, Name string }

type casePageData struct {
	Case      CaseView
	Today     calendar.Date
	Events    []eventView
	LastEvent int64
	People    []personRow
	Agency    string
	Records   *agency.AgencyRecords
	Replies   []replyRow
	Actions   []actionLink
	Documents []docLink
	Files     []docLink
	Preview   string // the letter's PDF shown in the page
	Steps     []cases.ApprovalStep
	StepLabel map[string]string
	States    map[cases.CaseState]string
	// RequestLabels name the statuses of objections and extension requests.
	RequestLabels  map[string]string
	FollowUpLabels map[string]string
}

// requestStatusLabels are the statuses of objections and extension requests.
var requestStatusLabels = map[string]string{
	agency.ObjectionPending: "待处理", agency.ObjectionAmend: "修改后重新制发", agency.ObjectionWithdraw: "撤回检察建议",
	agency.ObjectionKeep: "维持原检察建议", agency.ExtensionGranted: "同意延期", agency.ExtensionRefused: "不同意延期",
	agency.ExtensionLapsed: "已失效",
}

type replyRow struct {
	Kind, Position, SubmittedOn, Text string
	Late, Returned                    bool
}

// oneClick are the actions that need nothing but a click (no payload).
func oneClick(s *Server, action string) bool {
	return len(payloadFields(reflectType(s.cases.NewActionPayload(action)))) == 0
}

// draftActions are done in the draft editor.
var draftActions = map[string]bool{"draft": true, "submit": true, "approve": true, "return": true}

// nextSteps are the lifecycle's forward steps, shown as primary buttons;
// the other actions (records, proposals, endings) are secondary.
var nextSteps = map[string]bool{"check": true, "file": true, "investigate": true, "draft": true, "submit": true,
	"approve": true, "issue": true, "deliver": true, "assess": true, "review_objection": true}

// dangerActions end or undo something and ask for the reason first.
var dangerActions = map[string]bool{"decline": true, "withdraw": true, "terminate": true, "propose_withdraw": true, "reject_proposal": true}

func (s *Server) casePage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	d, err := s.casePageData(c, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	p, err := s.appPage(c, d.Case.Title, "cases", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/cases_case", p)
}

func (s *Server) casePageData(c echo.Context, id int64) (*casePageData, error) {
	ctx := c.Request().Context()
	a := actorOf(c)
	cs, rec, err := s.agency.LoadAgencyRecords(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v, err := s.caseView(ctx, a, cs)
	if err != nil {
		return nil, err
	}
	d := &casePageData{Case: v, Today: s.cases.Today(), Records: rec, StepLabel: cases.ApprovalStageLabels,
		States: cases.StateLabels, RequestLabels: requestStatusLabels, FollowUpLabels: agency.FollowUpKindLabels}
	events, err := s.cases.Events(ctx, a, id)
	if err != nil {
		return nil, err
	}
	for i := len(events) - 1; i >= 0; i-- { // newest first
		d.Events = append(d.Events, eventView{CaseEvent: events[i], Label: eventLabel(events[i].Action)})
	}
	if len(events) > 0 {
		d.LastEvent = events[len(events)-1].ID
	}
	// People.
	tx := s.db.WithContext(ctx)
	names, err := userNames(tx, []int64{cs.ProsecutorID, cs.CreatedBy})
	if err != nil {
		return nil, err
	}
	d.People = append(d.People, personRow{"承办检察官", names[cs.ProsecutorID]})
	if cs.CreatedBy != cs.ProsecutorID {
		d.People = append(d.People, personRow{"登记人", names[cs.CreatedBy]})
	}
	if cs.AgencyID != nil {
		ag, err := org.AgencyByID(tx, *cs.AgencyID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return nil, err
		}
		if ag != nil {
			d.Agency = ag.Name
			d.People = append(d.People, personRow{"被建议单位", ag.Name})
		}
	}
	if cs.SignerName != "" {
		d.People = append(d.People, personRow{"签收人", cs.SignerName})
	}
	if d.Steps, err = s.cases.ListApprovalSteps(ctx, a, id); err != nil {
		return nil, err
	}
	for _, st := range d.Steps {
		d.People = append(d.People, personRow{cases.ApprovalStageLabels[st.Stage], st.PersonName})
	}
	// Actions.
	for _, name := range v.AllowedActions {
		spec, _ := cases.ActionByName(name)
		l := actionLink{Name: name, Label: spec.Label, Danger: dangerActions[name], Primary: nextSteps[name]}
		switch {
		case draftActions[name]:
			l.Href = fmt.Sprintf("/cases/%d/draft", id)
		case !oneClick(s, name):
			l.Href = fmt.Sprintf("/cases/%d/act/%s", id, name)
		}
		d.Actions = append(d.Actions, l)
	}
	if cases.InvestigationOpen(cs.State) && a.HasRole(org.RoleProsecutor, org.RoleDeptHead) {
		d.Actions = append(d.Actions, actionLink{Name: "investigation", Label: "调查核实记录", Href: fmt.Sprintf("/cases/%d/investigation", id)})
	}
	sort.SliceStable(d.Actions, func(i, j int) bool { return d.Actions[i].Primary && !d.Actions[j].Primary })
	// Documents: the letter (a live preview while drafting), the proof of
	// service, the approval form; stored files with their sizes.
	base := fmt.Sprintf("/cases/%d/documents/", id)
	hasDraft := cs.State == cases.StateDrafting || cs.State == cases.StateReviewing || cs.State == cases.StateApproved ||
		cs.State == cases.StateInvestigating
	switch {
	case cs.IssuedAt != nil:
		d.Documents = append(d.Documents, docLink{Href: base + "recommendation.pdf", Name: "检察建议书.pdf", Kind: "PDF"})
		d.Preview = base + "recommendation.pdf"
	case hasDraft:
		d.Documents = append(d.Documents, docLink{Href: base + "recommendation.pdf", Name: "检察建议书（草稿预览）.pdf", Kind: "PDF"})
	}
	if len(d.Steps) > 0 {
		d.Documents = append(d.Documents, docLink{Href: base + "approval-form.pdf", Name: "审批表.pdf", Kind: "PDF"})
	}
	if cs.DeliveredOn != nil {
		d.Documents = append(d.Documents, docLink{Href: base + "service-receipt.pdf", Name: "送达回证.pdf", Kind: "PDF"})
	}
	for _, f := range rec.Files {
		d.Files = append(d.Files, docLink{Href: fmt.Sprintf("/files/%d", f.ID), Name: f.Filename, Size: f.Size})
	}
	for _, r := range rec.Replies {
		d.Replies = append(d.Replies, replyRow{Kind: replyKindLabel(r.Kind), Position: r.PositionLabel, SubmittedOn: r.SubmittedOn.String(),
			Text: r.Body.Text, Late: r.Late, Returned: r.Returned})
	}
	return d, nil
}

// userNames reads the display names of users.
func userNames(tx *gorm.DB, ids []int64) (map[int64]string, error) {
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	var rows []org.User
	if err := tx.Model(&org.User{}).Select("id", "display_name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rows))
	for _, u := range rows {
		out[u.ID] = u.DisplayName
	}
	return out, nil
}

func replyKindLabel(k string) string {
	switch k {
	case agency.ReplyKindInterim:
		return "阶段性回复"
	case agency.ReplyKindFinal:
		return "正式回复"
	case agency.ReplyKindSupplement:
		return "补充回复"
	}
	return k
}

// ---- action forms ----

// actionForm is one action's form.
type actionForm struct {
	CaseID    int64
	Name      string
	Label     string
	Fields    []templates.Field
	Note      templates.Field
	Version   int
	Seen      int64
	Files     bool
	Danger    bool
	Errors    templates.FormErrors
	Committee bool // the approval step is the 检察委员会's
	Confirm   templates.Field
}

// staleInfo tells a user whose form was built on an older version what
// changed since.
type staleInfo struct {
	Current int
	Events  []eventView
}

type actionPageData struct {
	Case  CaseView
	Form  actionForm
	Stale *staleInfo
	Today calendar.Date
}

// fileActions take attachments with the form.
var fileActions = map[string]bool{"consult": true, "deliver": true, "follow_up": true, "look_back": true}

// buildActionForm makes the form of an action on a case.
func (s *Server) buildActionForm(c echo.Context, cs *cases.Case, action string, values url.Values, errs templates.FormErrors, seen int64) (actionForm, error) {
	spec, _ := cases.ActionByName(action)
	choices := map[string][]templates.Option{}
	payload := s.cases.NewActionPayload(action)
	for _, pf := range payloadFields(reflectType(payload)) {
		if pf.Name == "agency_id" {
			opts, err := s.agencyOptions(c.Request().Context())
			if err != nil {
				return actionForm{}, err
			}
			choices["agency_id"] = opts
		}
	}
	f := actionForm{CaseID: cs.ID, Name: action, Label: spec.Label, Fields: formFields(payload, values, errs, choices),
		Version: cs.Version, Seen: seen, Files: fileActions[action], Danger: dangerActions[action], Errors: errs,
		Committee: cs.ApprovalStage == cases.StageCommittee}
	if f.Danger {
		f.Confirm = templates.Field{Name: "_confirm", ID: "_confirm", Type: "checkbox", Value: "true",
			Label: "我已核对，确认" + spec.Label, Checked: values.Get("_confirm") == "true", Error: errs.For("_confirm"),
			Hint: "该操作会结束或撤销案件的办理，提交后不能撤回"}
	}
	for i := range f.Fields {
		switch f.Fields[i].Name {
		case "meeting_date", "committee_decision":
			f.Fields[i].Hint = "经检察委员会决定时填写"
		}
	}
	f.Note = templates.Field{Name: "note", ID: "note", Label: "备注", Type: "textarea", Rows: 2, MaxLength: 2000,
		Hint: "可不填；记入案件时间线", Error: errs.For("note"), Value: values.Get("note")}
	if v := values.Get("version"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			f.Version = n
		}
	}
	return f, nil
}

func (s *Server) actionPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	action := c.Param("action")
	a := actorOf(c)
	cs, err := s.cases.LoadCase(c.Request().Context(), a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	spec, ok := cases.ActionByName(action)
	if !ok || !cases.CanActOnCase(a, cs, spec) || !spec.StartsFrom(cs.State) {
		return s.errorPage(c, &apperr.Error{Kind: apperr.ErrConflict, Code: "action_not_allowed",
			Message: fmt.Sprintf("您现在不能对该案件执行“%s”。请回到案件页查看可以办理的操作。", actionLabel(action))})
	}
	events, err := s.cases.Events(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	var seen int64
	if len(events) > 0 {
		seen = events[len(events)-1].ID
	}
	return s.renderActionPage(c, http.StatusOK, cs, action, url.Values{}, templates.FormErrors{}, seen, nil)
}

func actionLabel(name string) string {
	if spec, ok := cases.ActionByName(name); ok {
		return spec.Label
	}
	return name
}

func (s *Server) renderActionPage(c echo.Context, status int, cs *cases.Case, action string, values url.Values, errs templates.FormErrors, seen int64, stale *staleInfo) error {
	a := actorOf(c)
	v, err := s.caseView(c.Request().Context(), a, cs)
	if err != nil {
		return err
	}
	f, err := s.buildActionForm(c, cs, action, values, errs, seen)
	if err != nil {
		return err
	}
	if stale != nil { // the new form is built on the current version
		f.Version = cs.Version
	}
	p, err := s.appPage(c, f.Label+" - "+cs.Title, "cases", actionPageData{Case: v, Form: f, Stale: stale, Today: s.cases.Today()})
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/cases_action", p)
}

// actionSubmit takes a posted action form: the form is turned into the
// API's JSON body and goes through the API's decoding and Execute.
func (s *Server) actionSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	action := c.Param("action")
	if _, ok := cases.ActionByName(action); !ok {
		return s.errorPage(c, &apperr.Error{Kind: apperr.ErrNotFound, Code: "unknown_action", Message: "不存在该操作：" + action})
	}
	a := actorOf(c)
	ctx := c.Request().Context()
	var values url.Values
	req := cases.ActionRequest{CaseID: id, Action: action, Payload: s.cases.NewActionPayload(action)}
	if isMultipart(c) {
		form, err := c.MultipartForm()
		if err != nil {
			return s.errorPage(c, multipartError(err))
		}
		defer form.RemoveAll()
		values = form.Value
		if req.Files, err = s.readUploads(form.File["files"]); err != nil {
			return s.errorPage(c, err)
		}
	} else if values, err = c.FormParams(); err != nil {
		return s.errorPage(c, apperr.Invalid("无法读取表单", nil))
	}
	seen, _ := strconv.ParseInt(values.Get("_seen"), 10, 64)
	version, _ := strconv.Atoi(values.Get("version"))
	body, bad := formBody(req.Payload, values)
	if dangerActions[action] && values.Get("_confirm") != "true" {
		bad["_confirm"] = "请勾选确认后再提交"
	}
	if len(bad) == 0 {
		err = decodeActionBody(c, actionBody(body, version, strings.TrimSpace(values.Get("note"))), &req)
		if err == nil {
			_, err = s.cases.Execute(ctx, a, req)
			if err == nil {
				s.setFlash(c, "success", "已"+actionLabel(action)+"。")
				back := values.Get("_back")
				if back != fmt.Sprintf("/cases/%d/draft", id) {
					back = fmt.Sprintf("/cases/%d", id)
				}
				return c.Redirect(http.StatusSeeOther, back)
			}
		}
	} else {
		err = apperr.Invalid("请修改标出的字段", bad)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	cs, lerr := s.cases.LoadCase(ctx, a, id)
	if lerr != nil {
		return s.errorPage(c, lerr)
	}
	switch {
	case ae.Code == "stale_version":
		events, err := s.cases.Events(ctx, a, id)
		if err != nil {
			return err
		}
		st := &staleInfo{Current: cs.Version}
		for i := len(events) - 1; i >= 0; i-- {
			if events[i].ID > seen {
				st.Events = append(st.Events, eventView{CaseEvent: events[i], Label: eventLabel(events[i].Action)})
			}
		}
		if len(events) > 0 {
			seen = events[len(events)-1].ID
		}
		return s.renderActionPage(c, http.StatusConflict, cs, action, values, templates.FormErrors{}, seen, st)
	case ae.Kind == apperr.ErrInvalid || ae.Kind == apperr.ErrConflict:
		return s.renderActionPage(c, errorStatus(err), cs, action, values, formErrorsFor(ae, req.Payload, action), seen, nil)
	}
	return s.errorPage(c, err)
}

// errorStatus is the status a page re-rendered with a form's errors
// answers: 422 for input to correct (the house rule of the pages), else the
// status the API gives (409 for a conflict).
func errorStatus(err error) int {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.ErrInvalid {
		return http.StatusUnprocessableEntity
	}
	st, _ := errorResponse(err)
	return st
}

// formErrorsFor places an error's field messages next to the form's fields;
// messages about fields the form does not have join the summary's message.
func formErrorsFor(ae *apperr.Error, payload any, action string) templates.FormErrors {
	names := map[string]bool{"note": true, "_confirm": dangerActions[action]}
	var order []string
	for _, f := range formFields(payload, nil, templates.FormErrors{}, nil) {
		names[f.Name] = true
		order = append(order, f.Name)
	}
	fields := map[string]string{}
	msg := ae.Message
	var extra []string
	for k, v := range ae.Fields {
		if names[k] {
			fields[k] = v
		} else {
			extra = append(extra, v)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		msg += "：" + strings.Join(extra, "；")
	}
	if len(fields) > 0 && msg == "" {
		msg = "请修改以下问题"
	}
	return templates.NewFormErrors(msg, fields, append(order, "note", "_confirm")...)
}
