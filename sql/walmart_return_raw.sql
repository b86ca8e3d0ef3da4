-- ods.walmart_return_raw: the newest JSON of each return order exactly as received (the other
-- returns tables can be rebuilt from it), compressed or plain as walmart_order_raw (payload_zlib
-- in COMPRESS() format, or payload), readable through the view walmart_return_raw_json. Its row
-- is also the return's claim: account (the seller) and the version written (last_event_at,
-- request_time), which an older version never replaces.
CREATE TABLE IF NOT EXISTS walmart_return_raw (
  returnOrderId VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  payload LONGTEXT NULL,
  payload_zlib LONGBLOB NULL,
  last_event_at DATETIME(3) NULL,
  request_time DATETIME NULL,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  source_file VARCHAR(255) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (returnOrderId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
