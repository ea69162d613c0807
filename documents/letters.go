package documents

import (
	"cmp"
	"fmt"
	"time"
)

// BlockKind says how a body block is set; the heading levels follow the
// GB/T 9704-2012 numbering 一、（一）1.（1）.
type BlockKind int

// The kinds of body block.
const (
	Paragraph BlockKind = iota // body text, first line indented two characters
	Heading1                   // 一、 set in 黑体
	Heading2                   // （一） set in 楷体
	Heading3                   // 1. set in the body face
	Heading4                   // （1） set in the body face
)

// Block is one paragraph of a document body. Text carries its own number
// (see NumberLabel), so a heading may run on into its paragraph as the
// standard allows.
type Block struct {
	Kind BlockKind
	Text string
}

// NumberLabel returns the standard label for the n-th item (from 1) at a
// heading level: "一、", "（一）", "1.", "（1）". A Paragraph gets "".
func NumberLabel(kind BlockKind, n int) string {
	switch kind {
	case Heading1:
		return ChineseNumber(n) + "、"
	case Heading2:
		return "（" + ChineseNumber(n) + "）"
	case Heading3:
		return fmt.Sprintf("%d.", n)
	case Heading4:
		return fmt.Sprintf("（%d）", n)
	}
	return ""
}

// ChineseNumber writes 1 to 99 in Chinese numerals as used in headings
// ("十二", "二十"); other numbers are written with Arabic digits.
func ChineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n >= 1 && n <= 9:
		return digits[n]
	case n == 10:
		return "十"
	case n > 10 && n < 20:
		return "十" + digits[n%10]
	case n >= 20 && n <= 99:
		return digits[n/10] + "十" + digits[n%10]
	}
	return fmt.Sprint(n)
}

// Edition says which copy of a letter is made.
type Edition int

// The copies of a letter.
const (
	Official Edition = iota // the letter as issued, with room for the seal
	Draft                   // a preview: 草稿 across every page
	Public                  // the disclosure copy: 公开版 on every page, no room for a seal
)

// Letter is a letter-style official document: the recommendation itself,
// an urging letter, a filing report or a project report. Empty fields are
// left out of the layout.
type Letter struct {
	Procuratorate  string    // 发文机关, set as the red masthead and the signature
	DocumentNumber string    // 文号, e.g. "京海检一部建〔2026〕3号"
	Title          string    // 标题; each render function has a default
	Addressee      string    // 主送机关; a full-width colon is added
	Body           []Block   // 正文, including numbered items and deadline sentences
	Attachments    []string  // 附件 names
	Date           time.Time // 成文日期
	CopyTo         []string  // 抄送 recipients
	// Printer and PrintedOn make the 版记's 印发机关和印发日期 line
	// ("北京市海淀区人民检察院　2026年3月5日印发"); they default to the
	// Procuratorate and the Date.
	Printer   string
	PrintedOn time.Time
	Edition   Edition   // Official unless the caller makes a draft or a public copy
	CreatedAt time.Time // PDF creation date; zero means Date, so output is reproducible
}

func (r *Renderer) renderLetterWithTitle(doc Letter, defaultTitle string) ([]byte, error) {
	return r.renderLetter(letterFrom(doc, defaultTitle))
}

// letterFrom fills the layout of a letter-style document.
func letterFrom(doc Letter, defaultTitle string) letterLayout {
	title := doc.Title
	if title == "" {
		title = defaultTitle
	}
	return letterLayout{
		masthead:    doc.Procuratorate,
		number:      doc.DocumentNumber,
		title:       title,
		addressee:   doc.Addressee,
		body:        doc.Body,
		attachments: doc.Attachments,
		signature:   doc.Procuratorate,
		date:        doc.Date,
		copyTo:      doc.CopyTo,
		printer:     cmp.Or(doc.Printer, doc.Procuratorate),
		printedOn:   cmp.Or(doc.PrintedOn, doc.Date),
		created:     doc.CreatedAt,
		edition:     doc.Edition,
		kind:        defaultTitle,
	}
}

// Recommendation renders a 检察建议书 (procuratorial recommendation). The
// caller builds the body: the source of the problem, facts, the illegality,
// the numbered recommendations with their legal basis, and the objection
// period and reply deadline sentences.
func (r *Renderer) Recommendation(doc Letter) ([]byte, error) {
	return r.renderLetterWithTitle(doc, "检察建议书")
}

// UrgingLetter renders a 催办函 (urging letter) sent when a reply is
// overdue, in the official letter layout.
func (r *Renderer) UrgingLetter(doc Letter) ([]byte, error) {
	return r.renderLetterWithTitle(doc, "催办函")
}

// FilingReport renders a 备案报告 (filing report) to the higher
// procuratorate, which is the Addressee; the recommendation is usually
// listed under Attachments.
func (r *Renderer) FilingReport(doc Letter) ([]byte, error) {
	return r.renderLetterWithTitle(doc, "备案报告")
}

// ProjectReport renders a report on a project (项目化管理), typically with
// headings for background, work done, results and next steps.
func (r *Renderer) ProjectReport(doc Letter) ([]byte, error) {
	return r.renderLetterWithTitle(doc, "工作报告")
}

// NoticeKind is the decision an applicant notice tells a citizen.
type NoticeKind int

// The notices sent to a citizen applicant.
const (
	NoticeAccepted NoticeKind = iota // 受理告知书
	NoticeDeclined                   // 不予启动告知书
)

// ApplicantNotice is a notice to a citizen who applied for a recommendation
// (公民申请): that it was accepted, or why no recommendation will be started.
type ApplicantNotice struct {
	Kind           NoticeKind
	Procuratorate  string
	DocumentNumber string
	Applicant      string  // the applicant's name, e.g. "张某某"
	Body           []Block // the decision, its reasons and the applicant's remedies
	Date           time.Time
	CreatedAt      time.Time // PDF creation date; zero means Date
}

// ApplicantNotice renders a 受理告知书 or 不予启动告知书 for a citizen
// applicant.
func (r *Renderer) ApplicantNotice(n ApplicantNotice) ([]byte, error) {
	title := "受理告知书"
	if n.Kind == NoticeDeclined {
		title = "不予启动告知书"
	}
	return r.renderLetterWithTitle(Letter{
		Procuratorate:  n.Procuratorate,
		DocumentNumber: n.DocumentNumber,
		Title:          title,
		Addressee:      n.Applicant,
		Body:           n.Body,
		Date:           n.Date,
		CreatedAt:      n.CreatedAt,
	}, title)
}
