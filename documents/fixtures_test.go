package documents

import (
	"sync"
	"testing"
	"time"
)

var (
	sharedRenderer     *Renderer
	sharedRendererErr  error
	sharedRendererOnce sync.Once
)

// testRenderer shares one Renderer between tests, as the service shares one
// per process.
func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	sharedRendererOnce.Do(func() { sharedRenderer, sharedRendererErr = NewRenderer(FontConfig{}) })
	if sharedRendererErr != nil {
		t.Fatalf("NewRenderer: %v", sharedRendererErr)
	}
	return sharedRenderer
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// longRecommendation is a realistic 检察建议书 of about three pages with
// quotes, numbered items and mixed Latin text and digits.
func longRecommendation() Letter {
	body := []Block{
		{Kind: Paragraph, Text: "本院在办理王某某生产、销售不符合安全标准的食品案中发现，你局辖区内中小学校园周边食品经营者存在较为突出的食品安全隐患。依据《中华人民共和国人民检察院组织法》第二十一条、《人民检察院检察建议工作规定》第十一条的规定，本院于2026年1月至2026年3月开展了调查核实工作，现将有关情况通报如下。"},
		{Kind: Heading1, Text: NumberLabel(Heading1, 1) + "发现的问题"},
		{Kind: Heading2, Text: NumberLabel(Heading2, 1) + "部分经营者销售的食品农药残留超标"},
		{Kind: Paragraph, Text: "经委托第三方检测机构抽检，辖区内12所学校周边的37家经营户中，有9家销售的蔬菜农药残留量超过GB 2763-2021《食品安全国家标准 食品中农药最大残留限量》规定的限值，其中毒死蜱最高检出值为0.35mg/kg，超出限量值6倍。部分经营者对“三无”食品来源说不清楚，进货查验记录缺失。"},
		{Kind: Heading2, Text: NumberLabel(Heading2, 2) + "经营场所环境卫生不达标"},
		{Kind: Paragraph, Text: "调查发现，部分摊点紧邻道路扬尘源，现场监测PM2.5浓度日均值达到115μg/m3；餐饮具未按规定清洗消毒，冷藏设施温度记录不全。上述情况违反了《中华人民共和国食品安全法》第三十三条、第五十四条的规定，给在校学生身体健康造成潜在危害。"},
		{Kind: Heading2, Text: NumberLabel(Heading2, 3) + "日常监管存在薄弱环节"},
		{Kind: Paragraph, Text: "你局2025年度对校园周边食品经营者的监督检查覆盖率仅为61.5%，对群众反映的问题线索未能及时核查处理，“双随机、一公开”抽查结果未按规定向社会公示；对检查中发现的问题，存在“以罚代管”“一罚了之”的现象，未形成闭环管理。"},
		{Kind: Heading1, Text: NumberLabel(Heading1, 2) + "检察建议"},
		{Kind: Paragraph, Text: "为保障校园周边食品安全，依照《中华人民共和国人民检察院组织法》第二十一条和《人民检察院检察建议工作规定》第十一条的规定，向你局提出如下检察建议："},
		{Kind: Heading3, Text: NumberLabel(Heading3, 1) + "对本建议书所列9家经营户依法调查处理，对超标蔬菜予以下架、召回并公开处理结果，涉嫌犯罪的依法移送公安机关。"},
		{Kind: Heading3, Text: NumberLabel(Heading3, 2) + "在2026年9月秋季开学前，组织开展校园周边食品安全专项整治，建立经营者“一户一档”，落实进货查验和索证索票制度。"},
		{Kind: Heading3, Text: NumberLabel(Heading3, 3) + "完善日常监督检查机制，将校园周边纳入重点监管区域，每学期检查不少于2次，检查结果按照《市场监督管理行政处罚信息公示规定》向社会公开。"},
		{Kind: Heading4, Text: NumberLabel(Heading4, 1) + "建立问题线索快速核查机制，对群众投诉举报在7个工作日内核查反馈；"},
		{Kind: Heading4, Text: NumberLabel(Heading4, 2) + "会同教育部门建立信息共享和联合检查制度，形成监管合力。"},
		{Kind: Heading1, Text: NumberLabel(Heading1, 3) + "异议及回复"},
		{Kind: Paragraph, Text: "你局如对本检察建议有异议，可以在收到本检察建议书之日起七日内向本院书面提出。请你局在收到本检察建议书之日起两个月内，将采纳检察建议及整改落实情况书面回复本院。"},
		{Kind: Paragraph, Text: "联系人：李某某，联系电话：010-12345678。"},
	}
	return Letter{
		Procuratorate:  "北京市海淀区人民检察院",
		DocumentNumber: "京海检一部建〔2026〕3号",
		Title:          "关于加强校园周边食品安全监管的检察建议书",
		Addressee:      "北京市海淀区市场监督管理局",
		Body:           body,
		Date:           day(2026, time.March, 5),
		CopyTo:         []string{"北京市人民检察院第一分院", "北京市海淀区教育委员会", "北京市海淀区人民政府"},
	}
}
