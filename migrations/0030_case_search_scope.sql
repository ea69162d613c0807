-- Issue 18, lists within 20× of /healthz: a case search on MariaDB/MySQL
-- found a rare word's candidates in the whole province (95 rows at 10^6
-- cases) and joined each to its case to test the searcher's procuratorate
-- — a third of the statement (0.85 → 0.53 ms), most of it for rows
-- outside the scope. With the procuratorate beside the tokens the test is
-- made on the index row already read for the phrase check, and only the
-- scope's cases are joined. A case never changes procuratorate. NULL (a
-- row written by a binary from before this migration) is read as "not
-- known here": the join to cases decides, as before.
--
-- On MariaDB the ALTER copies the table and rebuilds its two FULLTEXT
-- indexes (InnoDB adds no column in place to a table with two): the whole
-- migration took 4 minutes at 10^6 cases on the 2-core benchmark machine,
-- case writes waiting meanwhile (README, MariaDB; docs/scale.md §25).
-- SQLite's FTS5 table is searched with the scope on cases, as before.
{{MYSQL}} ALTER TABLE case_search ADD COLUMN procuratorate_id BIGINT NULL;
{{MYSQL}} UPDATE case_search JOIN cases ON cases.id = case_search.case_id SET case_search.procuratorate_id = cases.procuratorate_id;
