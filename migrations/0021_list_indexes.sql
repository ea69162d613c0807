-- Issue 18, every list filter index-backed (docs/scale.md §5, §8).
--
-- The filings list of a city seeks each district's newest filings
-- (cases.ListFilings); before, it walked every filing newest first until a
-- page matched — and a procuratorate with nothing below read them all.
CREATE INDEX ix_filings_proc_id ON filings (procuratorate_id, id);
