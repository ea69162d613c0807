package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/handlers"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
	"jianyi/pdftest"
)

const docNumber = "清河检八建〔2026〕1号"

// longContent is a realistic 检察建议书 of several pages: book-title marks,
// curly quotes, numbered items, Latin letters and digits.
func longContent() *cases.RecommendationContent {
	return &cases.RecommendationContent{
		Title:     "关于加强校园周边食品安全监管的检察建议书",
		Addressee: "清河区市场监督管理局",
		ProblemSource: "本院在履行公益诉讼检察职责中发现，清河区部分中小学校周边存在流动摊贩无证经营、销售“三无”食品等问题，" +
			"严重威胁学生身体健康。2025年10月至12月，本院会同区教育局对辖区内23所中小学校周边200米范围开展了专项调查。",
		Facts: "经调查查明：一、清河区实验小学、清河区第二中学等11所学校周边共有流动摊贩37家，其中29家未取得《食品经营许可证》，" +
			"也未按照《东川省食品小作坊小餐饮和食品摊贩管理条例》第十八条的规定办理登记。二、本院委托具有CMA资质的第三方检测机构对抽取的" +
			"46批次食品进行检测，其中辣条、糖果等9批次食品的菌落总数超过GB 29921-2021《预包装食品中致病菌限量》规定的标准，" +
			"2批次食品检出国家明令禁止使用的“苏丹红”，5批次食品的标签不符合GB 7718-2011的要求。三、部分摊贩使用的油炸用油极性组分" +
			"检测值高达32.5%，超过GB 2716-2018规定的27%限值；部分饮品的二氧化硫残留量为0.15g/kg。四、2025年9月以来，" +
			"区12345热线共受理涉及校园周边食品安全的投诉举报58件，其中重复投诉19件，相关问题至今未得到根本解决。" +
			"上述事实有现场勘验笔录、检测报告（编号：QH-JC-2025-0471至0516）、询问笔录、照片及视频资料、12345热线工单等证据证实。",
		Illegality: "本院认为，《中华人民共和国食品安全法》第六条规定，县级以上地方人民政府对本行政区域的食品安全监督管理工作负责；" +
			"第三十六条规定，食品生产加工小作坊和食品摊贩等从事食品生产经营活动，应当符合本法规定的与其生产经营规模、条件相适应的食品安全要求。" +
			"《学校食品安全与营养健康管理规定》第五条规定，市场监督管理部门应当加强学校及周边食品安全的监督管理。你单位作为辖区食品安全监督管理部门，" +
			"对校园周边流动摊贩无证经营、销售不符合食品安全标准食品的行为监管不到位，致使社会公共利益持续处于受侵害状态，" +
			"存在监管漏洞和安全隐患，有必要进一步加强和改进相关工作。",
		Items: []cases.RecommendationItem{
			{Text: "依法对校园周边37家流动摊贩开展全面排查，对未取得许可、销售“三无”食品的依法查处，对检出“苏丹红”的2批次食品追溯来源并移送公安机关。",
				LegalBasis: "《中华人民共和国食品安全法》第一百二十二条、第一百二十四条"},
			{Text: "会同教育、城管、公安等部门建立校园周边食品安全联合巡查机制，在上学、放学等重点时段（7:00—8:00、16:30—18:00）加强巡查，巡查频次不少于每周3次。",
				LegalBasis: "《学校食品安全与营养健康管理规定》第五条、第六条"},
			{Text: "督促食品摊贩依照GB 31654-2021《食品经营过程卫生规范》和GB 2716-2018的要求更换油炸用油，对极性组分超标的一律责令停止使用。",
				LegalBasis: "《中华人民共和国食品安全法》第三十四条"},
			{Text: "加强食品安全宣传教育，通过家长会、微信公众号“清河市场监管”等渠道引导学生和家长抵制“三无”食品，并将整改情况纳入年度食品安全工作考核。",
				LegalBasis: "《中华人民共和国食品安全法》第十条"},
		},
		CopyTo:      []string{"清河区人民政府", "清河区教育局", "东川省清江市人民检察院"},
		Attachments: []string{"校园周边食品抽检结果汇总表", "现场照片（12张）"},
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf)
}

