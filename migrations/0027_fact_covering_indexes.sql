-- Issue 18, the ledger CSV at 100,000 rows/s: every batch of the ledger
-- export (and of the statistics' facts) reads the deliveries' method and the
-- filings' due date and time filed of a range of cases. On (case_id, id)
-- and (case_id) each row was found in the index and then read from the
-- table — a second lookup per row; with the columns in the index the read
-- is the index range alone, as the replies' ix_replies_facts already is.
-- The deliveries' index replaces ix_case_deliveries_case (same leading
-- columns: it serves every lookup the old one served); ux_filings_case stays
-- for its uniqueness.
CREATE INDEX ix_case_deliveries_facts ON case_deliveries (case_id, id, method);
{{SQLITE}} DROP INDEX ix_case_deliveries_case;
{{MYSQL}} DROP INDEX ix_case_deliveries_case ON case_deliveries;
CREATE INDEX ix_filings_facts ON filings (case_id, due_on, filed_at);
