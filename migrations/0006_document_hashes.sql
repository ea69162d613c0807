-- Verifying a copy of a generated document looks its SHA-256 up among the
-- stored files (documents frozen at issuance and other generated PDFs).
CREATE INDEX ix_stored_files_sha256 ON stored_files (sha256);
