package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

type similarView struct {
	Words   []string `json:"words"`
	Letters []struct {
		Source          string   `json:"source"`
		CaseID          *int64   `json:"case_id"`
		DisclosureID    *int64   `json:"disclosure_id"`
		Score           float64  `json:"score"`
		SharedWords     []string `json:"shared_words"`
		Title           string   `json:"title"`
		ReplyClass      string   `json:"reply_class"`
		ReplyClassLabel string   `json:"reply_class_label"`
		Rectification   string   `json:"rectification"`
	} `json:"letters"`
}

// addLetter writes one issued letter of the district (or the city) about a
// problem, with its words indexed.
func addLetter(t *testing.T, env *apitest.Env, city bool, subject string, rc cases.RecommendationContent, outcome int) *cases.Case {
	t.Helper()
	loc := env.App.Clock.Location()
	today := env.App.Clock.Today()
	var ag org.Agency
	env.DB.Where("id = ?", env.Org.Agency1.ID).First(&ag)
	c := corpusCase(env, 900000+int(today.DaysUntil(today))+len(subject)*7+outcome, subject, "生态环境", ag.ID, today.AddDays(-200), outcome, loc)
	user := "prosecutor1"
	c.DepartmentID = env.Org.Department.ID
	if city {
		user, c.ProcuratorateID, c.DepartmentID = "cityprosecutor1", env.Org.City.ID, env.Org.CityDepartment.ID
	}
	var u org.User
	env.DB.Where("username = ?", user).First(&u)
	c.ProsecutorID = u.ID
	list := []cases.Case{c}
	if err := env.DB.WithTx(t.Context(), func(tx *gorm.DB) error {
		return writeLetters(tx, env, list, []cases.RecommendationContent{rc}, true)
	}); err != nil {
		t.Fatal(err)
	}
	return &list[0]
}

// TestSimilarLetters: among 2,000 generated letters, a draft written about a
// problem already recommended on finds that letter in its top three, with
// its reply class and outcome; a private letter of another procuratorate is
// never shown, its published redacted version is.
func TestSimilarLetters(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		genCorpus(t, env, 2000, 4, true)
		tailings := addLetter(t, env, false, "青山矿业公司尾矿库渗漏", cases.RecommendationContent{
			Facts:      "经现场勘查并委托检测查明，青山矿业有限公司尾矿库防渗设施老化破损，渗滤液渗漏进入地下水，周边村民饮用水井检出重金属超标。",
			Illegality: "尾矿库渗漏污染地下水和农田，危害群众饮水安全，生态环境部门未依法督促企业整改。",
			Items:      []cases.RecommendationItem{{Text: "责令企业修复尾矿库防渗设施，对受污染地下水开展调查评估和治理修复。", LegalBasis: "《中华人民共和国水污染防治法》"}}}, 8)
		kitchen := cases.RecommendationContent{
			Facts:      "经查，城区多所幼儿园食堂使用过期食材，食品留样制度形同虚设，幼儿园食堂从业人员健康证过期。",
			Illegality: "幼儿园食堂食材过期，危害幼儿身体健康。",
			Items:      []cases.RecommendationItem{{Text: "开展幼儿园食堂食品安全专项检查，督促建立食材进货查验和留样制度。", LegalBasis: "《中华人民共和国食品安全法》"}}}
		cityLetter := addLetter(t, env, true, "城区幼儿园食堂使用过期食材", kitchen, 0)

		draft := map[string]any{"title": "关于某矿业公司尾矿库渗漏污染地下水的检察建议书",
			"facts": "群众反映某矿业公司尾矿库附近井水异味。经调查，尾矿库底部防渗层破损，渗滤液渗漏，地下水重金属超标。",
			"items": []map[string]string{{"text": "督促企业修复防渗设施并治理受污染的地下水。"}}}
		var got similarView
		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", draft).Expect(t, http.StatusOK).Decode(t, &got)
		found := -1
		for i, l := range got.Letters {
			if l.CaseID != nil && *l.CaseID == tailings.ID {
				found = i
				if l.Source != "own" || l.ReplyClass != "on_time" || l.ReplyClassLabel == "" || l.Rectification != "rectified" {
					t.Errorf("the earlier letter shows %+v", l)
				}
			}
		}
		if found < 0 || found > 2 {
			t.Fatalf("the letter on the same problem is at %d, want top 3: %+v", found, got.Letters)
		}
		if !strings.Contains(strings.Join(got.Words, " "), "尾矿库") {
			t.Errorf("words searched: %v", got.Words)
		}

		// The city's letter is private to the city: the district never sees it.
		kitchenDraft := map[string]any{"title": "关于幼儿园食堂食品安全问题的检察建议书", "facts": kitchen.Facts,
			"items": []map[string]string{{"text": kitchen.Items[0].Text}}}
		var district similarView
		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", kitchenDraft).Expect(t, http.StatusOK).Decode(t, &district)
		for _, l := range district.Letters {
			if l.CaseID != nil && *l.CaseID == cityLetter.ID || strings.Contains(l.Title, "过期食材") {
				t.Fatalf("a private letter of another procuratorate was shown: %+v", l)
			}
		}
		var city similarView
		env.Do("POST", "/api/v1/analysis/similar", "cityprosecutor1", kitchenDraft).Expect(t, http.StatusOK).Decode(t, &city)
		if len(city.Letters) == 0 || city.Letters[0].CaseID == nil || *city.Letters[0].CaseID != cityLetter.ID {
			t.Errorf("the city does not find its own letter first: %+v", city.Letters)
		}
		// Published (redacted), the district sees it as published, by its
		// disclosure, never its case.
		d := publishLetter(t, env, cityLetter, env.Org.City.Name, "经查，城区多所幼儿园食堂使用过期食材，食品留样制度形同虚设。")
		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", kitchenDraft).Expect(t, http.StatusOK).Decode(t, &district)
		shown := false
		for _, l := range district.Letters {
			if l.CaseID != nil && *l.CaseID == cityLetter.ID {
				t.Fatalf("the city's case was shown to the district: %+v", l)
			}
			if l.DisclosureID != nil && *l.DisclosureID == d.ID && l.Source == "published" {
				shown = true
			}
		}
		if !shown {
			t.Errorf("the published letter is not offered: %+v", district.Letters)
		}

		// The draft's own case is left out; an empty draft is refused; an
		// agency user may not ask.
		var own similarView
		env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", map[string]any{"case_id": tailings.ID}).Expect(t, http.StatusOK).Decode(t, &own)
		for _, l := range own.Letters {
			if l.CaseID != nil && *l.CaseID == tailings.ID {
				t.Error("the draft's own case was offered")
			}
		}
		if r := env.Do("POST", "/api/v1/analysis/similar", "prosecutor1", map[string]any{"title": "关于"}).Expect(t, http.StatusBadRequest); r.ErrorCode() != "draft_too_short" {
			t.Errorf("empty draft: %s", r.Body)
		}
		env.Do("POST", "/api/v1/analysis/similar", "agency1", draft).Expect(t, http.StatusForbidden)
		env.Do("POST", "/api/v1/analysis/similar", "cityprosecutor1", map[string]any{"case_id": tailings.ID}).Expect(t, http.StatusBadRequest)
	})
}

