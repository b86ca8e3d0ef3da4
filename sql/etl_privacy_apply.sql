-- ods.etl_privacy_apply: where `walmart-etl privacy apply` stands, one row per step (archive,
-- rows, dead_letters): the last key it converted, in the same transaction as the batch, so a run
-- stopped anywhere (even killed) continues after that key. policy_fingerprint names the policies
-- and key the run converts to (a SHA-256, never the key): a run under other policies starts from
-- the beginning. The rows are deleted when a run completes. Keys and counts only, never data.
CREATE TABLE IF NOT EXISTS etl_privacy_apply (
  step VARCHAR(32) NOT NULL,
  policy_fingerprint CHAR(64) NOT NULL,
  after_id BIGINT NULL,
  after_line INT NULL,
  done TINYINT NOT NULL DEFAULT 0,
  changed BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (step)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
