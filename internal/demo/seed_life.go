package demo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"jianyi/documents"
	"jianyi/internal/agency"
	"jianyi/internal/applications"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
	"jianyi/internal/projects"
	"jianyi/internal/reviews"
)

// The demo's project, review and applicant, found by these on a second run.
const (
	demoProjectTitle = "校园及周边安全专项治理"
	demoReviewTitle  = "检察建议案件质量交叉评查"
	demoApplicant    = "黄秀英"
)

// actorFor is the user acting as a signed-in request would: with the path
// of their procuratorate, which subtree access rules read.
func (s *demoSeeder) actorFor(u *org.User) (*org.Actor, error) {
	a := org.ActorFor(u, "127.0.0.1", "seed-demo")
	if a.ProcuratorateID != 0 {
		p, err := org.ProcuratorateByID(s.db.WithContext(s.ctx), a.ProcuratorateID)
		if err != nil {
			return nil, err
		}
		a.ProcuratoratePath = p.Path
	}
	return a, nil
}

// handlerOf is the username of the case's handling prosecutor.
func (s *demoSeeder) handlerOf(c *cases.Case) string {
	for name, a := range s.actors {
		if a.UserID == c.ProsecutorID {
			return name
		}
	}
	return "prosecutor1"
}

// headOf is the username of the head of the case's department.
func (s *demoSeeder) headOf(c *cases.Case) string {
	for _, name := range []string{"depthead1", "depthead2"} {
		if a := s.actors[name]; a != nil && a.DepartmentID == c.DepartmentID {
			return name
		}
	}
	return "depthead1"
}

// approve takes a submitted case through the approval chain, whatever its
// steps: at each step the approver to whom the case's allowed actions offer
// "approve" (the department head, the chief …) approves, until the case is
// approved.
func (s *demoSeeder) approve(c *cases.Case, daysAgo int) (*cases.Case, error) {
	approvers := []string{s.headOf(c), "chief1"}
	for step := 0; c.State != cases.StateApproved; step++ {
		if step == 5 {
			return nil, fmt.Errorf("demo case %q: still %s after %d approvals", c.Title, c.State, step)
		}
		moved := false
		for _, name := range approvers {
			if !slices.Contains(cases.AllowedActions(s.actors[name], c), "approve") {
				continue
			}
			opinion := "同意，报检察长审批。"
			if s.actors[name].Role == org.RoleChief {
				opinion = "同意制发。"
			}
			next, err := s.act(c, daysAgo, name, "approve", &cases.ApprovePayload{Opinion: opinion}, "")
			if errors.Is(err, apperr.ErrForbidden) || errors.Is(err, apperr.ErrConflict) {
				continue // not this approver's step
			}
			if err != nil {
				return nil, err
			}
			c, moved = next, true
			break
		}
		if !moved {
			return nil, fmt.Errorf("demo case %q: no approver may approve it in state %s", c.Title, c.State)
		}
	}
	return c, nil
}

// secondDepartment gives the district's 第一检察部 its prosecutor and head,
// created by the administrator through the user service.
func (s *demoSeeder) secondDepartment(district org.Procuratorate, password string) ([]DemoAccount, error) {
	var dept org.Department
	if err := s.db.WithContext(s.ctx).Where("procuratorate_id = ? AND name = ?", district.ID, "第一检察部").Take(&dept).Error; err != nil {
		return nil, fmt.Errorf("demo: 第一检察部: %w", err)
	}
	var admin org.User
	if err := s.db.WithContext(s.ctx).Where("username = ?", "admin").Take(&admin).Error; err != nil {
		return nil, fmt.Errorf("demo account admin: %w", err)
	}
	adminActor, err := s.actorFor(&admin)
	if err != nil {
		return nil, err
	}
	where := district.Name + " 第一检察部"
	var out []DemoAccount
	for _, u := range []struct {
		username, name string
		role           org.Role
	}{{"prosecutor3", "钱检察官", org.RoleProsecutor}, {"depthead2", "郑主任", org.RoleDeptHead}} {
		var existing org.User
		err := s.db.WithContext(s.ctx).Where("username = ?", u.username).Take(&existing).Error
		if err == nil {
			out = append(out, DemoAccount{u.username, u.role, where, false})
			continue
		}
		proc, dep := district.ID, dept.ID
		if _, err := s.all.Users.CreateUser(s.ctx, adminActor, org.UserInput{Username: u.username, DisplayName: u.name, Password: password,
			Role: u.role, ProcuratorateID: &proc, DepartmentID: &dep}); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", u.username, err)
		}
		out = append(out, DemoAccount{u.username, u.role, where, true})
	}
	return out, nil
}

