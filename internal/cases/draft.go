package cases

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"jianyi/internal/calendar"
)

// RecommendationContent is the structured content of a 检察建议书 draft. The
// PDF (documents package), the public disclosure text and the agency's view
// are all rendered from it.
type RecommendationContent struct {
	// Title defaults to "关于{案件标题}的检察建议书" when empty.
	Title string `json:"title" validate:"max=200"`
	// Addressee is the 主送 line (the recipient agency's full name).
	Addressee string `json:"addressee" validate:"required,max=200"`
	// ProblemSource: how the problem came to the procuratorate (问题来源).
	ProblemSource string `json:"problem_source" validate:"required,max=5000"`
	// Facts: the facts found and the evidence (查明的事实及证据).
	Facts string `json:"facts" validate:"required,max=20000"`
	// Illegality: the illegality or hazard and its consequences (违法情形或隐患).
	Illegality string `json:"illegality" validate:"required,max=10000"`
	// Items are the concrete recommendations, each with its legal basis.
	Items []RecommendationItem `json:"items" validate:"required,min=1,max=30,dive"`
	// CopyTo is the 抄送 list.
	CopyTo []string `json:"copy_to" validate:"max=20,dive,max=200"`
	// Attachments lists attachment titles (附件).
	Attachments []string `json:"attachments" validate:"max=20,dive,max=200"`
}

// RecommendationItem is one numbered recommendation.
type RecommendationItem struct {
	Text       string `json:"text" validate:"required,max=5000"`
	LegalBasis string `json:"legal_basis" validate:"required,max=2000"`
}

// ParseRecommendationContent decodes a stored draft.
func ParseRecommendationContent(raw string) (RecommendationContent, error) {
	var c RecommendationContent
	if raw == "" {
		return c, nil
	}
	err := json.Unmarshal([]byte(raw), &c)
	return c, err
}

// Encode serialises the content for storage.
func (rc RecommendationContent) Encode() string {
	b, _ := json.Marshal(rc)
	return string(b)
}

// TitleFor returns the letter's title, defaulting from the case title.
func (rc RecommendationContent) TitleFor(c *Case) string {
	if strings.TrimSpace(rc.Title) != "" {
		return rc.Title
	}
	return fmt.Sprintf("关于%s的检察建议书", strings.TrimSuffix(c.Title, "的检察建议书"))
}

// ReplySentence is the standard sentence on the written reply deadline:
// 两个月 as the 规定 writes it, and an urgent period in Chinese numerals too,
// so a letter uses one numeral style throughout.
func ReplySentence(urgentDays int) string {
	if urgentDays > 0 {
		return "请你单位在收到本检察建议书之日起" + calendar.ChineseCount(urgentDays) + "日内将办理情况书面回复本院。"
	}
	return "请你单位在收到本检察建议书之日起两个月内将办理情况书面回复本院。"
}

// ObjectionSentence is the standard sentence on the objection period.
func ObjectionSentence(objectionDays int) string {
	return "如对本检察建议书有异议，可以在收到之日起" + calendar.ChineseCount(objectionDays) + "日内向本院书面提出。"
}

// leadIn is the sentence that introduces the items; the author may have
// written one already at the end of the text before the items.
const leadIn = "为此，根据《中华人民共和国人民检察院组织法》第二十一条、《人民检察院检察建议工作规定》等规定，提出如下检察建议："

// authorLeadIn matches an author's own lead-in at the end of a paragraph
// (现提出如下建议：, 特提出以下检察建议：).
var authorLeadIn = regexp.MustCompile(`提出(如下|以下)[^。；]{0,8}建议[：:]\s*$`)

// PlainText renders the letter's body as paragraphs of plain text, in the
// order the PDF prints them (used for disclosure and search).
func (rc RecommendationContent) PlainText(urgentDays, objectionDays int) []string {
	out := []string{rc.ProblemSource, rc.Facts, rc.Illegality}
	if last := lastNonEmpty(out); !authorLeadIn.MatchString(last) {
		out = append(out, leadIn)
	}
	for i, it := range rc.Items {
		out = append(out, fmt.Sprintf("%s%s（依据：%s）", chineseOrdinal(i+1), it.Text, it.LegalBasis))
	}
	out = append(out, ReplySentence(urgentDays), ObjectionSentence(objectionDays))
	return out
}

func chineseOrdinal(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	switch {
	case n <= 10:
		return digits[n] + "、"
	case n < 20:
		return "十" + digits[n-10] + "、"
	case n%10 == 0:
		return digits[n/10] + "十、"
	default:
		return digits[n/10] + "十" + digits[n%10] + "、"
	}
}

// lastNonEmpty is the last paragraph with text ("" when none has).
func lastNonEmpty(paras []string) string {
	for i := len(paras) - 1; i >= 0; i-- {
		if t := strings.TrimSpace(paras[i]); t != "" {
			return t
		}
	}
	return ""
}
