package disclosure

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/documents"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
	"jianyi/internal/platform/ratelimit"
	"jianyi/internal/redact"
	"jianyi/internal/stats"
)

// Disclosure statuses.
const (
	DisclosurePublished = "published" // 已公开
	DisclosureWithdrawn = "withdrawn" // 已撤回公开
)

// Disclosure is a published recommendation (公开): everything the public
// sees, redacted once when the decision was taken and stored, so a page never
// recomputes it from live case data.
type Disclosure struct {
	ID                 int64 `gorm:"primaryKey"`
	CaseID             int64 `gorm:"column:case_id"`
	Status             string
	Revision           int // bumped by every refresh
	ProcuratorateID    int64
	ProcuratorateName  string
	Field              string
	AgencyID           *int64
	AgencyName         string
	DocumentNumber     string
	Title              string
	PubYear            int
	IssuedOn           calendar.Date
	DeliveredOn        *calendar.Date
	ReplyDue           *calendar.Date
	RepliedOn          *calendar.Date
	ReplyClass         string
	Rectification      string
	Summary            string // first sentences of the redacted text, for lists
	RecommendationText string // redacted paragraphs joined by "\n"
	RepliesJSON        string `gorm:"column:replies_json"` // []PublishedReply, redacted
	PDFFileID          *int64 `gorm:"column:pdf_file_id"`
	PDFSHA256          string `gorm:"column:pdf_sha256"`
	PersonNames        string // JSON list; never shown publicly
	ExtraTerms         string // JSON list; never shown publicly
	NotNames           string `gorm:"column:not_names"` // JSON list of strings confirmed not to be names; never shown publicly
	WithdrawReason     string
	PublishedBy        int64
	PublishedAt        time.Time
	UpdatedAt          time.Time
	WithdrawnAt        *time.Time
}

// PublishedReply is one agency reply as published (redacted).
type PublishedReply struct {
	Kind          string        `json:"kind"`
	KindLabel     string        `json:"kind_label"`
	Position      string        `json:"position"`
	PositionLabel string        `json:"position_label"`
	SubmittedOn   calendar.Date `json:"submitted_on"`
	Late          bool          `json:"late"`
	Returned      bool          `json:"returned"`
	Text          string        `json:"text"`
}

type disclosureFeed struct {
	ID        int64 `gorm:"primaryKey"`
	Revision  int64
	UpdatedAt time.Time
}

func (disclosureFeed) TableName() string { return "disclosure_feed" }

// Labels for what a published item shows.
var (
	ReplyKindLabels   = map[string]string{agency.ReplyKindInterim: "阶段性回复", agency.ReplyKindFinal: "正式回复", agency.ReplyKindSupplement: "补充回复"}
	ReplyClassLabels  = map[string]string{cases.ReplyClassOnTime: "按期回复", cases.ReplyClassLate: "慢回复", cases.ReplyClassPerfunctory: "粗回复", cases.ReplyClassNoReply: "不回复", cases.ReplyClassPending: "尚未评定"}
	ReplyStatusLabels = map[string]string{"replied": "已回复", "awaiting": "等待回复", "overdue": "逾期未回复"}
)

// DisclosureLetter is the redacted letter to print.
type DisclosureLetter struct {
	Procuratorate  string
	DocumentNumber string
	Title          string
	Addressee      string
	Paragraphs     []string
	CopyTo         []string
	Date           calendar.Date
}

// Service takes and records publication decisions and serves the
// public feed.
type Service struct {
	DB    *database.DB
	Cases *cases.Service
	// Renderer prints the published letter (公开版 PDF); without one no PDF
	// is made.
	Renderer *documents.Renderer
	// SearchPerIP limits text searches per client IP (nil: no limit).
	SearchPerIP *ratelimit.Batched
	// ApplicantNames lists the applicants of the applications behind a case,
	// always hidden in a disclosure (applications).
	ApplicantNames func(tx *gorm.DB, caseID int64) ([]string, error)
	// Stats is the statistics service the public agency table reads its
	// figures from (the one the staff statistics use).
	Stats *stats.Service
}

// WithCases is the service deciding with another case service (the demo
// seeds with one whose clock is set back).
func (s *Service) WithCases(c *cases.Service) *Service {
	cp := *s
	cp.Cases = c
	return &cp
}

