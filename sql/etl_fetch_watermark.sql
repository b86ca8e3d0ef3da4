-- ods.etl_fetch_watermark: where `fetch --since-last` resumes, per account, data set and
-- ship-node type (data_set: orders, returns or recon; ship_node_type: the orders' type, '' for the
-- other data sets). Moved only after Kafka acknowledged every record of the range. account compares
-- byte for byte (utf8mb4_bin, as in every table): 'Muller' and 'muller' are two accounts, and so
-- are two names that differ only by an accent. data_set defaults to 'orders': the rows of an
-- earlier version (before data sets) are the orders' (`init-db --migrate` adds the column).
CREATE TABLE IF NOT EXISTS etl_fetch_watermark (
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  data_set VARCHAR(20) NOT NULL DEFAULT 'orders',
  ship_node_type VARCHAR(50) NOT NULL,
  watermark_ms BIGINT NOT NULL,
  run_id VARCHAR(64) NULL,
  updated_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (account, data_set, ship_node_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
