package demo

import (
	"context"
	"fmt"
	"time"

	"jianyi/internal/agency"
	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
	"jianyi/internal/reviews"
)

// DemoCase is one case SeedDemoCases made (or found).
type DemoCase struct {
	ID             int64
	Title          string
	State          cases.CaseState
	DocumentNumber string
	Created        bool
}

// Titles of the demo cases, in the order SeedDemoCases lists them; any of
// them present means the demo cases were made.
var demoCaseTitles = []string{
	"清河区沙河段河道非法采砂线索",
	"老旧小区电动自行车违规充电安全隐患",
	"校园周边流动摊贩食品安全隐患",
	"中小学校舍消防安全隐患",
	"农贸市场活禽销售区食品安全隐患",
	"学校周边道路交通安全设施缺失",
	"网络订餐平台入网餐饮商户资质审核不严",
	"建筑工地夜间施工噪声扰民",
	"食品生产加工小作坊无证生产监管漏洞",
}

// Services are the services SeedDemoCases works through — those the server
// runs, so every row, audit entry, timeline event, frozen PDF and 文号 is
// what the product itself writes.
type Services struct {
	DB           *database.DB
	Cases        *cases.Service
	Disclosures  *disclosure.Service
	Applications *applications.Service
	Projects     *projects.Service
	Reviews      *reviews.Service
	Users        *org.UserService
}

// DemoData is what SeedDemoCases made (or found).
type DemoData struct {
	Cases []DemoCase
	// Accounts of the district's 第一检察部, the second department with cases.
	Accounts []DemoAccount
	// TrackingNo is the citizen application that became a case.
	TrackingNo    string
	ProjectID     int64
	ReviewBatchID int64
}

// SeedDemoCases makes the demo cases after SeedDemo, each taken through the
// real services, so the statistics show real life:
//
//  1. a lead just registered (线索);
//  2. a case in drafting with a saved draft;
//  3. a recommendation delivered to agency1, its reply not yet due;
//  4. a recommendation to agency2 replied on time, assessed, closed and published;
//  5. a 宣告送达 with a deputy and a people's supervisor attending, replied late;
//  6. a reply on time returned as perfunctory (粗回复), supplemented, closed;
//  7. a recommendation never replied to, urged, then reported to the
//     people's congress by the chief (不回复 and an escalation);
//  8. a citizen application answered, accepted and filed as a case;
//  9. a recommendation of the district's 第一检察部 (the second department,
//     with its accounts prosecutor3 and depthead2, made with password).
//
// Besides: a project (校园及周边安全专项治理) with tasks done, under way and
// overdue, linking cases 4 and 6, and a cross review of the closed cases
// with one item scored.
//
// The steps happen on past days (relative to the services' clock): each is
// run with the clock set to its day, so timelines and deadlines read like
// real work; audit entries keep the real time they were written. Approval
// goes through approve, which follows the case's allowed actions, so a
// longer approval chain needs no change here.
//
// It is idempotent: when any demo case (found by its title) exists in the
// district, nothing is made and what exists is returned.
func SeedDemoCases(ctx context.Context, svc Services, password string) (*DemoData, error) {
	db := svc.DB
	var district org.Procuratorate
	if err := db.WithContext(ctx).Where("name = ?", "临江市清河区人民检察院").First(&district).Error; err != nil {
		return nil, fmt.Errorf("demo cases need the demo organisation (run SeedDemo first): %w", err)
	}
	var existing []cases.Case
	if err := db.WithContext(ctx).Where("procuratorate_id = ? AND title IN ?", district.ID, demoCaseTitles).Order("id").Find(&existing).Error; err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return existingDemo(ctx, db, existing)
	}
	s := &demoSeeder{ctx: ctx, db: db, svc: svc.Cases, pub: svc.Disclosures, all: svc, now: svc.Cases.Now(), actors: map[string]*org.Actor{}}
	accounts, err := s.secondDepartment(district, password)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"admin", "prosecutor1", "prosecutor2", "depthead1", "chief1", "casemgr1", "agency1", "agency2", "prosecutor3", "depthead2"} {
		var u org.User
		if err := db.WithContext(ctx).Where("username = ?", name).First(&u).Error; err != nil {
			return nil, fmt.Errorf("demo account %s: %w", name, err)
		}
		if s.actors[name], err = s.actorFor(&u); err != nil {
			return nil, err
		}
	}
	var a1, a2 org.Agency
	if err := db.WithContext(ctx).Where("name = ?", "临江市清河区市场监督管理局").First(&a1).Error; err != nil {
		return nil, err
	}
	if err := db.WithContext(ctx).Where("name = ?", "临江市清河区教育局").First(&a2).Error; err != nil {
		return nil, err
	}
	s.agency1, s.agency2 = a1, a2
	// Made in the order the work started, so ids and 文号 follow the dates;
	// listed in the order above.
	out := &DemoData{Cases: make([]DemoCase, len(demoCaseTitles)), Accounts: accounts}
	for _, step := range []struct {
		at   int
		make func() (*cases.Case, error)
	}{{4, s.announcedLate}, {5, s.perfunctory}, {6, s.noReply}, {3, s.published}, {7, s.fromApplication},
		{2, s.delivered}, {8, s.secondDepartmentCase}, {1, s.drafting}, {0, s.lead}} {
		c, err := step.make()
		if err != nil {
			return nil, err
		}
		out.Cases[step.at] = demoCaseOf(c, true)
	}
	out.TrackingNo = s.trackingNo
	if out.ProjectID, err = s.project(out.Cases[3].ID, out.Cases[5].ID); err != nil {
		return nil, err
	}
	if out.ReviewBatchID, err = s.review(out.Cases[3].ID, out.Cases[5].ID); err != nil {
		return nil, err
	}
	return out, nil
}