// DisclosureInput is the prosecutor's redaction input and, for publish and
// refresh, the case version the preview was made from.
type DisclosureInput struct {
	Version     int      `json:"version" validate:"omitempty,gt=0"`
	PersonNames []string `json:"person_names" validate:"max=200,dive,max=20"`
	ExtraTerms  []string `json:"extra_terms" validate:"max=200,dive,max=100"`
	// ConfirmNotNames are possible personal names (see the preview's
	// possible_names) the prosecutor confirms are not names of private
	// persons; publishing is refused while an undecided one remains. Like
	// PersonNames, the list of the last decision is kept for a refresh and
	// for the preview until a new one is sent.
	ConfirmNotNames []string `json:"confirm_not_names" validate:"max=200,dive,max=20"`
}

// WithdrawInput records why a publication is withdrawn.
type WithdrawInput struct {
	Reason string `json:"reason" validate:"required,max=500"`
}

// PreviewSection is one redacted text with each change marked.
type PreviewSection struct {
	Name    string          `json:"name"` // "recommendation" or "reply:<id>"
	Label   string          `json:"label"`
	Text    string          `json:"text"`
	Marked  string          `json:"marked"`
	Changes []redact.Change `json:"changes"`
}

// DisclosurePreview is what would be published.
type DisclosurePreview struct {
	CaseID      int64            `json:"case_id"`
	Version     int              `json:"version"`
	Publishable bool             `json:"publishable"`
	Blockers    []string         `json:"blockers"`
	Sections    []PreviewSection `json:"sections"`
	Published   bool             `json:"published"`
	// PersonNames and ExtraTerms are the lists the preview used (the case's
	// stored lists when the request sent none).
	PersonNames []string `json:"person_names"`
	ExtraTerms  []string `json:"extra_terms"`
	// Residual lists numbers the redaction left that still look personal;
	// publishing is refused until they are added to extra_terms.
	Residual []string `json:"residual"`
	// ConfirmNotNames is the list of strings confirmed not to be names the
	// preview used.
	ConfirmNotNames []string `json:"confirm_not_names"`
	// PossibleNames lists what reads like a private person's name and is
	// neither decided nor certain (see package redact), less the
	// confirm_not_names; publishing is refused until each is added to
	// person_names or confirmed as not a personal name.
	PossibleNames []string `json:"possible_names"`
	// PossibleNameDetails says, for each possible name, why it was taken for
	// a name and where it stands.
	PossibleNameDetails []redact.PossibleName `json:"possible_name_details"`
	// Names are the names the redaction hides: decided (person_names and
	// the applicants) or detected with certainty, each replaced in every text.
	Names []redact.Name `json:"names"`
}

// publishableStates are those after issuance in which a case may be
// published (制发及以后，未撤回、未终结).
var publishableStates = map[cases.CaseState]bool{cases.StateIssued: true, cases.StateDelivered: true, cases.StateReplied: true, cases.StateFollowingUp: true, cases.StateClosed: true}

// publishCheck refuses a case that may not be published, saying why.
func publishCheck(c *cases.Case) error {
	if b := PublishBlockers(c); len(b) > 0 {
		return &apperr.Error{Kind: apperr.ErrConflict, Code: "not_publishable", Message: "该案件" + strings.Join(b, "、") + "，不得公开",
			Details: map[string]any{"reasons": b}}
	}
	if !publishableStates[c.State] || c.IssuedAt == nil || c.DocumentNumber == nil {
		return &apperr.Error{Kind: apperr.ErrConflict, Code: "not_issued", Message: "检察建议书制发后方可公开（当前为“" + cases.StateLabels[c.State] + "”）"}
	}
	return nil
}

// disclosureSource is everything a publication is made from.
type disclosureSource struct {
	c        *cases.Case
	proc     *org.Procuratorate
	agency   *org.Agency
	content  cases.RecommendationContent
	title    string
	replies  []agency.Reply
	decided  redact.Decisions
	sections []PreviewSection
	// result redacts every text of the publication at once: the letter,
	// each reply, then the title and each copy-to line; texts holds them in
	// that order.
	result redact.Result
	texts  []string
}

// Indexes into the texts of a disclosureSource.
func (src *disclosureSource) replyText(i int) string { return src.result.Texts[1+i].Text }
func (src *disclosureSource) titleText() string      { return src.result.Texts[1+len(src.replies)].Text }
func (src *disclosureSource) copyToText(i int) string {
	return src.result.Texts[2+len(src.replies)+i].Text
}

