package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/reviews"
	"jianyi/templates"
)

// reviewPages are the pages of 质量评查: the batches (case managers and the
// chief), the items a user reviews or handles, a batch with its items and
// reviewer assignment, one item's scoring sheet and answer, and the
// results. The same service methods as the API.
func (s *Server) reviewPages(app pages) {
	staff := requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief, org.RoleCaseManager)
	app.GET("/reviews", s.reviewsPage, staff)
	app.POST("/reviews", s.reviewCreateSubmit, requireRole(org.RoleCaseManager))
	app.GET("/reviews/:id", s.reviewBatchPage, staff)
	app.GET("/reviews/:id/results", s.reviewResultsPage, staff)
	app.GET("/reviews/:id/items/:item_id", s.reviewItemPage, staff)
	app.POST("/reviews/:id/items/:item_id/reviewer", s.reviewAssignSubmit, requireRole(org.RoleCaseManager))
	app.POST("/reviews/:id/items/:item_id/score", s.reviewScoreSubmit, staff)
	app.POST("/reviews/:id/items/:item_id/answer", s.reviewAnswerSubmit, staff)
}

// reviewStatusLabels name the item statuses.
var reviewStatusLabels = map[string]string{reviews.ReviewPending: "待指定评查人", reviews.ReviewAssigned: "待评分",
	reviews.ReviewScored: "已评分，待答复", reviews.ReviewAnswered: "已答复"}

// reviewStatusTones colour them: the work still to do is neutral, done is green.
var reviewStatusTones = map[string]string{reviews.ReviewPending: "neutral", reviews.ReviewAssigned: "info",
	reviews.ReviewScored: "warning", reviews.ReviewAnswered: "success"}

type reviewItemRow struct {
	reviews.ReviewItemView
	StatusLabel string
	StatusTone  string
	GradeLabel  string
	// ReviewerValue is the reviewer's id as the select's value.
	ReviewerValue string
}

func reviewRows(items []reviews.ReviewItemView) []reviewItemRow {
	out := make([]reviewItemRow, 0, len(items))
	for _, it := range items {
		out = append(out, reviewItemRow{ReviewItemView: it, StatusLabel: reviewStatusLabels[it.Status], StatusTone: reviewStatusTones[it.Status],
			GradeLabel: reviews.GradeLabels[it.Grade]})
		if it.ReviewerID != nil {
			out[len(out)-1].ReviewerValue = strconv.FormatInt(*it.ReviewerID, 10)
		}
	}
	return out
}

func (s *Server) renderReviews(c echo.Context, status int, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	data := map[string]any{"CanCreate": a.Role == org.RoleCaseManager}
	if reviews.CanReadAllReviews(a) {
		batches, err := s.reviewService.ListBatches(ctx, a)
		if err != nil {
			return s.errorPage(c, err)
		}
		type batchRow struct {
			reviews.ReviewBatch
			KindLabel string
		}
		rows := []batchRow{}
		for _, b := range batches {
			rows = append(rows, batchRow{ReviewBatch: b, KindLabel: reviews.ReviewKindLabels[b.Kind]})
		}
		data["Batches"] = rows
	}
	mine, err := s.reviewService.MyReviewItems(ctx, a, "reviewer")
	if err != nil {
		return s.errorPage(c, err)
	}
	handled, err := s.reviewService.MyReviewItems(ctx, a, "handler")
	if err != nil {
		return s.errorPage(c, err)
	}
	data["Reviewing"], data["Handled"] = reviewRows(mine), reviewRows(handled)
	if errs.Any() {
		_ = c.Request().ParseForm()
		data["Form"] = c.Request().PostForm
	} else {
		data["Form"] = url.Values{}
	}
	fields, err := cases.ListCaseFields(ctx, s.db, false)
	if err != nil {
		return err
	}
	opts := []templates.Option{}
	for _, f := range fields {
		opts = append(opts, templates.Option{Value: f.Name, Label: f.Name})
	}
	data["Fields"] = opts
	p, err := s.appPage(c, "质量评查", "reviews", data)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/reviews_list", p)
}

