package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// The recipient agency's portal (被建议单位): its inbox of delivered letters,
// what it has answered, and one letter's page with its forms. Every action
// goes through cases.Service.Execute with the payload the API action takes,
// bound by the same strict decoder (decodeActionBody) and the same upload
// checks (readUploads), so no rule lives here.
func (s *Server) agencyPages(app pages) {
	agencyOnly := requireRole(org.RoleAgency)
	app.GET("/agency", s.agencyInboxPage, agencyOnly)
	app.GET("/agency/replied", s.agencyRepliedPage, agencyOnly)
	app.GET("/agency/letters/:id", s.agencyLetterPage, agencyOnly)
	app.GET("/agency/letters/:id/letter.pdf", s.agencyLetterPDF, agencyOnly)
	app.GET("/agency/letters/:id/files/:file", s.agencyLetterFile, agencyOnly)
	app.POST("/agency/letters/:id/:action", s.agencyLetterAction, agencyOnly)
}

// agencyListData is an inbox page.
type agencyListData struct {
	Items   []agency.AgencyInboxItem
	Today   calendar.Date
	NextURL string
	Replied bool
}

func (s *Server) agencyInboxPage(c echo.Context) error {
	return s.agencyList(c, false)
}

func (s *Server) agencyRepliedPage(c echo.Context) error {
	return s.agencyList(c, true)
}

// agencyList lists the letters waiting for an answer (待回复: delivered) or
// the ones answered or closed (已回复), newest delivery first.
func (s *Server) agencyList(c echo.Context, replied bool) error {
	ctx := c.Request().Context()
	q := agency.AgencyInboxQuery{Cursor: c.QueryParam("cursor"), Limit: 50}
	if !replied {
		q.State = string(cases.StateDelivered)
	}
	d := agencyListData{Today: s.cases.Today(), Replied: replied}
	// 已回复 is everything but delivered: read on until a page is full.
	for {
		items, next, err := s.agency.ListAgencyInbox(ctx, actorOf(c), q)
		if err != nil {
			return s.errorPage(c, err)
		}
		for _, it := range items {
			if !replied || it.State != cases.StateDelivered {
				d.Items = append(d.Items, it)
			}
		}
		if next == "" || len(d.Items) >= q.Limit {
			if next != "" {
				d.NextURL = c.Request().URL.Path + "?cursor=" + next
			}
			break
		}
		q.Cursor = next
	}
	title, section := "待回复的检察建议", "pending"
	if replied {
		title, section = "已回复的检察建议", "replied"
	}
	p, err := s.appPage(c, title, section, d)
	if err != nil {
		return err
	}
	if !replied {
		p.Nav[0].Count = len(d.Items)
	}
	return s.renderPage(c, http.StatusOK, "agency/inbox", p)
}

// letterItem is one numbered recommendation with the reply form's values.
type letterItem struct {
	No         int
	Text       string
	LegalBasis string
	Position   string
	Reason     string
}

// letterMeasure is one row of the reply form's measures planned.
type letterMeasure struct {
	No      int
	Measure string
	DueOn   string
}

// agencyLetterData is the letter page.
type agencyLetterData struct {
	L           *agency.AgencyRecommendation
	Today       calendar.Date
	Can         map[string]bool
	Open        string // the form shown open (the one just posted with errors)
	Form        map[string]string
	Items       []letterItem
	Measures    []letterMeasure
	UploadLimit int64
	HasFinal    bool
	ReplyDueNow bool // no final reply yet, or the last one was returned: the reply form opens
	Labels      map[string]map[string]string
	Errs        map[string]templates.FormErrors // the posted form's errors, by action
}

var letterLabels = map[string]map[string]string{
	"position":      agency.PositionLabels,
	"kind":          {"interim": "阶段性回复", "final": "正式回复", "supplement": "补充回复"},
	"objection":     {"pending": "复核中", "amend": "修改后重新制发", "withdraw": "撤回检察建议", "keep": "维持原检察建议"},
	"extension":     {"pending": "待决定", "granted": "已准予", "refused": "不准予", "lapsed": "已终止"},
	"rectification": agency.RectificationLabels,
	"followup":      agency.FollowUpKindLabels,
	"outcome":       agency.CloseOutcomeLabels,
}

