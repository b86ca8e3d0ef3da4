-- ods.walmart_order_raw: the newest JSON of each order exactly as received, so every table can be
-- rebuilt without calling the API (which serves only the last 180 days).
CREATE TABLE IF NOT EXISTS walmart_order_raw (
  purchaseOrderId BIGINT NOT NULL,
  payload LONGTEXT NOT NULL,
  request_time DATETIME NULL,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  source_file VARCHAR(255) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (purchaseOrderId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
