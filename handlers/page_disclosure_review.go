package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/templates"
)

// disclosureReviewPages are the publication review pages (公开审查): the
// list of issued recommendations with their publication status, and one
// letter's redaction review, where the chief decides names, previews the
// public page and publishes, refreshes or withdraws. The same service
// methods as the API (Preview, Publish, Refresh, Withdraw).
func (s *Server) disclosureReviewPages(app pages) {
	staff := requireRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief)
	app.GET("/disclosures/review", s.disclosureReviewList, staff)
	app.GET("/disclosures/review/:id", s.disclosureReviewPage, staff)
	app.POST("/disclosures/review/:id", s.disclosureReviewSubmit, staff)
	app.POST("/disclosures/review/:id/withdraw", s.disclosureWithdrawSubmit, staff)
}

func (s *Server) disclosureReviewList(c echo.Context) error {
	items, err := s.pub.disclosures.ReviewQueue(c.Request().Context(), actorOf(c))
	if err != nil {
		return s.errorPage(c, err)
	}
	p, err := s.appPage(c, "公开审查", "disclosures", map[string]any{"Items": items})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/disclosures_review_list", p)
}

// redactionKindLabels name each kind of change on the review page.
var redactionKindLabels = map[string]string{
	"name": "姓名", "id_number": "身份证号", "mobile": "手机号码", "landline": "固定电话", "bank_card": "银行卡号",
	"number": "长数字", "licence_plate": "车牌号", "email": "电子邮箱", "property_cert": "不动产权证号",
	"address": "地址", "extra_term": "指定删除", "invalid_text": "无法识别的字符",
}

// reviewPreview is the service's preview as the page reads it. It is
// decoded from the preview's JSON, so the page reads the fields the API
// documents and any the redaction adds later are optional.
type reviewPreview struct {
	CaseID          int64           `json:"case_id"`
	Version         int             `json:"version"`
	Published       bool            `json:"published"`
	Sections        []reviewSection `json:"sections"`
	PersonNames     []string        `json:"person_names"`
	ExtraTerms      []string        `json:"extra_terms"`
	ConfirmNotNames []string        `json:"confirm_not_names"`
	Residual        []string        `json:"residual"`
	PossibleNames   []string        `json:"possible_names"`
	Details         []struct {
		Name      string   `json:"name"`
		Pseudonym string   `json:"pseudonym"`
		Evidence  []string `json:"evidence"`
	} `json:"possible_name_details"`
	Names []struct {
		Name      string `json:"name"`
		Pseudonym string `json:"pseudonym"`
		Source    string `json:"source"`
		Count     int    `json:"count"`
	} `json:"names"`
}

type reviewSection struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Text    string `json:"text"`
	Marked  string `json:"marked"`
	Changes []struct {
		Kind        string `json:"kind"`
		Original    string `json:"original"`
		Replacement string `json:"replacement"`
		Start       int    `json:"start"`
		End         int    `json:"end"`
	} `json:"changes"`
}

// reviewSegment is a piece of a text on the review page: unchanged text, a
// change (Kind set) or a possible name still to decide (Possible).
type reviewSegment struct {
	Text        string
	Original    string
	Replacement string
	Kind        string
	KindLabel   string
	Possible    bool
}

// reviewSide is one section as the two columns show it.
type reviewSide struct {
	Label   string
	Changes int
	// Segments rebuild both texts: unchanged text is shared; a change shows
	// its original on the left and its replacement on the right.
	Segments []reviewSegment
	// Fallback is the marked text when the changes do not line up.
	Fallback string
}

// segmentsOf rebuilds a section's original and redacted texts from the
// redacted text and the changes (offsets into the original), marking the
// possible names left in the unchanged text.
func segmentsOf(sec reviewSection, possible []string) ([]reviewSegment, bool) {
	var out []reviewSegment
	text := sec.Text
	red, orig := 0, 0
	plain := func(t string) {
		out = append(out, splitPossible(t, possible)...)
	}
	for _, ch := range sec.Changes {
		n := ch.Start - orig
		if n < 0 || ch.End < ch.Start || red+n > len(text) || !strings.HasPrefix(text[red+n:], ch.Replacement) {
			return nil, false
		}
		plain(text[red : red+n])
		out = append(out, reviewSegment{Original: ch.Original, Replacement: ch.Replacement, Kind: ch.Kind, KindLabel: kindLabel(ch.Kind)})
		red += n + len(ch.Replacement)
		orig = ch.End
	}
	plain(text[red:])
	return out, true
}

