package search

import (
	"context"
	"math"
	"sort"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Index is one full-text table: its rows are keyed by the id of the row
// they index (the FTS5 rowid on SQLite, Key on MariaDB/MySQL).
type Index struct {
	Table string // case_search, disclosure_search
	Key   string // the id column on MariaDB/MySQL
}

// The indexes.
var (
	Cases       = Index{Table: "case_search", Key: "case_id"}
	Disclosures = Index{Table: "disclosure_search", Key: "disclosure_id"}
)

func isMySQL(tx *gorm.DB) bool { return tx.Dialector.Name() == "mysql" }

// Put writes a row's tokens (Grams and Words of its texts), replacing what
// was indexed for it before. Call it in the transaction that writes the row.
func (ix Index) Put(tx *gorm.DB, id int64, grams, words string) error {
	if isMySQL(tx) {
		return tx.Exec("INSERT INTO "+ix.Table+" ("+ix.Key+", grams, words) VALUES (?, ?, ?) "+
			"ON DUPLICATE KEY UPDATE grams = VALUES(grams), words = VALUES(words)", id, grams, words).Error
	}
	if err := tx.Exec("DELETE FROM "+ix.Table+" WHERE rowid = ?", id).Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO "+ix.Table+" (rowid, grams, words) VALUES (?, ?, ?)", id, grams, words).Error
}

// Missing is a condition on the indexed table (aliased outer) that keeps
// its rows without tokens.
func (ix Index) Missing(tx *gorm.DB, outer string) string {
	key := "rowid"
	if isMySQL(tx) {
		key = ix.Key
	}
	return "NOT EXISTS (SELECT 1 FROM " + ix.Table + " WHERE " + ix.Table + "." + key + " = " + outer + ".id)"
}

// Delete removes a row's tokens.
func (ix Index) Delete(tx *gorm.DB, id int64) error {
	if isMySQL(tx) {
		return tx.Exec("DELETE FROM "+ix.Table+" WHERE "+ix.Key+" = ?", id).Error
	}
	return tx.Exec("DELETE FROM "+ix.Table+" WHERE rowid = ?", id).Error
}

// Query is a text search parsed for the grams: one phrase per run of two
// characters or more. Short is true when a run has a single character,
// which the bigram index cannot find; the caller then searches without it
// (LIKE), as before the index.
type Query struct {
	phrases [][]string
	Short   bool
}

// ParseQuery parses the text of a search box.
func ParseQuery(q string) Query {
	var out Query
	for _, run := range runs(q) {
		if len(run) < 2 {
			out.Short = true
			continue
		}
		var p []string
		for i := 0; i+1 < len(run); i++ {
			p = append(p, gramToken(run[i], run[i+1]))
		}
		out.phrases = append(out.phrases, p)
	}
	return out
}

// Usable reports the query can be answered by the index alone.
func (q Query) Usable() bool { return !q.Short && len(q.phrases) > 0 }

// Match restricts a query on the indexed table (aliased outer, e.g.
// "cases") to the rows containing every run of q, and orders them by
// relevance, best first (ties are left to the caller's next ORDER BY).
func (ix Index) Match(tx *gorm.DB, outer string, q Query) *gorm.DB {
	if isMySQL(tx) {
		var b strings.Builder
		for _, p := range q.phrases {
			b.WriteString(`+"` + strings.Join(p, " ") + `" `)
		}
		expr := strings.TrimSpace(b.String())
		return tx.Joins("JOIN "+ix.Table+" ON "+ix.Table+"."+ix.Key+" = "+outer+".id").
			Where("MATCH("+ix.Table+".grams) AGAINST(? IN BOOLEAN MODE)", expr).
			Order(clause.Expr{SQL: "MATCH(" + ix.Table + ".grams) AGAINST(? IN BOOLEAN MODE) DESC", Vars: []any{expr}})
	}
	parts := make([]string, len(q.phrases))
	for i, p := range q.phrases {
		parts[i] = `"` + strings.Join(p, " ") + `"`
	}
	expr := "grams : (" + strings.Join(parts, " AND ") + ")"
	return tx.Joins("JOIN "+ix.Table+" ON "+ix.Table+".rowid = "+outer+".id").
		Where(ix.Table+" MATCH ?", expr).Order(ix.Table + ".rank")
}

// SimilarQuery is a text's most telling words, for finding the rows that
// share them.
type SimilarQuery struct{ tokens []string }

// maxSimilarTerms bounds the words asked for: the ones a draft uses most
// (longer words first among equals, as they say more) carry its problem;
// the rest add cost, not precision.
const maxSimilarTerms = 32

// ParseSimilar picks the words of texts (their Terms) to search with.
func ParseSimilar(texts ...string) SimilarQuery { return SimilarFromTerms(Terms(texts...)) }

// SimilarFromTerms picks the words to search with from a text's Terms
// (segmenting is the costly part: a caller that needs the terms for more
// than the query segments once).
func SimilarFromTerms(terms map[string]int) SimilarQuery {
	words := make([]string, 0, len(terms))
	for w := range terms {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		a, b := words[i], words[j]
		if terms[a] != terms[b] {
			return terms[a] > terms[b]
		}
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
	if len(words) > maxSimilarTerms {
		words = words[:maxSimilarTerms]
	}
	q := SimilarQuery{}
	for _, w := range words {
		q.tokens = append(q.tokens, wordToken(w))
	}
	return q
}

// VectorOfTerms weighs a text's Terms as VectorOf weighs its stored words.
func VectorOfTerms(terms map[string]int) Vector {
	v := make(Vector, len(terms))
	for w, n := range terms {
		v[wordToken(w)] = 1 + math.Log(float64(n))
	}
	return v
}

// Empty reports a text without any telling word.
func (q SimilarQuery) Empty() bool { return len(q.tokens) == 0 }

// Hit is a row found by Similar with its score (higher is more similar).
type Hit struct {
	ID    int64
	Score float64
}

// Similar returns up to limit ids of the index's rows that share words with
// q, the most similar first, among the rows that filter (a condition on the
// indexed table aliased outer) lets through.
func (ix Index) Similar(tx *gorm.DB, outer string, q SimilarQuery, limit int, filter func(*gorm.DB) *gorm.DB) ([]Hit, error) {
	var hits []Hit
	if q.Empty() {
		return hits, nil
	}
	var sel *gorm.DB
	if isMySQL(tx) {
		expr := strings.Join(q.tokens, " ")
		sel = tx.Table(outer).Joins("JOIN "+ix.Table+" ON "+ix.Table+"."+ix.Key+" = "+outer+".id").
			Select(outer+".id AS id, MATCH("+ix.Table+".words) AGAINST(? IN NATURAL LANGUAGE MODE) AS score", expr).
			Where("MATCH("+ix.Table+".words) AGAINST(? IN NATURAL LANGUAGE MODE)", expr).Order("score DESC, " + outer + ".id DESC")
	} else {
		expr := "words : (" + strings.Join(q.tokens, " OR ") + ")"
		sel = tx.Table(outer).Joins("JOIN "+ix.Table+" ON "+ix.Table+".rowid = "+outer+".id").
			Select(outer+".id AS id, -"+ix.Table+".rank AS score").
			Where(ix.Table+" MATCH ?", expr).Order(ix.Table + ".rank, " + outer + ".id DESC")
	}
	if filter != nil {
		sel = filter(sel)
	}
	err := sel.Limit(limit).Scan(&hits).Error
	return hits, err
}

// StoredWords returns the word tokens stored for the ids, by id.
func (ix Index) StoredWords(tx *gorm.DB, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	key := "rowid"
	if isMySQL(tx) {
		key = ix.Key
	}
	var rows []struct {
		ID    int64
		Words string
	}
	if err := tx.Table(ix.Table).Select(key+" AS id, words").Where(key+" IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Words
	}
	return out, nil
}

// Vector is a text's word tokens weighted 1 + ln(count), for Cosine.
type Vector map[string]float64

// VectorOf weighs a Words string.
func VectorOf(words string) Vector {
	counts := map[string]int{}
	for _, t := range strings.Fields(words) {
		counts[t]++
	}
	v := make(Vector, len(counts))
	for t, n := range counts {
		v[t] = 1 + math.Log(float64(n))
	}
	return v
}

// Cosine is the cosine similarity of two vectors, 0 to 1: the similar-letter
// search ranks the candidates of both indexes on it, since the indexes'
// own scores are not comparable between tables.
func Cosine(a, b Vector) float64 {
	var dot, na, nb float64
	for t, x := range a {
		na += x * x
		if y, ok := b[t]; ok {
			dot += x * y
		}
	}
	for _, y := range b {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// WordToken is the token the index stores for a word (for naming the words
// two texts share).
func WordToken(w string) string { return wordToken(w) }

// Tokens are the word tokens the query searches with.
func (q SimilarQuery) Tokens() []string { return q.tokens }

// BackfillBatch is how many rows one backfill transaction indexes: small, so
// the write lock (SQLite has one per database) is held only briefly and the
// requests served meanwhile do not meet "database is locked".
const BackfillBatch = 50

// Backfill calls indexMissing with BackfillBatch until it finds nothing left
// to index, and reports how many rows it indexed. Each call looks for rows
// after the last one the previous call handled (ids ascending), so the fill
// is linear: looking from the first row every time re-read every row
// already indexed, batch after batch.
func Backfill(ctx context.Context, indexMissing func(ctx context.Context, after int64, limit int) (last int64, n int, err error)) (int, error) {
	total := 0
	var after int64
	for {
		last, n, err := indexMissing(ctx, after, BackfillBatch)
		total += n
		if err != nil || n == 0 || ctx.Err() != nil {
			return total, err
		}
		after = last
	}
}