// existingDemo reports the demo made by an earlier run.
func existingDemo(ctx context.Context, db *database.DB, existing []cases.Case) (*DemoData, error) {
	out := &DemoData{}
	for _, title := range demoCaseTitles {
		for i := range existing {
			if existing[i].Title == title {
				out.Cases = append(out.Cases, demoCaseOf(&existing[i], false))
			}
		}
	}
	for _, name := range []string{"prosecutor3", "depthead2"} {
		var u org.User
		if err := db.WithContext(ctx).Where("username = ?", name).First(&u).Error; err == nil {
			out.Accounts = append(out.Accounts, DemoAccount{Username: u.Username, Role: u.Role, Where: "临江市清河区人民检察院 第一检察部"})
		}
	}
	var app applications.Application
	if err := db.WithContext(ctx).Where("applicant_name = ?", demoApplicant).Order("id").Take(&app).Error; err == nil {
		out.TrackingNo = app.TrackingNo
	}
	var p projects.Project
	if err := db.WithContext(ctx).Where("title = ?", demoProjectTitle).Take(&p).Error; err == nil {
		out.ProjectID = p.ID
	}
	var b reviews.ReviewBatch
	if err := db.WithContext(ctx).Where("title = ?", demoReviewTitle).Take(&b).Error; err == nil {
		out.ReviewBatchID = b.ID
	}
	return out, nil
}

func demoCaseOf(c *cases.Case, created bool) DemoCase {
	d := DemoCase{ID: c.ID, Title: c.Title, State: c.State, Created: created}
	if c.DocumentNumber != nil {
		d.DocumentNumber = *c.DocumentNumber
	}
	return d
}

type demoSeeder struct {
	ctx              context.Context
	db               *database.DB
	svc              *cases.Service
	pub              *disclosure.Service
	all              Services
	now              time.Time
	actors           map[string]*org.Actor
	agency1, agency2 org.Agency
	trackingNo       string
}

