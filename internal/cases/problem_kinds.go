package cases

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

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

// ProblemKindLabels are the kinds' labels by key.
var ProblemKindLabels = func() map[string]string {
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

// BeforeCreate stores the kind of problem the title names (a case's title
// does not change after registration), which the recurrence analysis groups
// by; rows written otherwise get it from ClassifyMissingProblems.
func (c *Case) BeforeCreate(*gorm.DB) error {
	if c.ProblemKind == nil {
		k := ClassifyProblem(c.Title)
		c.ProblemKind = &k
	}
	return nil
}

// classifyBatch is how many cases one round of ClassifyMissingProblems
// reads and updates: one short transaction each.
const classifyBatch = 1000

// ClassifyMissingProblems stores the problem kind of every case that has
// none (rows from before migration 0019, or written in bulk without gorm)
// and reports how many it classified. It walks the cases by id, so each
// round reads only rows not seen yet, and writes one UPDATE per kind found.
func ClassifyMissingProblems(ctx context.Context, db *database.DB) (int, error) {
	total := 0
	var after int64
	for {
		var rows []struct {
			ID    int64
			Title string
		}
		if err := db.WithContext(ctx).Table("cases").Select("id, title").Where("problem_kind IS NULL AND id > ?", after).
			Order("id").Limit(classifyBatch).Scan(&rows).Error; err != nil {
			return total, err
		}
		if len(rows) == 0 {
			return total, nil
		}
		byKind := map[string][]int64{}
		for _, r := range rows {
			k := ClassifyProblem(r.Title)
			byKind[k] = append(byKind[k], r.ID)
		}
		err := db.WithTx(ctx, func(tx *gorm.DB) error {
			for k, ids := range byKind {
				if err := tx.Table("cases").Where("id IN ? AND problem_kind IS NULL", ids).
					UpdateColumn("problem_kind", k).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(rows)
		after = rows[len(rows)-1].ID
	}
}