// ReplyText is the readable text of a stored reply (the agency portal's
// ReplyContent): the reply, the measures taken and the planned measures.
// Contact details are never part of it.
func ReplyText(content string) string {
	rc := agency.ParseReplyContent(content)
	parts := []string{}
	if t := strings.TrimSpace(rc.Text); t != "" {
		parts = append(parts, t)
	}
	if t := strings.TrimSpace(rc.MeasuresTaken); t != "" {
		parts = append(parts, "已采取的措施："+t)
	}
	for _, m := range rc.MeasuresPlanned {
		parts = append(parts, fmt.Sprintf("计划措施：%s（%s前）", strings.TrimSpace(m.Measure), m.DueOn.Chinese()))
	}
	return strings.Join(parts, "\n")
}

// loadSource gathers and redacts the case's texts inside tx.
func (s *Service) loadSource(tx *gorm.DB, c *cases.Case, in DisclosureInput) (*disclosureSource, error) {
	src := &disclosureSource{c: c}
	var err error
	if src.proc, err = org.ProcuratorateByID(tx, c.ProcuratorateID); err != nil {
		return nil, err
	}
	if c.AgencyID != nil {
		if src.agency, err = org.AgencyByID(tx, *c.AgencyID); err != nil {
			return nil, err
		}
	}
	content, ok, err := agency.IssuedContent(tx, c.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Conflict("no_recommendation_text", "未找到已制发的检察建议书正文，无法公开")
	}
	src.content = content
	src.title = src.content.TitleFor(c)
	if src.replies, err = agency.LoadReplies(tx, c.ID); err != nil {
		return nil, err
	}
	names := append([]string{}, in.PersonNames...)
	// The applicant of a case started by a citizen application is always a
	// private person to hide, whether or not the prosecutor lists the name.
	var applicants []string
	if s.ApplicantNames != nil {
		if applicants, err = s.ApplicantNames(tx, c.ID); err != nil {
			return nil, err
		}
	}
	names = append(names, applicants...)
	keep := []string{src.proc.Name, src.proc.ShortName, src.content.Addressee}
	if src.agency != nil {
		keep = append(keep, src.agency.Name)
	}
	keep = append(keep, src.content.CopyTo...)
	src.decided = redact.Decisions{Names: redact.CleanTerms(names), NotNames: redact.CleanTerms(in.ConfirmNotNames),
		ExtraTerms: redact.CleanTerms(in.ExtraTerms), Keep: redact.CleanTerms(keep)}

	// Every text of the publication is redacted at once, so a name the
	// detector is certain of in one place is replaced in every other.
	body := append([]string{src.title, src.content.Addressee + "："}, src.content.PlainText(c.UrgentDays, s.Cases.Settings.ObjectionDays)...)
	src.texts = append(src.texts, strings.Join(body, "\n"))
	for _, r := range src.replies {
		src.texts = append(src.texts, ReplyText(r.Content))
	}
	src.texts = append(src.texts, src.title)
	src.texts = append(src.texts, src.content.CopyTo...)
	src.result = redact.Redact(src.texts, src.decided)

	src.section("recommendation", "检察建议书", 0)
	for i, r := range src.replies {
		src.section(fmt.Sprintf("reply:%d", r.ID), fmt.Sprintf("%s（%s）", ReplyKindLabels[r.Kind], r.SubmittedOn.Chinese()), 1+i)
	}
	return src, nil
}

func (src *disclosureSource) section(name, label string, i int) {
	t := src.result.Texts[i]
	src.sections = append(src.sections, PreviewSection{Name: name, Label: label, Text: t.Text, Marked: t.Marked(), Changes: t.Changes})
}

// possibleNames lists the undecided name-like strings of every text.
func (src *disclosureSource) possibleNames() []string { return src.result.PossibleNameList() }

// changes counts the replacements made in every text.
func (src *disclosureSource) changes() int {
	n := 0
	for _, t := range src.result.Texts {
		n += len(t.Changes)
	}
	return n
}

func (src *disclosureSource) residuals() []string {
	out := []string{}
	for _, t := range src.result.Texts {
		out = append(out, redact.ResidualNumbers(t.Text)...)
	}
	return out
}

// lastLists fills in the lists of the last decision the request does not
// send: a preview or refresh keeps the prosecutor's names, terms and
// confirmations until new ones are given.
func (d *Disclosure) lastLists(in *DisclosureInput) {
	if in.PersonNames == nil && in.ExtraTerms == nil {
		_ = json.Unmarshal([]byte(d.PersonNames), &in.PersonNames)
		_ = json.Unmarshal([]byte(d.ExtraTerms), &in.ExtraTerms)
	}
	if in.ConfirmNotNames == nil && d.NotNames != "" {
		_ = json.Unmarshal([]byte(d.NotNames), &in.ConfirmNotNames)
	}
}

