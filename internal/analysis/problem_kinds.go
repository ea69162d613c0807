package analysis

import "strings"

// ProblemKind is a kind of problem a recommendation addresses (问题类型),
// recognised from its title by the keywords listed: the title names the
// problem ("关于…河道非法采砂…的检察建议书"). The first kind whose keyword
// occurs wins, so the specific kinds come before the general ones. Kinds
// group letters for the recurrence analysis; they are not a statistic, and
// the keywords are shown with the analysis so a reader can check a group.
type ProblemKind struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Keywords []string `json:"keywords"`
}

// ProblemKindOther is the kind of a title no keyword matches.
const ProblemKindOther = "other"

// ProblemKinds is the catalogue, in matching order.
var ProblemKinds = []ProblemKind{
	{"false_advertising", "虚假宣传", []string{"虚假宣传", "虚假广告"}},
	{"data_security", "个人信息与数据安全", []string{"个人信息", "数据安全", "信息泄露", "涉案账户"}},
	{"funds", "资金与收费", []string{"资金", "收费", "集资", "吸储", "催收", "预付卡", "诈骗"}},
	{"pollution", "环境污染与资源破坏", []string{"污染", "直排", "倾倒", "焚烧", "噪声", "油烟", "污水", "废水", "废物", "粪污", "采砂", "生态修复", "湿地"}},
	{"illegal_construction", "违法建设与占用", []string{"违法建设", "违规建设", "违章建筑", "占用", "侵占", "宅基地"}},
	{"unlicensed", "无证无照与违规经营", []string{"无证", "无照", "未经许可", "违规经营", "违规销售", "违规接纳", "违法添加", "违规充电"}},
	{"safety_hazard", "安全隐患", []string{"隐患", "安全防护", "消防", "危险化学品", "特种设备", "内涝", "通道堵塞"}},
	{"facilities", "公共设施缺失损坏", []string{"设施缺失", "缺失", "损坏", "闲置", "无障碍"}},
	{"regulatory_gap", "监管缺位与制度落实不到位", []string{"监管缺位", "缺位", "不到位", "不规范", "漏洞", "未定期"}},
	{ProblemKindOther, "其他", nil},
}

var problemKindLabels = func() map[string]string {
	m := map[string]string{}
	for _, k := range ProblemKinds {
		m[k.Key] = k.Label
	}
	return m
}()

// ClassifyProblem returns the key of the kind of problem a title names.
func ClassifyProblem(title string) string {
	for _, k := range ProblemKinds {
		for _, w := range k.Keywords {
			if strings.Contains(title, w) {
				return k.Key
			}
		}
	}
	return ProblemKindOther
}