var pageNumber = regexp.MustCompile(`—\s*\d+\s*—`)

// squeeze drops whitespace and page numbers ("— 2 —"), which pdftotext puts
// between the pages of a running text.
func squeeze(s string) string {
	s = pageNumber.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\f' || r == '\r' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

var extValue = regexp.MustCompile("filename\\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$")

// dispositionFilename decodes the RFC 5987 filename* of a response.
func dispositionFilename(t *testing.T, res *apitest.Response) string {
	t.Helper()
	cd := res.Header.Get("Content-Disposition")
	if !extValue.MatchString(cd) {
		t.Fatalf("Content-Disposition %q has no filename* of RFC 5987 attr-chars and %%XX", cd)
	}
	_, params, err := mime.ParseMediaType(cd)
	if err != nil {
		t.Fatalf("Content-Disposition %q: %v", cd, err)
	}
	return params["filename"]
}

func docPath(id int64, kind string) string {
	return fmt.Sprintf("/api/v1/cases/%d/documents/%s.pdf", id, kind)
}

// dumpPDF writes a PDF for looking at when JIANYI_DOCUMENTS_DUMP names a directory.
func dumpPDF(t *testing.T, name string, pdf []byte) {
	if dir := os.Getenv("JIANYI_DOCUMENTS_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func deliveredFixture(env *apitest.Env) *cases.Case {
	return env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, Content: longContent(), DocumentNumber: docNumber,
		IssuedAt: time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), DeliveredOn: calendar.NewDate(2026, 1, 6),
		ReplyDue: calendar.NewDate(2026, 3, 6), FiledWith: env.Org.City.ID, FilingSubmitted: true})
}

func TestRecommendationPDFRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := deliveredFixture(env)
		res := env.Do("GET", docPath(c.ID, "recommendation"), "prosecutor1", nil).Expect(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Fatalf("Content-Type %q", ct)
		}
		sum := sha256.Sum256(res.Body)
		if got := res.Header.Get("X-Content-SHA256"); got != hex.EncodeToString(sum[:]) {
			t.Fatalf("X-Content-SHA256 %s is not the body's hash", got)
		}
		if etag := res.Header.Get("ETag"); etag != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Fatalf("ETag %s", etag)
		}
		if name := dispositionFilename(t, res); name != "检察建议书（"+docNumber+"）.pdf" {
			t.Fatalf("filename %q", name)
		}
		dumpPDF(t, "recommendation.pdf", res.Body)
		text := pdfText(t, res.Body)
		if n := strings.Count(text, "\f"); n < 3 {
			t.Fatalf("%d pages, want a letter of several pages", n)
		}
		got := squeeze(text)
		body := squeeze(strings.Join(longContent().PlainText(0, env.Config.Deadlines.ObjectionDays), ""))
		if n := strings.Count(got, body); n != 1 {
			t.Fatalf("the body appears %d times in the PDF text, want exactly once\n--- pdf text ---\n%s\n--- body ---\n%s", n, got, body)
		}
		for _, want := range []string{docNumber, "关于加强校园周边食品安全监管的检察建议书", "清河区市场监督管理局：", "2026年1月5日", "抄送"} {
			if !strings.Contains(got, squeeze(want)) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
		// A client holding this ETag gets 304 without a body.
		req := httptest.NewRequest("GET", docPath(c.ID, "recommendation"), nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if again := env.DoRequest(req, "prosecutor1").Expect(t, http.StatusNotModified); len(again.Body) != 0 {
			t.Fatalf("304 with a body of %d bytes", len(again.Body))
		}
	})
}