// recommendation is a case from registration to delivery: registered
// daysAgo, investigated, drafted, approved, issued, filed upward and
// delivered 17 days later (signed the same day).
type recommendation struct {
	user    string
	in      cases.CaseInput
	record  cases.InvestigationInput
	content cases.RecommendationContent
	deliver cases.DeliverPayload
}

func (s *demoSeeder) recommend(daysAgo int, r recommendation) (*cases.Case, error) {
	c, err := s.registerAs(r.user, daysAgo, r.in)
	if err != nil {
		return nil, err
	}
	if c, err = s.toInvestigating(c, daysAgo); err != nil {
		return nil, err
	}
	if err := s.record(c, daysAgo-6, r.record); err != nil {
		return nil, err
	}
	if c, err = s.act(c, daysAgo-10, r.user, "draft", nil, "调查核实完毕，起草检察建议书"); err != nil {
		return nil, err
	}
	if err := s.saveDraft(c, daysAgo-11, r.content); err != nil {
		return nil, err
	}
	if c, err = s.issue(c, daysAgo-12); err != nil {
		return nil, err
	}
	d := r.deliver
	d.DeliveredOn = s.day(daysAgo - 17)
	if c, err = s.act(c, daysAgo-17, r.user, "deliver", &d, ""); err != nil {
		return nil, err
	}
	signer := "agency1"
	if *c.AgencyID == s.agency2.ID {
		signer = "agency2"
	}
	return s.act(c, daysAgo-17, signer, "sign", &agency.SignPayload{SignerName: d.RecipientPerson}, "")
}

// reply has the agency answer every item of the letter with positions.
func (s *demoSeeder) reply(c *cases.Case, daysAgo int, kind, text, taken string, positions ...string) (*cases.Case, error) {
	user, contact, phone := "agency1", "王科长", "0571-00000001"
	if *c.AgencyID == s.agency2.ID {
		user, contact, phone = "agency2", "李主任", "0571-00000002"
	}
	items := make([]agency.ReplyItemInput, len(positions))
	for i, p := range positions {
		items[i] = agency.ReplyItemInput{ItemNo: i + 1, Position: p}
		if p == agency.PositionNotAdopted {
			items[i].Reason = "该项涉及跨部门职责，需报请区政府统筹。"
		}
	}
	p := &agency.ReplyPayload{Kind: kind, Items: items, Text: text, MeasuresTaken: taken, ContactPerson: contact, ContactPhone: phone}
	if kind == agency.ReplyKindFinal {
		p.MeasuresPlanned = []agency.PlannedMeasure{{Measure: "完成全部整改并报送整改报告", DueOn: s.day(daysAgo - 60)}}
	}
	return s.act(c, daysAgo, user, "reply", p, "")
}