// loadForDisclosure loads and checks the case for a disclosure action.
func (s *Service) loadForDisclosure(tx *gorm.DB, a *org.Actor, caseID int64, publish bool) (*cases.Case, error) {
	c, err := cases.ReadableCase(tx, a, caseID, true)
	if err != nil {
		return nil, err
	}
	roles := s.Cases.Settings.PublishRoles
	if publish && !CanPublishCase(a, c, roles) {
		return nil, &apperr.Error{Kind: apperr.ErrForbidden, Code: "role_not_allowed", Message: "公开决定须由" + org.RoleList(roles) + "作出"}
	}
	if !publish && !CanPreviewDisclosure(a, c, roles) {
		return nil, apperr.Forbidden("无权预览该案件的公开内容")
	}
	return c, nil
}

// Preview redacts the case's texts as they would be published, each change
// marked, without writing anything.
func (s *Service) Preview(ctx context.Context, a *org.Actor, caseID int64, in DisclosureInput) (*DisclosurePreview, error) {
	tx := s.DB.WithContext(ctx)
	c, err := s.loadForDisclosure(tx, a, caseID, false)
	if err != nil {
		return nil, err
	}
	p := &DisclosurePreview{CaseID: c.ID, Version: c.Version, Blockers: PublishBlockers(c), Sections: []PreviewSection{}}
	if p.Blockers == nil {
		p.Blockers = []string{}
	}
	if err := publishCheck(c); err != nil {
		// The prosecutor learns why; nothing is redacted for a case that can
		// never go out.
		return nil, err
	}
	var existing Disclosure
	if err := tx.Where("case_id = ?", c.ID).First(&existing).Error; err == nil {
		p.Published = existing.Status == DisclosurePublished
		existing.lastLists(&in)
	} else if !database.IsNotFound(err) {
		return nil, err
	}
	p.PersonNames, p.ExtraTerms, p.ConfirmNotNames = redact.CleanTerms(in.PersonNames), redact.CleanTerms(in.ExtraTerms), redact.CleanTerms(in.ConfirmNotNames)
	src, err := s.loadSource(tx, c, in)
	if err != nil {
		return nil, err
	}
	p.Sections = src.sections
	p.Residual = src.residuals()
	p.PossibleNames = src.possibleNames()
	p.PossibleNameDetails = src.result.PossibleNames
	p.Names = src.result.Names
	// Publishable says whether a publish with these lists would go out.
	p.Publishable = len(p.Residual) == 0 && len(p.PossibleNames) == 0
	return p, nil
}

// Publish records the decision to publish: the redacted texts and the PDF
// rendered from them are stored as the published version.
func (s *Service) Publish(ctx context.Context, a *org.Actor, caseID int64, in DisclosureInput) (*Disclosure, error) {
	return s.store(ctx, a, caseID, in, "publish")
}

// Refresh re-publishes with the latest replies (a new recorded decision).
func (s *Service) Refresh(ctx context.Context, a *org.Actor, caseID int64, in DisclosureInput) (*Disclosure, error) {
	return s.store(ctx, a, caseID, in, "refresh")
}