func TestRecommendationFrozenAtIssue(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := env.CaseFixture(apitest.CaseFixture{State: cases.StateApproved, Content: longContent(), DocumentNumber: docNumber})
		env.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/issue", c.ID), "prosecutor1", map[string]any{"version": 1}).Expect(t, http.StatusOK)

		var stored files.StoredFile
		if err := db.Where("owner_type = ? AND owner_id = ?", "recommendation_pdf", c.ID).First(&stored).Error; err != nil {
			t.Fatalf("no frozen PDF after issue: %v", err)
		}
		if stored.Internal || stored.CaseID == nil || *stored.CaseID != c.ID {
			t.Fatalf("frozen file %+v", stored)
		}
		// A later change to the draft does not change the issued letter.
		changed := longContent()
		changed.Facts += "（签发后改动）"
		if err := db.Model(&cases.RecommendationDraft{}).Where("case_id = ?", c.ID).Update("content", changed.Encode()).Error; err != nil {
			t.Fatal(err)
		}
		env.SetNow(env.Now().Add(48 * time.Hour))
		first := env.Do("GET", docPath(c.ID, "recommendation"), "prosecutor1", nil).Expect(t, http.StatusOK)
		second := env.Do("GET", docPath(c.ID, "recommendation"), "chief1", nil).Expect(t, http.StatusOK)
		if !bytes.Equal(first.Body, second.Body) || !bytes.Equal(first.Body, stored.Content) {
			t.Fatal("downloads are not the bytes frozen at issuance")
		}
		sum := sha256.Sum256(first.Body)
		if hex.EncodeToString(sum[:]) != stored.SHA256 || first.Header.Get("X-Content-SHA256") != stored.SHA256 {
			t.Fatalf("stored sha256 %s, header %s", stored.SHA256, first.Header.Get("X-Content-SHA256"))
		}
		if strings.Contains(pdfText(t, first.Body), "签发后改动") {
			t.Fatal("the issued letter shows a change made after issuance")
		}
		if first.Header.Get("X-Document-Draft") != "" {
			t.Fatal("the issued letter is marked as a draft")
		}

		// Verification: the file, its hash, a modified copy.
		verify := func(user string, content []byte) *apitest.Response {
			req := apitest.Multipart("POST", "/api/v1/documents/verify", nil, []apitest.File{{Field: "file", Name: "copy.pdf", ContentType: "application/pdf", Content: content}})
			return env.DoRequest(req, user)
		}
		m := verify("casemgr1", first.Body).Expect(t, http.StatusOK).JSON()
		if m["matched"] != true || m["document_number"] != docNumber || m["kind"] != "recommendation" || m["case_id"] != float64(c.ID) || m["generated_at"] == nil {
			t.Fatalf("verify the issued file: %v", m)
		}
		modified := bytes.Clone(first.Body)
		modified[len(modified)/2] ^= 0x01
		if m := verify("prosecutor1", modified).Expect(t, http.StatusOK).JSON(); m["matched"] != false {
			t.Fatalf("a modified file was recognised: %v", m)
		}
		byHash := env.Do("POST", "/api/v1/documents/verify", "prosecutor1", map[string]string{"sha256": strings.ToUpper(stored.SHA256)}).Expect(t, http.StatusOK).JSON()
		if byHash["matched"] != true || byHash["document_number"] != docNumber {
			t.Fatalf("verify by hash: %v", byHash)
		}
		// Another procuratorate's staff learn what is printed on the paper, not the case.
		if m := verify("cityprosecutor1", first.Body).Expect(t, http.StatusOK).JSON(); m["matched"] != true || m["case_id"] != nil {
			t.Fatalf("verify by another procuratorate: %v", m)
		}
		if r := env.Do("POST", "/api/v1/documents/verify", "prosecutor1", map[string]string{"sha256": "abc"}).Expect(t, http.StatusBadRequest); r.ErrorCode() != "invalid_input" {
			t.Fatalf("bad hash code %s", r.ErrorCode())
		}
		noFile := apitest.Multipart("POST", "/api/v1/documents/verify", map[string]string{"note": "x"}, nil)
		if r := env.DoRequest(noFile, "prosecutor1").Expect(t, http.StatusBadRequest); !strings.Contains(string(r.Body), "file") {
			t.Fatalf("no file: %s", r.Body)
		}
		verify("agency1", first.Body).Expect(t, http.StatusForbidden)
		env.Do("POST", "/api/v1/documents/verify", "", map[string]string{"sha256": stored.SHA256}).Expect(t, http.StatusUnauthorized)
	})
}

