package search_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"
	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q      string
		usable bool
	}{
		{"尾矿库", true},
		{"采砂", true},
		{"河道 采砂", true},
		{"检建〔２０２５〕12号", true},
		{"河", false},   // one character: the bigrams cannot find it
		{"河 道", false}, // runs of one character each
		{"  ", false},
		{"、。", false},
	}
	for _, tt := range tests {
		if got := search.ParseQuery(tt.q).Usable(); got != tt.usable {
			t.Errorf("ParseQuery(%q).Usable() = %v, want %v", tt.q, got, tt.usable)
		}
	}
}

// TestGramsAreASCIIWords: whatever the text, the tokens are ASCII letters
// and digits of at least 3 characters, which every full-text parser keeps
// (InnoDB drops shorter tokens).
func TestGramsAreASCIIWords(t *testing.T) {
	t.Parallel()
	for _, tok := range strings.Fields(search.Grams("关于河道非法采砂的检察建议书", "检建〔2025〕12号 ABC", "a")) {
		if len(tok) < 3 {
			t.Errorf("token %q shorter than 3", tok)
		}
		for _, r := range tok {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Errorf("token %q has %q", tok, r)
			}
		}
	}
}

// TestMatch runs the grams search on both databases: a run of two
// characters or more is found where it occurs as a substring, never across
// punctuation or across two texts, and the rows are ranked.
func TestMatch(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if err := db.Exec("CREATE TABLE docs (id BIGINT NOT NULL PRIMARY KEY, title VARCHAR(200) NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		docs := map[int64][]string{
			1: {"河道非法采砂", "采砂船夜间作业，采砂量大"},
			2: {"尾矿库渗漏", "某矿业公司尾矿库渗漏"},
			3: {"河道，采", "砂石堆放"},       // 采 and 砂 in different texts
			4: {"工业园区企业废水直排", "河道采砂"}, // 采砂 once
			5: {"校园周边食品安全", "无证经营"},
		}
		// The procuratorate each row belongs to (Within); doc 4's is not
		// known (0 is written as NULL), as for a row from before the column.
		scopes := map[int64]int64{1: 7, 2: 8, 3: 7, 5: 8}
		err := db.WithTx(t.Context(), func(tx *gorm.DB) error {
			for id, texts := range docs {
				if err := tx.Exec("INSERT INTO docs (id, title) VALUES (?, ?)", id, texts[0]).Error; err != nil {
					return err
				}
				d := search.Doc{ID: id, Scope: scopes[id], Grams: search.Grams(texts...), Words: search.Words(texts...)}
				if err := search.Cases.Put(tx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		find := func(q string) []int64 { t.Helper(); return findDocs(t, db, q) }
		if got := find("采砂"); len(got) != 2 || got[0] != 1 || got[1] != 4 {
			t.Errorf("采砂: %v, want [1 4] (doc 1 says it three times and ranks first)", got)
		}
		if got := find("尾矿库"); len(got) != 1 || got[0] != 2 {
			t.Errorf("尾矿库: %v, want [2]", got)
		}
		if got := find("河道 采砂"); len(got) != 2 {
			t.Errorf("河道 采砂: %v, want docs 1 and 4", got)
		}
		if got := find("道采"); len(got) != 1 || got[0] != 4 {
			t.Errorf("道采: %v, want [4] (not across the comma of doc 3 nor the texts of doc 1)", got)
		}
		if got := find("食品安全隐患"); len(got) != 0 {
			t.Errorf("食品安全隐患: %v, want none", got)
		}
		// After Put replaces a row's tokens, the old text is not found.
		if err := search.Cases.Put(db.DB, search.Doc{ID: 2, Scope: 9, Grams: search.Grams("已更正")}); err != nil {
			t.Fatal(err)
		}
		if got := find("尾矿库"); len(got) != 0 {
			t.Errorf("尾矿库 after the row changed: %v", got)
		}
		// Within narrows by the index row's procuratorate on MySQL and keeps
		// rows whose procuratorate is not known; on SQLite it changes nothing
		// (the caller's scope on the outer row decides).
		within := func(q string, proc int64) []int64 {
			t.Helper()
			var ids []int64
			tx := search.Cases.Match(db.Table("docs").Select("docs.id"), "docs", search.ParseQuery(q))
			if err := search.Cases.Within(tx, proc).Order("docs.id").Pluck("docs.id", &ids).Error; err != nil {
				t.Fatalf("%s within %d: %v", q, proc, err)
			}
			return ids
		}
		want7, want8 := []int64{1, 4}, []int64{4}
		if db.Dialect == "sqlite" {
			want8 = []int64{1, 4}
		}
		if got := within("采砂", 7); !slices.Equal(got, want7) {
			t.Errorf("采砂 within 7: %v, want %v", got, want7)
		}
		if got := within("采砂", 8); !slices.Equal(got, want8) {
			t.Errorf("采砂 within 8: %v, want %v", got, want8)
		}
		if got := within("已更正", 9); !slices.Equal(got, []int64{2}) {
			t.Errorf("已更正 within 9 after Put replaced the row: %v, want [2]", got)
		}
		if db.Dialect == "mysql" {
			if got := within("已更正", 8); len(got) != 0 {
				t.Errorf("已更正 within 8: %v, want none (Put moved the row to 9)", got)
			}
		}
		// Similar: the words of a draft about 采砂 find the 采砂 documents first.
		var hits []search.Hit
		hits, err = search.Cases.Similar(db.DB, "docs", search.ParseSimilar("河道采砂问题", "非法采砂船"), 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || (hits[0].ID != 1 && hits[0].ID != 4) {
			t.Errorf("similar: %+v, want doc 1 or 4 first", hits)
		}
	})
}

// findDocs is the ids of the rows of docs (indexed in search.Cases) that
// Match finds for q, in id order.
func findDocs(t *testing.T, db *database.DB, q string) []int64 {
	t.Helper()
	var ids []int64
	tx := search.Cases.Match(db.Table("docs").Select("docs.id"), "docs", search.ParseQuery(q))
	if err := tx.Order("docs.id").Pluck("docs.id", &ids).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return ids
}

// TestMatchFindsExactlyTheSubstrings checks Match against what it stands
// for, on both databases: a row matches when each run of two characters or
// more of the query occurs inside one run of one of its texts (after
// folding widths and case). The texts are drawn from a few characters, so
// most rows hold a query's bigrams scattered — in another order, across
// punctuation or across their two texts — which a search for the bigrams
// alone would find. On MySQL the rows are also those of the phrase search
// (+"g1 g2") that Match replaced.
func TestMatchFindsExactlyTheSubstrings(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(18, 28))
	letters := []rune("河道采砂尾矿12aＡ")
	text := func(n int) string {
		var b strings.Builder
		for range n {
			if rng.IntN(7) == 0 {
				b.WriteString([]string{"，", "、", " "}[rng.IntN(3)])
				continue
			}
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	docs := map[int64][2]string{}
	for id := int64(1); id <= 80; id++ {
		docs[id] = [2]string{text(rng.IntN(10)), text(rng.IntN(16))}
	}
	var queries []string
	for len(queries) < 60 {
		q := text(2 + rng.IntN(4))
		if search.ParseQuery(q).Usable() {
			queries = append(queries, q)
		}
	}
	queries = append(queries, "尾矿尾矿", "采砂 河道", "ＡA", "河河河")
	runsOf := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(width.Fold.String(s)), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
	}
	want := func(q string) []int64 {
		var out []int64
		for id := int64(1); id <= 80; id++ {
			found := true
			for _, r := range runsOf(q) {
				in := false
				for _, text := range docs[id] {
					for _, tr := range runsOf(text) {
						in = in || strings.Contains(tr, r)
					}
				}
				found = found && in
			}
			if found {
				out = append(out, id)
			}
		}
		return out
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if err := db.Exec("CREATE TABLE docs (id BIGINT NOT NULL PRIMARY KEY)").Error; err != nil {
			t.Fatal(err)
		}
		err := db.WithTx(t.Context(), func(tx *gorm.DB) error {
			for id, texts := range docs {
				if err := tx.Exec("INSERT INTO docs (id) VALUES (?)", id).Error; err != nil {
					return err
				}
				if err := search.Cases.Put(tx, search.Doc{ID: id, Grams: search.Grams(texts[0], texts[1])}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			var got []int64
			tx := search.Cases.Match(db.Table("docs").Select("docs.id"), "docs", search.ParseQuery(q))
			if err := tx.Pluck("docs.id", &got).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			slices.Sort(got) // SQLite ranks them
			if w := want(q); !slices.Equal(got, w) {
				t.Errorf("%q: %v, want %v", q, got, w)
			}
			if db.Dialect != "mysql" {
				continue
			}
			var phrases []string
			for _, r := range runsOf(q) {
				if g := search.Grams(r); g != "" {
					phrases = append(phrases, `+"`+g+`"`)
				}
			}
			var old []int64
			if err := db.Raw("SELECT docs.id FROM docs JOIN case_search ON case_search.case_id = docs.id "+
				"WHERE MATCH(case_search.grams) AGAINST(? IN BOOLEAN MODE) ORDER BY docs.id", strings.Join(phrases, " ")).
				Scan(&old).Error; err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, old) {
				t.Errorf("%q: %v, the phrase search finds %v", q, got, old)
			}
		}
	})
}

// TestCompactMergesTheSegments: on SQLite each transaction that writes tokens
// adds a segment; Compact merges them into one, in steps, finds the same
// rows afterwards, and has nothing to do when run again. On MariaDB/MySQL it
// does nothing.
func TestCompactMergesTheSegments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if err := db.Exec("CREATE TABLE docs (id BIGINT NOT NULL PRIMARY KEY)").Error; err != nil {
			t.Fatal(err)
		}
		if db.Dialect == "sqlite" {
			// FTS5 would merge every four segments of a level by itself.
			if err := db.Exec("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)").Error; err != nil {
				t.Fatal(err)
			}
		}
		texts := []string{"河道非法采砂", "尾矿库渗漏", "校园周边食品安全", "工业园区废水直排", "农村饮用水源地保护"}
		for id := int64(1); id <= 30; id++ {
			err := db.WithTx(t.Context(), func(tx *gorm.DB) error {
				if err := tx.Exec("INSERT INTO docs (id) VALUES (?)", id).Error; err != nil {
					return err
				}
				text := texts[id%int64(len(texts))]
				return search.Cases.Put(tx, search.Doc{ID: id, Grams: search.Grams(text), Words: search.Words(text)})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		find := func(q string) []int64 { t.Helper(); return findDocs(t, db, q) }
		before := find("采砂")
		if len(before) != 6 {
			t.Fatalf("采砂 before: %v", before)
		}
		segments := func() int {
			t.Helper()
			n, err := search.Cases.Segments(db.DB)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if db.Dialect == "sqlite" && segments() < 10 {
			t.Fatalf("%d segments before, want a segment for most transactions", segments())
		}
		steps, err := search.Cases.Compact(t.Context(), db.WithTx)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect == "mysql" {
			if steps != 0 {
				t.Errorf("MySQL: %d steps", steps)
			}
			return
		}
		if steps == 0 || segments() != 1 {
			t.Fatalf("after Compact: %d steps, %d segments; want some steps and one segment", steps, segments())
		}
		if got := find("采砂"); !slices.Equal(got, before) {
			t.Errorf("采砂 after: %v, want %v", got, before)
		}
		if got := find("尾矿库"); len(got) != 6 {
			t.Errorf("尾矿库 after: %v", got)
		}
		if steps, err := search.Cases.Compact(t.Context(), db.WithTx); err != nil || steps != 0 {
			t.Errorf("again: %d steps, %v; want none", steps, err)
		}
	})
}
