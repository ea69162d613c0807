package handlers_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
)

// corpusFields and corpusSubjects make the titles of a generated corpus:
// each subject names a problem of its field (ClassifyProblem finds its kind).
var corpusFields = []string{"生态环境", "食品药品安全", "安全生产", "校园安全", "金融", "网络治理", "其他"}

var corpusSubjects = [][]string{
	{"河道非法采砂", "企业废水直排", "建筑垃圾非法倾倒", "水源保护区内违法建设", "养殖场粪污直排", "餐饮油烟扰民", "危险废物贮存不规范"},
	{"流动摊贩食品安全隐患", "农贸市场抽检不到位", "网络订餐商户无证经营", "药店违规销售处方药", "小作坊违法添加", "保健食品虚假宣传"},
	{"电动自行车违规充电安全隐患", "燃气管道老化安全隐患", "危险化学品储存不规范", "消防通道堵塞", "特种设备未定期检验"},
	{"校舍消防安全隐患", "校车安全管理不规范", "校外培训机构无证办学", "学校周边交通安全设施缺失"},
	{"非法集资风险防范不到位", "预付卡消费资金监管缺位", "小额贷款公司违规催收"},
	{"个人信息泄露", "网络直播带货虚假宣传", "公共数据安全管理缺位"},
	{"窨井盖缺失损坏", "无障碍设施缺失", "殡葬服务乱收费", "社会救助资金发放不规范"},
}

var corpusPlaces = []string{"临江镇", "青川街道", "云阳村", "安平社区", "东湖工业园区", "南山镇", "北河街道", "长宁村"}

// corpus is a generated set of issued letters.
type corpus struct {
	Agencies []org.Agency
	Today    calendar.Date
	Letters  int
}

// genCorpus writes n issued letters straight into the database — cases,
// their issued drafts, final replies and search tokens — spread over the
// two years before the env's today, across fields, agencies and reply
// outcomes; one in ten belongs to the city procuratorate. Rows are written
// in bulk, not through the lifecycle, so a few thousand take about a second.
//
// With words the letters' word tokens are written too (for the similar-letter
// search; segmenting costs about a third of a millisecond a letter).
func genCorpus(t testing.TB, env *apitest.Env, n int, seed uint64, words bool) *corpus {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	loc := env.App.Clock.Location()
	today := calendar.DateOf(env.Now(), loc)
	co := &corpus{Today: today, Letters: n}
	var pros, cityPros org.User
	env.DB.Where("username = ?", "prosecutor1").First(&pros)
	env.DB.Where("username = ?", "cityprosecutor1").First(&cityPros)
	err := env.DB.WithTx(t.Context(), func(tx *gorm.DB) error {
		for i := range 20 {
			ag := org.Agency{Name: fmt.Sprintf("临江市清河区第%d管理局", i+1), Kind: "行政机关", CreatedAt: env.Now(), UpdatedAt: env.Now()}
			if err := tx.Create(&ag).Error; err != nil {
				return err
			}
			co.Agencies = append(co.Agencies, ag)
		}
		list := make([]cases.Case, 0, n)
		contents := make([]cases.RecommendationContent, 0, n)
		for i := range n {
			fi := rng.IntN(len(corpusFields))
			subject := corpusSubjects[fi][rng.IntN(len(corpusSubjects[fi]))]
			place := corpusPlaces[rng.IntN(len(corpusPlaces))]
			ag := co.Agencies[rng.IntN(len(co.Agencies))]
			issued := today.AddDays(-1 - rng.IntN(730))
			c := corpusCase(env, i, fmt.Sprintf("%s%s", place, subject), corpusFields[fi], ag.ID, issued, rng.IntN(10), loc)
			if rng.IntN(10) == 0 {
				c.ProcuratorateID, c.DepartmentID, c.ProsecutorID = env.Org.City.ID, env.Org.CityDepartment.ID, cityPros.ID
			} else {
				c.DepartmentID, c.ProsecutorID = env.Org.Department.ID, pros.ID
			}
			list = append(list, c)
			contents = append(contents, corpusContent(place, subject, ag.Name))
		}
		return writeLetters(tx, env, list, contents, words)
	})
	if err != nil {
		t.Fatal(err)
	}
	return co
}