// TestIssueWithoutNumberOrDraftFails: the issue effect assigns the 文号
// itself (so a case without one is issued, numbered and frozen) and refuses
// a case without a draft with its own code; the issuance then rolls back.
func TestIssueWithoutNumberOrDraftFails(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		for _, tc := range []struct {
			name     string
			fixture  apitest.CaseFixture
			realCode string // "" = issued
		}{
			{"no 文号", apitest.CaseFixture{State: cases.StateApproved, Content: longContent()}, ""},
			{"no draft", apitest.CaseFixture{State: cases.StateApproved, DocumentNumber: "清河检八建〔2026〕9号"}, "draft_missing"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := env.CaseFixture(tc.fixture)
				issue := fmt.Sprintf("/api/v1/cases/%d/actions/issue", c.ID)
				if tc.realCode == "" {
					var issued struct {
						State          string  `json:"state"`
						DocumentNumber *string `json:"document_number"`
					}
					env.Do("POST", issue, "prosecutor1", map[string]any{"version": 1}).Expect(t, http.StatusOK).Decode(t, &issued)
					if issued.State != string(cases.StateIssued) || issued.DocumentNumber == nil || !strings.HasPrefix(*issued.DocumentNumber, "清河检八建〔") {
						t.Fatalf("issued without a 文号: %+v", issued)
					}
					var n int64
					db.Model(&files.StoredFile{}).Where("owner_type = ? AND owner_id = ?", "recommendation_pdf", c.ID).Count(&n)
					if n != 1 {
						t.Fatalf("%d frozen files after the issuance, want 1", n)
					}
					return
				}
				want := tc.realCode
				r := env.Do("POST", issue, "prosecutor1", map[string]any{"version": 1}).Expect(t, http.StatusConflict)
				if r.ErrorCode() != want {
					t.Fatalf("code %s, want %s", r.ErrorCode(), want)
				}
				var after cases.Case
				if err := db.First(&after, c.ID).Error; err != nil || after.State != cases.StateApproved {
					t.Fatalf("case after failed issue: %s %v", after.State, err)
				}
				var n int64
				db.Model(&files.StoredFile{}).Where("owner_type = ? AND owner_id = ?", "recommendation_pdf", c.ID).Count(&n)
				if n != 0 {
					t.Fatalf("%d frozen files after a failed issue", n)
				}
			})
		}
	})
}

