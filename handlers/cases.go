package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
)

func (s *Server) caseRoutes(g *echo.Group) {
	g.POST("/cases", s.createCase)
	s.checkedGET(g, "/cases", s.listCases)
	g.GET("/cases/:id", s.getCase)
	g.GET("/cases/:id/events", s.caseEvents)
	g.POST("/cases/:id/actions/:action", s.caseAction)
	g.GET("/files/:id", s.downloadFile)
	g.GET("/lifecycle", s.lifecycleTable)
	g.GET("/work", s.workQueue) // page_cases.go
}

// CaseView is a case as a user sees it, with the actions that user may take now.
type CaseView struct {
	*cases.Case
	StateLabel     string   `json:"state_label"`
	SourceLabel    string   `json:"source_label"`
	AllowedActions []string `json:"allowed_actions"`
	DaysLeft       *int     `json:"days_left"`
	// The reply classes by the statistics definitions as of today
	// (agency.ReplyClasses); reply_class here shadows the stored column,
	// which the deadline passing changes without an action.
	ReplyClass           string `json:"reply_class"`
	ReplyClassLabel      string `json:"reply_class_label"`
	ReplyTimeliness      string `json:"reply_timeliness"`
	ReplyTimelinessLabel string `json:"reply_timeliness_label"`
	ReplyPerfunctory     bool   `json:"reply_perfunctory"`
}

// caseView is the view of one case, its reply classes read afresh.
func (s *Server) caseView(ctx context.Context, a *org.Actor, c *cases.Case) (CaseView, error) {
	views, err := s.caseViews(ctx, a, []cases.Case{*c})
	if err != nil {
		return CaseView{}, err
	}
	return views[0], nil
}

// caseViews are the views of cases (their reply classes read with one query).
func (s *Server) caseViews(ctx context.Context, a *org.Actor, list []cases.Case) ([]CaseView, error) {
	classes, err := s.agency.CaseReplyClasses(s.db.WithContext(ctx), list)
	if err != nil {
		return nil, err
	}
	views := make([]CaseView, len(list))
	for i := range list {
		views[i] = s.newCaseView(a, &list[i], classes[list[i].ID])
	}
	return views, nil
}

// newCaseView hides what an agency user must not see.
func (s *Server) newCaseView(a *org.Actor, c *cases.Case, rc agency.ReplyClasses) CaseView {
	v := CaseView{Case: c, StateLabel: cases.StateLabels[c.State], SourceLabel: cases.SourceLabels[c.Source],
		AllowedActions: cases.AllowedActions(a, c), ReplyClass: rc.ReplyClass, ReplyClassLabel: rc.ReplyClassLabel,
		ReplyTimeliness: rc.ReplyTimeliness, ReplyTimelinessLabel: rc.ReplyTimelinessLabel, ReplyPerfunctory: rc.ReplyPerfunctory}
	v.DaysLeft = s.daysLeft(c)
	if !cases.SeesInternal(a) {
		cp := *c
		cp.Summary = ""
		cp.OriginCaseNumber = ""
		cp.CaseNumber = nil
		cp.ProjectID = nil
		cp.LookbackDue, cp.LookbackDoneOn = nil, nil
		cp.DocumentNumber = agency.AgencyDocumentNumber(c)
		v.Case = &cp
	}
	return v
}

