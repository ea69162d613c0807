package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"jianyi/documents"
	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// DocumentKind names an official document served for a case.
type DocumentKind string

// The documents a case produces.
const (
	DocRecommendation DocumentKind = "recommendation"  // 检察建议书
	DocServiceReceipt DocumentKind = "service-receipt" // 送达回证: proof of service
	DocUrgingLetter   DocumentKind = "urging-letter"   // 催办函: urging letter on an overdue reply
	DocApprovalForm   DocumentKind = "approval-form"   // 审批表: internal approval form
	DocFilingReport   DocumentKind = "filing-report"   // 备案报告: report to the higher procuratorate
)

// documentKinds describes each kind: its Chinese name and the owner_type its
// generated copies are stored under (so a copy can be verified later).
var documentKinds = map[DocumentKind]struct {
	Label     string
	OwnerType string
	Internal  bool
}{
	DocRecommendation: {"检察建议书", "recommendation_pdf", false},
	DocServiceReceipt: {"送达回证", "service_receipt_pdf", false},
	DocUrgingLetter:   {"催办函", "urging_letter_pdf", false},
	DocApprovalForm:   {"审批表", "approval_form_pdf", true},
	DocFilingReport:   {"备案报告", "filing_report_pdf", true},
}

// ParseDocumentKind checks a kind from a URL; unknown kinds are not found.
func ParseDocumentKind(s string) (DocumentKind, error) {
	k := DocumentKind(s)
	if _, ok := documentKinds[k]; !ok {
		return "", &apperr.Error{Kind: apperr.ErrNotFound, Code: "unknown_document", Message: "不存在该文书类型：" + s}
	}
	return k, nil
}

// Label is the kind's Chinese name.
func (k DocumentKind) Label() string { return documentKinds[k].Label }

// documentKindOfOwner maps a stored file's owner_type back to its kind.
func documentKindOfOwner(ownerType string) (DocumentKind, bool) {
	for k, d := range documentKinds {
		if d.OwnerType == ownerType {
			return k, true
		}
	}
	return "", false
}

// UrgingReplyDays is the number of days a 催办函 gives the agency to reply.
const UrgingReplyDays = 15

// renderer is the document renderer the service was built with.
func (s *Service) renderer() (*documents.Renderer, error) {
	if s.Renderer == nil {
		return nil, errors.New("cases: the service has no document renderer")
	}
	return s.Renderer, nil
}

// CaseDocument is a rendered or stored document ready to send.
type CaseDocument struct {
	Kind           DocumentKind
	CaseID         int64
	DocumentNumber string
	Filename       string // Chinese, e.g. "检察建议书（清河检八建〔2026〕1号）.pdf"
	Content        []byte
	SHA256         string
	// Draft marks a live preview from the latest draft, never stored and
	// not an official document.
	Draft       bool
	GeneratedAt time.Time
}

// renderError turns a renderer failure users can fix (a character the
// fonts cannot draw) into a 422 naming the characters.
func renderError(err error) error {
	if errors.Is(err, documents.ErrMissingGlyphs) {
		return &apperr.Error{Kind: apperr.ErrUnprocessable, Code: "missing_glyphs",
			Message: "无法生成文书，" + err.Error() + "。请修改文书内容中的这些字符，或配置包含这些字符的字体"}
	}
	return err
}

// documentInputs are the rows a document is built from.
type documentInputs struct {
	c             *Case
	procuratorate *org.Procuratorate
	agency        *org.Agency
	filing        *Filing
}

func loadDocumentInputs(tx *gorm.DB, c *Case) (*documentInputs, error) {
	in := &documentInputs{c: c}
	var err error
	if in.procuratorate, err = org.ProcuratorateByID(tx, c.ProcuratorateID); err != nil {
		return nil, err
	}
	if c.AgencyID != nil {
		var ag org.Agency
		if err := tx.First(&ag, *c.AgencyID).Error; err != nil {
			return nil, database.NotFoundOr(err, "被建议单位")
		}
		in.agency = &ag
	}
	var f Filing
	switch err := tx.Where("case_id = ?", c.ID).First(&f).Error; {
	case err == nil:
		in.filing = &f
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, err
	}
	return in, nil
}