func TestDocumentAccess(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		delivered := deliveredFixture(env)
		at := time.Date(2025, 12, 20, 2, 0, 0, 0, time.UTC)
		env.EventFixture(delivered.ID, "submit", "张承办", org.RoleProsecutor, "", "", at)
		env.EventFixture(delivered.ID, "approve", "王检察长", org.RoleChief, "同意。", "", at.Add(24*time.Hour))
		draft := env.CaseFixture(apitest.CaseFixture{State: cases.StateDrafting, Content: longContent()})
		env.SetNow(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)) // the reply was due on 6 March

		for _, tc := range []struct {
			user string
			c    *cases.Case
			kind string
			want int
		}{
			{"prosecutor1", delivered, "recommendation", 200},
			{"prosecutor1", delivered, "service-receipt", 200},
			{"prosecutor1", delivered, "urging-letter", 200},
			{"prosecutor1", delivered, "approval-form", 200},
			{"prosecutor1", delivered, "filing-report", 200},
			{"prosecutor1", draft, "recommendation", 200},
			{"prosecutor1", draft, "service-receipt", 409},
			{"chief1", delivered, "approval-form", 200},
			{"casemgr1", delivered, "approval-form", 200},
			{"agency1", delivered, "recommendation", 200},
			{"agency1", delivered, "service-receipt", 200},
			{"agency1", delivered, "urging-letter", 200},
			{"agency1", delivered, "approval-form", 404},
			{"agency1", delivered, "filing-report", 404},
			{"agency1", draft, "recommendation", 404},
			{"agency2", delivered, "recommendation", 404},
			{"agency2", delivered, "service-receipt", 404},
			{"agency2", delivered, "urging-letter", 404},
			{"", delivered, "recommendation", 401},
			{"", delivered, "filing-report", 401},
			// The city reads the submitted filing's report and the letter it
			// names as attachment, nothing else of the case.
			{"cityprosecutor1", delivered, "recommendation", 200},
			{"cityprosecutor1", delivered, "approval-form", 404},
			{"cityprosecutor1", delivered, "service-receipt", 404},
			{"cityprosecutor1", delivered, "filing-report", 200},
			{"admin", delivered, "recommendation", 404},
			{"prosecutor1", delivered, "indictment", 404},
		} {
			t.Run(tc.user+"/"+tc.kind, func(t *testing.T) {
				res := env.Do("GET", docPath(tc.c.ID, tc.kind), tc.user, nil).Expect(t, tc.want)
				if tc.want == 200 && !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
					t.Fatalf("not a PDF: %.40q", res.Body)
				}
				if tc.want >= 400 && !strings.Contains(res.Header.Get("Content-Type"), "application/json") {
					t.Fatalf("error response is %s", res.Header.Get("Content-Type"))
				}
			})
		}
		env.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents/recommendation", delivered.ID), "prosecutor1", nil).Expect(t, http.StatusNotFound)
		// The administrator of the procuratorate a case is filed with runs the
		// system there; the filing report is for its case handlers.
		toProvince := env.CaseFixture(apitest.CaseFixture{State: cases.StateIssued, Content: longContent(), DocumentNumber: "清河检八建〔2026〕2号",
			IssuedAt: time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), FiledWith: env.Org.Province.ID, FilingSubmitted: true})
		env.Do("GET", docPath(toProvince.ID, "filing-report"), "admin", nil).Expect(t, http.StatusNotFound)
		env.Do("GET", "/api/v1/cases/999999/documents/recommendation.pdf", "prosecutor1", nil).Expect(t, http.StatusNotFound)
	})
}