// agencyForms are the actions the letter page offers, in page order.
var agencyForms = []string{"sign", "reply", "report_progress", "request_extension", "object"}

const measureRows = 3

func (s *Server) agencyLetterPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderLetter(c, id, http.StatusOK, "", nil, templates.FormErrors{})
}

// renderLetter shows the letter page; after a failed post, open names the
// form shown again with its values and errors.
func (s *Server) renderLetter(c echo.Context, id int64, status int, open string, form map[string]string, errs templates.FormErrors) error {
	l, err := s.agency.AgencyRecommendation(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return s.errorPage(c, err)
	}
	if form == nil {
		form = map[string]string{}
	}
	d := agencyLetterData{L: l, Today: s.cases.Today(), Can: map[string]bool{}, Open: open, Form: form,
		UploadLimit: int64(s.cfg.HTTP.UploadLimit), Labels: letterLabels, Errs: map[string]templates.FormErrors{}}
	if open != "" {
		d.Errs[open] = errs
	}
	for _, a := range l.AllowedActions {
		d.Can[a] = true
	}
	for _, r := range l.Replies {
		if r.Kind == agency.ReplyKindFinal {
			d.HasFinal = true
		}
		if r.Kind != agency.ReplyKindInterim {
			d.ReplyDueNow = r.Returned
		}
	}
	if !d.HasFinal {
		d.ReplyDueNow = true
	}
	if l.Content != nil {
		for i, it := range l.Content.Items {
			n := i + 1
			d.Items = append(d.Items, letterItem{No: n, Text: it.Text, LegalBasis: it.LegalBasis,
				Position: form[fmt.Sprintf("item_%d_position", n)], Reason: form[fmt.Sprintf("item_%d_reason", n)]})
		}
	}
	for n := 1; n <= measureRows; n++ {
		d.Measures = append(d.Measures, letterMeasure{No: n, Measure: form[fmt.Sprintf("measure_%d", n)], DueOn: form[fmt.Sprintf("measure_%d_due", n)]})
	}
	if form["kind"] == "" {
		form["kind"] = agency.ReplyKindFinal
		if d.HasFinal {
			form["kind"] = agency.ReplyKindSupplement
		}
	}
	title := l.Title
	if l.LetterTitle != "" {
		title = l.LetterTitle
	}
	section := "pending"
	if l.State != cases.StateDelivered {
		section = "replied"
	}
	p, err := s.appPage(c, title, section, d)
	if err != nil {
		return err
	}
	return s.renderPage(c, status, "agency/letter", p)
}

// agencyLetterPDF sends the letter as delivered (the API's document), inline
// so the browser's viewer shows it; ?download=1 saves it instead. The page
// embeds it, so this one response may be framed by the site itself.
func (s *Server) agencyLetterPDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	doc, err := s.cases.CaseDocument(c.Request().Context(), actorOf(c), id, cases.DocRecommendation)
	if err != nil {
		return s.errorPage(c, err)
	}
	h := c.Response().Header()
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-SHA256", doc.SHA256)
	disposition := "inline"
	if c.QueryParam("download") != "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", contentDisposition(disposition, doc.Filename))
	return c.Blob(http.StatusOK, "application/pdf", doc.Content)
}

