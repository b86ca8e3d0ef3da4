-- ods.walmart_recon_dead_letter: reconciliation reports that were not written, whole: the file's
-- bytes as received (zip or CSV), which check failed and why, and the figures of a sum mismatch.
-- (account, file_sha256) is unique: the same file refused twice is one row (its latest message).
-- report_date is NULL when it could not be told (an unreadable file loaded without --report-date).
CREATE TABLE IF NOT EXISTS walmart_recon_dead_letter (
  id BIGINT NOT NULL AUTO_INCREMENT,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  report_date DATE NULL,
  source VARCHAR(255) NOT NULL,
  file_sha256 CHAR(64) NOT NULL,
  problem VARCHAR(32) NOT NULL,
  error_message TEXT NOT NULL,
  detail_sum DECIMAL(20,2) NULL,
  total_payable DECIMAL(14,2) NULL,
  period_start DATE NULL,
  period_end DATE NULL,
  payload LONGBLOB NOT NULL,
  created_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_recon_dead_letter_file (account, file_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