// corpusCase is an issued letter in one of ten outcomes (outcome 0–9):
// awaiting its reply, replied on time, late, never, returned as
// perfunctory, rectified.
func corpusCase(env *apitest.Env, i int, subject, field string, agencyID int64, issued calendar.Date, outcome int, loc *time.Location) cases.Case {
	issuedAt := issued.StartIn(loc).Add(10 * time.Hour)
	received := issued.AddDays(3)
	due := received.AddDays(61)
	doc := fmt.Sprintf("清检八建〔%d〕C%d号", issued.Year(), i+1)
	c := cases.Case{ProcuratorateID: env.Org.District.ID, Title: "关于" + subject + "问题的检察建议", Field: field,
		Source: cases.SourceCaseFinding, Summary: subject + "，相关单位未依法履职。", AgencyID: &agencyID, State: cases.StateDelivered,
		Version: 5, DocumentNumber: &doc, IssuedAt: &issuedAt, DeliveredOn: &received, ReceivedOn: &received, ReplyDue: &due,
		StateEnteredAt: issuedAt, CreatedBy: 1, CreatedAt: issuedAt.Add(-30 * 24 * time.Hour), UpdatedAt: issuedAt}
	today := calendar.DateOf(env.Now(), loc)
	if !due.Before(today) {
		return c // not due yet: awaiting
	}
	switch {
	case outcome <= 3: // on time
		r := due.AddDays(-10)
		c.FirstRepliedOn, c.State = &r, cases.StateReplied
	case outcome <= 5: // late
		r := due.AddDays(12)
		if r.After(today) {
			r = today
		}
		c.FirstRepliedOn, c.State = &r, cases.StateReplied
	case outcome <= 7: // never
	default: // on time, then closed rectified (8) or not rectified (9)
		r := due.AddDays(-20)
		closed := issuedAt.Add(120 * 24 * time.Hour)
		c.FirstRepliedOn, c.State, c.ClosedAt = &r, cases.StateClosed, &closed
		c.Rectification = agency.RectificationRectified
		if outcome == 9 {
			c.Rectification = agency.RectificationNotRectified
		}
	}
	return c
}

// corpusContent is the letter of a corpus case.
func corpusContent(place, subject, agencyName string) cases.RecommendationContent {
	return cases.RecommendationContent{Addressee: agencyName, ProblemSource: "本院在履行法律监督职责中发现",
		Facts:      fmt.Sprintf("经实地走访、调取台账查明，%s存在%s问题，群众多次反映，至今未得到有效处理。", place, subject),
		Illegality: fmt.Sprintf("%s问题危害公共利益，有关单位未依法全面履行监督管理职责。", subject),
		Items: []cases.RecommendationItem{{Text: fmt.Sprintf("依法查处%s%s问题，消除隐患。", place, subject), LegalBasis: "《人民检察院检察建议工作规定》"},
			{Text: "建立长效监管机制，定期开展排查。", LegalBasis: "《人民检察院检察建议工作规定》"}}}
}

// writeLetters inserts issued letters with their drafts, replies and
// search tokens (the grams; the words too when words is set).
func writeLetters(tx *gorm.DB, env *apitest.Env, list []cases.Case, contents []cases.RecommendationContent, words bool) error {
	if err := tx.CreateInBatches(list, 200).Error; err != nil {
		return err
	}
	drafts := make([]cases.RecommendationDraft, 0, len(list))
	var replies []agency.Reply
	for i := range list {
		c := &list[i]
		drafts = append(drafts, cases.RecommendationDraft{CaseID: c.ID, VersionNo: 1, Content: contents[i].Encode(), Status: "issued",
			AuthorID: c.ProsecutorID, CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt})
		if c.FirstRepliedOn != nil {
			position := agency.PositionAdopted
			if c.ID%3 == 0 {
				position = agency.PositionPartlyAdopted
			}
			replies = append(replies, agency.Reply{CaseID: c.ID, Kind: agency.ReplyKindFinal, Position: position, Content: "{}",
				SubmittedBy: 1, SubmittedOn: *c.FirstRepliedOn, DueOn: c.ReplyDue, Late: c.FirstRepliedOn.After(*c.ReplyDue),
				CreatedAt: env.Now()})
		}
		letter := &contents[i]
		if !words {
			letter = nil
		}
		if err := cases.IndexCase(tx, c, letter); err != nil {
			return err
		}
	}
	if err := tx.CreateInBatches(drafts, 200).Error; err != nil {
		return err
	}
	if len(replies) > 0 {
		return tx.CreateInBatches(replies, 200).Error
	}
	return nil
}

// publishLetter writes the published, redacted version of a case's letter
// (as the publish action stores it) with its search tokens.
func publishLetter(t testing.TB, env *apitest.Env, c *cases.Case, procName, text string) *disclosure.Disclosure {
	t.Helper()
	loc := env.App.Clock.Location()
	d := &disclosure.Disclosure{CaseID: c.ID, Status: disclosure.DisclosurePublished, Revision: 1, ProcuratorateID: c.ProcuratorateID,
		ProcuratorateName: procName, Field: c.Field, AgencyID: c.AgencyID, AgencyName: "某单位", DocumentNumber: *c.DocumentNumber,
		Title: c.Title, PubYear: c.IssuedAt.Year(), IssuedOn: calendar.DateOf(*c.IssuedAt, loc), Summary: text, RecommendationText: text,
		RepliesJSON: "[]", PersonNames: "[]", ExtraTerms: "[]", PublishedBy: 1, PublishedAt: env.Now(), UpdatedAt: env.Now()}
	err := env.DB.WithTx(t.Context(), func(tx *gorm.DB) error {
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		return disclosure.IndexDisclosure(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