func (s *Server) reviewsPage(c echo.Context) error {
	return s.renderReviews(c, http.StatusOK, templates.FormErrors{})
}

func (s *Server) reviewCreateSubmit(c echo.Context) error {
	in := reviews.ReviewBatchInput{Kind: c.FormValue("kind"), Title: strings.TrimSpace(c.FormValue("title")), Scope: c.FormValue("scope"),
		Filter: reviews.ReviewFilter{Field: c.FormValue("field"), State: c.FormValue("state"), SampleSize: int(formInt(c, "sample_size"))}}
	var err error
	if in.Filter.IssuedFrom, err = formDate(c, "issued_from"); err == nil {
		in.Filter.IssuedTo, err = formDate(c, "issued_to")
	}
	if err == nil {
		err = c.Validate(&in)
	}
	var b *reviews.ReviewBatch
	if err == nil {
		b, _, err = s.reviewService.CreateBatch(c.Request().Context(), actorOf(c), in)
	}
	if err == nil {
		s.setFlash(c, "success", "评查已创建，请为各案件指定评查人")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reviews/%d", b.ID))
	}
	errs, status, ok := formError(err, map[string]string{"filter.field": "field", "filter.state": "state", "filter.sample_size": "sample_size",
		"filter.issued_from": "issued_from", "filter.issued_to": "issued_to"}, "kind", "title", "scope", "field", "issued_from", "issued_to", "sample_size")
	if !ok {
		return s.errorPage(c, err)
	}
	return s.renderReviews(c, status, errs)
}

func (s *Server) reviewBatchPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	ctx := c.Request().Context()
	a := actorOf(c)
	b, err := s.reviewService.GetBatch(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	data := map[string]any{"Batch": b, "Items": reviewRows(b.Items), "CanAssign": a.Role == org.RoleCaseManager && reviews.CanRunBatch(a, &b.ReviewBatch),
		"CanResults": reviews.CanReadAllItems(a, &b.ReviewBatch)}
	if data["CanAssign"] == true {
		var users []org.User
		if err := s.db.WithContext(ctx).Where("procuratorate_id = ? AND disabled = ? AND role IN ?", a.ProcuratorateID, false,
			[]org.Role{org.RoleProsecutor, org.RoleDeptHead, org.RoleCaseManager}).Order("id").Limit(500).Find(&users).Error; err != nil {
			return err
		}
		opts := []templates.Option{}
		for _, u := range users {
			opts = append(opts, templates.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.DisplayName + "（" + org.RoleLabels[u.Role] + "）"})
		}
		data["Reviewers"] = opts
	}
	p, err := s.appPage(c, b.Title, "reviews", data)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/reviews_batch", p)
}

func (s *Server) reviewAssignSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	itemID, err := pathID(c, "item_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	rid := formInt(c, "reviewer_id")
	if rid == 0 {
		err = apperr.InvalidField("reviewer_id", "请选择评查人")
	} else {
		_, err = s.reviewService.AssignReviewer(c.Request().Context(), actorOf(c), id, itemID, rid)
	}
	if err != nil {
		return s.refusedBack(c, err, fmt.Sprintf("/reviews/%d", id))
	}
	s.setFlash(c, "success", "已指定评查人")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reviews/%d", id))
}

// reviewItemView is one item's page data.
type reviewItemPageView struct {
	Batch     *reviews.ReviewBatchView
	Item      reviewItemRow
	Lines     []reviewScoreLine
	CanScore  bool
	CanAnswer bool
	Form      url.Values
}

type reviewScoreLine struct {
	reviews.ScoreLine
	Field string // the form field's name
	Value string
	Error string
}