func (s *Server) createCase(c echo.Context) error {
	var in cases.CaseInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	a := actorOf(c)
	cs, err := s.cases.CreateCase(c.Request().Context(), a, in)
	if err != nil {
		return err
	}
	v, err := s.caseView(c.Request().Context(), a, cs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// listCases is GET /cases, a checked read (checkedGET writes the page).
func (s *Server) listCases(c echo.Context) (any, error) {
	a := actorOf(c)
	q, err := caseListQuery(c)
	if err != nil {
		return nil, err
	}
	items, classes, next, err := s.agency.ListCasesWithClasses(c.Request().Context(), a, q)
	if err != nil {
		return nil, err
	}
	out := make([]CaseListItem, len(items))
	for i := range items {
		out[i] = s.newCaseListItem(a, &items[i], classes[items[i].ID])
	}
	return listResponse[CaseListItem]{Items: out, NextCursor: next}, nil
}

// CaseListItem is a case as the API's case list gives it: what a list shows
// and picks a case by, with its reply classes as of today. The whole case,
// with the actions the caller may take now, is GET /cases/{id}: a page of 50
// whole cases was 94 KB, most of it texts no list shows (summary, the
// deadline's explanation), and reading and encoding it was most of the
// list's time (docs/scale.md, "Lists within 20× of /healthz").
type CaseListItem struct {
	ID              int64           `json:"id"`
	ProcuratorateID int64           `json:"procuratorate_id"`
	CaseNumber      *string         `json:"case_number"`
	DocumentNumber  *string         `json:"document_number"`
	Title           string          `json:"title"`
	Field           string          `json:"field"`
	State           cases.CaseState `json:"state"`
	StateLabel      string          `json:"state_label"`
	Version         int             `json:"version"`
	AgencyID        *int64          `json:"agency_id"`
	ProsecutorID    int64           `json:"prosecutor_id"`
	ProjectID       *int64          `json:"project_id"`
	IssuedAt        *time.Time      `json:"issued_at"`
	DeliveredOn     *calendar.Date  `json:"delivered_on"`
	ReplyDue        *calendar.Date  `json:"reply_due"`
	DaysLeft        *int            `json:"days_left"`
	agency.ReplyClasses
	UpdatedAt time.Time `json:"updated_at"`
}

// newCaseListItem is the list item of a case read with
// cases.CaseSummaryColumns, blanked for an agency as newCaseView blanks the
// whole case.
func (s *Server) newCaseListItem(a *org.Actor, c *cases.Case, rc agency.ReplyClasses) CaseListItem {
	v := CaseListItem{ID: c.ID, ProcuratorateID: c.ProcuratorateID, CaseNumber: c.CaseNumber, DocumentNumber: c.DocumentNumber,
		Title: c.Title, Field: c.Field, State: c.State, StateLabel: cases.StateLabels[c.State], Version: c.Version, AgencyID: c.AgencyID,
		ProsecutorID: c.ProsecutorID, ProjectID: c.ProjectID, IssuedAt: c.IssuedAt, DeliveredOn: c.DeliveredOn, ReplyDue: c.ReplyDue,
		ReplyClasses: rc, UpdatedAt: c.UpdatedAt}
	v.DaysLeft = s.daysLeft(c)
	if !cases.SeesInternal(a) {
		v.CaseNumber, v.ProjectID = nil, nil
		v.DocumentNumber = agency.AgencyDocumentNumber(c)
	}
	return v
}

// daysLeft is the number of days to the reply deadline while the case
// awaits the reply (negative once overdue), nil otherwise.
func (s *Server) daysLeft(c *cases.Case) *int {
	if c.ReplyDue == nil || c.State != cases.StateDelivered {
		return nil
	}
	d := s.cases.Today().DaysUntil(*c.ReplyDue)
	return &d
}

// caseListQuery reads the case list's filters from the query string: the
// API's GET /cases and the case list page read them the same way.
func caseListQuery(c echo.Context) (cases.CaseListQuery, error) {
	q := cases.CaseListQuery{State: c.QueryParam("state"), Field: c.QueryParam("field"), Q: strings.TrimSpace(c.QueryParam("q")),
		Sort: c.QueryParam("sort")}
	if q.State != "" && !cases.CaseState(q.State).Valid() {
		return q, apperr.InvalidField("state", "未知的案件状态："+q.State)
	}
	if q.Sort != "" && q.Sort != cases.CaseSortDue {
		return q, apperr.InvalidField("sort", "排序方式只能是 due（按回复期限）或不填（最新登记在前）")
	}
	var err error
	if q.AgencyID, err = optionalInt(c, "agency_id"); err != nil {
		return q, err
	}
	if q.ProsecutorID, err = optionalInt(c, "prosecutor_id"); err != nil {
		return q, err
	}
	if q.Sort == cases.CaseSortDue {
		q.DueCursor = c.QueryParam("cursor")
		if _, _, ok := cases.ParseDueCursor(q.DueCursor); q.DueCursor != "" && !ok {
			return q, apperr.InvalidField("cursor", "分页游标格式不正确")
		}
	} else if q.Cursor, err = optionalInt(c, "cursor"); err != nil {
		return q, err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return q, err
	}
	q.Limit = int(limit)
	if q.DueFrom, err = optionalDate(c, "due_from"); err != nil {
		return q, err
	}
	if q.DueTo, err = optionalDate(c, "due_to"); err != nil {
		return q, err
	}
	if v := c.QueryParam("overdue"); v != "" {
		if q.Overdue, err = strconv.ParseBool(v); err != nil {
			return q, apperr.InvalidField("overdue", "应为 true 或 false")
		}
	}
	return q, nil
}

func optionalInt(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.InvalidField(name, "应为非负整数")
	}
	return n, nil
}

func optionalDate(c echo.Context, name string) (*calendar.Date, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return nil, apperr.InvalidField(name, "日期格式应为 YYYY-MM-DD")
	}
	return &d, nil
}