func (in *documentInputs) agencyName() string {
	if in.agency == nil {
		return ""
	}
	return in.agency.Name
}

func (in *documentInputs) number() string {
	if in.c.DocumentNumber == nil {
		return ""
	}
	return *in.c.DocumentNumber
}

// issued reports whether the recommendation has been issued (制发) with its 文号.
func (c *Case) issued() bool {
	return c.IssuedAt != nil && c.DocumentNumber != nil && *c.DocumentNumber != ""
}

// civil is a calendar date as the time the documents package prints.
func civil(d calendar.Date) time.Time { return d.MidnightUTC() }

// RecommendationLetter builds the 检察建议书 from a draft's content: the
// body paragraphs are exactly RecommendationContent.PlainText, so the PDF's
// text can be compared with the source.
func RecommendationLetter(p *org.Procuratorate, c *Case, rc RecommendationContent, number string, date time.Time, objectionDays int) documents.Letter {
	var body []documents.Block
	for _, para := range rc.PlainText(c.UrgentDays, objectionDays) {
		body = append(body, documents.Block{Kind: documents.Paragraph, Text: para})
	}
	return documents.Letter{
		Procuratorate:  p.Name,
		DocumentNumber: number,
		Title:          rc.TitleFor(c),
		Addressee:      rc.Addressee,
		Body:           body,
		Attachments:    rc.Attachments,
		Date:           date,
		CopyTo:         rc.CopyTo,
		// CreatedAt stays zero (midnight of the date in the documents' zone)
		// unless the caller knows the moment (issuance sets it).
	}
}

// recommendationLetter is RecommendationLetter for a loaded case, addressed
// to the recipient agency when the draft names no addressee.
func (s *Service) recommendationLetter(in *documentInputs, rc RecommendationContent, number string, date time.Time) documents.Letter {
	if strings.TrimSpace(rc.Addressee) == "" {
		rc.Addressee = in.agencyName()
	}
	return RecommendationLetter(in.procuratorate, in.c, rc, number, date, s.Settings.ObjectionDays)
}

// FreezeRecommendation renders the issued 检察建议书 from the latest draft
// with the case's 文号 and issue date and stores it (owner_type
// "recommendation_pdf", owner_id = case id) with its SHA-256, in tx. Every
// later download serves these bytes. It fails with 409 when the case has no
// 文号 or no draft.
func (s *Service) FreezeRecommendation(tx *gorm.DB, a *org.Actor, c *Case, now time.Time) (*files.StoredFile, error) {
	in, err := loadDocumentInputs(tx, c)
	if err != nil {
		return nil, err
	}
	doc, err := s.renderRecommendation(tx, in, now)
	if err != nil {
		return nil, err
	}
	return storeGeneratedDocument(tx, a, doc, now)
}

// renderRecommendation renders the issued 检察建议书 of in's case, reading
// through db (a transaction or not); nothing is stored.
func (s *Service) renderRecommendation(db *gorm.DB, in *documentInputs, now time.Time) (*CaseDocument, error) {
	c := in.c
	if c.DocumentNumber == nil || *c.DocumentNumber == "" {
		return nil, apperr.Conflict("no_document_number", "案件尚未分配文号，无法生成正式的检察建议书")
	}
	issued := now
	if c.IssuedAt != nil {
		issued = *c.IssuedAt
	}
	_, content, err := draftContent(db, c.ID)
	if err != nil {
		return nil, err
	}
	r, err := s.renderer()
	if err != nil {
		return nil, err
	}
	date := civil(calendar.DateOf(issued, s.Clock.Location()))
	letter := s.recommendationLetter(in, content, *c.DocumentNumber, date)
	letter.CreatedAt = issued // the moment of issue, not the date's midnight
	pdf, err := r.Recommendation(letter)
	if err != nil {
		return nil, renderError(err)
	}
	doc := &CaseDocument{Kind: DocRecommendation, CaseID: c.ID, DocumentNumber: *c.DocumentNumber, Content: pdf}
	doc.Filename = documentFilename(DocRecommendation, *c.DocumentNumber)
	return doc, nil
}

