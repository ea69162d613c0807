package documents

import (
	"strings"
	"time"
)

// tableRow is one row of a form; minHeight keeps room for a handwritten
// signature.
type tableRow struct {
	cells     []string
	minHeight float64
}

const cellPadding = 2.0 // mm inside each cell border

// table sets rows with the given column widths (mm, summing to the text
// block width). Cell text is broken with BreakLines; with centreFirst the
// first column holds labels, centred on balanced lines. A row never splits
// across pages (a row taller than a page overflows it).
func (l *layout) table(st textStyle, widths []float64, rows []tableRow, centreFirst bool) {
	measure := widthFunc(st.face)
	for _, row := range rows {
		cellLines := make([][]string, len(row.cells))
		height := row.minHeight
		for i, text := range row.cells {
			for _, para := range strings.Split(text, "\n") {
				maxEm := (widths[i] - 2*cellPadding) / st.pitch
				lines := BreakLines(para, maxEm, measure)
				if i == 0 && centreFirst {
					lines = balancedLines(st.face, para, maxEm)
				}
				if len(lines) == 0 {
					lines = []string{""} // an empty line leaves room to write in
				}
				cellLines[i] = append(cellLines[i], lines...)
			}
			if h := float64(len(cellLines[i]))*st.lineHeight + 2*cellPadding; h > height {
				height = h
			}
		}
		l.ensure(height)
		x := marginLeft
		for i, lines := range cellLines {
			l.rect(x, l.y, widths[i], height)
			top := l.y + (height-float64(len(lines))*st.lineHeight)/2
			for _, line := range lines {
				lx := x + cellPadding
				if i == 0 && centreFirst {
					lx = x + (widths[i]-textWidth(st.face, line)*st.pitch)/2
				}
				l.drawLine(st, lx, baseline(st, top), line, 0)
				top += st.lineHeight
			}
			x += widths[i]
		}
		l.y += height
	}
}

// formHeading sets the procuratorate's name and the form's title centred
// in 2号, as forms carry them instead of a masthead.
func (r *Renderer) formHeading(l *layout, procuratorate, title, number string) {
	st := r.titleStyle()
	if procuratorate != "" {
		l.centred(st, procuratorate)
	}
	l.title(st, title, blockWidth)
	if number != "" {
		l.centred(r.bodyStyle(), number)
	}
	l.y += linePitch / 2
}

// formPageNumbers numbers a form's pages only when it runs over one page,
// as a one-page form is not numbered.
func (r *Renderer) formPageNumbers(l *layout) {
	if l.page > 1 {
		l.pageNumbers(r.song)
	}
}

func (r *Renderer) formStyle() textStyle {
	return naturalStyle(r.body, 14, 14*mmPerPoint*1.5)
}

// ServiceReceipt is a 送达回证 (proof of service): which document was
// delivered to whom, where, how and when, signed by the recipient.
type ServiceReceipt struct {
	Procuratorate string
	Documents     string    // 送达文书名称及文号, e.g. "检察建议书（京海检一部建〔2026〕3号）"
	Recipient     string    // 受送达单位
	Place         string    // 送达地点
	Method        string    // 送达方式: 直接送达, 宣告送达, 邮寄送达…
	ServedOn      time.Time // 送达日期; zero leaves the field blank for handwriting
	Server        string    // 送达人
	Witness       string    // 见证人
	Remarks       string    // 备注
	CreatedAt     time.Time // PDF creation date; zero means ServedOn
}

// ServiceReceipt renders a 送达回证 as a two-column form with room for the
// recipient's signature and seal.
func (r *Renderer) ServiceReceipt(s ServiceReceipt) ([]byte, error) {
	l := newLayout(r.metaFor("送达回证", s.Procuratorate, "送达回证", s.Documents, s.CreatedAt, s.ServedOn))
	r.formHeading(l, s.Procuratorate, "送达回证", "")
	served := "年　　月　　日"
	if !s.ServedOn.IsZero() {
		served = FormatDate(s.ServedOn)
	}
	rows := []tableRow{
		{cells: []string{"送达文书\n名称及文号", s.Documents}, minHeight: 22},
		{cells: []string{"受送达单位", s.Recipient}, minHeight: 16},
		{cells: []string{"送达地点", s.Place}, minHeight: 16},
		{cells: []string{"送达方式", s.Method}, minHeight: 16},
		{cells: []string{"受送达人签收", "\n\n签名（盖章）：\n　　　　　　　　　　　　年　　月　　日"}, minHeight: 40},
		{cells: []string{"送达日期", served}, minHeight: 16},
		{cells: []string{"送达人", s.Server}, minHeight: 16},
		{cells: []string{"见证人", s.Witness}, minHeight: 16},
		{cells: []string{"备注", s.Remarks}, minHeight: 28},
	}
	l.table(r.formStyle(), []float64{42, blockWidth - 42}, rows, true)
	r.formPageNumbers(l)
	return l.output()
}

// ApprovalStep is one step of an approval: the stage, who acted in which
// role, their opinion and the date.
type ApprovalStep struct {
	Stage   string // 环节, e.g. "承办检察官意见", "部门负责人审核", "检察长审批"
	Person  string
	Role    string // 职务
	Opinion string
	Date    time.Time
}

// ApprovalForm is a 审批表 (approval form) for a case document.
type ApprovalForm struct {
	Procuratorate string
	Title         string // e.g. "检察建议审批表"; default "审批表"
	CaseName      string // 案件名称
	CaseNumber    string // 案号
	Summary       string // 主要内容 / 拟办意见
	Steps         []ApprovalStep
	CreatedAt     time.Time // PDF creation date; zero means the last step's date
}

// ApprovalForm renders the 审批表: the case, its summary and one row per
// approval step.
func (r *Renderer) ApprovalForm(a ApprovalForm) ([]byte, error) {
	created := a.CreatedAt
	if created.IsZero() && len(a.Steps) > 0 {
		created = a.Steps[len(a.Steps)-1].Date
	}
	title := a.Title
	if title == "" {
		title = "审批表"
	}
	l := newLayout(r.metaFor(title+"（"+a.CaseName+"）", a.Procuratorate, title, a.CaseNumber, created, created))
	r.formHeading(l, a.Procuratorate, title, "")
	st := r.formStyle()
	l.table(st, []float64{36, blockWidth - 36}, []tableRow{
		{cells: []string{"案件名称", a.CaseName}, minHeight: 14},
		{cells: []string{"案号", a.CaseNumber}, minHeight: 14},
		{cells: []string{"主要内容", a.Summary}, minHeight: 30},
	}, true)
	// Each step is a row as on paper forms: the stage on the left, the
	// opinion with the signer, role and date under it on the right, which
	// leaves the opinion the full width to wrap in.
	var rows []tableRow
	for _, step := range a.Steps {
		signer := step.Role
		if signer != "" && step.Person != "" {
			signer += "："
		}
		signer += step.Person
		if !step.Date.IsZero() {
			signer += "　　" + FormatDate(step.Date)
		}
		rows = append(rows, tableRow{cells: []string{step.Stage, step.Opinion + "\n\n" + signer}, minHeight: 30})
	}
	l.table(st, []float64{36, blockWidth - 36}, rows, true)
	r.formPageNumbers(l)
	return l.output()
}