func (s *Server) getCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a := actorOf(c)
	cs, err := s.cases.LoadCase(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	v, err := s.caseView(c.Request().Context(), a, cs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// EventView is a timeline entry.
type EventView struct {
	cases.CaseEvent
	ActionLabel string         `json:"action_label"`
	Data        map[string]any `json:"data"`
}

func (s *Server) caseEvents(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	events, err := s.cases.Events(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	views := make([]EventView, len(events))
	for i := range events {
		label := "登记线索"
		if spec, ok := cases.ActionByName(events[i].Action); ok {
			label = spec.Label
		} else if l, ok := extraEventLabels[events[i].Action]; ok {
			label = l
		}
		views[i] = EventView{CaseEvent: events[i], ActionLabel: label, Data: events[i].EventData()}
	}
	return c.JSON(http.StatusOK, listResponse[EventView]{Items: views})
}

// extraEventLabels names the timeline events that are not lifecycle actions.
var extraEventLabels = map[string]string{
	"register":              "登记线索",
	"draft_saved":           "保存检察建议书草稿",
	"investigation_record":  "登记调查核实记录",
	"deadline_recomputed":   "重新计算回复期限",
	"filing_submitted":      "报上级院备案",
	"filing_comment":        "上级院备案审查意见",
	"filing_order_amend":    "上级院指令变更",
	"filing_order_withdraw": "上级院指令撤回",
	"project_link":          "纳入项目",
	"project_unlink":        "移出项目",
	"rate":                  "外部评价",
}

// caseAction runs POST /cases/{id}/actions/{action}. The body is JSON
// {"version": N, "note": "...", ...payload}, or multipart with form fields
// "version", "note", "payload" (the JSON payload) and files under "files".
func (s *Server) caseAction(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	action := c.Param("action")
	if _, ok := cases.ActionByName(action); !ok {
		return &apperr.Error{Kind: apperr.ErrNotFound, Code: "unknown_action", Message: "不存在该操作：" + action}
	}
	req := cases.ActionRequest{CaseID: id, Action: action, Payload: s.cases.NewActionPayload(action)}
	if isMultipart(c) {
		err = s.bindMultipartAction(c, &req)
	} else {
		err = bindActionJSON(c, &req)
	}
	if err != nil {
		return err
	}
	a := actorOf(c)
	cs, err := s.cases.Execute(c.Request().Context(), a, req)
	if err != nil {
		return err
	}
	v, err := s.caseView(c.Request().Context(), a, cs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func bindActionJSON(c echo.Context, req *cases.ActionRequest) error {
	if err := requireJSON(c); err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apperr.Error{Kind: apperr.ErrTooLarge, Code: "body_too_large", Message: fmt.Sprintf("请求体超过 %d 字节的限制", mbe.Limit)}
		}
		return apperr.Invalid("无法读取请求体", nil)
	}
	return decodeActionBody(c, body, req)
}

// decodeActionBody splits version and note from the payload and decodes the
// rest strictly into the action's payload type.
func decodeActionBody(c echo.Context, body []byte, req *cases.ActionRequest) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.InvalidField("version", "必须提供案件版本号 version")
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return decodeError(err)
	}
	v, ok := raw["version"]
	if !ok {
		return apperr.InvalidField("version", "必须提供案件版本号 version")
	}
	if err := json.Unmarshal(v, &req.Version); err != nil || req.Version < 1 {
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "wrong_type", Message: "version 应为正整数", Fields: map[string]string{"version": "应为正整数"}}
	}
	delete(raw, "version")
	if n, ok := raw["note"]; ok {
		if err := json.Unmarshal(n, &req.Note); err != nil {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "wrong_type", Message: "note 应为字符串", Fields: map[string]string{"note": "应为字符串"}}
		}
		if len([]rune(req.Note)) > 2000 {
			return apperr.InvalidField("note", "备注不能超过2000字")
		}
		delete(raw, "note")
	}
	rest, _ := json.Marshal(raw)
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req.Payload); err != nil {
		return decodeErrorIn(err, rest, req.Payload)
	}
	// Validation runs inside Execute, after the access, role, version and
	// state checks, so an object the user may not see answers 404 whatever the
	// payload holds.
	req.Validate = c.Validate
	return nil
}

