package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
	"jianyi/templates"
)

// The draft editor: the structured 检察建议书 saved through the same
// SaveDraft the API's PUT /cases/{id}/draft calls, with a live PDF preview
// (the API's draft preview document) and the submit action; the approvers
// read the draft here and return it or approve it.

// draftItem is one recommendation row of the editor.
type draftItem struct {
	Index, No        int
	Text, LegalBasis string
}

type draftPageData struct {
	Case        CaseView
	Today       calendar.Date
	Editable    bool
	Draft       *cases.DraftView
	Values      url.Values // the editor's values (after an error: as posted)
	Items       []draftItem
	Agencies    []templates.Option
	AgencyValue string
	CanSubmit   bool
	PreviewURL  string
	Seen        int64
	Forms       []actionForm // the approver's forms (approve, return)
	Comments    []cases.DraftView
	Steps       []cases.ApprovalStep
	StepLabel   map[string]string
	SavedAt     string
	DraftStatus map[string]string
	Similar     *similarPanel // 类案参考 (page_analysis.go)
}

// draftStatusLabels name the draft versions' statuses.
var draftStatusLabels = map[string]string{cases.DraftWorking: "起草中", cases.DraftSubmitted: "已提请审批",
	cases.DraftReturned: "已退回修改", cases.DraftApproved: "已批准", cases.DraftIssued: "已制发"}

// draftFieldOrder is the editor's fields top to bottom (error summary).
var draftFieldOrder = []string{"agency_id", "content.title", "content.addressee", "content.problem_source", "content.facts",
	"content.illegality", "content.items", "content.items[0].text", "content.items[0].legal_basis", "content.copy_to",
	"content.attachments", "urgent_days", "urgent_reason"}

func (s *Server) draftPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderDraftPage(c, http.StatusOK, id, nil, templates.FormErrors{})
}