// at is the case service with its clock daysAgo days back.
func (s *demoSeeder) at(daysAgo int) *cases.Service {
	cs := *s.svc
	cs.Clock = s.svc.Clock.StoppedAt(s.now.AddDate(0, 0, -daysAgo))
	return &cs
}

// day is the legal date daysAgo days back.
func (s *demoSeeder) day(daysAgo int) calendar.Date {
	return s.at(daysAgo).Today()
}

// act runs one lifecycle action daysAgo days back, with the payload checked
// against its validation tags as the API checks it.
func (s *demoSeeder) act(c *cases.Case, daysAgo int, user, action string, payload any, note string) (*cases.Case, error) {
	if payload == nil {
		payload = s.svc.NewActionPayload(action)
	}
	next, err := s.at(daysAgo).Execute(s.ctx, s.actors[user], cases.ActionRequest{CaseID: c.ID, Action: action, Version: c.Version,
		Payload: payload, Note: note, Validate: func(p any) error {
			if _, ok := p.(*cases.NoPayload); ok {
				return nil
			}
			return cases.ContentValidator.Struct(p)
		}})
	if err != nil {
		return nil, fmt.Errorf("demo case %q: %s: %w", c.Title, action, err)
	}
	return next, nil
}

func (s *demoSeeder) register(daysAgo int, in cases.CaseInput) (*cases.Case, error) {
	return s.registerAs("prosecutor1", daysAgo, in)
}

func (s *demoSeeder) registerAs(user string, daysAgo int, in cases.CaseInput) (*cases.Case, error) {
	c, err := s.at(daysAgo).CreateCase(s.ctx, s.actors[user], in)
	if err != nil {
		return nil, fmt.Errorf("demo case %q: register: %w", in.Title, err)
	}
	return c, nil
}

// toInvestigating takes a new lead through 初核, 立案 and into 调查核实.
func (s *demoSeeder) toInvestigating(c *cases.Case, daysAgo int) (*cases.Case, error) {
	handler := s.handlerOf(c)
	var err error
	if c, err = s.act(c, daysAgo, handler, "check", nil, "线索具体，开展初核"); err != nil {
		return nil, err
	}
	if c, err = s.act(c, daysAgo-1, s.headOf(c), "file", nil, "同意立案"); err != nil {
		return nil, err
	}
	return s.act(c, daysAgo-2, handler, "investigate", nil, "")
}

// record adds an investigation record. A quality gate on submission
// (investigation records, a 调查终结报告) would be met here, in one place.
func (s *demoSeeder) record(c *cases.Case, daysAgo int, in cases.InvestigationInput) error {
	in.Date = s.day(daysAgo)
	if _, err := s.at(daysAgo).AddInvestigationRecord(s.ctx, s.actors[s.handlerOf(c)], c.ID, in, nil); err != nil {
		return fmt.Errorf("demo case %q: investigation record: %w", c.Title, err)
	}
	return nil
}

func (s *demoSeeder) saveDraft(c *cases.Case, daysAgo int, rc cases.RecommendationContent) error {
	if _, err := s.at(daysAgo).SaveDraft(s.ctx, s.actors[s.handlerOf(c)], c.ID, cases.DraftInput{Content: rc}); err != nil {
		return fmt.Errorf("demo case %q: save draft: %w", c.Title, err)
	}
	return nil
}

