-- ods.walmart_recon_file: one row per reconciliation (settlement) report of a seller: the report
-- date Walmart names it by, its payment period, the payout (Total Payable, currency, date) and
-- what the file declared and held. The row is also the lock under which a report date's rows in
-- walmart_recon_row are replaced: a writer takes it first, so a re-loaded (regenerated) report
-- replaces the stored one whole, never beside it.
-- csv_sha256: SHA-256 of the CSV text (the same for the same content, whatever zip it came in).
-- fetched_at: when the file was downloaded (fetch) or read (load), UTC.
CREATE TABLE IF NOT EXISTS walmart_recon_file (
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  report_date DATE NOT NULL,
  period_start DATE NOT NULL,
  period_end DATE NOT NULL,
  total_payable DECIMAL(14,2) NOT NULL,
  currency VARCHAR(10) NULL,
  payout_at DATETIME NULL,
  payout_description VARCHAR(255) NULL,
  declared_lines BIGINT NULL,
  detail_rows INT NOT NULL,
  csv_sha256 CHAR(64) NOT NULL,
  file_name VARCHAR(255) NULL,
  source VARCHAR(255) NULL,
  fetched_at DATETIME NULL,
  load_time DATETIME NULL,
  PRIMARY KEY (account, report_date),
  KEY ix_walmart_recon_file_period (account, period_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
