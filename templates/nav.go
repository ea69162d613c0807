package templates

// staffNav is the app frame's navigation: each entry with the roles that see
// it. Agencies (被建议单位) have their own three entries.
var staffNav = []struct {
	item  NavItem
	roles []string
}{
	{NavItem{Key: "dashboard", Label: "工作台", Href: "/dashboard"}, []string{"prosecutor", "dept_head", "chief", "case_manager", "admin"}},
	{NavItem{Key: "cases", Label: "案件", Href: "/cases"}, []string{"prosecutor", "dept_head", "chief", "case_manager"}},
	{NavItem{Key: "applications", Label: "申请", Href: "/applications"}, []string{"prosecutor", "dept_head", "case_manager"}},
	{NavItem{Key: "projects", Label: "项目", Href: "/projects"}, []string{"prosecutor", "dept_head", "chief", "case_manager"}},
	{NavItem{Key: "reviews", Label: "评查", Href: "/reviews"}, []string{"prosecutor", "dept_head", "chief", "case_manager"}},
	{NavItem{Key: "disclosures", Label: "公开", Href: "/disclosures/review"}, []string{"prosecutor", "dept_head", "chief"}},
	{NavItem{Key: "stats", Label: "统计", Href: "/stats"}, []string{"prosecutor", "dept_head", "chief", "case_manager"}},
	{NavItem{Key: "analysis", Label: "分析", Href: "/analysis"}, []string{"prosecutor", "dept_head", "chief", "case_manager"}},
	{NavItem{Key: "filings", Label: "备案", Href: "/filings"}, []string{"prosecutor", "dept_head", "chief", "case_manager"}},
	{NavItem{Key: "admin", Label: "管理", Href: "/admin"}, []string{"admin"}},
}

var agencyNav = []NavItem{
	{Key: "pending", Label: "待回复", Href: "/agency"},
	{Key: "replied", Label: "已回复", Href: "/agency/replied"},
	{Key: "notifications", Label: "通知", Href: "/notifications"},
}

// NavFor is the left navigation of a role (a role code such as "prosecutor"
// or "agency"). The caller may set counts on the returned copy.
func NavFor(role string) []NavItem {
	if role == "agency" {
		return append([]NavItem(nil), agencyNav...)
	}
	var out []NavItem
	for _, e := range staffNav {
		for _, r := range e.roles {
			if r == role {
				out = append(out, e.item)
				break
			}
		}
	}
	return out
}
