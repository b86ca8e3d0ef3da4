-- ods.etl_recon_fetch: the reconciliation reports fetch has downloaded, per account and report
-- date (as the API names it: "MMDDYYYY"), and when it last did. It tells which report dates are
-- still to fetch, and keeps Walmart's rule of at most one download of a report per two hours
-- across runs and processes (recon/download_ledger.hpp).
CREATE TABLE IF NOT EXISTS etl_recon_fetch (
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  report_date VARCHAR(16) NOT NULL,
  last_download_ms BIGINT NOT NULL,
  updated_at DATETIME NULL,
  PRIMARY KEY (account, report_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