func kindLabel(k string) string {
	if l, ok := redactionKindLabels[k]; ok {
		return l
	}
	return k
}

// splitPossible marks each occurrence of a possible name in t.
func splitPossible(t string, possible []string) []reviewSegment {
	var out []reviewSegment
	for t != "" {
		at, name := -1, ""
		for _, p := range possible {
			if p == "" {
				continue
			}
			if i := strings.Index(t, p); i >= 0 && (at < 0 || i < at || (i == at && len(p) > len(name))) {
				at, name = i, p
			}
		}
		if at < 0 {
			out = append(out, reviewSegment{Text: t})
			break
		}
		if at > 0 {
			out = append(out, reviewSegment{Text: t[:at]})
		}
		out = append(out, reviewSegment{Text: name, Possible: true})
		t = t[at+len(name):]
	}
	return out
}

// reviewState is what the review form carries between posts: the lists the
// preview is made with.
type reviewState struct {
	PersonNames, ExtraTerms, NotNames []string
}

func (st reviewState) input(version int) disclosure.DisclosureInput {
	return disclosure.DisclosureInput{Version: version, PersonNames: nonNil(st.PersonNames), ExtraTerms: nonNil(st.ExtraTerms),
		ConfirmNotNames: nonNil(st.NotNames)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// reviewView is the review page's data.
type reviewView struct {
	Entry       *disclosure.ReviewEntry
	Preview     reviewPreview
	Sides       []reviewSide
	State       reviewState
	PersonText  string
	ExtraText   string
	Ready       bool
	CanPublish  bool
	KindCounts  []kindCount
	TotalChange int
	// Public is the public page as it would go out (the preview step).
	Public *disclosure.PublicDisclosure
}

type kindCount struct {
	Label string
	Count int
}

// renderReview previews the redaction with the given lists and shows the
// review page (or, with public set, the public page as it would go out).
func (s *Server) renderReview(c echo.Context, status int, id int64, st reviewState, fresh bool, public bool, errs templates.FormErrors) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	entry, err := s.pub.disclosures.ReviewEntryOf(ctx, a, id)
	if err != nil {
		return s.errorPage(c, err)
	}
	in := st.input(0)
	if fresh {
		// First opening: the lists of the last decision, as the API does.
		in = disclosure.DisclosureInput{}
	}
	pv, err := s.pub.disclosures.Preview(ctx, a, id, in)
	if err != nil {
		return s.errorPage(c, err)
	}
	raw, err := json.Marshal(pv)
	if err != nil {
		return err
	}
	v := &reviewView{Entry: entry, CanPublish: a.HasRole(s.cases.Settings.PublishRoles...)}
	if err := json.Unmarshal(raw, &v.Preview); err != nil {
		return err
	}
	if fresh {
		st = reviewState{PersonNames: v.Preview.PersonNames, ExtraTerms: v.Preview.ExtraTerms, NotNames: v.Preview.ConfirmNotNames}
	}
	v.State = st
	v.PersonText, v.ExtraText = strings.Join(st.PersonNames, "\n"), strings.Join(st.ExtraTerms, "\n")
	v.Ready = len(v.Preview.Residual) == 0 && len(v.Preview.PossibleNames) == 0
	counts := map[string]int{}
	for _, sec := range v.Preview.Sections {
		side := reviewSide{Label: sec.Label, Changes: len(sec.Changes)}
		segs, ok := segmentsOf(sec, v.Preview.PossibleNames)
		if ok {
			side.Segments = segs
		} else {
			side.Fallback = sec.Marked
		}
		for _, ch := range sec.Changes {
			counts[kindLabel(ch.Kind)]++
			v.TotalChange++
		}
		v.Sides = append(v.Sides, side)
	}
	for k, n := range counts {
		v.KindCounts = append(v.KindCounts, kindCount{Label: k, Count: n})
	}
	sort.Slice(v.KindCounts, func(i, j int) bool {
		if v.KindCounts[i].Count != v.KindCounts[j].Count {
			return v.KindCounts[i].Count > v.KindCounts[j].Count
		}
		return v.KindCounts[i].Label < v.KindCounts[j].Label
	})
	title, page := "公开审查："+entry.DocumentNumber, "staff/disclosures_review"
	if public {
		if v.Public, err = s.pub.disclosures.PublicPreview(ctx, a, id, st.input(0)); err != nil {
			return s.errorPage(c, err)
		}
		title, page = "公开页面预览："+entry.DocumentNumber, "staff/disclosures_public_preview"
	}
	p, err := s.appPage(c, title, "disclosures", v)
	if err != nil {
		return err
	}
	p.Errors = errs
	return s.renderPage(c, status, page, p)
}

func (s *Server) disclosureReviewPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	return s.renderReview(c, http.StatusOK, id, reviewState{}, true, false, templates.FormErrors{})
}

