package templates

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

type civilDate string // like models.Date: String() is YYYY-MM-DD

func (d civilDate) String() string { return string(d) }

func TestDueBadge(t *testing.T) {
	today := civilDate("2026-03-02")
	var none *civilDate
	for _, tc := range []struct {
		due       any
		label     string
		tone      string
		wantTitle bool
	}{
		{civilDate("2026-03-02"), "今天到期", "warning", true},
		{civilDate("2026-03-05"), "还剩 3 天", "warning", true},
		{civilDate("2026-03-06"), "还剩 4 天", "neutral", true},
		{civilDate("2026-02-18"), "逾期 12 天", "danger", true},
		{time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC), "还剩 1 天", "warning", true}, // 01:00 on the 3rd in Shanghai
		{none, "", "", false},
		{nil, "", "", false},
	} {
		b := dueBadge(tc.due, today, cst)
		if b.Label != tc.label || b.Tone != tc.tone || (b.Title != "") != tc.wantTitle {
			t.Errorf("due %v: %+v, want %q/%q", tc.due, b, tc.label, tc.tone)
		}
	}
}

func TestFieldBuilderRefusesUnknownKeys(t *testing.T) {
	errs := NewFormErrors("", map[string]string{"phone": "联系电话为必填字段"})
	f, err := buildField(errs, "phone", "联系电话", "Type", "tel", "Required", true, "Value", int64(0))
	if err != nil || f.ID != "phone" || f.Error != "联系电话为必填字段" || f.Value != "" || f.DescribedBy() != "phone-error" {
		t.Fatalf("field %+v, %v", f, err)
	}
	if _, err := buildField(errs, "phone", "联系电话", "Lable", "x"); err == nil || !strings.Contains(err.Error(), `"Lable"`) {
		t.Fatalf("a misspelt key was accepted: %v", err)
	}
	if _, err := buildField(errs, "phone", "联系电话", "Required", "yes"); err == nil {
		t.Fatal("text accepted as true/false")
	}
}

func TestFormErrorsListInFormOrder(t *testing.T) {
	e := NewFormErrors("有误", map[string]string{"z": "3", "b": "2", "a": "1", "x": "extra"}, "b", "a", "z")
	var got []string
	for _, fe := range e.List() {
		got = append(got, fe.Name)
	}
	if strings.Join(got, ",") != "b,a,z,x" {
		t.Fatalf("order %v", got)
	}
}

func TestFileSize(t *testing.T) {
	for n, want := range map[int64]string{820: "820 字节", 250 << 10: "250 KB", 1536 << 10: "1.5 MB", 3 << 20: "3 MB"} {
		if got := FileSize(n); got != want {
			t.Errorf("FileSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFramesRender(t *testing.T) {
	set, err := Parse(cst)
	if err != nil {
		t.Fatal(err)
	}
	site := Site{Name: "临江市清河区人民检察院", Hotline: "12309", ICP: "东ICP备20260001号"}
	var buf bytes.Buffer
	staff := &Page{Title: "案件", Site: site, Section: "cases", Unread: 3, CSRF: "tok<en>",
		User: &User{Name: "张检察官", Role: "prosecutor", RoleLabel: "承办检察官"}, Nav: NavFor("prosecutor"),
		Flash: []Flash{{Kind: "success", Message: "已提请审批"}},
		Data:  map[string]any{"Rows": []map[string]any{}, "Today": civilDate("2026-03-02")}}
	if err := set.Render(&buf, "styleguide/styleguide", staff); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`<html lang="zh-CN">`, `href="/cases" aria-current="page"`, "通知，3 条未读", `name="_csrf" value="tok&lt;en&gt;"`,
		"张检察官", "承办检察官", "已提请审批", "/static/jianyi.css?v="} {
		if !strings.Contains(html, want) {
			t.Errorf("app frame lacks %q", want)
		}
	}
	if strings.Contains(html, "/agency/replied") || strings.Contains(html, `href="/admin"`) {
		t.Error("a prosecutor's navigation shows agency or admin entries")
	}
	if got := NavFor("agency"); len(got) != 3 || got[0].Label != "待回复" || got[1].Label != "已回复" || got[2].Label != "通知" {
		t.Errorf("agency navigation %+v", got)
	}
	buf.Reset()
	public := &Page{Title: "页面不存在", Site: site, Data: map[string]any{"Message": "没有这个页面"}}
	if err := set.Render(&buf, "public/error", public); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"临江市清河区人民检察院", "检察服务热线", "东ICP备20260001号", `href="/login"`, "没有这个页面"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("public frame lacks %q", want)
		}
	}
}