// 5. A 宣告送达 with a deputy and a people's supervisor attending; the reply
// came after the deadline, partly adopting; rectification partly done.
func (s *demoSeeder) announcedLate() (*cases.Case, error) {
	a1 := s.agency1.ID
	c, err := s.recommend(200, recommendation{user: "prosecutor1",
		in: cases.CaseInput{Title: demoCaseTitles[4], Field: "食品药品安全", Source: cases.SourceDeputy, AgencyID: &a1,
			Summary: "区人大代表反映：城东农贸市场活禽销售区与熟食摊位混杂，宰杀废水直排，存在交叉污染隐患。"},
		record: cases.InvestigationInput{Kind: cases.InvestigationSiteVisit, Place: "清河区城东农贸市场",
			Participants: "张检察官、陈检察官", Summary: "现场查看发现活禽销售区未实行隔离，宰杀废水经明沟直排，三家熟食摊位紧邻活禽笼舍。"},
		content: cases.RecommendationContent{Addressee: s.agency1.Name,
			ProblemSource: "本院在办理人大代表转交线索中发现，辖区农贸市场活禽销售区食品安全管理存在隐患。",
			Facts:         "经实地调查，城东农贸市场活禽销售区未与其他经营区域有效隔离，宰杀废水经明沟直排，熟食摊位紧邻活禽笼舍。",
			Illegality:    "上述情形违反《中华人民共和国食品安全法》关于食品经营场所卫生条件的规定，贵局日常监督检查不到位。",
			Items: []cases.RecommendationItem{
				{Text: "督促市场开办者对活禽销售区实行物理隔离，规范宰杀废水收集处理。", LegalBasis: "《中华人民共和国食品安全法》第三十三条"},
				{Text: "建立农贸市场食品安全定期巡查机制，依法查处违规经营行为。", LegalBasis: "《中华人民共和国食品安全法》第一百一十条"},
			}},
		deliver: cases.DeliverPayload{Method: cases.DeliveryAnnounced, Place: "清河区市场监督管理局会议室", RecipientPerson: "王科长",
			Attendees: []cases.DeliveryAttendee{{Name: "陈立新", Kind: "deputy"}, {Name: "林晓梅", Kind: "people_supervisor"}}},
	})
	if err != nil {
		return nil, err
	}
	// Received 183 days ago: due about 122 days ago; replied 105 days ago.
	if c, err = s.reply(c, 105, agency.ReplyKindFinal, "我局收到检察建议后，已督促市场开办者整改，因涉及改造工程，回复有所延迟。",
		"已督促市场开办者设置临时隔离围挡，宰杀废水改由管道收集。", agency.PositionAdopted, agency.PositionPartlyAdopted); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 90, "prosecutor1", "assess", &agency.AssessPayload{Verdict: agency.RectificationPartlyRectified,
		Opinion: "隔离围挡已设置，废水管道改造尚未完工，部分整改到位。"}, ""); err != nil {
		return nil, err
	}
	return s.act(c, 60, "prosecutor1", "follow_up", &agency.FollowUpPayload{Kind: "visit", HeldOn: s.day(60),
		Participants: "张检察官、王科长", Findings: "废水管道改造已完成百分之七十，预计下月完工。"}, "")
}