func TestDocumentContents(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := deliveredFixture(env)
		at := time.Date(2025, 12, 20, 2, 0, 0, 0, time.UTC)
		env.EventFixture(c.ID, "submit", "张承办", org.RoleProsecutor, "", "", at)
		env.EventFixture(c.ID, "return", "李主任", org.RoleDeptHead, "请补充检测报告编号。", "", at.Add(24*time.Hour))
		env.EventFixture(c.ID, "submit", "张承办", org.RoleProsecutor, "已补充。", "", at.Add(48*time.Hour))
		env.EventFixture(c.ID, "approve", "王检察长", org.RoleChief, "同意制发。", "", at.Add(72*time.Hour))
		env.EventFixture(c.ID, "deliver", "张承办", org.RoleProsecutor, "", `{"method":"announced"}`, time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC))

		get := func(user, kind string) string {
			t.Helper()
			res := env.Do("GET", docPath(c.ID, kind), user, nil).Expect(t, http.StatusOK)
			dumpPDF(t, kind+".pdf", res.Body)
			return squeeze(pdfText(t, res.Body))
		}
		contains := func(kind, text string, wants ...string) {
			t.Helper()
			for _, w := range wants {
				if !strings.Contains(text, squeeze(w)) {
					t.Errorf("%s lacks %q:\n%s", kind, w, text)
				}
			}
		}
		contains("service-receipt", get("agency1", "service-receipt"), "送达回证", docNumber, "关于加强校园周边食品安全监管的检察建议书",
			env.Org.Agency1.Name, "宣告送达", "2026年1月6日", "张承办")
		// Before issuance the approval form is named after the case title,
		// whose quote, semicolon and brackets must not break the header.
		reviewing := env.CaseFixture(apitest.CaseFixture{State: cases.StateReviewing, Title: "O'Brien路(东段); 校园=@周边", Content: longContent()})
		env.EventFixture(reviewing.ID, "submit", "张承办", org.RoleProsecutor, "", "", at)
		form := env.Do("GET", docPath(reviewing.ID, "approval-form"), "chief1", nil).Expect(t, http.StatusOK)
		if name := dispositionFilename(t, form); name != "审批表（O'Brien路(东段); 校园=@周边）.pdf" {
			t.Fatalf("approval form filename %q", name)
		}
		contains("approval-form", get("chief1", "approval-form"), "检察建议审批表", "张承办", "请补充检测报告编号。", "李主任", "部门负责人",
			"同意制发。", "王检察长", "2025年12月23日")
		contains("filing-report", get("cityprosecutor1", "filing-report"), "备案报告", env.Org.City.Name, docNumber, env.Org.Agency1.Name)

		// The urging letter exists only once the reply is overdue.
		env.SetNow(time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC))
		r := env.Do("GET", docPath(c.ID, "urging-letter"), "prosecutor1", nil).Expect(t, http.StatusConflict)
		if r.ErrorCode() != "reply_not_overdue" {
			t.Fatalf("code %s", r.ErrorCode())
		}
		env.SetNow(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))
		contains("urging-letter", get("agency1", "urging-letter"), "催办函", env.Org.Agency1.Name+"：", docNumber,
			"《关于加强校园周边食品安全监管的检察建议书》", "于2026年1月6日收到", "应当于2026年3月6日前", "15日内")

		// Every generated document is kept with its hash and can be verified.
		var n int64
		db.Model(&files.StoredFile{}).Where("case_id = ? AND owner_type IN ?", c.ID,
			[]string{"service_receipt_pdf", "approval_form_pdf", "filing_report_pdf", "urging_letter_pdf"}).Count(&n)
		if n != 4 {
			t.Fatalf("%d generated documents stored, want 4", n)
		}
		receipt := env.Do("GET", docPath(c.ID, "service-receipt"), "prosecutor1", nil).Expect(t, http.StatusOK)
		m := env.Do("POST", "/api/v1/documents/verify", "prosecutor1", map[string]string{"sha256": receipt.Header.Get("X-Content-SHA256")}).Expect(t, http.StatusOK).JSON()
		if m["matched"] != true || m["kind"] != "service-receipt" {
			t.Fatalf("verify receipt: %v", m)
		}
	})
}

func TestDraftPreviewAndMissingGlyphs(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := env.CaseFixture(apitest.CaseFixture{State: cases.StateReviewing, Content: longContent()})
		res := env.Do("GET", docPath(c.ID, "recommendation"), "depthead1", nil).Expect(t, http.StatusOK)
		if res.Header.Get("X-Document-Draft") != "true" {
			t.Fatal("preview not marked as a draft")
		}
		text := squeeze(pdfText(t, res.Body))
		// The draft mark is the 草稿 across the page, not a suffix on the
		// 文号 and the title.
		// (pdftotext reads the watermark's two characters apart, between lines.)
		if strings.Count(text, "草") < 2 || strings.Count(text, "稿") < 2 || strings.Contains(text, "（草稿）") {
			t.Fatalf("preview text lacks the draft watermark or still carries （草稿）:\n%s", text)
		}
		// A draft naming no addressee is addressed to the recipient agency.
		noAddressee := longContent()
		noAddressee.Addressee = ""
		if err := db.Model(&cases.RecommendationDraft{}).Where("case_id = ?", c.ID).Update("content", noAddressee.Encode()).Error; err != nil {
			t.Fatal(err)
		}
		res = env.Do("GET", docPath(c.ID, "recommendation"), "depthead1", nil).Expect(t, http.StatusOK)
		if text := squeeze(pdfText(t, res.Body)); !strings.Contains(text, env.Org.Agency1.Name+"：") {
			t.Fatalf("preview not addressed to %s:\n%s", env.Org.Agency1.Name, text)
		}
		var n int64
		db.Model(&files.StoredFile{}).Where("owner_id = ? AND owner_type = ?", c.ID, "recommendation_pdf").Count(&n)
		if n != 0 {
			t.Fatal("a draft preview was stored as the recommendation")
		}
		// A character the fonts cannot draw is the user's to fix: 422 naming it.
		rare := longContent()
		rare.Facts = "经查，摊主吉某（“吉”字上为“土”：𠮷）无证经营。"
		if err := db.Model(&cases.RecommendationDraft{}).Where("case_id = ?", c.ID).Update("content", rare.Encode()).Error; err != nil {
			t.Fatal(err)
		}
		r := env.Do("GET", docPath(c.ID, "recommendation"), "prosecutor1", nil).Expect(t, http.StatusUnprocessableEntity)
		var body struct {
			Error struct{ Code, Message string }
		}
		r.Decode(t, &body)
		if body.Error.Code != "missing_glyphs" || !strings.Contains(body.Error.Message, "𠮷") || !strings.Contains(body.Error.Message, "U+20BB7") {
			t.Fatalf("missing glyph error %+v", body.Error)
		}
	})
}

