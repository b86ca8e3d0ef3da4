-- ods.walmart_return_dead_letter: every returns record that could not be loaded, with its raw
-- bytes and the reason (as walmart_order_dead_letter: source "topic/partition/offset" or
-- "file:line", record_sha256 = SHA2(payload, 256) in hex, unique (source, record_index,
-- record_sha256)). returnOrderId when it was usable; account when it is known.
CREATE TABLE IF NOT EXISTS walmart_return_dead_letter (
  id BIGINT NOT NULL AUTO_INCREMENT,
  source VARCHAR(255) NOT NULL,
  record_index INT NOT NULL DEFAULT 0,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  message_key VARBINARY(1024) NULL,
  returnOrderId VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  payload LONGBLOB NULL,
  error_class VARCHAR(32) NOT NULL,
  error_code INT NULL,
  error_message TEXT NOT NULL,
  created_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  record_sha256 CHAR(64) NULL,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_return_dead_letter_record (source, record_index, record_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
