-- ods.walmart_order_raw: the newest JSON of each order exactly as received, so every table can be
-- rebuilt without calling the API (which serves only the last 180 days). One of two columns holds
-- it, by stream.raw_archive / load --raw-archive: payload_zlib (compressed, the default) in the
-- format MySQL's and MariaDB's COMPRESS() write (4-byte little-endian length, then a zlib stream),
-- which their UNCOMPRESS() reads; or payload (plain). The view walmart_order_raw_json (created by
-- init-db) shows the JSON either way: SELECT payload FROM walmart_order_raw_json. account: the
-- seller the order belongs to, as in walmart_order.
CREATE TABLE IF NOT EXISTS walmart_order_raw (
  purchaseOrderId BIGINT NOT NULL,
  payload LONGTEXT NULL,
  request_time DATETIME NULL,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  source_file VARCHAR(255) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  payload_zlib LONGBLOB NULL,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (purchaseOrderId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