func (s *Service) store(ctx context.Context, a *org.Actor, caseID int64, in DisclosureInput, action string) (*Disclosure, error) {
	if in.Version <= 0 {
		return nil, apperr.InvalidField("version", "必须提供预览时的案件版本号 version")
	}
	var out *Disclosure
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := s.loadForDisclosure(tx, a, caseID, true)
		if err != nil {
			return err
		}
		if err := publishCheck(c); err != nil {
			return err
		}
		if c.Version != in.Version {
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "stale_version",
				Message: fmt.Sprintf("案件已更新（当前版本 %d，预览版本 %d），请重新预览后再公开", c.Version, in.Version),
				Details: map[string]any{"current_version": c.Version}}
		}
		var existing Disclosure
		err = database.LockRow(tx).Where("case_id = ?", c.ID).First(&existing).Error
		found := err == nil
		if err != nil && !database.IsNotFound(err) {
			return err
		}
		switch {
		case action == "publish" && found && existing.Status == DisclosurePublished:
			return apperr.Conflict("already_published", "该案件已公开；如需更新回复内容请使用“更新公开内容”")
		case action == "refresh" && (!found || existing.Status != DisclosurePublished):
			return apperr.Conflict("not_published", "该案件尚未公开，不能更新公开内容")
		}
		if action == "refresh" {
			existing.lastLists(&in)
		}
		src, err := s.loadSource(tx, c, in)
		if err != nil {
			return err
		}
		if r := src.residuals(); len(r) > 0 {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "residual_personal_data",
				Message: "脱敏后的文本中仍有疑似手机号码或身份证号码，请将其加入需删除的词语（extra_terms）后再公开",
				Fields:  map[string]string{"extra_terms": "仍有疑似个人号码"}, Details: map[string]any{"count": len(r)}}
		}
		if left := src.possibleNames(); len(left) > 0 {
			return &apperr.Error{Kind: apperr.ErrConflict, Code: "possible_personal_names",
				Message: "脱敏后的文本中仍有疑似自然人姓名：" + strings.Join(left, "、") +
					"。请将其加入需隐去的姓名（person_names），或确认其不是自然人姓名（confirm_not_names）后再公开",
				Details: map[string]any{"names": left}}
		}
		// Only the confirmations that concerned a candidate are recorded.
		confirmed := src.result.Confirmed
		now := s.Cases.Now()
		d := s.build(src, a, now)
		if found {
			d.ID = existing.ID
			d.Revision = existing.Revision + 1
			d.PublishedAt = existing.PublishedAt
			if action == "publish" {
				d.PublishedAt = now
			}
		}
		if err := s.renderPDF(tx, a, src, d); err != nil {
			return err
		}
		if found {
			if err := tx.Model(&Disclosure{}).Where("id = ?", d.ID).Select("*").Omit("id").Updates(d).Error; err != nil {
				return err
			}
		} else if err := tx.Create(d).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return apperr.Conflict("already_published", "该案件已公开")
			}
			return err
		}
		if err := IndexDisclosure(tx, d); err != nil {
			return err
		}
		if err := bumpFeed(tx, now); err != nil {
			return err
		}
		changes := src.changes()
		detected := []string{}
		for _, n := range src.result.Names {
			if n.Source == "detected" {
				detected = append(detected, n.Pseudonym)
			}
		}
		label := map[string]string{"publish": "决定公开", "refresh": "更新公开内容"}[action]
		if err := cases.AddCaseEvent(tx, a, c, "disclosure_"+action, label, false, map[string]any{
			"disclosure_id": d.ID, "revision": d.Revision, "redactions": changes, "pdf_sha256": d.PDFSHA256,
			"person_names": len(src.decided.Names), "extra_terms": len(src.decided.ExtraTerms),
			"detected_names": detected, "confirmed_not_names": confirmed}); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

// build makes the stored row from the redacted source.
func (s *Service) build(src *disclosureSource, a *org.Actor, now time.Time) *Disclosure {
	c := src.c
	issued := calendar.DateOf(*c.IssuedAt, s.Cases.Clock.Location())
	text := src.result.Texts[0].Text
	names, _ := json.Marshal(src.decided.Names)
	terms, _ := json.Marshal(src.decided.ExtraTerms)
	notNames, _ := json.Marshal(src.decided.NotNames)
	replies := make([]PublishedReply, 0, len(src.replies))
	for i, r := range src.replies {
		replies = append(replies, PublishedReply{Kind: r.Kind, KindLabel: ReplyKindLabels[r.Kind], Position: r.Position,
			PositionLabel: agency.PositionLabels[r.Position], SubmittedOn: r.SubmittedOn, Late: r.Late, Returned: r.Returned, Text: src.replyText(i)})
	}
	rj, _ := json.Marshal(replies)
	d := &Disclosure{CaseID: c.ID, Status: DisclosurePublished, Revision: 1, ProcuratorateID: c.ProcuratorateID,
		ProcuratorateName: src.proc.Name, Field: c.Field, AgencyID: c.AgencyID, DocumentNumber: *c.DocumentNumber,
		Title: src.titleText(), PubYear: issued.Year(), IssuedOn: issued, DeliveredOn: c.DeliveredOn,
		ReplyDue: c.ReplyDue, RepliedOn: c.FirstRepliedOn, Rectification: c.Rectification,
		Summary: summarise(text), RecommendationText: text, RepliesJSON: string(rj),
		PersonNames: string(names), ExtraTerms: string(terms), NotNames: string(notNames), PublishedBy: a.UserID, PublishedAt: now, UpdatedAt: now}
	// The class by the statistics definitions as of publication (不回复 kept
	// after the case ended), not the one the last action stored.
	d.ReplyClass = agency.ClassifyReply(c, src.replies, s.Cases.Today(), s.Cases.Clock.Location())
	if src.agency != nil {
		d.AgencyName = src.agency.Name
	} else {
		d.AgencyName = src.content.Addressee
	}
	return d
}