func (s *Server) bindMultipartAction(c echo.Context, req *cases.ActionRequest) error {
	form, err := c.MultipartForm()
	if err != nil {
		return multipartError(err)
	}
	defer form.RemoveAll()
	if err := checkFormText(form.Value); err != nil {
		return err
	}
	body := map[string]json.RawMessage{}
	if p := form.Value["payload"]; len(p) > 0 && strings.TrimSpace(p[0]) != "" {
		if err := json.Unmarshal([]byte(p[0]), &body); err != nil {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "malformed_json", Message: "payload 字段不是合法的 JSON 对象", Fields: map[string]string{"payload": "应为 JSON 对象"}}
		}
	}
	if v := form.Value["version"]; len(v) > 0 {
		body["version"] = json.RawMessage(strings.TrimSpace(v[0]))
		if _, err := strconv.Atoi(strings.TrimSpace(v[0])); err != nil {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "wrong_type", Message: "version 应为正整数", Fields: map[string]string{"version": "应为正整数"}}
		}
	}
	if n := form.Value["note"]; len(n) > 0 {
		b, _ := json.Marshal(n[0])
		body["note"] = b
	}
	raw, _ := json.Marshal(body)
	if err := decodeActionBody(c, raw, req); err != nil {
		return err
	}
	req.Files, err = s.readUploads(form.File["files"])
	return err
}

// readUploads checks each uploaded file (size, sniffed type, name).
func (s *Server) readUploads(headers []*multipart.FileHeader) ([]files.Upload, error) {
	var out []files.Upload
	limit := int64(s.cfg.HTTP.UploadLimit)
	for _, fh := range headers {
		if fh.Size > limit {
			return nil, &apperr.Error{Kind: apperr.ErrTooLarge, Code: "file_too_large", Message: fmt.Sprintf("附件“%s”超过 %d 字节的大小限制", files.SanitizeFilename(fh.Filename), limit)}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		content, err := io.ReadAll(io.LimitReader(f, limit+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		u, err := files.CheckUpload(fh.Filename, fh.Header.Get("Content-Type"), content, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func (s *Server) downloadFile(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.cases.LoadFile(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", f.Filename))
	c.Response().Header().Set("X-Content-SHA256", f.SHA256)
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Content)
}

// lifecycleTable publishes the lifecycle table so the UI and other systems
// read the same rules the server applies: each action's states, the roles
// that take it (its deciders), whether only the handling prosecutor (or the
// department head) may, which action decides what it proposes, and the
// approval chain of the caller's procuratorate with the default one.
func (s *Server) lifecycleTable(c echo.Context) error {
	type row struct {
		Name        string   `json:"name"`
		Label       string   `json:"label"`
		From        []string `json:"from"`
		To          []string `json:"to"`
		Roles       []string `json:"roles"`
		Internal    bool     `json:"internal"`
		HandlerOnly bool     `json:"handler_only"`
		DecidedBy   string   `json:"decided_by,omitempty"`
	}
	rows := make([]row, 0, len(cases.Lifecycle))
	for _, a := range cases.Lifecycle {
		r := row{Name: a.Name, Label: a.Label, Internal: a.Internal, HandlerOnly: a.HandlerOnly, DecidedBy: a.DecidedBy}
		for _, f := range a.From {
			r.From = append(r.From, string(f))
		}
		if len(a.Targets) > 0 {
			for _, t := range a.Targets {
				r.To = append(r.To, string(t))
			}
		} else if a.To != "" {
			r.To = []string{string(a.To)}
		} else {
			r.To = []string{}
		}
		for _, ro := range a.Roles {
			r.Roles = append(r.Roles, string(ro))
		}
		rows = append(rows, r)
	}
	chains := s.cases.Settings.Approval
	own := chains.For("")
	if a := actorOf(c); a != nil && a.ProcuratorateID != 0 {
		p, err := org.ProcuratorateByID(s.db.WithContext(c.Request().Context()), a.ProcuratorateID)
		if err != nil {
			return err
		}
		own = chains.For(p.Name)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": rows, "states": cases.StateLabels,
		"approval_chain": cases.DescribeChain(own), "default_approval_chain": cases.DescribeChain(chains.For("")),
		"decision_kinds": cases.DecisionKindLabels, "generated_at": s.clock.Now().Format(time.RFC3339)})
}