func (s *Server) renderReviewItem(c echo.Context, status int, errs templates.FormErrors) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	itemID, err := pathID(c, "item_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	a := actorOf(c)
	b, err := s.reviewService.GetBatch(c.Request().Context(), a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	var it *reviews.ReviewItemView
	for i := range b.Items {
		if b.Items[i].ID == itemID {
			it = &b.Items[i]
		}
	}
	if it == nil {
		return s.errorPage(c, apperr.NotFound("评查案件"))
	}
	v := &reviewItemPageView{Batch: b, Item: reviewRows([]reviews.ReviewItemView{*it})[0],
		CanScore:  it.ReviewerID != nil && *it.ReviewerID == a.UserID && it.Status != reviews.ReviewAnswered,
		CanAnswer: it.ProsecutorID == a.UserID && (it.Status == reviews.ReviewScored || it.Status == reviews.ReviewAnswered),
		Form:      url.Values{}}
	if errs.Any() {
		_ = c.Request().ParseForm()
		v.Form = c.Request().PostForm
	}
	for i, l := range b.Sheet {
		line := reviewScoreLine{ScoreLine: l, Field: fmt.Sprintf("score_%d", i)}
		if errs.Any() {
			line.Value = v.Form.Get(line.Field)
		} else if sc, ok := it.Scores[l.Name]; ok {
			line.Value = strconv.Itoa(sc)
		}
		line.Error = errs.For(line.Field)
		v.Lines = append(v.Lines, line)
	}
	if !errs.Any() {
		v.Form.Set("findings", it.Findings)
		v.Form.Set("answer", it.Answer)
	}
	title := "评查：" + it.CaseTitle
	p, err := s.appPage(c, title, "reviews", v)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, "staff/reviews_item", p)
}

func (s *Server) reviewItemPage(c echo.Context) error {
	return s.renderReviewItem(c, http.StatusOK, templates.FormErrors{})
}

func (s *Server) reviewScoreSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	itemID, err := pathID(c, "item_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	ctx := c.Request().Context()
	b, err := s.reviewService.GetBatch(ctx, actorOf(c), id)
	if err != nil {
		return s.errorPage(c, err)
	}
	in := reviews.ScoreInput{Scores: map[string]int{}, Findings: c.FormValue("findings")}
	rename := map[string]string{}
	fields := map[string]string{}
	order := []string{}
	for i, l := range b.Sheet {
		name := fmt.Sprintf("score_%d", i)
		rename["scores."+l.Name] = name
		order = append(order, name)
		v := strings.TrimSpace(c.FormValue(name))
		if v == "" {
			continue // the service says it is missing
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fields[name] = "请填写整数分值"
			continue
		}
		in.Scores[l.Name] = n
	}
	order = append(order, "findings")
	if len(fields) > 0 {
		err = &apperr.Error{Kind: apperr.ErrInvalid, Code: "invalid_scores", Message: "评分不符合评分表，请按字段提示修改", Fields: fields}
	} else if err = c.Validate(&in); err == nil {
		_, err = s.reviewService.ScoreItem(ctx, actorOf(c), id, itemID, in)
	}
	if err == nil {
		s.setFlash(c, "success", "评分已提交，已通知承办检察官")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reviews/%d/items/%d", id, itemID))
	}
	errs, status, ok := formError(err, rename, order...)
	if !ok {
		return s.errorPage(c, err)
	}
	if len(fields) > 0 {
		errs.Fields = fields
	}
	return s.renderReviewItem(c, status, errs)
}

func (s *Server) reviewAnswerSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	itemID, err := pathID(c, "item_id")
	if err != nil {
		return s.errorPage(c, err)
	}
	in := reviews.ReviewAnswerInput{Answer: strings.TrimSpace(c.FormValue("answer"))}
	err = c.Validate(&in)
	if err == nil {
		_, err = s.reviewService.AnswerFindings(c.Request().Context(), actorOf(c), id, itemID, in)
	}
	if err == nil {
		s.setFlash(c, "success", "答复已提交")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reviews/%d/items/%d", id, itemID))
	}
	errs, status, ok := formError(err, nil, "answer")
	if !ok {
		return s.errorPage(c, err)
	}
	return s.renderReviewItem(c, status, errs)
}

func (s *Server) reviewResultsPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	r, err := s.reviewService.Results(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return s.errorPage(c, err)
	}
	p, err := s.appPage(c, "评查结果："+r.Batch.Title, "reviews", map[string]any{"R": r, "Grades": reviews.AllGrades, "GradeLabels": reviews.GradeLabels})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/reviews_results", p)
}