// summarise takes the start of the letter's body (after title and
// addressee) for feed lists.
func summarise(text string) string {
	lines := strings.Split(text, "\n")
	if len(lines) > 2 {
		lines = lines[2:]
	}
	r := []rune(strings.Join(lines, ""))
	if len(r) > 150 {
		return string(r[:150]) + "……"
	}
	return string(r)
}

// renderPDF renders the redacted letter and stores it with its SHA-256.
func (s *Service) renderPDF(tx *gorm.DB, a *org.Actor, src *disclosureSource, d *Disclosure) error {
	if s.Renderer == nil {
		return nil
	}
	paras := strings.Split(d.RecommendationText, "\n")
	if len(paras) > 2 {
		paras = paras[2:] // title and addressee are set by the layout
	}
	copyTo := make([]string, len(src.content.CopyTo))
	for i := range src.content.CopyTo {
		copyTo[i] = src.copyToText(i)
	}
	pdf, err := s.renderLetter(DisclosureLetter{Procuratorate: src.proc.Name, DocumentNumber: d.DocumentNumber, Title: d.Title,
		Addressee: src.content.Addressee, Paragraphs: paras, CopyTo: copyTo, Date: d.IssuedOn})
	if err != nil {
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "pdf_failed", Message: "公开版 PDF 生成失败：" + err.Error()}
	}
	ids, err := files.StoreUploads(tx, a.UserID, src.c.ID, "disclosure", src.c.ID, false, []files.Upload{{
		Filename: "检察建议书（公开版）" + d.DocumentNumber + ".pdf", ContentType: "application/pdf", Content: pdf}})
	if err != nil {
		return err
	}
	var f files.StoredFile
	if err := tx.Select("id", "sha256").First(&f, ids[0]).Error; err != nil {
		return err
	}
	d.PDFFileID, d.PDFSHA256 = &f.ID, f.SHA256
	return nil
}

// renderLetter prints the redacted letter as a 检察建议书 (公开版).
func (s *Service) renderLetter(l DisclosureLetter) ([]byte, error) {
	body := make([]documents.Block, 0, len(l.Paragraphs))
	for _, p := range l.Paragraphs {
		if strings.TrimSpace(p) != "" {
			body = append(body, documents.Block{Kind: documents.Paragraph, Text: p})
		}
	}
	return s.Renderer.Recommendation(documents.Letter{Procuratorate: l.Procuratorate, DocumentNumber: l.DocumentNumber, Title: l.Title,
		Addressee: l.Addressee, Body: body, CopyTo: l.CopyTo, Date: l.Date.MidnightUTC(), Edition: documents.Public})
}

// Withdraw records the decision to withdraw a publication: the item leaves
// every public format at once.
func (s *Service) Withdraw(ctx context.Context, a *org.Actor, caseID int64, in WithdrawInput) (*Disclosure, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, apperr.InvalidField("reason", "请写明撤回公开的理由")
	}
	var out Disclosure
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := s.loadForDisclosure(tx, a, caseID, true)
		if err != nil {
			return err
		}
		if err := database.LockRow(tx).Where("case_id = ? AND status = ?", c.ID, DisclosurePublished).First(&out).Error; err != nil {
			if database.IsNotFound(err) {
				return apperr.Conflict("not_published", "该案件未公开，无需撤回")
			}
			return err
		}
		now := s.Cases.Now()
		out.Status, out.WithdrawReason, out.WithdrawnAt, out.UpdatedAt = DisclosureWithdrawn, reason, &now, now
		if err := tx.Model(&Disclosure{}).Where("id = ?", out.ID).Updates(map[string]any{
			"status": out.Status, "withdraw_reason": reason, "withdrawn_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := bumpFeed(tx, now); err != nil {
			return err
		}
		return cases.AddCaseEvent(tx, a, c, "disclosure_withdraw", "撤回公开："+reason, false, map[string]any{"disclosure_id": out.ID, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