// 6. A reply on time returned as perfunctory, then supplemented, assessed
// and closed: on time and 粗回复 at once.
func (s *demoSeeder) perfunctory() (*cases.Case, error) {
	a2 := s.agency2.ID
	c, err := s.recommend(170, recommendation{user: "prosecutor1",
		in: cases.CaseInput{Title: demoCaseTitles[5], Field: "校园安全", Source: cases.SourceCaseFinding, AgencyID: &a2,
			Summary: "办理一起交通肇事案时发现，辖区多所小学门前道路缺少减速带、人行横道标线磨损，上下学时段存在安全隐患。"},
		record: cases.InvestigationInput{Kind: cases.InvestigationSiteVisit, Place: "清河区第一小学、清河区实验小学门前道路",
			Participants: "张检察官、陈检察官", Summary: "两所小学门前道路无减速带，人行横道标线大面积磨损，未设置学校区域警示标志。"},
		content: cases.RecommendationContent{Addressee: s.agency2.Name,
			ProblemSource: "本院在办理一起交通肇事案件中发现，辖区学校周边道路交通安全设施不足。",
			Facts:         "经调查核实，清河区第一小学、实验小学门前道路无减速带，人行横道标线磨损，未设置学校区域警示标志。",
			Illegality:    "上述情形不符合《中小学幼儿园安全管理办法》关于学校周边安全的要求，贵局对学校周边安全的协调督促不到位。",
			Items: []cases.RecommendationItem{
				{Text: "会同公安交管部门完善学校周边减速带、标线和警示标志。", LegalBasis: "《中小学幼儿园安全管理办法》第四十条"},
			}},
		deliver: cases.DeliverPayload{Method: cases.DeliveryWritten, Place: "清河区教育局", RecipientPerson: "李主任"},
	})
	if err != nil {
		return nil, err
	}
	// Received 153 days ago: due about 92 days ago; replied on time 100 days ago.
	if c, err = s.reply(c, 100, agency.ReplyKindFinal, "我局高度重视，将加强学校周边交通安全工作。", "已召开专题会议。",
		agency.PositionAdopted); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 96, "prosecutor1", "return_reply", &agency.ReturnReplyPayload{Reason: "回复未说明具体整改措施、责任单位和完成时限，请补充。",
		Days: 20}, ""); err != nil {
		return nil, err
	}
	if c, err = s.reply(c, 85, agency.ReplyKindSupplement, "现补充回复如下：已会同区公安分局交警大队完成整改。",
		"两所小学门前已施划人行横道标线，设置减速带四处、学校区域警示标志六块。", agency.PositionAdopted); err != nil {
		return nil, err
	}
	if c, err = s.act(c, 70, "prosecutor1", "assess", &agency.AssessPayload{Verdict: agency.RectificationRectified,
		Opinion: "经现场复查，减速带、标线和警示标志均已设置，整改到位。"}, ""); err != nil {
		return nil, err
	}
	return s.act(c, 40, "prosecutor1", "close", &agency.ClosePayload{Outcome: agency.RectificationRectified,
		Summary: "被建议单位经退回补充后整改到位，结案。"}, "")
}

// 7. A recommendation never answered: urged after the deadline, then the
// chief reports it to the people's congress.
func (s *demoSeeder) noReply() (*cases.Case, error) {
	a1 := s.agency1.ID
	c, err := s.recommend(160, recommendation{user: "prosecutor1",
		in: cases.CaseInput{Title: demoCaseTitles[6], Field: "食品药品安全", Source: cases.SourceDataModel, AgencyID: &a1,
			Summary: "网络餐饮监督模型比对发现，辖区网络订餐平台上四十余家入网商户无有效食品经营许可证仍在经营。"},
		record: cases.InvestigationInput{Kind: cases.InvestigationFiles, Place: "本院",
			Participants: "张检察官", Summary: "调取平台入网商户名单与许可信息比对，确认四十三家商户许可证过期或无证经营。"},
		content: cases.RecommendationContent{Addressee: s.agency1.Name,
			ProblemSource: "本院运用网络餐饮法律监督模型开展监督时发现，辖区网络订餐平台入网商户资质审核存在漏洞。",
			Facts:         "经比对核实，四十三家入网商户无有效食品经营许可证，仍通过平台接单经营。",
			Illegality:    "上述情形违反《网络餐饮服务食品安全监督管理办法》的规定，贵局对平台履行审查义务的监督不到位。",
			Items: []cases.RecommendationItem{
				{Text: "督促网络订餐平台清理无证入网商户，依法查处违法经营行为。", LegalBasis: "《网络餐饮服务食品安全监督管理办法》第八条、第三十一条"},
			}},
		deliver: cases.DeliverPayload{Method: cases.DeliveryWritten, Place: "清河区市场监督管理局", RecipientPerson: "王科长"},
	})
	if err != nil {
		return nil, err
	}
	// Received 143 days ago: due about 82 days ago; no reply ever came.
	if c, err = s.act(c, 70, "prosecutor1", "follow_up", &agency.FollowUpPayload{Kind: "inquiry", HeldOn: s.day(70),
		Participants: "张检察官、王科长", Findings: "被建议单位称正在研究，未能说明逾期未回复的理由。"}, ""); err != nil {
		return nil, err
	}
	report, err := s.document("关于清河区网络订餐平台入网商户资质问题检察建议未获回复的报告",
		"本院就网络订餐平台入网商户资质审核不严问题向区市场监督管理局制发检察建议，经督促，该局逾期未书面回复，亦未说明理由。现予报告。")
	if err != nil {
		return nil, err
	}
	return s.actWithFiles(c, 50, "chief1", "escalate", &agency.EscalatePayload{Measures: []agency.EscalationInput{{
		Kind: agency.EscalatePartyCongress, DecidedOn: s.day(50), Target: "临江市清河区人民代表大会常务委员会",
		Summary: "被建议单位收到检察建议后逾期未回复，经督促仍无正当理由不予整改，报告区人大常委会。"}}},
		[]files.Upload{{Filename: "报告.pdf", ContentType: "application/pdf", Content: report}})
}

