package redact

// The word lists the name detector reasons with. They describe Chinese, not
// example sentences: which characters are surnames, which words introduce a
// private person, an official, or speech, and which words end a place or an
// organisation. doc.go explains how they combine with the segmenter.

// compoundSurnames are the common 复姓; a name starting with one keeps both
// characters (欧阳娜娜 → 欧阳某).
var compoundSurnames = []string{
	"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里",
	"呼延", "万俟", "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "闻人", "赫连",
	"钟离", "东郭", "公羊", "仲孙", "司空", "第五", "拓跋", "完颜", "左丘", "梁丘",
}

// commonSurnames are single-character surnames, roughly in order of how
// many people bear them. Those that are also common words (于, 向, 和)
// are told apart by the segmenter's tags (申请人于|2025年 vs 证人于|小梅).
const commonSurnames = "于王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝仝郜揭鞠蔺"

// privateCues are words after which a private person's name stands: the
// parties and roles of a case, the people of a neighbourhood or household,
// and kinship. A name right after one is redacted without asking.
var privateCues = words(
	// parties and roles in a case or complaint
	"申请人", "被申请人", "当事人", "证人", "见证人", "知情人", "被害人", "受害人",
	"举报人", "被举报人", "投诉人", "被投诉人", "控告人", "信访人", "来访人", "反映人",
	"报案人", "报警人", "求助人", "犯罪嫌疑人", "嫌疑人", "被告人", "被告", "原告",
	"上诉人", "被上诉人", "申诉人", "被申诉人", "第三人", "代理人", "诉讼代理人",
	"委托代理人", "法定代理人", "监护人", "被监护人", "被调查人", "被执行人",
	"申请执行人", "行为人", "违法行为人", "责任人", "联系人", "死者", "伤者",
	"权利人", "所有权人", "保证人", "担保人", "受托人", "委托人", "继承人", "被继承人",
	// people of a place, a household, a business
	"村民", "居民", "业主", "住户", "户主", "租户", "租客", "房东", "房主", "商户",
	"摊主", "店主", "经营者", "个体工商户", "负责人", "法定代表人", "实际控制人",
	"股东", "承包人", "承租人", "出租人", "借款人", "出借人", "债务人", "债权人",
	"雇主", "员工", "职工", "工人", "学生", "患者", "病人", "老人", "儿童", "未成年人",
	"驾驶人", "驾驶员", "司机", "车主", "购房人", "买受人", "出卖人", "消费者",
	"顾客", "乘客", "男子", "女子", "家属", "亲属", "近亲属",
	// kinship and acquaintance
	"邻居", "其子", "其女", "其妻", "其夫", "其父", "其母", "其兄", "其弟", "其姐",
	"其妹", "其孙", "其孙女", "其侄", "之子", "之女", "之妻", "之夫", "之父", "之母",
	"儿子", "女儿", "妻子", "丈夫", "父亲", "母亲", "哥哥", "姐姐", "弟弟", "妹妹",
	"爱人", "配偶", "前妻", "前夫", "儿媳", "女婿", "孙子", "孙女", "外孙", "外孙女",
	"侄子", "侄女", "同事", "朋友", "同学", "室友", "舍友", "好友", "亲戚",
)

// officialCues introduce a public official acting in office (检察官李明):
// such an occurrence is neither redacted nor listed. Naming the same person
// anywhere else as a private person still redacts them everywhere.
var officialCues = words(
	"检察官", "检察员", "检察长", "副检察长", "检察官助理", "书记员", "法官", "审判长",
	"审判员", "人民陪审员", "陪审员", "局长", "副局长", "处长", "副处长", "科长",
	"副科长", "主任", "副主任", "所长", "副所长", "站长", "队长", "副队长", "镇长",
	"副镇长", "乡长", "县长", "区长", "市长", "书记", "党委书记", "执法人员", "执法员",
	"民警", "警官", "干警", "工作人员", "承办人", "承办检察官", "公证员", "调解员",
	"监察员",
)

// officialTitlesAfter follow a full name in office (李明华检察官, 王建国局长).
var officialTitlesAfter = words(
	"检察官", "检察员", "检察长", "书记员", "法官", "审判长", "审判员", "局长",
	"副局长", "处长", "科长", "主任", "所长", "站长", "队长", "书记", "镇长", "乡长",
	"县长", "区长", "市长", "民警", "警官",
)

// privateTitlesAfter follow a private person's name in letters (王建国同志,
// 周小红女士).
var privateTitlesAfter = words("同志", "先生", "女士", "老人", "老先生", "小朋友", "夫妇")

// speechCues follow a person's name: 王小明称, 李建国表示.
var speechCues = words(
	"称", "说", "讲", "表示", "反映", "陈述", "介绍", "供述", "证实", "承认", "否认",
	"认为", "提出", "要求", "辩称", "诉称", "声称", "自称", "述称", "指出", "回忆",
	"坦言", "讲述", "叙述", "告知", "告诉", "证明", "确认", "解释", "投诉", "举报",
	"反应", "陈称", "交代", "供称", "证称",
)

