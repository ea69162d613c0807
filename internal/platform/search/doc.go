// Package search is Jianyi's full-text index of Chinese text: the text
// search of the case list and the public feed (`?q=`) and the similar-letter
// search (类案参考) read it.
//
// Neither database segments Chinese by itself in a way that serves both
// short and long queries: SQLite's FTS5 trigram tokenizer cannot match a
// two-character word through its index (most Chinese words have two
// characters: 采砂, 燃气, 校车), and MariaDB has no ngram parser (that is
// MySQL's and TiDB's) while its InnoDB FULLTEXT ignores tokens shorter than
// innodb_ft_min_token_size (3) characters. So Jianyi tokenizes in Go, the
// same way for both databases, and stores the tokens as plain ASCII words
// that any full-text index takes unchanged:
//
//   - grams: every pair of adjacent letters or digits of a text (character
//     bigrams), each written as "q" + base-36 of the pair, in text order,
//     runs of letters separated by a break token. A query becomes one
//     phrase per run of its letters: the phrase of a run's bigrams matches
//     exactly where the run occurs as a substring (what LIKE '%…%' found),
//     through the index, for two characters or more. (On MariaDB/MySQL
//     the index is asked for the bigrams and the phrase is checked on the
//     candidates' grams: InnoDB's own phrase check costs more; see
//     Index.Match.)
//   - words: the words of a letter as internal/textseg segments them (gse,
//     the jieba dictionary), boilerplate left out, each written as "w" +
//     an FNV-64 hash. The similar-letter search asks for any of a draft's
//     words and lets the index rank by term frequency and rarity (BM25 on
//     SQLite, InnoDB's TF-IDF on MariaDB).
//
// On SQLite the tokens live in FTS5 tables (unicode61 tokenizer) keyed by
// rowid = the row's id; on MariaDB/MySQL in InnoDB tables with a FULLTEXT
// index per column. The domain packages write a row's tokens in the
// transaction that writes the row (Index.Put), so the index never lags.
package search
