package projects

import "testing"

func TestReportTitleDoesNotRepeatXiangmu(t *testing.T) {
	for name, want := range map[string]string{
		"校园及周边安全专项治理": "关于“校园及周边安全专项治理”项目的工作报告",
		"河道采砂综合治理项目":  "关于“河道采砂综合治理项目”的工作报告",
	} {
		if got := reportTitle(name); got != want {
			t.Errorf("reportTitle(%q) = %q, want %q", name, got, want)
		}
	}
}