// reviewStateOf reads the lists the form carries and applies the chip the
// user pressed (a possible name accepted as a name, confirmed as not a name,
// or a confirmation undone).
func reviewStateOf(c echo.Context) reviewState {
	_ = c.Request().ParseForm()
	form := c.Request().PostForm
	st := reviewState{PersonNames: []string{}, ExtraTerms: []string{}}
	for _, v := range form["person_names"] {
		st.PersonNames = append(st.PersonNames, formLines(v)...)
	}
	for _, v := range form["extra_terms"] {
		st.ExtraTerms = append(st.ExtraTerms, formLines(v)...)
	}
	for _, n := range form["confirm_not_names"] {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(st.NotNames, n) {
			st.NotNames = append(st.NotNames, n)
		}
	}
	if n := strings.TrimSpace(c.FormValue("add_name")); n != "" && !slices.Contains(st.PersonNames, n) {
		st.PersonNames = append(st.PersonNames, n)
		st.NotNames = slices.DeleteFunc(st.NotNames, func(x string) bool { return x == n })
	}
	if n := strings.TrimSpace(c.FormValue("not_name")); n != "" && !slices.Contains(st.NotNames, n) {
		st.NotNames = append(st.NotNames, n)
	}
	if n := strings.TrimSpace(c.FormValue("undo_not_name")); n != "" {
		st.NotNames = slices.DeleteFunc(st.NotNames, func(x string) bool { return x == n })
	}
	return st
}

func (s *Server) disclosureReviewSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	st := reviewStateOf(c)
	switch action := c.FormValue("do"); action {
	case "publish", "refresh":
		in := st.input(int(formInt(c, "version")))
		op, done := s.pub.disclosures.Publish, "已决定公开，公开页面已上线"
		if action == "refresh" {
			op, done = s.pub.disclosures.Refresh, "公开内容已更新"
		}
		err := c.Validate(&in)
		if err == nil {
			_, err = op(c.Request().Context(), actorOf(c), id, in)
		}
		if err == nil {
			s.setFlash(c, "success", done)
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/disclosures/review/%d", id))
		}
		errs, status, ok := formError(err, nil, "person_names", "extra_terms")
		if !ok {
			return s.errorPage(c, err)
		}
		return s.renderReview(c, status, id, st, false, false, errs)
	case "public":
		return s.renderReview(c, http.StatusOK, id, st, false, true, templates.FormErrors{})
	}
	return s.renderReview(c, http.StatusOK, id, st, false, false, templates.FormErrors{})
}

func (s *Server) disclosureWithdrawSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	in := disclosure.WithdrawInput{Reason: strings.TrimSpace(c.FormValue("reason"))}
	err = c.Validate(&in)
	if err == nil {
		_, err = s.pub.disclosures.Withdraw(c.Request().Context(), actorOf(c), id, in)
	}
	if err == nil {
		s.setFlash(c, "success", "已撤回公开，公开页面已下线")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/disclosures/review/%d", id))
	}
	errs, status, ok := formError(err, nil, "reason")
	if !ok {
		return s.errorPage(c, err)
	}
	if errs.Fields["reason"] != "" {
		errs.Fields["reason"] = "请写明撤回公开的理由"
	}
	return s.renderReview(c, status, id, reviewStateOf(c), true, false, errs)
}