// genderCues follow a party's name in judgements: 张三（男，…), 张三，男，….
// They are matched on width-folded text.
var genderCues = []string{"(男", "(女", ",男,", ",女,", ",男性", ",女性", ",男、", ",女、"}

// listJoiners join names in a list: 王小明、李建国; 王某与李建国.
var listJoiners = words("、", "和", "与", "及", "以及", "同", "、以及")

// titleGiven are what follows a surname when an official or professional
// is addressed by surname and title (王局长, 李老师, 周检): not a given name.
var titleGiven = words(
	"主任", "书记", "经理", "老师", "医生", "警官", "律师", "法官", "师傅", "先生",
	"女士", "同志", "总", "工", "检", "警", "老板", "大爷", "大妈", "阿姨", "叔叔",
	"大姐", "大哥", "老", "某", "某某",
)

// placeEndings end the names of places and organisations and never end a
// personal name: a candidate whose last character is one of them, or that
// is followed by one as a separate word, is part of 王庄村, 李家镇, 张家港市.
const placeEndings = "市区县镇乡村省州旗局院委厅部办所站队司处科庭馆校厂店行社组路街巷道弄屯寨庄营"

// placeWordsAfter are words that, right after a surname and given-name
// shape, make it the name of a place or an organisation (东方红小学,
// 李宁体育用品公司, 王记饭店).
var placeWordsAfter = words(
	"公司", "集团", "小区", "大厦", "广场", "中学", "小学", "大学", "学校", "学院",
	"医院", "银行", "超市", "饭店", "餐馆", "餐厅", "酒店", "宾馆", "市场", "花园",
	"家园", "社区", "委员会", "居委会", "村委会", "工作室", "合作社", "研究所",
	"事务所", "加油站", "幼儿园", "商店", "商行", "门市", "诊所", "药店", "药房",
	"卫生院", "派出所", "法院", "检察院", "政府", "街道", "大街", "大道", "胡同",
	"新村", "工厂", "农场", "山庄", "景区", "公园", "水库", "小吃", "烧烤", "火锅",
	"美发", "理发", "商贸", "物业", "物流", "科技", "实业", "建材", "建筑", "装饰",
	"牌", "号", "店", "庄", "村", "镇", "乡", "县", "市", "区", "路", "街", "厂",
)

// stopAfterFirstGiven end a name: a given name's second character is never
// one of them (张三称, 李四家中, 王五于…, 赵六等, 王强均未到场). The first
// may be. Words
// of two characters that follow a name (儿子, 女儿, 父亲) need no entry: the
// segmenter does not end a word inside them.
const stopAfterFirstGiven = "于在因称等的与和向将系已未诉是被为对从到及了说也都就把反投举表提要自所曾先之家某×均亦仍又还才便即却并共不没再只则"

// functionTags are segmenter tags of words that cannot be part of a given
// name: prepositions, conjunctions, particles, pronouns, adverbs, numerals,
// measure words, localisers, time words, modal particles, interjections,
// onomatopoeia.
var functionTags = words("p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "rr", "rz",
	"d", "m", "mq", "q", "f", "t", "y", "e", "o", "k")

// grammarTags are the function tags that also rule out a given name of two
// characters. Numerals, adverbs, measure and time words are left out: the
// dictionary tags given names such as 多多 (m), 立新 (d) and 国庆 (t) so.
var grammarTags = words("p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "rr", "rz", "y", "e", "o")

// notNameWords are words that begin with a surname character and follow
// role words in letters (当事人陈述, 学生安全, 居民常住, 负责人应当) or that
// the dictionary tags as names although in letters they are ordinary words
// (陈述, 许可, 杜绝, 齐全). They correct the dictionary; they are not how
// names are found.
var notNameWords = words(
	"陈述", "许可", "杜绝", "齐全", "明白", "文明", "康复", "安抚", "关怀", "周转",
	"陈列", "宁可", "荣获", "安全", "安置", "全部", "全体", "全家", "成绩", "成员",
	"成年", "高考", "高中", "文化", "明确", "明知", "常年", "常住", "车辆", "路口",
	"关系", "方面", "方式", "金额", "时间", "时期", "和谐", "单位", "师生", "应当",
	"应该", "查明", "管理", "解决", "代表", "信息", "权益", "身份", "宁静", "安宁",
	"健康", "反映", "意见", "生活", "出行", "利益", "严格", "申请", "申诉", "申报",
	"申领", "申明", "程序", "费用", "包括", "和解", "双方", "共同", "经营", "居住",
	"房屋", "房产", "车位", "车库", "车间", "单元", "方向", "全面", "全额", "安装",
	"有关", "相关", "董事", "董事长", "余款", "余额", "时候",
)

func words(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}
