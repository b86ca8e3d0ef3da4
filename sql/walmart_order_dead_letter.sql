-- ods.walmart_order_dead_letter: everything that could not be loaded, with the raw bytes and the
-- reason. source is "topic/partition/offset" or "file:line"; (source, record_index) is unique so a
-- replayed batch or a re-loaded file records each rejection once.
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
  PRIMARY KEY (id),
  UNIQUE KEY uq_dead_letter_source (source, record_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