func TestDocumentsOpenAPI(t *testing.T) {
	t.Parallel()
	doc, err := handlers.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas         map[string]any `yaml:"schemas"`
			SecuritySchemes map[string]any `yaml:"securitySchemes"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(doc, &spec); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{"/api/v1/cases/{id}/documents/{file}": "get", "/api/v1/documents/verify": "post"} {
		if spec.Paths[path][method] == nil {
			t.Errorf("openapi lacks %s %s", method, path)
		}
	}
	for _, ref := range regexp.MustCompile(`#/components/schemas/(\w+)`).FindAllStringSubmatch(string(doc), -1) {
		if spec.Components.Schemas[ref[1]] == nil {
			t.Errorf("dangling $ref %s", ref[0])
		}
	}
	if spec.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Error("security scheme bearerAuth missing")
	}
}

// TestConcurrentFirstDownloadsFreezeOnce: a case issued before freezing
// existed is frozen by its first download; downloads at once store one copy
// and all get the same bytes.
func TestConcurrentFirstDownloadsFreezeOnce(t *testing.T) {
	// Not parallel with other tests: it races requests on one database
	// against lock timeouts and needs the CPU to itself.
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := deliveredFixture(env)
		users := []string{"prosecutor1", "chief1", "agency1", "casemgr1"}
		for _, u := range users {
			env.Token(u)
		}
		bodies := make([][]byte, len(users))
		statuses := make([]int, len(users))
		var wg sync.WaitGroup
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := env.Do("GET", docPath(c.ID, "recommendation"), u, nil)
				statuses[i], bodies[i] = res.Status, res.Body
			}()
		}
		wg.Wait()
		for i := range users {
			if statuses[i] != http.StatusOK || !bytes.Equal(bodies[i], bodies[0]) {
				t.Fatalf("%s: status %d, same bytes %v", users[i], statuses[i], bytes.Equal(bodies[i], bodies[0]))
			}
		}
		var n int64
		db.Model(&files.StoredFile{}).Where("owner_type = ? AND owner_id = ?", "recommendation_pdf", c.ID).Count(&n)
		if n != 1 {
			t.Fatalf("%d frozen copies, want 1", n)
		}
	})
}

// TestServiceReceiptFromDelivery: the 送达回证 of a 宣告送达 names the meeting
// place and the deputies who attended, as the deliver action recorded them.
func TestServiceReceiptFromDelivery(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := driveTo(t, env, "宣告送达回证", "issued")
		c = mustAct(t, env, c, "deliver", "prosecutor1", map[string]any{"method": "announced", "delivered_on": "2026-03-02",
			"place": "清河区教育局会议室", "attendees": []map[string]any{{"name": "赵代表", "kind": "deputy"}}})
		res := env.Do("GET", docPath(c.ID, "service-receipt"), "prosecutor1", nil).Expect(t, http.StatusOK)
		text := squeeze(pdfText(t, res.Body))
		for _, want := range []string{"宣告送达", "清河区教育局会议室", "赵代表（人大代表）"} {
			if !strings.Contains(text, want) {
				t.Errorf("service receipt lacks %q:\n%s", want, text)
			}
		}
	})
}