func documentFilename(kind DocumentKind, qualifier string) string {
	if qualifier == "" {
		return kind.Label() + ".pdf"
	}
	return files.SanitizeFilename(kind.Label() + "（" + qualifier + "）.pdf")
}

// storedCopy finds the stored copy of a generated document with these bytes
// (plain read: no lock), filling doc's generation time from it.
func storedCopy(db *gorm.DB, doc *CaseDocument) (*files.StoredFile, error) {
	var existing files.StoredFile
	err := db.Omit("content").Where("owner_type = ? AND owner_id = ? AND sha256 = ?", documentKinds[doc.Kind].OwnerType, doc.CaseID, doc.SHA256).
		Order("id").First(&existing).Error
	if err != nil {
		return nil, err
	}
	doc.GeneratedAt = existing.CreatedAt
	return &existing, nil
}

// storeGeneratedDocument keeps a generated document with its SHA-256 unless
// the same bytes are already stored for the case, and fills doc's hash and
// generation time from the stored row.
func storeGeneratedDocument(tx *gorm.DB, a *org.Actor, doc *CaseDocument, now time.Time) (*files.StoredFile, error) {
	sum := sha256.Sum256(doc.Content)
	doc.SHA256 = hex.EncodeToString(sum[:])
	existing, err := storedCopy(tx, doc)
	if err == nil {
		return existing, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	return insertGenerated(tx, a, doc, now)
}

// insertGenerated stores a generated document (doc.SHA256 set) as the first
// statement of its transaction, an insert-if-absent on the unique key
// (owner_type, owner_id, generated_sha256) of migration 0014: concurrent first
// downloads of one document store it once, and — with no locking read before
// it — those of different documents never wait for each other. A duplicate
// is a statement error that leaves the transaction usable; the read that
// follows it is the transaction's first read, so on MySQL it sees the copy
// the other request committed. Only the request that stored the copy writes
// the document.generate audit entry, last, so the audit head is held briefly.
func insertGenerated(tx *gorm.DB, a *org.Actor, doc *CaseDocument, now time.Time) (*files.StoredFile, error) {
	cid := doc.CaseID
	gen := doc.SHA256
	sf := &files.StoredFile{CaseID: &cid, OwnerType: documentKinds[doc.Kind].OwnerType, OwnerID: doc.CaseID, Filename: doc.Filename,
		ContentType: "application/pdf", Size: int64(len(doc.Content)), SHA256: doc.SHA256, GeneratedSHA256: &gen, Content: doc.Content,
		Internal: documentKinds[doc.Kind].Internal, CreatedAt: now.UTC()}
	if a != nil && a.UserID != 0 {
		uid := a.UserID
		sf.UploadedBy = &uid
	}
	if err := tx.Create(sf).Error; err != nil {
		if database.IsUniqueViolation(err) {
			// Stored meanwhile by a concurrent request: serve its copy.
			return storedCopy(tx, doc)
		}
		return nil, err
	}
	doc.GeneratedAt = sf.CreatedAt
	if err := audit.Record(tx, a, "document.generate", "case", doc.CaseID, map[string]any{
		"kind": doc.Kind, "document_number": doc.DocumentNumber, "sha256": doc.SHA256, "file_id": sf.ID,
	}); err != nil {
		return nil, err
	}
	return sf, nil
}

// CaseDocument returns a document of a case as the actor may see it: the
// frozen 检察建议书 once issued (a draft preview before, for staff), or a
// fresh rendering of the other kinds, stored with its SHA-256 the first time
// those bytes are made. Access follows CanReadCaseDocument; a document the
// actor may not see is not found.
//
// Everything is read outside any transaction and rendered there; only
// storing a copy not stored yet opens a (short) transaction, so a download
// of a document already stored takes no lock and writes nothing.
func (s *Service) CaseDocument(ctx context.Context, a *org.Actor, caseID int64, kind DocumentKind) (*CaseDocument, error) {
	db := s.DB.WithContext(ctx)
	var c Case
	if err := db.First(&c, caseID).Error; err != nil {
		return nil, database.NotFoundOr(err, "案件")
	}
	in, err := loadDocumentInputs(db, &c)
	if err != nil {
		return nil, err
	}
	var filerPath string
	if in.filing != nil && in.filing.Status == FilingFiled {
		filerPath = in.procuratorate.Path
	}
	if !CanReadCaseDocument(a, &c, kind, filerPath) {
		return nil, apperr.NotFound("文书")
	}
	if kind == DocRecommendation {
		return s.recommendationDocument(ctx, a, in)
	}
	doc, err := s.renderCaseDocument(db, in, kind)
	if err != nil {
		return nil, err
	}
	if err := s.keepGenerated(ctx, a, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// keepGenerated stores a rendered document unless a copy with its bytes is
// stored already (then nothing is written).
func (s *Service) keepGenerated(ctx context.Context, a *org.Actor, doc *CaseDocument) error {
	sum := sha256.Sum256(doc.Content)
	doc.SHA256 = hex.EncodeToString(sum[:])
	switch _, err := storedCopy(s.DB.WithContext(ctx), doc); {
	case err == nil:
		return nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return err
	}
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		_, err := insertGenerated(tx, a, doc, s.Now())
		return err
	})
}

// recommendationDocument serves the frozen 检察建议书, freezing it now for
// a case issued before documents were frozen at issuance, or a draft preview
// before issuance.
func (s *Service) recommendationDocument(ctx context.Context, a *org.Actor, in *documentInputs) (*CaseDocument, error) {
	c := in.c
	db := s.DB.WithContext(ctx)
	if !c.issued() {
		return s.recommendationPreview(db, in)
	}
	owner := documentKinds[DocRecommendation].OwnerType
	var f files.StoredFile
	// The newest copy: a letter re-issued after an amendment (异议复核 → 修改)
	// is frozen again under its new 文号.
	err := db.Where("owner_type = ? AND owner_id = ?", owner, c.ID).Order("id DESC").First(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Not frozen yet (issued before freezing existed): render it outside
		// any transaction and freeze it once; the renderer is deterministic,
		// so concurrent first downloads make the same bytes and the
		// insert-if-absent keeps one copy.
		doc, rerr := s.renderRecommendation(db, in, s.Now())
		if rerr != nil {
			return nil, rerr
		}
		if err := s.keepGenerated(ctx, a, doc); err != nil {
			return nil, err
		}
		err = db.Where("owner_type = ? AND owner_id = ?", owner, c.ID).Order("id DESC").First(&f).Error
	}
	if err != nil {
		return nil, err
	}
	return &CaseDocument{Kind: DocRecommendation, CaseID: c.ID, DocumentNumber: in.number(), Filename: f.Filename,
		Content: f.Content, SHA256: f.SHA256, GeneratedAt: f.CreatedAt}, nil
}

// recommendationPreview renders the latest draft, marked as a draft in the
// 文号 line and the title; it is never stored.
func (s *Service) recommendationPreview(tx *gorm.DB, in *documentInputs) (*CaseDocument, error) {
	d, content, err := draftContent(tx, in.c.ID)
	if err != nil {
		return nil, err
	}
	r, err := s.renderer()
	if err != nil {
		return nil, err
	}
	today := civil(s.Today())
	letter := s.recommendationLetter(in, content, in.number(), today)
	letter.Edition = documents.Draft // 草稿 across every page
	letter.CreatedAt = d.UpdatedAt.UTC()
	pdf, err := r.Recommendation(letter)
	if err != nil {
		return nil, renderError(err)
	}
	sum := sha256.Sum256(pdf)
	return &CaseDocument{Kind: DocRecommendation, CaseID: in.c.ID, Filename: documentFilename(DocRecommendation, fmt.Sprintf("草稿第%d稿", d.VersionNo)),
		Content: pdf, SHA256: hex.EncodeToString(sum[:]), Draft: true, GeneratedAt: s.Now()}, nil
}

// renderCaseDocument renders the documents made from case data on demand.
func (s *Service) renderCaseDocument(tx *gorm.DB, in *documentInputs, kind DocumentKind) (*CaseDocument, error) {
	r, err := s.renderer()
	if err != nil {
		return nil, err
	}
	c := in.c
	var pdf []byte
	qualifier := in.number()
	switch kind {
	case DocServiceReceipt:
		if !c.issued() {
			return nil, apperr.Conflict("not_issued", "检察建议书尚未制发，无法生成送达回证")
		}
		receipt, err := s.serviceReceipt(tx, in)
		if err != nil {
			return nil, err
		}
		pdf, err = r.ServiceReceipt(receipt)
		if err != nil {
			return nil, renderError(err)
		}
	case DocUrgingLetter:
		letter, err := s.urgingLetter(tx, in)
		if err != nil {
			return nil, err
		}
		pdf, err = r.UrgingLetter(letter)
		if err != nil {
			return nil, renderError(err)
		}
	case DocApprovalForm:
		form, err := s.approvalForm(tx, in)
		if err != nil {
			return nil, err
		}
		pdf, err = r.ApprovalForm(form)
		if err != nil {
			return nil, renderError(err)
		}
		if qualifier == "" {
			qualifier = c.Title
		}
	case DocFilingReport:
		letter, err := s.filingReport(tx, in)
		if err != nil {
			return nil, err
		}
		pdf, err = r.FilingReport(letter)
		if err != nil {
			return nil, renderError(err)
		}
	default:
		return nil, apperr.NotFound("文书")
	}
	return &CaseDocument{Kind: kind, CaseID: c.ID, DocumentNumber: in.number(), Filename: documentFilename(kind, qualifier), Content: pdf}, nil
}

// issueDate is the civil date the recommendation was issued.
func (s *Service) issueDate(c *Case) calendar.Date {
	return calendar.DateOf(*c.IssuedAt, s.Clock.Location())
}

// recommendationTitle is the issued letter's title from the latest draft,
// falling back to the case title.
func recommendationTitle(tx *gorm.DB, c *Case) string {
	if _, content, err := draftContent(tx, c.ID); err == nil {
		return content.TitleFor(c)
	}
	return RecommendationContent{}.TitleFor(c)
}

// deliveryMethods are the Chinese names of the ways a recommendation is
// delivered, as the deliver action records them.
var deliveryMethods = map[string]string{
	"written": "书面送达", "direct": "直接送达", "in_person": "直接送达",
	"announced": "宣告送达", "announcement": "宣告送达", "mail": "邮寄送达", "post": "邮寄送达",
}

// serviceReceipt fills the 送达回证 from the issued case and, once
// delivered, the delivery event; before delivery the date and signatures are
// left blank for handwriting.
func (s *Service) serviceReceipt(tx *gorm.DB, in *documentInputs) (documents.ServiceReceipt, error) {
	c := in.c
	sr := documents.ServiceReceipt{
		Procuratorate: in.procuratorate.Name,
		Documents:     "《" + recommendationTitle(tx, c) + "》（" + in.number() + "）",
		Recipient:     in.agencyName(),
		CreatedAt:     civil(s.issueDate(c)),
	}
	if in.agency != nil {
		sr.Place = in.agency.Address
	}
	if c.DeliveredOn != nil {
		sr.ServedOn = civil(*c.DeliveredOn)
		sr.CreatedAt = sr.ServedOn
		var ev CaseEvent
		err := tx.Where("case_id = ? AND action = ?", c.ID, "deliver").Order("id DESC").First(&ev).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return sr, err
		}
		if err == nil {
			sr.Server = ev.ActorName
			if m, ok := ev.EventData()["method"].(string); ok {
				if label, known := deliveryMethods[m]; known {
					m = label
				}
				sr.Method = m
			}
		}
		if err := fillFromDelivery(tx, c.ID, &sr); err != nil {
			return sr, err
		}
	}
	return sr, nil
}