// issue closes the investigation with its 调查终结报告, submits the saved
// draft, takes it through the approval chain and issues it.
func (s *demoSeeder) issue(c *cases.Case, daysAgo int) (*cases.Case, error) {
	if err := s.record(c, daysAgo, cases.InvestigationInput{Kind: cases.InvestigationReport, Participants: "张检察官",
		Summary: "调查核实终结，建议制发检察建议。", Report: &cases.InvestigationReportContent{
			Facts: c.Summary, Evidence: "实地走访记录、现场照片及相关单位提供的书证。",
			Problems: "被建议单位未依法全面履行监管职责，隐患持续存在。", Opinion: "建议向被建议单位制发社会治理检察建议。"}}); err != nil {
		return nil, err
	}
	handler := s.handlerOf(c)
	var err error
	if c, err = s.act(c, daysAgo, handler, "submit", nil, "提请审批"); err != nil {
		return nil, err
	}
	if c, err = s.approve(c, daysAgo-1); err != nil {
		return nil, err
	}
	if c, err = s.act(c, daysAgo-2, handler, "issue", nil, ""); err != nil {
		return nil, err
	}
	// 备案 with the city procuratorate the day after issuing, within the limit.
	var f cases.Filing
	if err := s.db.WithContext(s.ctx).Where("case_id = ?", c.ID).Take(&f).Error; err != nil {
		return nil, fmt.Errorf("demo case %q: filing: %w", c.Title, err)
	}
	if _, err := s.at(daysAgo-3).SubmitFiling(s.ctx, s.actors[handler], f.ID); err != nil {
		return nil, fmt.Errorf("demo case %q: submit filing: %w", c.Title, err)
	}
	return c, nil
}

// 1. A lead just registered.
func (s *demoSeeder) lead() (*cases.Case, error) {
	return s.register(1, cases.CaseInput{
		Title: demoCaseTitles[0], Field: "生态环境", Source: "deputy_referral",
		Summary: "区人大代表转交群众反映：清河区沙河段近期夜间有多艘采砂船作业，河岸出现塌陷，疑似无证非法采砂，" +
			"水利、自然资源部门尚未查处。",
	})
}

// 2. A case in drafting with a saved draft.
func (s *demoSeeder) drafting() (*cases.Case, error) {
	a1 := s.agency1.ID
	c, err := s.register(20, cases.CaseInput{
		Title: demoCaseTitles[1], Field: "安全生产", Source: "case_finding", OriginCaseNumber: "清河检刑诉〔2026〕58号", AgencyID: &a1,
		Summary: "办理一起失火案时发现，辖区多个老旧小区存在电动自行车在楼道停放、飞线充电的情况，部分充电器无强制性产品认证标志。",
	})
	if err != nil {
		return nil, err
	}
	if c, err = s.toInvestigating(c, 19); err != nil {
		return nil, err
	}
	if err := s.record(c, 12, cases.InvestigationInput{Kind: cases.InvestigationSiteVisit, Place: "清河区东苑小区、南湖新村",
		Participants: "张检察官、陈检察官", Summary: "现场查看两个小区共十二个单元楼道，发现电动自行车楼道停放二十余辆，飞线充电五处，" +
			"小区周边三家销售店在售充电器无强制性产品认证标志。"}); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 6, "prosecutor1", "draft", nil, "调查核实完毕，起草检察建议书"); err != nil {
		return nil, err
	}
	return c, s.saveDraft(c, 5, cases.RecommendationContent{
		Addressee:     s.agency1.Name,
		ProblemSource: "本院在办理一起失火案件中发现，辖区老旧小区电动自行车违规充电问题突出，相关产品质量监管存在薄弱环节。",
		Facts:         "经实地走访，东苑小区、南湖新村楼道内停放电动自行车二十余辆，存在飞线充电五处；小区周边三家销售店在售的电动自行车充电器未标注强制性产品认证标志。",
		Illegality:    "（待补充：充电器产品质量问题的违法性分析及安全隐患）",
		Items: []cases.RecommendationItem{{Text: "对辖区电动自行车及充电器销售企业开展专项检查，依法查处销售无强制性产品认证标志产品的行为。",
			LegalBasis: "《中华人民共和国产品质量法》第十三条、第四十九条"}},
	})
}

