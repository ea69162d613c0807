package stats

// Definition is the sentence that explains one figure (统计口径), shown next
// to it: in the API's definitions block, the ledger's 口径说明 sheet and the
// pages.
type Definition struct {
	Key   string `json:"key"` // the figure's JSON name
	Label string `json:"label"`
	Text  string `json:"text"`
}

// DefinitionList is every definition in reading order. The functions of
// facts.go and tally.go are what these sentences describe.
var DefinitionList = []Definition{
	{"period", "统计期间", "每项数字按各自的日期归入期间（含起止日）：案件数、制发数按制发日期；回复类数字按回复期限届满日；" +
		"送达按送达日期；备案按备案期限；报告、通报、移送按决定日期；结案和办理周期按结案日期；线索按登记日期；公民申请按提交日期。" +
		"“已届满”指期限日已过（期限当日仍在期限内）。"},
	{"reply_due", "应回复件数", "已送达、回复期限（见“回复期限”）已届满的检察建议件数，是各项回复率的分母。" +
		"期限届满前已撤回或终结的不计入；届满后才终结、结案或撤回的仍计入。"},
	{"reply_due_date", "回复期限", "被建议单位书面回复的期限：自收到次日起算两个月（紧急的按指定天数），届满日为法定节假日或休息日的顺延，" +
		"含已批准的延期；首次正式回复后以该回复提交时有效的期限为准。退回补充时另定的补充期限不是回复期限。"},
	{"awaiting_reply", "未到期件数", "已送达、回复期限尚未届满且尚未正式回复的件数，不计入各项回复率。"},
	{"replied", "已回复件数", "应回复件数中已提交正式回复的件数（按期回复 + 慢回复）。阶段性回复不视为回复。"},
	{"reply_rate", "回复率", "回复率 = 已回复件数 ÷ 应回复件数。"},
	{"on_time_rate", "按期回复率", "按期回复率 = 按期回复件数 ÷ 应回复件数。按期回复指首次正式回复在回复期限内提交；" +
		"按期回复后又被退回补充的，仍计为按期回复，同时计入粗回复（及时性与回复质量分别统计）。"},
	{"late_reply", "慢回复", "应回复件数中首次正式回复晚于回复期限的件数。"},
	{"no_reply", "不回复", "应回复件数中截至统计日仍未提交正式回复的件数。期限届满未回复即为事实，此后报告、通报、移送、终结或结案均不改变；" +
		"只有被建议单位事后提交正式回复，才改计为慢回复。"},
	{"perfunctory", "粗回复", "应回复件数中有回复被检察机关以敷衍、不具体为由退回补充的件数。"},
	{"perfunctory_rate", "粗回复率", "粗回复率 = 粗回复件数 ÷ 已回复件数。"},
	{"adoption_rate", "采纳率", "采纳率 =（采纳 + 部分采纳）÷ 应回复件数，以每件最后一次未被退回的回复为准；不回复的计入分母。"},
	{"full_adoption_rate", "完全采纳率", "完全采纳率 = 采纳件数 ÷ 应回复件数。"},
	{"rectified_rate", "整改到位率", "整改到位率 = 经检察机关评估整改到位的件数 ÷ 应回复件数；尚未评估、不回复的计入分母。"},
	{"avg_days_to_reply", "平均回复天数", "应回复件数中已回复的，首次正式回复日期与收到日期相差天数的平均值。"},
	{"announced_deliveries", "宣告送达", "期间内送达的检察建议中以宣告方式送达的件数；宣告送达率 = 宣告送达件数 ÷ 送达件数。"},
	{"filing_on_time_rate", "按期备案率", "按期备案率 = 在备案期限内报送上级检察院备案的件数 ÷ 备案期限已届满的件数。"},
	{"escalations", "报告、通报、移送", "期间内检察长决定的报告上级检察院、通报上级机关或主管部门、报告党委人大、通报政府或纪检监察机关、" +
		"移送公益诉讼措施，按措施种类计数；with_result 为其中截至统计日已登记办理结果（公益诉讼案号、报告或通报的文号）的措施数，" +
		"escalations_with_result 为其合计；escalated_cases 为涉及的案件数。"},
	{"public_interest_cases", "转公益诉讼", "期间内决定移送公益诉讼、且截至统计日已登记所形成的公益诉讼案号的案件数；" +
		"已移送但尚未登记案号的只计入报告、通报、移送。"},
	{"avg_handling_days", "平均办理周期", "期间内结案的案件，自立案之日至结案之日的天数平均值（无立案记录的自线索登记之日起算）。"},
	{"lead_conversion_rate", "线索成案率", "线索成案率 = 已立案件数 ÷ 已作出处理的线索件数（登记在期间内、已不处于线索或初核状态的）。"},
	{"applications", "公民申请", "期间内提交的公民申请：按期答复率 = 在七个工作日内作出程序性答复的件数 ÷ 答复期限已届满的件数；" +
		"申请成案率 = 已立案件数 ÷ 已作出决定（启动、不予启动、移送）的件数。"},
	{"non_responders", "不回复单位", "期间内有不回复件数的被建议单位，按不回复件数排序。"},
	{"open_overdue", "逾期未回复", "当前处于已送达状态且回复期限（含退回补充时另定的补充期限）已过的案件，供督办使用。"},
}

// Definitions maps each figure's JSON name to its sentence, for the API's
// definitions block.
var Definitions = func() map[string]string {
	m := make(map[string]string, len(DefinitionList))
	for _, d := range DefinitionList {
		m[d.Key] = d.Text
	}
	return m
}()
