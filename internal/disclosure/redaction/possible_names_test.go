package redaction

import (
	"slices"
	"testing"
)

func TestPossiblePersonalNames(t *testing.T) {
	t.Parallel()
	keep := []string{"清河区人民检察院", "临江市清河区市场监督管理局"}
	tests := []struct {
		name, text string
		want       []string
	}{
		{"redacted by the patterns already", "经查，王小明（男，1980年生）经营餐馆，负责人李四未办理许可。", nil},
		{"role word the redactor lacks", "经营者赵强称不知情。", []string{"赵强"}},
		{"list of names", "刘洋、陈静、孙丽丽未到场。", []string{"刘洋", "孙丽丽", "陈静"}},
		{"list next to a redacted name", "王某、刘洋反映", []string{"刘洋"}},
		{"title after the name", "感谢周小红女士、王建国先生提供线索。", []string{"周小红", "王建国"}},
		{"gender after the name: redacted already", "申请人之子钱多多（男，2010年生）", nil},
		{"official text", "清河区人民检察院于2026年3月向临江市清河区市场监督管理局发出清检八建〔2026〕3号检察建议书，抄送张家港市、常熟市、昆山市人民政府及市场监管局、住建局、公安局。", nil},
		{"places and officials", "负责人王局长到场；金山区、宝山区、黄浦区", nil},
		{"kept name", "清河区人民检察院、临江市清河区市场监督管理局", nil},
		{"full-width title", "孔明明ｘ先生", nil},
		{"name before 同志", "由王建军同志负责", []string{"王建军"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			red := RedactForPublication(tt.text, RedactOptions{KeepNames: keep}).Text
			got := PossiblePersonalNames(red, keep)
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("redacted %q: got %q, want %q", red, got, want)
			}
		})
	}
	if got := UnconfirmedNames([]string{"刘洋", "赵强"}, []string{" 刘洋 "}); !slices.Equal(got, []string{"赵强"}) {
		t.Fatalf("unconfirmed %q", got)
	}
}