// TestCaseListSearchUsesTheIndex: `q=` finds a case by any run of two
// characters or more of its title or summary through the full-text index,
// best match first, pages by position; one character still searches by
// LIKE.
func TestCaseListSearchUsesTheIndex(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		mkBy := func(user, title, summary string) int64 {
			var c struct{ ID int64 }
			env.Do("POST", "/api/v1/cases", user, map[string]any{"title": title, "field": "生态环境", "source": "case_finding",
				"summary": summary}).Expect(t, http.StatusCreated).Decode(t, &c)
			return c.ID
		}
		mk := func(title, summary string) int64 { return mkBy("prosecutor1", title, summary) }
		once := mk("临江镇砂石码头扬尘", "码头附近河道有采砂船作业。")
		thrice := mk("河道非法采砂", "夜间采砂，采砂船无证作业。")
		mk("校园周边食品安全", "流动摊贩无证经营。")
		// Another procuratorate's case with the word: each sees only its own.
		city := mkBy("cityprosecutor1", "江心洲采砂", "采砂船停靠。")
		type page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		var p page
		env.Do("GET", "/api/v1/cases?q="+urlQuery("采砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 2 || p.Items[0].ID != thrice || p.Items[1].ID != once {
			t.Fatalf("采砂: %+v, want [%d %d] (ranked)", p.Items, thrice, once)
		}
		env.Do("GET", "/api/v1/cases?limit=1&q="+urlQuery("采砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 1 || p.Items[0].ID != thrice || p.NextCursor == "" {
			t.Fatalf("first page: %+v", p)
		}
		cursor := p.NextCursor
		p = page{}
		env.Do("GET", "/api/v1/cases?limit=1&q="+urlQuery("采砂")+"&cursor="+cursor, "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 1 || p.Items[0].ID != once || p.NextCursor != "" {
			t.Fatalf("second page: %+v", p)
		}
		// The list reads the index: a case whose tokens are gone is not
		// found by it (and is found again once they are written back).
		if err := db.Exec(deleteTokens(db), thrice).Error; err != nil {
			t.Fatal(err)
		}
		env.Do("GET", "/api/v1/cases?q="+urlQuery("采砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 1 || p.Items[0].ID != once {
			t.Fatalf("without tokens: %+v", p.Items)
		}
		if n, err := cases.IndexAll(t.Context(), db); err != nil || n != 1 {
			t.Fatalf("IndexAll: %d, %v", n, err)
		}
		env.Do("GET", "/api/v1/cases?q="+urlQuery("采砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 2 {
			t.Fatalf("after IndexAll: %+v", p.Items)
		}
		env.Do("GET", "/api/v1/cases?q="+urlQuery("砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 2 {
			t.Fatalf("one character: %+v", p.Items)
		}
		env.Do("GET", "/api/v1/cases?q="+urlQuery("码头扬尘 采砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 1 || p.Items[0].ID != once {
			t.Fatalf("two words: %+v", p.Items)
		}
		env.Do("GET", "/api/v1/cases?q="+urlQuery("采砂"), "cityprosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
		if len(p.Items) != 1 || p.Items[0].ID != city {
			t.Fatalf("采砂 as the city's prosecutor: %+v, want [%d]", p.Items, city)
		}
		if db.Dialect == "mysql" {
			// The index row names its case's procuratorate (search.Index.Within);
			// a row that does not (written before the column existed) is
			// still found by its own procuratorate only.
			var n int64
			db.Raw("SELECT COUNT(*) FROM case_search JOIN cases ON cases.id = case_search.case_id " +
				"WHERE case_search.procuratorate_id = cases.procuratorate_id").Scan(&n)
			if n != 4 {
				t.Fatalf("%d index rows name their case's procuratorate, want 4", n)
			}
			db.Exec("UPDATE case_search SET procuratorate_id = NULL WHERE case_id IN (?, ?)", once, city)
			env.Do("GET", "/api/v1/cases?q="+urlQuery("采砂"), "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
			if len(p.Items) != 2 || p.Items[0].ID != thrice || p.Items[1].ID != once {
				t.Fatalf("with procuratorates not known: %+v, want [%d %d]", p.Items, thrice, once)
			}
			env.Do("GET", "/api/v1/cases?q="+urlQuery("采砂"), "cityprosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &p)
			if len(p.Items) != 1 || p.Items[0].ID != city {
				t.Fatalf("city, with procuratorates not known: %+v", p.Items)
			}
		}
	})
}

// TestPublicSearchReadsTheWholeLetter: the feed's `q=` finds a published
// letter by a phrase of its body, which the earlier LIKE over the short
// columns could not afford to read.
func TestPublicSearchReadsTheWholeLetter(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := addLetter(t, env, false, "河道非法采砂", corpusContent("临江镇", "河道非法采砂", "某局"), 0)
		d := publishLetter(t, env, c, env.Org.District.Name, "经查，临江镇河道有采砂船夜间作业。")
		db.Model(d).Update("summary", "临江镇河道问题")
		var feed struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		env.Do("GET", "/api/v1/public/disclosures?q="+urlQuery("采砂船夜间"), "", nil).Expect(t, http.StatusOK).Decode(t, &feed)
		if len(feed.Items) != 1 || feed.Items[0].ID != d.ID {
			t.Fatalf("feed search: %+v", feed.Items)
		}
		env.Do("GET", "/api/v1/public/disclosures?q="+urlQuery("船夜间作业了"), "", nil).Expect(t, http.StatusOK).Decode(t, &feed)
		if len(feed.Items) != 0 {
			t.Fatalf("a phrase the letter does not hold: %+v", feed.Items)
		}
	})
}

func deleteTokens(db *database.DB) string {
	if db.Dialector.Name() == "mysql" {
		return "DELETE FROM case_search WHERE case_id = ?"
	}
	return "DELETE FROM case_search WHERE rowid = ?"
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// TestSearchBackfill: the start-up fill (cases.IndexAll) writes the tokens
// of exactly the cases that have none — the same tokens the issue writes —
// and finds nothing left to do when run again.
func TestSearchBackfill(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		genCorpus(t, env, 450, 7, true)
		var ids []int64
		db.Table("cases").Order("id").Pluck("id", &ids)
		want, err := search.Cases.StoredWords(db.DB, ids)
		if err != nil {
			t.Fatal(err)
		}
		var dropped []int64
		for i, id := range ids {
			if i%3 != 1 {
				dropped = append(dropped, id)
			}
		}
		if err := db.WithTx(t.Context(), func(tx *gorm.DB) error {
			for _, id := range dropped {
				if err := search.Cases.Delete(tx, id); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := cases.IndexAll(t.Context(), db); err != nil || n != len(dropped) {
			t.Fatalf("indexed %d of %d dropped: %v", n, len(dropped), err)
		}
		got, err := search.Cases.StoredWords(db.DB, ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if got[id] != want[id] || want[id] == "" {
				t.Fatalf("case %d: words %.40q…, issued with %.40q…", id, got[id], want[id])
			}
		}
		if n, err := cases.IndexAll(t.Context(), db); err != nil || n != 0 {
			t.Errorf("second fill indexed %d: %v", n, err)
		}
		if db.Dialect == "mysql" {
			// The fill writes each row's procuratorate as the issue does.
			var n int64
			db.Raw("SELECT COUNT(*) FROM case_search JOIN cases ON cases.id = case_search.case_id " +
				"WHERE case_search.procuratorate_id = cases.procuratorate_id").Scan(&n)
			if n != int64(len(ids)) {
				t.Errorf("%d of %d index rows name their case's procuratorate", n, len(ids))
			}
		}
	})
}