func (s *Server) renderDraftPage(c echo.Context, status int, id int64, posted url.Values, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	cs, err := s.cases.LoadCase(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	v, err := s.caseView(ctx, a, cs)
	if err != nil {
		return err
	}
	drafts, err := s.cases.ListDrafts(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	d := draftPageData{Case: v, Today: s.cases.Today(), StepLabel: cases.ApprovalStageLabels, DraftStatus: draftStatusLabels,
		Editable:  (cs.State == cases.StateInvestigating || cs.State == cases.StateDrafting) && cases.CanWorkOnCase(a, cs),
		CanSubmit: slices.Contains(v.AllowedActions, "submit")}
	if len(drafts) > 0 {
		d.Draft = &drafts[0]
		d.SavedAt = drafts[0].UpdatedAt.In(s.clock.Location()).Format("15:04")
		d.PreviewURL = fmt.Sprintf("/cases/%d/documents/recommendation.pdf?t=%d", id, drafts[0].UpdatedAt.Unix())
	}
	for _, dr := range drafts {
		if dr.ReviewComments != "" {
			d.Comments = append(d.Comments, dr)
		}
	}
	if d.Steps, err = s.cases.ListApprovalSteps(ctx, a, id); err != nil {
		return err
	}
	events, err := s.cases.Events(ctx, a, id)
	if err != nil {
		return err
	}
	if len(events) > 0 {
		d.Seen = events[len(events)-1].ID
	}
	if d.Editable {
		if d.Agencies, err = s.agencyOptions(ctx); err != nil {
			return err
		}
		d.Values = posted
		if d.Values == nil {
			d.Values = draftValues(cs, d.Draft)
		}
		d.AgencyValue = d.Values.Get("agency_id")
		d.Items = draftItems(d.Values)
	}
	for _, name := range []string{"approve", "return"} {
		if !slices.Contains(v.AllowedActions, name) {
			continue
		}
		f, err := s.buildActionForm(c, cs, name, posted, errs, d.Seen)
		if err != nil {
			return err
		}
		if name == "approve" && cs.ApprovalStage == cases.StageDeptReview {
			f.Fields = slices.DeleteFunc(f.Fields, func(fl templates.Field) bool {
				return fl.Name == "committee" || fl.Name == "meeting_date" || fl.Name == "committee_decision"
			})
		}
		d.Forms = append(d.Forms, f)
	}
	if d.Editable || d.Draft != nil {
		if d.Similar, err = s.similarPanelFor(c, id, d.Values); err != nil {
			return err
		}
	}
	title := "检察建议书草稿"
	if !d.Editable {
		title = "审阅检察建议书"
	}
	p, err := s.appPage(c, title+" - "+cs.Title, "cases", d)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/cases_draft", p)
}

// draftValues are the editor's values from the saved draft.
func draftValues(cs *cases.Case, d *cases.DraftView) url.Values {
	v := url.Values{}
	if cs.AgencyID != nil {
		v.Set("agency_id", strconv.FormatInt(*cs.AgencyID, 10))
	}
	if d == nil {
		return v
	}
	rc := d.Content
	v.Set("content.title", rc.Title)
	v.Set("content.addressee", rc.Addressee)
	v.Set("content.problem_source", rc.ProblemSource)
	v.Set("content.facts", rc.Facts)
	v.Set("content.illegality", rc.Illegality)
	for i, it := range rc.Items {
		v.Set(fmt.Sprintf("content.items[%d].text", i), it.Text)
		v.Set(fmt.Sprintf("content.items[%d].legal_basis", i), it.LegalBasis)
	}
	v.Set("content.copy_to", strings.Join(rc.CopyTo, "\n"))
	v.Set("content.attachments", strings.Join(rc.Attachments, "\n"))
	if d.UrgentDays > 0 {
		v.Set("urgent_days", strconv.Itoa(d.UrgentDays))
	}
	v.Set("urgent_reason", d.UrgentReason)
	return v
}

// draftItems are the rows of the editor: the filled ones and one blank.
func draftItems(v url.Values) []draftItem {
	var out []draftItem
	for i := 0; i < 30; i++ {
		t, b := v.Get(fmt.Sprintf("content.items[%d].text", i)), v.Get(fmt.Sprintf("content.items[%d].legal_basis", i))
		if t == "" && b == "" {
			continue
		}
		out = append(out, draftItem{Index: len(out), No: len(out) + 1, Text: t, LegalBasis: b})
	}
	if len(out) < 30 {
		out = append(out, draftItem{Index: len(out), No: len(out) + 1})
	}
	return out
}

// draftFromForm reads the editor into the API's draft request.
func draftFromForm(v url.Values) (draftRequest, map[string]string) {
	bad := map[string]string{}
	lines := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var r draftRequest
	r.Content = cases.RecommendationContent{
		Title: strings.TrimSpace(v.Get("content.title")), Addressee: strings.TrimSpace(v.Get("content.addressee")),
		ProblemSource: strings.TrimSpace(v.Get("content.problem_source")), Facts: strings.TrimSpace(v.Get("content.facts")),
		Illegality: strings.TrimSpace(v.Get("content.illegality")), CopyTo: lines(v.Get("content.copy_to")),
		Attachments: lines(v.Get("content.attachments")),
	}
	for i := 0; i < 30; i++ {
		t := strings.TrimSpace(v.Get(fmt.Sprintf("content.items[%d].text", i)))
		b := strings.TrimSpace(v.Get(fmt.Sprintf("content.items[%d].legal_basis", i)))
		if t == "" && b == "" {
			continue
		}
		r.Content.Items = append(r.Content.Items, cases.RecommendationItem{Text: t, LegalBasis: b})
	}
	if s := strings.TrimSpace(v.Get("urgent_days")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			bad["urgent_days"] = "请填写整数（不紧急不填）"
		}
		r.UrgentDays = n
	}
	r.UrgentReason = strings.TrimSpace(v.Get("urgent_reason"))
	return r, bad
}

// draftErrors places the save's or submission's field messages next to the
// editor's fields (the items' paths count the filled rows, which the editor
// shows in the same order); others join the summary's message.
func draftErrors(ae *apperr.Error) templates.FormErrors {
	fields := map[string]string{}
	var extra []string
	for k, v := range ae.Fields {
		switch {
		case k == "content.items":
			fields["content.items[0].text"] = "至少需要一项检察建议（" + v + "）"
		case slices.Contains(draftFieldOrder, k) || strings.HasPrefix(k, "content.items["):
			fields[k] = v
		default:
			extra = append(extra, v)
		}
	}
	slices.Sort(extra)
	msg := ae.Message
	if len(extra) > 0 {
		msg += "：" + strings.Join(extra, "；")
	}
	return templates.NewFormErrors(msg, fields, draftFieldOrder...)
}

// draftSubmit saves the draft (the autosave script posts here too, asking
// for JSON) and, when the button says so, submits it for approval.
func (s *Server) draftSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	ctx := c.Request().Context()
	a := actorOf(c)
	values, err := c.FormParams()
	if err != nil {
		return s.errorPage(c, apperr.Invalid("无法读取表单", nil))
	}
	wantsJSON := strings.Contains(c.Request().Header.Get("Accept"), "application/json")
	req, bad := draftFromForm(values)
	var d *cases.DraftView
	if len(bad) > 0 {
		err = apperr.Invalid("请修改标出的字段", bad)
	} else {
		d, err = s.cases.SaveDraft(ctx, a, id, cases.DraftInput{Content: req.Content, UrgentDays: req.UrgentDays, UrgentReason: req.UrgentReason})
	}
	if wantsJSON {
		if err != nil {
			st, body := errorResponse(err)
			if st >= 500 {
				return err
			}
			return c.JSON(st, body)
		}
		return c.JSON(http.StatusOK, map[string]any{"saved_at": d.UpdatedAt.In(s.clock.Location()).Format("15:04"),
			"version_no": d.VersionNo, "preview_url": fmt.Sprintf("/cases/%d/documents/recommendation.pdf?t=%d", id, d.UpdatedAt.Unix())})
	}
	if err == nil && values.Get("_then") == "submit" {
		version, _ := strconv.Atoi(values.Get("version"))
		body := map[string]any{}
		if ag := strings.TrimSpace(values.Get("agency_id")); ag != "" {
			n, perr := strconv.ParseInt(ag, 10, 64)
			if perr != nil {
				return s.errorPage(c, apperr.InvalidField("agency_id", "请选择被建议单位"))
			}
			body["agency_id"] = n
		}
		areq := cases.ActionRequest{CaseID: id, Action: "submit", Payload: s.cases.NewActionPayload("submit")}
		if err = decodeActionBody(c, actionBody(body, version, ""), &areq); err == nil {
			if _, err = s.cases.Execute(ctx, a, areq); err == nil {
				s.setFlash(c, "success", "检察建议书已提请审批。")
				return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d", id))
			}
		}
	}
	if err == nil {
		s.setFlash(c, "success", fmt.Sprintf("草稿已保存（第%d稿，%s）。", d.VersionNo, d.UpdatedAt.In(s.clock.Location()).Format("15:04")))
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/draft", id))
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || (ae.Kind != apperr.ErrInvalid && ae.Kind != apperr.ErrConflict) {
		return s.errorPage(c, err)
	}
	if ae.Code == "stale_version" {
		ae = &apperr.Error{Kind: ae.Kind, Code: ae.Code, Message: "该案件已被他人更新，请查看最新内容后重试。草稿已保存。"}
	}
	return s.renderDraftPage(c, errorStatus(err), id, values, draftErrors(ae))
}
