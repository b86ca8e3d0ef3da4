-- ods.etl_fetch_watermark: where `fetch --since-last` resumes, per account and ship-node type.
-- Moved only after Kafka acknowledged every order of the window. account compares byte for byte
-- (utf8mb4_bin, as in every table): 'Muller' and 'muller' are two accounts, and so are two names
-- that differ only by an accent.
CREATE TABLE IF NOT EXISTS etl_fetch_watermark (
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  ship_node_type VARCHAR(50) NOT NULL,
  watermark_ms BIGINT NOT NULL,
  run_id VARCHAR(64) NULL,
  updated_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (account, ship_node_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
