-- ods.walmart_order_dead_letter: everything that could not be loaded, with the raw bytes and the
-- reason. source is "topic/partition/offset" or "file:line"; record_sha256 is SHA2(payload, 256)
-- in hex. (source, record_index, record_sha256) is unique: a replayed batch or a re-loaded file
-- records each rejection once, while a different record from a source name seen before (every
-- `load -` is "stdin", files of one name in different folders, a re-created topic's offsets) gets
-- a row of its own instead of replacing the earlier one. account: the seller, when the record said
-- (a message's account header, load --account); NULL when it is not known.
CREATE TABLE IF NOT EXISTS walmart_order_dead_letter (
  id BIGINT NOT NULL AUTO_INCREMENT,
  source VARCHAR(255) NOT NULL,
  record_index INT NOT NULL DEFAULT 0,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  message_key VARBINARY(1024) NULL,
  purchaseOrderId BIGINT NULL,
  payload LONGBLOB NULL,
  error_class VARCHAR(32) NOT NULL,
  error_code INT NULL,
  error_message TEXT NOT NULL,
  created_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  record_sha256 CHAR(64) NULL,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_dead_letter_record (source, record_index, record_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