// document renders a short report as PDF (a placeholder file when the
// service has no renderer, as in some tests).
func (s *demoSeeder) document(title, body string) ([]byte, error) {
	if s.svc.Renderer == nil {
		return []byte("%PDF-1.4\n%" + title + "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), nil
	}
	return s.svc.Renderer.ProjectReport(documents.Letter{Procuratorate: "临江市清河区人民检察院", Title: title,
		Addressee: "临江市清河区人民代表大会常务委员会", Body: []documents.Block{{Kind: documents.Paragraph, Text: body}},
		Date: s.now, CreatedAt: s.now})
}

// actWithFiles runs an action that carries uploaded documents.
func (s *demoSeeder) actWithFiles(c *cases.Case, daysAgo int, user, action string, payload any, uploads []files.Upload) (*cases.Case, error) {
	next, err := s.at(daysAgo).Execute(s.ctx, s.actors[user], cases.ActionRequest{CaseID: c.ID, Action: action, Version: c.Version,
		Payload: payload, Files: uploads, Validate: func(p any) error { return cases.ContentValidator.Struct(p) }})
	if err != nil {
		return nil, fmt.Errorf("demo case %q: %s: %w", c.Title, action, err)
	}
	return next, nil
}

// 8. A citizen's application: answered (受理), accepted as a lead, filed.
func (s *demoSeeder) fromApplication() (*cases.Case, error) {
	// The services with their clock stopped at t, as the applicant and the
	// case manager meet them on that day.
	appsAt := func(t time.Time) *applications.Service {
		as, cs := *s.all.Applications, *s.svc
		cs.Clock = s.svc.Clock.StoppedAt(t)
		as.Cases = &cs
		return &as
	}
	at := func(daysAgo int) *applications.Service { return appsAt(s.now.AddDate(0, 0, -daysAgo)) }
	submitted := s.now.AddDate(0, 0, -60)
	token, err := appsAt(submitted.Add(-10 * time.Minute)).NewFormToken() // the form was opened ten minutes earlier
	if err != nil {
		return nil, err
	}
	sub := appsAt(submitted)
	var district org.Procuratorate
	if err := s.db.WithContext(s.ctx).Where("name = ?", "临江市清河区人民检察院").Take(&district).Error; err != nil {
		return nil, err
	}
	res, err := sub.Submit(s.ctx, applications.ApplicationInput{ApplicantName: demoApplicant, IDType: applications.IDTypeResident,
		IDNumber: "11010519491231002X", Phone: "13800000000", // a valid GB 11643 number
		Problem: "我家小区旁边的建筑工地连续两个多月夜间施工到凌晨，噪声很大，向有关部门反映后仍未解决，请检察机关督促处理。",
		Place:   "清河区南湖街道南湖新村东侧", AgencyName: "清河区城市管理局", ProcuratorateID: district.ID, ConsentPrivacy: true, FormToken: token},
		nil, "127.0.0.1")
	if err != nil {
		return nil, fmt.Errorf("demo application: %w", err)
	}
	s.trackingNo = res.TrackingNo
	var app applications.Application
	if err := s.db.WithContext(s.ctx).Where("tracking_no = ?", res.TrackingNo).Take(&app).Error; err != nil {
		return nil, err
	}
	d, err := at(57).Answer(s.ctx, s.actors["casemgr1"], app.ID, applications.AnswerInput{Version: app.Version, Kind: applications.AnswerAccepted,
		Text: "您的申请已受理，本院将依法审查。"})
	if err != nil {
		return nil, fmt.Errorf("demo application: answer: %w", err)
	}
	d, err = at(50).Decide(s.ctx, s.actors["casemgr1"], app.ID, applications.DecideInput{Version: d.Version, Decision: "accept",
		Reasons: "经审查，反映的问题属于检察建议监督范围，决定启动检察建议程序。", ProsecutorID: s.actors["prosecutor1"].UserID,
		Field: "生态环境", Title: demoCaseTitles[7]})
	if err != nil {
		return nil, fmt.Errorf("demo application: decide: %w", err)
	}
	var c cases.Case
	if err := s.db.WithContext(s.ctx).Where("id = ?", *d.CaseID).Take(&c).Error; err != nil {
		return nil, err
	}
	next, err := s.toInvestigating(&c, 49)
	if err != nil {
		return nil, err
	}
	return next, s.record(next, 40, cases.InvestigationInput{Kind: cases.InvestigationSiteVisit, Place: "南湖新村东侧建筑工地",
		Participants: "张检察官、陈检察官", Summary: "夜间二十二时至次日一时现场监测，施工噪声超过夜间排放标准，工地未取得夜间施工许可。"})
}

// 9. A recommendation of the second department, 第一检察部, awaiting its reply.
func (s *demoSeeder) secondDepartmentCase() (*cases.Case, error) {
	a1 := s.agency1.ID
	return s.recommend(40, recommendation{user: "prosecutor3",
		in: cases.CaseInput{Title: demoCaseTitles[8], Field: "食品药品安全", Source: cases.SourceCaseFinding, AgencyID: &a1,
			OriginCaseNumber: "清河检刑诉〔2026〕21号",
			Summary:          "办理一起生产、销售不符合安全标准的食品案时发现，涉案小作坊未登记即生产散装糕点，长期向周边学校超市供货。"},
		record: cases.InvestigationInput{Kind: cases.InvestigationFiles, Place: "本院",
			Participants: "钱检察官", Summary: "调阅刑事案卷并向区市场监管局调取小作坊登记信息，确认辖区另有五家小作坊未登记生产。"},
		content: cases.RecommendationContent{Addressee: s.agency1.Name,
			ProblemSource: "本院在办理一起生产、销售不符合安全标准的食品刑事案件中发现，辖区食品生产加工小作坊监管存在漏洞。",
			Facts:         "经调查核实，除涉案小作坊外，辖区另有五家食品生产加工小作坊未经登记从事生产。",
			Illegality:    "上述情形违反《中华人民共和国食品安全法》第三十六条及地方小作坊管理规定，贵局登记管理和日常检查不到位。",
			Items: []cases.RecommendationItem{
				{Text: "对辖区食品生产加工小作坊开展排查，依法查处未登记生产行为。", LegalBasis: "《中华人民共和国食品安全法》第三十六条"},
			}},
		deliver: cases.DeliverPayload{Method: cases.DeliveryWritten, Place: "清河区市场监督管理局", RecipientPerson: "王科长"},
	})
}

// project is 校园及周边安全专项治理: prosecutor1 leads with prosecutor2, three
// tasks (one done, one under way, one overdue) and two linked cases.
func (s *demoSeeder) project(caseIDs ...int64) (int64, error) {
	ps := func(daysAgo int) *projects.Service {
		p := *s.all.Projects
		p.Clock = s.svc.Clock.StoppedAt(s.now.AddDate(0, 0, -daysAgo))
		return &p
	}
	lead := s.actors["prosecutor1"]
	p, err := ps(130).CreateProject(s.ctx, lead, projects.ProjectInput{Title: demoProjectTitle, Field: "校园安全",
		Problem: "辖区中小学校消防设施、周边交通安全设施和食品安全问题多发，需统筹开展监督。",
		Goals:   "推动教育、公安交管、市场监管等部门建立校园及周边安全隐患排查整改长效机制。",
		LeadID:  lead.UserID, StartOn: s.day(130), PlannedEndOn: s.day(-60),
		Members: []projects.MemberInput{{UserID: s.actors["prosecutor2"].UserID, ProjectRole: "member", Duty: "调查核实、跟进监督"}}})
	if err != nil {
		return 0, fmt.Errorf("demo project: %w", err)
	}
	for _, id := range caseIDs {
		if err := ps(120).LinkCase(s.ctx, lead, p.ID, id); err != nil {
			return 0, fmt.Errorf("demo project: link case: %w", err)
		}
	}
	tasks := []struct {
		title, owner string
		due          int
		status       string
	}{
		{"排查辖区中小学校消防设施", "prosecutor1", 100, "done"},
		{"督促教育局建立校园安全隐患整改台账", "prosecutor2", -20, "doing"},
		{"学校周边交通安全设施现场复查", "prosecutor1", 10, ""},
	}
	for _, t := range tasks {
		task, err := ps(125).CreateTask(s.ctx, lead, p.ID, projects.TaskInput{Title: t.title, OwnerID: s.actors[t.owner].UserID, DueOn: s.day(t.due)})
		if err != nil {
			return 0, fmt.Errorf("demo project: task: %w", err)
		}
		if t.status != "" {
			if _, err := ps(max(t.due, 30)).UpdateTask(s.ctx, s.actors[t.owner], p.ID, task.ID, projects.TaskUpdate{Status: t.status,
				Note: strings.TrimSuffix(t.title, "台账") + "，进展已记录。"}); err != nil {
				return 0, fmt.Errorf("demo project: update task: %w", err)
			}
		}
	}
	return p.ID, nil
}

// review is a cross review (交叉评查) of the closed cases by casemgr1, each
// reviewed by prosecutor3 of the other department, the first scored.
func (s *demoSeeder) review(caseIDs ...int64) (int64, error) {
	rs := *s.all.Reviews
	rs.Clock = s.svc.Clock.StoppedAt(s.now.AddDate(0, 0, -15))
	mgr := s.actors["casemgr1"]
	b, items, err := rs.CreateBatch(s.ctx, mgr, reviews.ReviewBatchInput{Kind: "cross", Title: demoReviewTitle, CaseIDs: caseIDs})
	if err != nil {
		return 0, fmt.Errorf("demo review: %w", err)
	}
	reviewer := s.actors["prosecutor3"]
	for i, it := range items {
		if _, err := rs.AssignReviewer(s.ctx, mgr, b.ID, it.ID, reviewer.UserID); err != nil {
			return 0, fmt.Errorf("demo review: assign: %w", err)
		}
		if i > 0 {
			continue
		}
		scores := map[string]int{}
		for j, line := range rs.Sheet {
			scores[line.Name] = line.MaxScore
			if j == 0 && line.MaxScore > 1 {
				scores[line.Name] = line.MaxScore - 2
			}
		}
		if _, err := rs.ScoreItem(s.ctx, reviewer, b.ID, it.ID, reviews.ScoreInput{Scores: scores,
			Findings: "案件办理规范，调查核实充分；检察建议书说理部分可进一步加强。"}); err != nil {
			return 0, fmt.Errorf("demo review: score: %w", err)
		}
	}
	return b.ID, nil
}