// agencyLetterFile sends a file of the letter's records the agency may see
// (the same access as GET /files/{id}).
func (s *Server) agencyLetterFile(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	fid, err := pathID(c, "file")
	if err != nil {
		return s.errorPage(c, err)
	}
	f, err := s.cases.LoadFile(c.Request().Context(), actorOf(c), fid)
	if err == nil && (f.CaseID == nil || *f.CaseID != id) {
		err = apperr.NotFound("文件")
	}
	if err != nil {
		return s.errorPage(c, err)
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", f.Filename))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Content)
}

// agencyActionMessages are the flash messages after each action.
var agencyActionMessages = map[string]string{
	"sign": "已签收检察建议书。", "object": "异议已提交，检察机关将在复核后答复。",
	"request_extension": "延期申请已提交，请等待检察机关决定。", "reply": "书面回复已提交。",
	"report_progress": "整改进展已报送。",
}

// agencyLetterAction runs one of the letter page's forms.
func (s *Server) agencyLetterAction(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	action := c.Param("action")
	if _, ok := agencyActionMessages[action]; !ok {
		return s.errorPage(c, apperr.NotFound("页面"))
	}
	form, uploads, err := readPageForm(c)
	if err != nil {
		return s.errorPage(c, err)
	}
	payload, err := agencyPayload(action, form)
	req := cases.ActionRequest{CaseID: id, Action: action, Payload: s.cases.NewActionPayload(action)}
	if err == nil {
		raw, _ := json.Marshal(payload)
		err = decodeActionBody(c, raw, &req)
	}
	if err == nil {
		req.Files, err = s.readUploads(uploads)
	}
	if err == nil {
		_, err = s.cases.Execute(c.Request().Context(), actorOf(c), req)
	}
	if err == nil {
		s.setFlash(c, "success", agencyActionMessages[action])
		target := fmt.Sprintf("/agency/letters/%d", id)
		if c.Request().Header.Get("X-Requested-With") == "XMLHttpRequest" {
			// The upload script (static/upload.js) goes there itself.
			c.Response().Header().Set("X-Location", target)
			return c.NoContent(http.StatusNoContent)
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	status, _ := errorResponse(err)
	switch {
	case status == http.StatusNotFound || status == http.StatusForbidden:
		return s.errorPage(c, err)
	case ae.Code == "stale_version":
		s.setFlash(c, "warning", "该检察建议已有新的办理情况，请查看最新内容后重新填写。")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/agency/letters/%d", id))
	}
	// Each message goes next to the input it is about; what no input shows
	// (the version, a conflict) is the form's message.
	inputs := map[string]bool{}
	order := agencyFieldOrder(action)
	for _, k := range order {
		inputs[k] = true
	}
	fields := map[string]string{}
	msg := ae.Message
	for k, v := range ae.Fields {
		if f := formFieldOf(action, k, form); inputs[f] {
			fields[f] = v
		} else if !strings.Contains(msg, v) {
			msg += "：" + v
		}
	}
	if len(ae.Fields) == 0 && (strings.HasPrefix(ae.Code, "file_") || ae.Code == "body_too_large") && inputs[action+"_files"] {
		fields[action+"_files"] = ae.Message
	}
	if status == http.StatusBadRequest {
		status = http.StatusUnprocessableEntity
	}
	return s.renderLetter(c, id, status, action, form, templates.NewFormErrors(msg, fields, order...))
}

// readPageForm reads a posted form (multipart or URL-encoded): its values
// (first of each) and its files.
func readPageForm(c echo.Context) (map[string]string, []*multipart.FileHeader, error) {
	out := map[string]string{}
	var uploads []*multipart.FileHeader
	if isMultipart(c) {
		mf, err := c.MultipartForm()
		if err != nil {
			return nil, nil, multipartError(err)
		}
		for k, v := range mf.Value {
			if len(v) > 0 {
				out[k] = v[0]
			}
		}
		for _, fh := range mf.File["files"] {
			if fh.Filename != "" && fh.Size > 0 {
				uploads = append(uploads, fh)
			}
		}
		return out, uploads, nil
	}
	vals, err := c.FormParams()
	if err != nil {
		return nil, nil, multipartError(err)
	}
	for k, v := range vals {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out, nil, nil
}

// agencyPayload turns a page form into the API action's JSON body.
func agencyPayload(action string, f map[string]string) (map[string]any, error) {
	v, err := strconv.Atoi(f["version"])
	if err != nil || v < 1 {
		return nil, apperr.InvalidField("version", "表单缺少案件版本，请刷新页面后重试")
	}
	body := map[string]any{"version": v}
	str := func(k string) string { return strings.TrimSpace(f[k]) }
	setDate := func(key, field string) {
		if d := str(field); d != "" {
			body[key] = d
		}
	}
	switch action {
	case "sign":
		body["signer_name"] = str("signer_name")
		setDate("received_on", "received_on")
	case "object":
		body["reason"] = str("object_reason")
	case "request_extension":
		body["reason"] = str("extension_reason")
		setDate("requested_due", "requested_due")
		if d := str("requested_days"); d != "" {
			n, err := strconv.Atoi(d)
			if err != nil {
				return nil, apperr.InvalidField("requested_days", "请填写天数（整数）")
			}
			body["requested_days"] = n
		}
	case "report_progress":
		if p := str("percent"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				return nil, apperr.InvalidField("percent", "请填写 0 到 100 的整数")
			}
			body["percent"] = n
		}
		body["description"] = str("progress_description")
	case "reply":
		body["kind"] = str("kind")
		body["text"] = str("text")
		body["measures_taken"] = str("measures_taken")
		body["contact_person"] = str("contact_person")
		body["contact_phone"] = str("contact_phone")
		items := []map[string]any{}
		for n := 1; n <= 30; n++ {
			pos := str(fmt.Sprintf("item_%d_position", n))
			if pos == "" {
				continue
			}
			items = append(items, map[string]any{"item_no": n, "position": pos, "reason": str(fmt.Sprintf("item_%d_reason", n))})
		}
		body["items"] = items
		measures := []map[string]any{}
		for n := 1; n <= measureRows; n++ {
			m, due := str(fmt.Sprintf("measure_%d", n)), str(fmt.Sprintf("measure_%d_due", n))
			if m == "" && due == "" {
				continue
			}
			if due == "" {
				return nil, apperr.InvalidField(fmt.Sprintf("measure_%d_due", n), "请填写该措施的完成期限")
			}
			measures = append(measures, map[string]any{"measure": m, "due_on": due})
		}
		body["measures_planned"] = measures
	}
	return body, nil
}

// The API names fields by JSON path; the page by its inputs.
var (
	itemPath    = regexp.MustCompile(`^items\[(\d+)\]\.(\w+)$`)
	measurePath = regexp.MustCompile(`^measures_planned\[(\d+)\]\.(\w+)$`)
)

// formFieldOf maps an API field of an action to the page input showing it.
// The page posts the items' positions in item order with blanks left out, so
// items[i] is the i-th item given a position.
func formFieldOf(action, key string, form map[string]string) string {
	switch action {
	case "object":
		if key == "reason" {
			return "object_reason"
		}
	case "request_extension":
		if key == "reason" {
			return "extension_reason"
		}
	case "report_progress":
		if key == "description" {
			return "progress_description"
		}
	}
	if key == "files" {
		return action + "_files"
	}
	switch action {
	case "reply":
		var given []int
		firstBlank := 0
		for n := 1; n <= 30; n++ {
			if strings.TrimSpace(form[fmt.Sprintf("item_%d_position", n)]) != "" {
				given = append(given, n)
			} else if firstBlank == 0 {
				firstBlank = n
			}
		}
		if m := itemPath.FindStringSubmatch(key); m != nil {
			i, _ := strconv.Atoi(m[1])
			field := "position"
			if m[2] == "reason" {
				field = "reason"
			}
			if i < len(given) {
				return fmt.Sprintf("item_%d_%s", given[i], field)
			}
		}
		if m := measurePath.FindStringSubmatch(key); m != nil {
			i, _ := strconv.Atoi(m[1])
			suffix := ""
			if m[2] == "due_on" {
				suffix = "_due"
			}
			return fmt.Sprintf("measure_%d%s", i+1, suffix)
		}
		if key == "items" && firstBlank > 0 {
			return fmt.Sprintf("item_%d_position", firstBlank)
		}
	}
	return key
}

func agencyFieldOrder(action string) []string {
	switch action {
	case "sign":
		return []string{"signer_name", "received_on"}
	case "object":
		return []string{"object_reason", "object_files"}
	case "request_extension":
		return []string{"extension_reason", "requested_due", "requested_days"}
	case "report_progress":
		return []string{"percent", "progress_description", "report_progress_files"}
	}
	order := []string{"kind"}
	for n := 1; n <= 30; n++ {
		order = append(order, fmt.Sprintf("item_%d_position", n), fmt.Sprintf("item_%d_reason", n))
	}
	order = append(order, "text", "measures_taken")
	for n := 1; n <= measureRows; n++ {
		order = append(order, fmt.Sprintf("measure_%d", n), fmt.Sprintf("measure_%d_due", n))
	}
	return append(order, "contact_person", "contact_phone", "reply_files")
}