// 3. A recommendation issued and delivered to agency1, awaiting its reply.
func (s *demoSeeder) delivered() (*cases.Case, error) {
	a1 := s.agency1.ID
	c, err := s.register(45, cases.CaseInput{
		Title: demoCaseTitles[2], Field: "食品药品安全", Source: "case_finding", AgencyID: &a1,
		Summary: "办理一起销售不符合安全标准食品案时发现，清河区多所中小学校门口流动摊贩售卖“三无”食品和过期食品，放学时段聚集明显。",
	})
	if err != nil {
		return nil, err
	}
	if c, err = s.toInvestigating(c, 44); err != nil {
		return nil, err
	}
	if err := s.record(c, 40, cases.InvestigationInput{Kind: cases.InvestigationSiteVisit, Place: "清河区实验小学、清河区第二中学校门周边",
		Participants: "张检察官、陈检察官", Summary: "放学时段现场查看，两所学校门口共有流动摊点九处，售卖散装辣条、冷饮等食品，" +
			"其中四处所售食品无生产日期、无生产厂家，一处所售饮料已超过保质期。"}); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 35, "prosecutor1", "consult", &cases.ConsultPayload{Date: s.day(35), Place: "清河区市场监督管理局",
		Participants: "张检察官、王科长", Opinion: "市场监管局表示已关注校园周边食品安全问题，愿意配合开展专项整治。"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 34, "prosecutor1", "draft", nil, ""); err != nil {
		return nil, err
	}
	if err := s.saveDraft(c, 33, cases.RecommendationContent{
		Addressee:     s.agency1.Name,
		ProblemSource: "本院在办理一起销售不符合安全标准的食品案件中发现，辖区校园周边食品安全监管存在漏洞。",
		Facts: "经调查核实，清河区实验小学、清河区第二中学校门周边放学时段有流动摊点九处，其中四处售卖无生产日期、无生产厂家的“三无”食品，" +
			"一处售卖超过保质期的饮料；上述摊点均未办理食品摊贩登记。",
		Illegality: "上述行为违反《中华人民共和国食品安全法》关于食品生产经营的规定，学生是主要消费群体，存在食源性疾病隐患，" +
			"贵局对校园周边食品经营的日常监督检查尚不到位。",
		Items: []cases.RecommendationItem{
			{Text: "对辖区中小学校周边食品经营者和流动摊贩开展专项检查，依法查处销售“三无”食品、过期食品的违法行为。",
				LegalBasis: "《中华人民共和国食品安全法》第三十四条、第一百一十条"},
			{Text: "会同教育部门和属地街道建立校园周边食品安全常态化巡查机制，加强对学生和家长的食品安全宣传。",
				LegalBasis: "《中华人民共和国食品安全法》第十条、第八十七条"},
		},
		CopyTo: []string{"临江市市场监督管理局", "临江市清河区教育局"},
	}); err != nil {
		return nil, err
	}
	if c, err = s.issue(c, 32); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 29, "prosecutor1", "deliver", &cases.DeliverPayload{Method: cases.DeliveryWritten, DeliveredOn: s.day(29),
		Place: "清河区市场监督管理局", RecipientPerson: "王科长"}, ""); err != nil {
		return nil, err
	}
	return s.act(c, 29, "agency1", "sign", &agency.SignPayload{SignerName: "王科长"}, "")
}

