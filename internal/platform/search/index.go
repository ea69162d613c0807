package search

import (
	"context"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Index is one full-text table: its rows are keyed by the id of the row
// they index (the FTS5 rowid on SQLite, Key on MariaDB/MySQL).
type Index struct {
	Table string // case_search, disclosure_search
	Key   string // the id column on MariaDB/MySQL
	// Scope is the column beside the tokens on MariaDB/MySQL holding the
	// procuratorate the indexed row belongs to (see Within); "" when the
	// index has none.
	Scope string
}

// The indexes.
var (
	Cases       = Index{Table: "case_search", Key: "case_id", Scope: "procuratorate_id"}
	Disclosures = Index{Table: "disclosure_search", Key: "disclosure_id"}
)

// Doc is what an index holds for one row: its id, the procuratorate it
// belongs to (for an index with a Scope; 0 otherwise) and its tokens.
type Doc struct {
	ID, Scope    int64
	Grams, Words string
}

func isMySQL(tx *gorm.DB) bool { return tx.Dialector.Name() == "mysql" }

// scope is the Scope column's value: NULL (not known, see Within) for 0.
func (d Doc) scope() any {
	if d.Scope == 0 {
		return nil
	}
	return d.Scope
}

// Put writes a row's tokens (Grams and Words of its texts), replacing what
// was indexed for it before. Call it in the transaction that writes the row.
func (ix Index) Put(tx *gorm.DB, d Doc) error {
	if isMySQL(tx) {
		cols, marks, update, args := ix.mysqlRow(d)
		return tx.Exec("INSERT INTO "+ix.Table+" ("+cols+") VALUES ("+marks+") ON DUPLICATE KEY UPDATE "+update, args...).Error
	}
	if err := tx.Exec("DELETE FROM "+ix.Table+" WHERE rowid = ?", d.ID).Error; err != nil {
		return err
	}
	return ix.putMissing(tx, d)
}

// mysqlRow is d's row on MariaDB/MySQL: its columns, their placeholders,
// the assignments that replace an existing row's values, and the values.
func (ix Index) mysqlRow(d Doc) (cols, marks, update string, args []any) {
	cols, marks, update = ix.Key+", grams, words", "?, ?, ?", "grams = VALUES(grams), words = VALUES(words)"
	args = []any{d.ID, d.Grams, d.Words}
	if ix.Scope != "" {
		cols, marks, update = cols+", "+ix.Scope, marks+", ?", update+", "+ix.Scope+" = VALUES("+ix.Scope+")"
		args = append(args, d.scope())
	}
	return cols, marks, update, args
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
// "cases") to the rows containing every run of q. On SQLite it orders them
// by relevance, best first (ties are left to the caller's next ORDER BY);
// on MariaDB/MySQL it leaves the order to the caller (see mysqlMatch).
func (ix Index) Match(tx *gorm.DB, outer string, q Query) *gorm.DB {
	if isMySQL(tx) {
		return ix.mysqlMatch(tx, outer, q)
	}
	parts := make([]string, len(q.phrases))
	for i, p := range q.phrases {
		parts[i] = `"` + strings.Join(p, " ") + `"`
	}
	expr := "grams : (" + strings.Join(parts, " AND ") + ")"
	return tx.Joins("JOIN "+ix.Table+" ON "+ix.Table+".rowid = "+outer+".id").
		Where(ix.Table+" MATCH ?", expr).Order(ix.Table + ".rank")
}

// mysqlMatch asks InnoDB's FULLTEXT index for the rows holding every
// bigram of q (+g1 +g2 …) and checks on each such row that a run's bigrams
// follow one another in its grams (LOCATE of " g1 g2 "): the rows a phrase
// search (+"g1 g2") finds, for less. InnoDB checks a phrase by fetching
// each candidate row again by its document id and re-tokenizing its text,
// about 4 µs of mariadbd CPU a candidate; the join reads each candidate's
// row anyway, and LOCATE on its grams costs ~1 µs. Every candidate of the
// whole table is checked, not only the caller's scope: at 10^6 cases a
// rare word's 70–100 rows. Measured on 10^5 cases with a word put in 70
// rows (mariadbd CPU of the statement): the ids alone 0.60 → 0.33 ms, the
// cases list 0.79 → 0.60 ms; a district's name (637 rows, common bigrams)
// 41 → 19 ms.
//
// The rows come in no particular order: the caller orders them. (The
// relevance order of InnoDB was never asked for: an ORDER BY MATCH here
// was a gorm clause.Expr, which gorm's Order drops.)
func (ix Index) mysqlMatch(tx *gorm.DB, outer string, q Query) *gorm.DB {
	var terms []string
	seen := map[string]bool{}
	for _, p := range q.phrases {
		for _, g := range p {
			if !seen[g] {
				seen[g] = true
				terms = append(terms, "+"+g)
			}
		}
	}
	tx = tx.Joins("JOIN "+ix.Table+" ON "+ix.Table+"."+ix.Key+" = "+outer+".id").
		Where("MATCH("+ix.Table+".grams) AGAINST(? IN BOOLEAN MODE)", strings.Join(terms, " "))
	for _, p := range q.phrases {
		if len(p) > 1 {
			// Tokens are separated by single spaces; the spaces around
			// the run keep a token from matching the end of a longer one.
			// The needle is binary so the search compares bytes: under
			// the column's utf8mb4_unicode_ci every position of ~1.3 KB
			// of grams was a collation comparison, a seventh of the
			// statement at 10^6 (0.98 → 0.82 ms, docs/scale.md §25); the
			// tokens are ASCII, so bytes and collation agree.
			tx = tx.Where("LOCATE(CAST(? AS BINARY), CONCAT(' ', "+ix.Table+".grams, ' ')) > 0", " "+strings.Join(p, " ")+" ")
		}
	}
	return tx
}

// Within narrows a Match to the rows of one procuratorate on the index
// row itself, before each candidate is joined to the row it indexes: on
// MariaDB/MySQL a rare word's candidates are the whole province's, and
// joining each to its case to test the scope was a third of the search
// (0.85 → 0.53 ms at 10^6, docs/scale.md §25). A row whose scope is not
// known (NULL: written before the column existed) is kept for the caller's
// own scope to decide. It narrows nothing the caller's scope would not:
// callers add it only beside a condition that the outer row belongs to
// procuratorate. On SQLite, and for an index without a Scope, it changes
// nothing.
func (ix Index) Within(tx *gorm.DB, procuratorate int64) *gorm.DB {
	if !isMySQL(tx) || ix.Scope == "" {
		return tx
	}
	col := ix.Table + "." + ix.Scope
	return tx.Where("("+col+" = ? OR "+col+" IS NULL)", procuratorate)
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
// indexed table aliased outer) lets through. It searches with the query's
// most selective words (Selective), not all of them.
//
// The rows filter lets through are read as a list of ids (from an index of
// the outer table) that each match is checked against, rather than by
// joining every match to its row: on SQLite a match's case row is a page
// read, and a draft's words match tens of thousands of letters of which
// the caller may see a few hundred.
func (ix Index) Similar(tx *gorm.DB, outer string, q SimilarQuery, limit int, filter func(*gorm.DB) *gorm.DB) ([]Hit, error) {
	var hits []Hit
	if q.Empty() {
		return hits, nil
	}
	tokens, err := ix.Selective(tx, q)
	if err != nil {
		return nil, err
	}
	allowed := tx.Table(outer).Select(outer + ".id")
	if filter != nil {
		allowed = filter(allowed)
	}
	var sel *gorm.DB
	if isMySQL(tx) {
		expr := strings.Join(tokens, " ")
		sel = tx.Table(ix.Table).Select(ix.Key+" AS id, MATCH(words) AGAINST(? IN NATURAL LANGUAGE MODE) AS score", expr).
			Where("MATCH(words) AGAINST(? IN NATURAL LANGUAGE MODE)", expr).Where(ix.Key+" IN (?)", allowed).
			Order("score DESC, " + ix.Key + " DESC")
	} else {
		// The unary + keeps SQLite from handing the id list to FTS5 as rowid
		// lookups (one seek per id and word); it checks each match instead.
		expr := "words : (" + strings.Join(tokens, " OR ") + ")"
		sel = tx.Table(ix.Table).Select("rowid AS id, -rank AS score").
			Where(ix.Table+" MATCH ?", expr).Where("+rowid IN (?)", allowed).Order("rank, rowid DESC")
	}
	err = sel.Limit(limit).Scan(&hits).Error
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

// The similar search asks the index for the letters sharing the draft's
// words. A word most letters use (整改, 监管 in a corpus of one field)
// makes the database rank nearly every letter — at 10^5 letters that is
// most of the search's time — and says little about which letter is alike.
// So the query keeps the words that occur in less than maxDocShare of the
// indexed rows, at most maxSelectiveTerms of them, the rarest first (with
// at least minSelectiveTerms, the rarest, whatever their share); the
// candidates are then ranked by all the words (Cosine).
const (
	maxSelectiveTerms = 10
	minSelectiveTerms = 4
	maxDocShare       = 0.03
	// docFreqTTL is how long a word's count of rows is kept: the counts
	// only choose the words to ask with, so an hour-old count serves.
	docFreqTTL = time.Hour
	// docFreqMax bounds the words kept (about 100 bytes each).
	docFreqMax = 200000
)

// docFreqs caches how many rows of each index hold a word.
var docFreqs = struct {
	sync.Mutex
	m map[docFreqKey]docFreq
}{m: map[docFreqKey]docFreq{}}

// docFreqKey names a count: the database (its gorm configuration, one per
// opened database), the index and the token.
type docFreqKey struct {
	db    *gorm.Config
	table string
	token string
}

type docFreq struct {
	n  int64
	at time.Time
}

// Selective picks the query's words to search with: the rare ones (see
// maxDocShare), the rarest first.
func (ix Index) Selective(tx *gorm.DB, q SimilarQuery) ([]string, error) {
	if len(q.tokens) <= minSelectiveTerms {
		return q.tokens, nil
	}
	total, err := ix.docFreq(tx, "", 0)
	if err != nil {
		return nil, err
	}
	// A word in more rows than this is common; its count needs to go no
	// further (counting is reading the word's list of rows).
	common := int64(maxDocShare*float64(total)) + 1
	type term struct {
		token string
		n     int64
	}
	terms := make([]term, len(q.tokens))
	for i, t := range q.tokens {
		n, err := ix.docFreq(tx, t, common)
		if err != nil {
			return nil, err
		}
		terms[i] = term{t, n}
	}
	sort.SliceStable(terms, func(i, j int) bool { return terms[i].n < terms[j].n })
	var out []string
	found := 0
	for _, t := range terms {
		if t.n == 0 {
			// No row held it when counted: asking costs nothing, and a letter
			// issued since may hold it.
			out = append(out, t.token)
			continue
		}
		if found >= maxSelectiveTerms || (found >= minSelectiveTerms && t.n >= common) {
			break
		}
		out = append(out, t.token)
		found++
	}
	return out, nil
}

// docFreq is the number of rows holding token ("": all rows), up to limit
// (0: no limit), from the cache or counted by the index.
func (ix Index) docFreq(tx *gorm.DB, token string, limit int64) (int64, error) {
	key := docFreqKey{tx.Config, ix.Table, token}
	now := time.Now()
	docFreqs.Lock()
	e, ok := docFreqs.m[key]
	docFreqs.Unlock()
	if ok && now.Sub(e.at) < docFreqTTL {
		return e.n, nil
	}
	var n int64
	q := tx.Table(ix.Table)
	switch {
	case token == "" && !isMySQL(tx):
		q = tx.Table(ix.Table + "_docsize") // FTS5's own list of its rows, one small row each
	case token == "":
	case isMySQL(tx):
		q = q.Where("MATCH(words) AGAINST(? IN BOOLEAN MODE)", "+"+token)
	default:
		q = q.Where(ix.Table+" MATCH ?", "words : "+token)
	}
	if limit > 0 {
		q = tx.Table("(?) AS t", q.Select("1").Limit(int(limit)))
	}
	if err := q.Count(&n).Error; err != nil {
		return 0, err
	}
	docFreqs.Lock()
	if len(docFreqs.m) >= docFreqMax {
		docFreqs.m = map[docFreqKey]docFreq{}
	}
	docFreqs.m[key] = docFreq{n, now}
	docFreqs.Unlock()
	return n, nil
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

// compactStepPages is how many pages of merged segments one step of Compact
// writes: at 10^6 cases a step held SQLite's write lock for 20–340 ms.
const compactStepPages = 200

// Compact merges an index's segments into one, on SQLite, in short steps,
// each its own write transaction (withTx), so writers between them wait for
// one step at most; it reports the steps that wrote. FTS5 adds a segment
// for each transaction that writes tokens and merges them by levels; a
// search seeks each term in every segment. At 10^6 cases the indexes filled
// by the start-up backfill had 12 and 13 segments: the seeks were a quarter
// of the public search's CPU, and merged into one its CPU a request fell
// from 1.41 to 0.75–0.89 ms (docs/scale.md §25). Merging every segment
// rewrites the whole index (cases 29 s, disclosures 5 s at 10^6), so it runs
// after a start-up backfill that wrote tokens and nightly (search_compact), not
// after every write. MariaDB/MySQL: nothing to do (InnoDB's OPTIMIZE TABLE
// left the FULLTEXT index's query cost unchanged, measured).
func (ix Index) Compact(ctx context.Context, withTx func(ctx context.Context, fn func(tx *gorm.DB) error) error) (int, error) {
	steps := 0
	for ctx.Err() == nil {
		var wrote int64
		err := withTx(ctx, func(tx *gorm.DB) error {
			wrote = 0
			if isMySQL(tx) {
				return nil
			}
			var before, after int64
			if err := tx.Raw("SELECT total_changes()").Scan(&before).Error; err != nil {
				return err
			}
			// A negative page count merges segments of every level, down
			// to one (FTS5's 'merge' command).
			if err := tx.Exec("INSERT INTO "+ix.Table+" ("+ix.Table+", rank) VALUES ('merge', ?)", -compactStepPages).Error; err != nil {
				return err
			}
			if err := tx.Raw("SELECT total_changes()").Scan(&after).Error; err != nil {
				return err
			}
			wrote = after - before
			return nil
		})
		if err != nil {
			return steps, err
		}
		// FTS5 writes fewer than two rows when there was nothing to merge.
		if wrote < 2 {
			return steps, nil
		}
		steps++
	}
	return steps, ctx.Err()
}

// Segments is how many segments the index has on SQLite (0 on
// MariaDB/MySQL), for tests and diagnosis.
func (ix Index) Segments(tx *gorm.DB) (int, error) {
	if isMySQL(tx) {
		return 0, nil
	}
	var n int
	err := tx.Raw("SELECT COUNT(DISTINCT segid) FROM " + ix.Table + "_idx").Scan(&n).Error
	return n, err
}

// BackfillBatch is how many rows one backfill round reads, tokenizes and
// writes. The tokens (segmenting is the costly part, a few milliseconds a
// letter) are made outside any transaction, on every core; the transaction
// that writes them holds SQLite's write lock (one per database) only for the
// inserts, briefly, so requests served meanwhile do not meet "database is
// locked".
const BackfillBatch = 200

// Pending is a row missing from an index, with the procuratorate it
// belongs to (for an index with a Scope) and the function that makes its
// tokens (grams, words).
type Pending struct {
	ID, Scope int64
	Tokens    func() (grams, words string)
}

// Backfill writes the tokens of the rows missing from the index and reports
// how many it wrote. missing(ctx, after, limit) returns up to limit rows
// without tokens whose id is above after, in id order; the rows are walked
// by id, so each round reads only rows not looked at yet (not the whole
// table again from the start). withTx runs one write transaction.
func (ix Index) Backfill(ctx context.Context, withTx func(ctx context.Context, fn func(tx *gorm.DB) error) error,
	missing func(ctx context.Context, after int64, limit int) ([]Pending, error)) (int, error) {
	total := 0
	var after int64
	for ctx.Err() == nil {
		list, err := missing(ctx, after, BackfillBatch)
		if err != nil || len(list) == 0 {
			return total, err
		}
		type doc struct{ grams, words string }
		docs := make([]doc, len(list))
		var wg sync.WaitGroup
		next := make(chan int)
		for range max(1, runtime.GOMAXPROCS(0)) {
			wg.Go(func() {
				for i := range next {
					docs[i].grams, docs[i].words = list[i].Tokens()
				}
			})
		}
		for i := range list {
			next <- i
		}
		close(next)
		wg.Wait()
		written := 0
		err = withTx(ctx, func(tx *gorm.DB) error {
			written = 0 // a retried transaction starts over
			have, err := ix.present(tx, list)
			if err != nil {
				return err
			}
			for i, p := range list {
				if have[p.ID] {
					continue
				}
				if err := ix.putMissing(tx, Doc{ID: p.ID, Scope: p.Scope, Grams: docs[i].grams, Words: docs[i].words}); err != nil {
					return err
				}
				written++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += written
		after = list[len(list)-1].ID
	}
	return total, ctx.Err()
}

// present reports which of the rows already have tokens: the transaction
// that wrote them meanwhile (an issue, a re-issue) wrote the newer ones.
func (ix Index) present(tx *gorm.DB, list []Pending) (map[int64]bool, error) {
	ids := make([]int64, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	key := "rowid"
	if isMySQL(tx) {
		key = ix.Key
	}
	var have []int64
	if err := tx.Table(ix.Table).Where(key+" IN ?", ids).Pluck(key, &have).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(have))
	for _, id := range have {
		out[id] = true
	}
	return out, nil
}

// putMissing writes the tokens of a row that has none (present said so, in
// the same transaction). On SQLite it is a plain one-row INSERT: a statement
// that could write several rows, or read the index (INSERT … SELECT … WHERE
// NOT EXISTS), opens a savepoint on the FTS5 table, and FTS5 writes its
// pending terms out as a new segment at every savepoint — a segment per row,
// merged again and again, which made filling 10^6 rows take hours.
func (ix Index) putMissing(tx *gorm.DB, d Doc) error {
	if isMySQL(tx) {
		cols, marks, _, args := ix.mysqlRow(d)
		return tx.Exec("INSERT IGNORE INTO "+ix.Table+" ("+cols+") VALUES ("+marks+")", args...).Error
	}
	return tx.Exec("INSERT INTO "+ix.Table+" (rowid, grams, words) VALUES (?, ?, ?)", d.ID, d.Grams, d.Words).Error
}
