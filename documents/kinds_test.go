package documents

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEachDocumentKindRenders(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	letter := Letter{
		Procuratorate:  "北京市海淀区人民检察院",
		DocumentNumber: "京海检一部建〔2026〕3号",
		Addressee:      "北京市海淀区市场监督管理局",
		Body:           []Block{{Text: "本院于2026年3月5日向你局制发检察建议书，你局至今未书面回复。"}},
		Date:           day(2026, time.May, 12),
	}
	filing := letter
	filing.Addressee = "北京市人民检察院"
	filing.Attachments = []string{"检察建议书（京海检一部建〔2026〕3号）", "调查终结报告"}
	project := letter
	project.Title = "校园周边食品安全专项治理项目总结报告"
	project.Addressee = ""
	project.Body = []Block{
		{Kind: Heading1, Text: "一、项目背景"},
		{Text: "项目于2026年1月立项，涉及12所学校。"},
		{Kind: Heading2, Text: "（一）调查核实"},
		{Text: "共走访经营户37家。"},
	}
	tests := []struct {
		name   string
		render func() ([]byte, error)
		want   []string
	}{
		{"recommendation", func() ([]byte, error) { return r.Recommendation(letter) },
			[]string{"检察建议书", "京海检一部建〔2026〕3号", "北京市海淀区市场监督管理局：", "2026年5月12日", "—1—"}},
		{"urging letter", func() ([]byte, error) { return r.UrgingLetter(letter) },
			[]string{"催办函", "你局至今未书面回复", "北京市海淀区人民检察院"}},
		{"filing report", func() ([]byte, error) { return r.FilingReport(filing) },
			[]string{"备案报告", "北京市人民检察院：", "附件：", "1.检察建议书（京海检一部建〔2026〕3号）", "2.调查终结报告"}},
		{"project report", func() ([]byte, error) { return r.ProjectReport(project) },
			[]string{"校园周边食品安全专项治理项目总结报告", "一、项目背景", "（一）调查核实", "共走访经营户37家。"}},
		{"acceptance notice", func() ([]byte, error) {
			return r.ApplicantNotice(ApplicantNotice{Kind: NoticeAccepted, Procuratorate: "北京市海淀区人民检察院", Applicant: "张某某",
				Body: []Block{{Text: "你于2026年3月1日提出的申请，本院决定受理。"}}, Date: day(2026, 3, 6)})
		}, []string{"受理告知书", "张某某：", "本院决定受理", "2026年3月6日"}},
		{"decline notice", func() ([]byte, error) {
			return r.ApplicantNotice(ApplicantNotice{Kind: NoticeDeclined, Procuratorate: "北京市海淀区人民检察院", Applicant: "张某某",
				Body: []Block{{Text: "经审查，该事项不属于本院管辖，本院决定不予启动检察建议程序。"}}, Date: day(2026, 3, 6)})
		}, []string{"不予启动告知书", "不予启动检察建议程序"}},
		{"service receipt", func() ([]byte, error) {
			return r.ServiceReceipt(ServiceReceipt{Procuratorate: "北京市海淀区人民检察院",
				Documents: "检察建议书（京海检一部建〔2026〕3号）", Recipient: "北京市海淀区市场监督管理局",
				Place: "北京市海淀区某某路1号", Method: "直接送达", ServedOn: day(2026, 3, 6), Server: "李某某、王某某",
				Witness: "赵某某", Remarks: "受送达单位办公室负责人代为签收，并表示将在规定期限内书面回复本院。"})
		}, []string{"送达回证", "送达文书名称及文号", "检察建议书（京海检一部建〔2026〕3号）", "受送达单位", "送达地点",
			"送达方式", "直接送达", "受送达人签收", "签名（盖章）", "送达日期", "2026年3月6日", "送达人", "见证人", "赵某某", "备注",
			"受送达单位办公室负责人代为签收，并表示将在规定期限内书面回复本院。"}},
		{"approval form", func() ([]byte, error) {
			return r.ApprovalForm(ApprovalForm{Procuratorate: "北京市海淀区人民检察院", Title: "检察建议审批表",
				CaseName: "校园周边食品安全监管案", CaseNumber: "京海检一部行建立〔2026〕1号", Summary: "拟向区市场监督管理局制发检察建议。",
				Steps: []ApprovalStep{
					{Stage: "承办检察官意见", Person: "李某某", Role: "检察官", Opinion: "建议制发检察建议书。", Date: day(2026, 3, 2)},
					{Stage: "部门负责人审核", Person: "王某某", Role: "主任", Opinion: "同意，报检察长审批。", Date: day(2026, 3, 3)},
					{Stage: "检察长审批", Person: "赵某某", Role: "检察长", Opinion: "同意制发。", Date: day(2026, 3, 4)},
				}})
		}, []string{"检察建议审批表", "案件名称", "校园周边食品安全监管案", "部门负责人审核", "同意，报检察长审批。",
			"主任：王某某2026年3月3日", "检察长审批", "检察长：赵某某2026年3月4日"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := tt.render()
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if dir := os.Getenv("JIANYI_SAMPLE_DIR"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			text := withoutSpace(pdfText(t, pdf))
			for _, want := range tt.want {
				if !strings.Contains(text, withoutSpace(want)) {
					t.Errorf("text %q lacks %q", text, want)
				}
			}
		})
	}
}

func TestNumberLabel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind BlockKind
		n    int
		want string
	}{
		{Heading1, 1, "一、"}, {Heading1, 10, "十、"}, {Heading1, 12, "十二、"}, {Heading1, 20, "二十、"},
		{Heading1, 99, "九十九、"}, {Heading2, 3, "（三）"}, {Heading3, 11, "11."}, {Heading4, 2, "（2）"},
		{Paragraph, 1, ""}, {Heading1, 100, "100、"},
	}
	for _, tt := range tests {
		if got := NumberLabel(tt.kind, tt.n); got != tt.want {
			t.Errorf("NumberLabel(%d, %d) = %q, want %q", tt.kind, tt.n, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date time.Time
		want string
	}{
		{day(2026, 3, 5), "2026年3月5日"},
		{day(2026, 12, 31), "2026年12月31日"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.date); got != tt.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.date, got, tt.want)
		}
	}
}

func BenchmarkRecommendation3Pages(b *testing.B) {
	r := testRenderer(b)
	doc := longRecommendation()
	// The first title loads the word dictionary, once per process.
	if _, err := r.Recommendation(doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Recommendation(doc); err != nil {
			b.Fatal(err)
		}
	}
}