// 4. A recommendation to agency2 replied, assessed, closed and published.
func (s *demoSeeder) published() (*cases.Case, error) {
	a2 := s.agency2.ID
	c, err := s.register(120, cases.CaseInput{
		Title: demoCaseTitles[3], Field: "校园安全", Source: "data_model", AgencyID: &a2,
		Summary: "校园安全大数据法律监督模型比对发现，辖区部分中小学校未按期开展消防设施检测，存在消防安全隐患。",
	})
	if err != nil {
		return nil, err
	}
	if c, err = s.toInvestigating(c, 119); err != nil {
		return nil, err
	}
	if err := s.record(c, 112, cases.InvestigationInput{Kind: cases.InvestigationSiteVisit, Place: "清河区第三小学、清河区育才中学",
		Participants: "张检察官、陈检察官，区消防救援大队技术人员", Summary: "现场检查发现两所学校部分灭火器已过期，一处疏散通道堆放杂物，" +
			"宿舍楼应急照明灯损坏三处；据后勤负责人刘建平介绍，学校近两年未委托开展消防设施检测。"}); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 108, "prosecutor1", "consult", &cases.ConsultPayload{Date: s.day(108), Place: "清河区教育局",
		Participants: "张检察官、李主任", Opinion: "教育局认可问题存在，表示将督促学校限期整改。"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 106, "prosecutor1", "draft", nil, ""); err != nil {
		return nil, err
	}
	if err := s.saveDraft(c, 105, cases.RecommendationContent{
		Addressee:     s.agency2.Name,
		ProblemSource: "本院运用校园安全大数据法律监督模型开展监督时发现，辖区部分中小学校消防安全管理存在隐患。",
		Facts: "经调查核实，清河区第三小学、清河区育才中学部分灭火器已超过有效期，一处疏散通道堆放杂物，宿舍楼应急照明灯损坏三处；" +
			"两所学校近两年未委托开展消防设施检测。学校后勤负责人刘建平对上述情况予以确认。",
		Illegality: "上述情形违反《中华人民共和国消防法》关于单位消防安全职责的规定，一旦发生火情，将严重威胁师生生命安全。" +
			"贵局作为学校主管部门，对学校消防安全管理的督促检查不到位。",
		Items: []cases.RecommendationItem{
			{Text: "督促辖区中小学校全面排查消防设施，及时更换过期灭火器、修复应急照明，清理疏散通道。",
				LegalBasis: "《中华人民共和国消防法》第十六条"},
			{Text: "将学校消防安全纳入年度督导检查内容，建立消防设施定期检测和隐患整改台账。",
				LegalBasis: "《中小学幼儿园安全管理办法》第十四条、第二十九条"},
		},
		CopyTo: []string{"临江市教育局"},
	}); err != nil {
		return nil, err
	}
	if c, err = s.issue(c, 104); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 100, "prosecutor1", "deliver", &cases.DeliverPayload{Method: cases.DeliveryWritten, DeliveredOn: s.day(100),
		Place: "清河区教育局", RecipientPerson: "李主任"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 100, "agency2", "sign", &agency.SignPayload{SignerName: "李主任"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 50, "agency2", "reply", &agency.ReplyPayload{Kind: agency.ReplyKindFinal,
		Items: []agency.ReplyItemInput{{ItemNo: 1, Position: agency.PositionAdopted}, {ItemNo: 2, Position: agency.PositionAdopted}},
		Text:  "我局收到检察建议后高度重视，召开专题会议部署整改，现将整改情况回复如下。",
		MeasuresTaken: "一是组织全区中小学校开展消防安全隐患大排查，更换过期灭火器一百二十具，修复应急照明灯十一处，清理疏散通道四处；" +
			"二是将消防安全纳入年度督导检查，建立消防设施定期检测和隐患整改台账。",
		ContactPerson: "李主任", ContactPhone: "0571-00000002"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 40, "prosecutor1", "assess", &agency.AssessPayload{Verdict: agency.RectificationRectified,
		Opinion: "经回访核查，两所学校消防设施已更换修复，疏散通道畅通，整改到位。"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 30, "prosecutor1", "follow_up", &agency.FollowUpPayload{Kind: "return_visit", HeldOn: s.day(30),
		Participants: "张检察官、李主任", Findings: "抽查四所学校，消防设施检测台账已建立，未发现新的隐患。"}, ""); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 20, "prosecutor1", "close", &agency.ClosePayload{Outcome: agency.RectificationRectified,
		Summary: "被建议单位采纳全部建议并整改到位，结案。"}, ""); err != nil {
		return nil, err
	}
	ds := s.pub.WithCases(s.at(18))
	if _, err := ds.Publish(s.ctx, s.actors["chief1"], c.ID, disclosure.DisclosureInput{Version: c.Version, PersonNames: []string{"刘建平"}}); err != nil {
		return nil, fmt.Errorf("demo case %q: publish: %w", c.Title, err)
	}
	return c, nil
}
