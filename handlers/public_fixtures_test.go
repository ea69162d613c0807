package handlers_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// newPublicEnv starts the API with a light proof of work so tests stay fast.
func newPublicEnv(t *testing.T, db *database.DB, adjust ...func(*config.Config)) *apitest.Env {
	t.Helper()
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode, cfg.Database.DSN, cfg.Jobs.Enabled = "dev", "test", false
	cfg.Auth.PasswordCost = org.MinPasswordCost // as apitest.TestConfig
	cfg.Public.PowDifficulty = 6
	apitest.LongDeadlines(cfg) // a loaded test machine
	for _, f := range adjust {
		f(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return apitest.NewWithConfig(t, db, cfg)
}

// oddPhone is a mobile number written in a way the redaction rules miss
// (area-code style parentheses round its prefix); the residual check must
// stop publication until it is listed as an extra term.
const oddPhone = "（１８６）００００１１１２"

// privateNames are the private persons of the fixture letter.
var privateNames = []string{"张三", "欧阳娜娜", "李小明", "王五"}

// fixtureContent is a realistic 检察建议书 full of personal data in many
// spellings: spaces and hyphens inside numbers, full-width digits, numbers
// in parentheses, country prefixes.
func fixtureContent(marker string) cases.RecommendationContent {
	return cases.RecommendationContent{
		Title:     "关于" + marker + "校园周边食品安全隐患的检察建议书",
		Addressee: "临江市清河区市场监督管理局",
		ProblemSource: "本院在履行法律监督职责中发现，2025年11月3日，举报人张三（男，1978年5月12日出生，公民身份号码110105197805121235，" +
			"住临江市清河区建国路88号3栋2单元501室，联系电话138 0013 8000）向本院反映，其所在小区周边餐饮店长期违规经营。",
		Facts: "经查，欧阳娜娜（女，身份证号：110105 19900307 1239，电话：(010)62345678）经营的“欧阳小吃店”于2025年8月至10月间多次使用过期食品原料。" +
			"当事人李小明，身份证号码１１０１０５１９８２０３１５４３２Ｘ，手机号码＋86 139 1234 5678。证人王五（男，身份证号码 440304-1985-1115-4213，" +
			"手机 0086-186-0000-1111，另一号码" + oddPhone + "）证实上述情况。",
		Illegality: "上述行为违反《中华人民共和国食品安全法》第三十四条的规定，危及学生身体健康。",
		Items: []cases.RecommendationItem{
			{Text: "依法对上述违法行为进行查处；", LegalBasis: "《中华人民共和国食品安全法》第一百二十四条"},
			{Text: "加强辖区校园周边餐饮服务单位的日常监管。", LegalBasis: "《中华人民共和国食品安全法》第一百一十条"},
		},
		CopyTo: []string{"临江市市场监督管理局"},
	}
}

// publicCaseFixture describes a case created directly in the database in a state
// the case actions (built by teammates) would have produced.
type publicCaseFixture struct {
	Marker  string // a unique word in the title and text, to find leaks
	State   cases.CaseState
	Issued  bool
	Replied bool
	Minors  bool
	Secret  bool
	Seq     int
}

// createCaseFixture writes the case row, its issued draft (plus a later
// unissued draft and an internal timeline note that must never be
// published) and, when Replied, an agency reply with personal data.
func createCaseFixture(t *testing.T, env *apitest.Env, f publicCaseFixture) *cases.Case {
	t.Helper()
	now := env.Now().UTC()
	var prosecutor org.User
	if err := env.DB.Where("username = ?", "prosecutor1").First(&prosecutor).Error; err != nil {
		t.Fatal(err)
	}
	ag := env.Org.Agency1.ID
	c := &cases.Case{ProcuratorateID: env.Org.District.ID, DepartmentID: env.Org.Department.ID,
		Title: f.Marker + "校园周边食品安全隐患", Field: "食品药品安全", Source: cases.SourceCaseFinding, Summary: "内部摘要" + f.Marker,
		AgencyID: &ag, ProsecutorID: prosecutor.ID, State: f.State, Version: 3, StateEnteredAt: now, CreatedBy: prosecutor.ID,
		CreatedAt: now, UpdatedAt: now, InvolvesMinors: f.Minors, InvolvesStateSecret: f.Secret}
	if f.Issued {
		num := fmt.Sprintf("清检八建〔2026〕%d号", f.Seq)
		year, seq := 2026, f.Seq
		issued := now.Add(-72 * time.Hour)
		delivered := calendar.NewDate(2026, 2, 27)
		due := calendar.NewDate(2026, 4, 27)
		c.DocumentNumber, c.DocYear, c.DocSeq, c.IssuedAt = &num, &year, &seq, &issued
		c.DeliveredOn, c.ReceivedOn, c.ReplyDue = &delivered, &delivered, &due
	}
	if f.Replied {
		r := calendar.NewDate(2026, 3, 1)
		c.FirstRepliedOn, c.ReplyClass = &r, cases.ReplyClassOnTime
	}
	if err := env.DB.Create(c).Error; err != nil {
		t.Fatal(err)
	}
	status := "draft"
	if f.Issued {
		status = "issued"
	}
	drafts := []cases.RecommendationDraft{
		{CaseID: c.ID, VersionNo: 1, Content: fixtureContent(f.Marker).Encode(), Status: status, AuthorID: prosecutor.ID, CreatedAt: now, UpdatedAt: now},
	}
	if f.Issued {
		later := fixtureContent(f.Marker + "未定稿草稿")
		drafts = append(drafts, cases.RecommendationDraft{CaseID: c.ID, VersionNo: 2, Content: later.Encode(), Status: "draft", AuthorID: prosecutor.ID, CreatedAt: now, UpdatedAt: now})
	}
	for i := range drafts {
		if err := env.DB.Create(&drafts[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := env.DB.Create(&cases.CaseEvent{CaseID: c.ID, Action: "approve", FromState: cases.StateReviewing, ToState: cases.StateApproved,
		ActorName: "赵检察长", Role: "chief", Note: "内部审批意见" + f.Marker, Data: "{}", Internal: true, CreatedAt: now}).Error; err != nil {
		t.Fatal(err)
	}
	if f.Replied {
		var agencyUser org.User
		if err := env.DB.Where("username = ?", "agency1").First(&agencyUser).Error; err != nil {
			t.Fatal(err)
		}
		due := calendar.NewDate(2026, 4, 27)
		if err := env.DB.Create(&agency.Reply{CaseID: c.ID, Kind: agency.ReplyKindFinal, Position: agency.PositionAdopted,
			Content:       `{"text":"我局已对欧阳娜娜经营的小吃店立案查处，责令当事人李小明（身份证号11010519820315432X）停业整顿，罚款2万元。联系人王五，电话13912345678。","measures_taken":"开展校园周边专项检查。","measures_planned":[{"measure":"建立一户一档","due_on":"2026-06-30"}]}`,
			ContactPerson: "王科长", ContactPhone: "0571-88886666", SubmittedBy: agencyUser.ID, SubmittedOn: calendar.NewDate(2026, 3, 1),
			DueOn: &due, CreatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// Independent checks for personal data, written apart from the redactor:
// digits are width-folded and separators between digits removed first.
var (
	digitSeparators = regexp.MustCompile(`(\d)[\s\-－()（）+＋.·]+(\d)`)
	residentIDShape = regexp.MustCompile(`\d{17}[\dXx]|\d{15}`)
	mobileShape     = regexp.MustCompile(`(^|\D)(86|0086)?1[3-9]\d{9}(\D|$)`)
	landlineShape   = regexp.MustCompile(`(^|\D)0\d{2,3}[2-9]\d{6,7}(\D|$)`)
)

func foldDigits(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == 'Ｘ' {
			return 'X'
		}
		return r
	}, s)
	for {
		n := digitSeparators.ReplaceAllString(s, "$1$2")
		if n == s {
			return s
		}
		s = n
	}
}

// assertNoPersonalData fails when text shows an ID number, a phone number
// or a full private name.
func assertNoPersonalData(t *testing.T, where, text string) {
	t.Helper()
	folded := foldDigits(text)
	for _, re := range []*regexp.Regexp{residentIDShape, mobileShape, landlineShape} {
		if m := re.FindString(folded); m != "" {
			t.Errorf("%s: personal number %q published", where, m)
		}
	}
	for _, n := range privateNames {
		if strings.Contains(text, n) {
			t.Errorf("%s: private name %q published", where, n)
		}
	}
}

// validResidentID completes 17 digits with the GB 11643 check digit,
// computed here independently of the domain packages.
func validResidentID(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