// fillFromDelivery completes the 送达回证 from the case_deliveries row the
// deliver action wrote: where it was served (for a 宣告送达 the meeting place,
// not the agency's address), by post or by hand, and who attended as witness.
func fillFromDelivery(tx *gorm.DB, caseID int64, sr *documents.ServiceReceipt) error {
	var d CaseDelivery
	err := tx.Where("case_id = ?", caseID).Order("id DESC").First(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.Place != "" {
		sr.Place = d.Place
	}
	if d.Method == DeliveryWritten && d.Channel != "" {
		sr.Method = deliveryMethods[d.Channel]
	}
	var attendees []DeliveryAttendee
	if d.Attendees != "" && json.Unmarshal([]byte(d.Attendees), &attendees) == nil {
		names := make([]string, 0, len(attendees))
		for _, a := range attendees {
			names = append(names, a.Name+"（"+AttendeeKindLabels[a.Kind]+"）")
		}
		sr.Witness = strings.Join(names, "、")
	}
	if d.RecipientPerson != "" {
		sr.Remarks = "受送达人：" + d.RecipientPerson
	}
	return nil
}

// urgingLetter builds the 催办函 for an overdue reply: it cites the
// recommendation, its 文号, the day it was received and the reply deadline,
// and asks for a reply within UrgingReplyDays days.
func (s *Service) urgingLetter(tx *gorm.DB, in *documentInputs) (documents.Letter, error) {
	c := in.c
	today := s.Today()
	if c.State != StateDelivered || c.ReplyDue == nil || !c.ReplyDue.Before(today) || !c.issued() {
		return documents.Letter{}, apperr.Conflict("reply_not_overdue", "被建议单位的回复期限尚未届满或已回复，无需制作催办函")
	}
	received := c.ReceivedOn
	if received == nil {
		received = c.DeliveredOn
	}
	receivedText := "收到"
	if received != nil {
		receivedText = "于" + received.Chinese() + "收到"
	}
	body := []documents.Block{
		{Kind: documents.Paragraph, Text: fmt.Sprintf("本院于%s向你单位制发《%s》（%s），你单位%s该检察建议书。按照检察建议书的要求，你单位应当于%s前将办理情况书面回复本院。截至%s，本院尚未收到你单位的书面回复。",
			s.issueDate(c).Chinese(), recommendationTitle(tx, c), in.number(), receivedText, c.ReplyDue.Chinese(), today.Chinese())},
		{Kind: documents.Paragraph, Text: fmt.Sprintf("根据《中华人民共和国人民检察院组织法》第二十一条和《人民检察院检察建议工作规定》的有关规定，被建议单位应当在规定期限内书面回复检察建议的办理情况。请你单位高度重视，自收到本函之日起%d日内将检察建议的落实情况书面回复本院；确有正当理由不能按期回复的，请书面说明理由。", UrgingReplyDays)},
		{Kind: documents.Paragraph, Text: "特此函告。"},
	}
	date := civil(today)
	return documents.Letter{Procuratorate: in.procuratorate.Name, Addressee: in.agencyName(), Body: body, Date: date, CreatedAt: date}, nil
}

// approvalStage names the step each approval event stands for: one row of
// the 审批表 per step of the chain (部门负责人审核, 检察长审批, 检察委员会决定).
func approvalStage(ev *CaseEvent) (stage, opinion string) {
	switch ev.Action {
	case "submit":
		return "承办检察官意见", "提请审批"
	case "approve":
		data := ev.EventData()
		decision, _ := data["decision"].(string)
		if decision == "" {
			decision = "同意制发"
		}
		if st, _ := data["stage"].(string); ApprovalStageLabels[st] != "" {
			return ApprovalStageLabels[st], decision
		}
		if org.Role(ev.Role) == org.RoleDeptHead {
			return ApprovalStageLabels[StageDeptReview], decision
		}
		return ApprovalStageLabels[StageApprove], decision
	case "return":
		if org.Role(ev.Role) == org.RoleDeptHead {
			return "部门负责人审核", "退回修改"
		}
		return "检察长审批", "退回修改"
	}
	return "", ""
}

// approvalForm derives the 审批表 from the timeline: one step per submit,
// return and approve event with its actor, role, note and date.
func (s *Service) approvalForm(tx *gorm.DB, in *documentInputs) (documents.ApprovalForm, error) {
	c := in.c
	var events []CaseEvent
	if err := tx.Where("case_id = ? AND action IN ?", c.ID, []string{"submit", "return", "approve"}).Order("id").Find(&events).Error; err != nil {
		return documents.ApprovalForm{}, err
	}
	if len(events) == 0 {
		return documents.ApprovalForm{}, apperr.Conflict("no_approval", "案件尚未提请审批，没有可生成的审批表")
	}
	form := documents.ApprovalForm{Procuratorate: in.procuratorate.Name, Title: "检察建议审批表", CaseName: c.Title, Summary: c.Summary}
	if c.CaseNumber != nil {
		form.CaseNumber = *c.CaseNumber
	}
	for i := range events {
		ev := &events[i]
		stage, opinion := approvalStage(ev)
		if strings.TrimSpace(ev.Note) != "" {
			opinion = ev.Note
		}
		form.Steps = append(form.Steps, documents.ApprovalStep{Stage: stage, Person: ev.ActorName, Role: org.RoleLabels[org.Role(ev.Role)],
			Opinion: opinion, Date: civil(calendar.DateOf(ev.CreatedAt, s.Clock.Location()))})
	}
	return form, nil
}

// filingReport builds the 备案报告 to the higher procuratorate from the
// Filing row, with the recommendation as its attachment.
func (s *Service) filingReport(tx *gorm.DB, in *documentInputs) (documents.Letter, error) {
	c := in.c
	if in.filing == nil || !c.issued() {
		return documents.Letter{}, apperr.Conflict("not_filed", "该检察建议尚无备案记录，无法生成备案报告")
	}
	parent, err := org.ProcuratorateByID(tx, in.filing.ParentProcuratorateID)
	if err != nil {
		return documents.Letter{}, err
	}
	title := recommendationTitle(tx, c)
	issued := s.issueDate(c)
	body := []documents.Block{{Kind: documents.Paragraph, Text: fmt.Sprintf("本院于%s向%s制发《%s》（%s）。根据《人民检察院检察建议工作规定》的有关规定，现将该检察建议书报送你院备案。",
		issued.Chinese(), in.agencyName(), title, in.number())}}
	if c.Summary != "" {
		body = append(body, documents.Block{Kind: documents.Paragraph, Text: "案件简要情况：" + withFullStop(c.Summary)})
	}
	body = append(body, documents.Block{Kind: documents.Paragraph, Text: "特此报告。"})
	date := civil(issued)
	return documents.Letter{Procuratorate: in.procuratorate.Name, Addressee: parent.Name, Body: body,
		Attachments: []string{"《" + title + "》（" + in.number() + "）"}, Date: date, CreatedAt: date}, nil
}

// withFullStop ends a sentence the author left open with "。".
func withFullStop(s string) string {
	s = strings.TrimSpace(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if s == "" || strings.ContainsRune("。！？；…", last) {
		return s
	}
	return s + "。"
}
