-- ods.etl_kafka_offset: the next offset to read per consumer group and partition, written in the
-- same transaction as the rows (exactly once into MySQL). The stream seeks here on assignment.
CREATE TABLE IF NOT EXISTS etl_kafka_offset (
  consumer_group VARCHAR(255) NOT NULL,
  topic VARCHAR(249) NOT NULL,
  partition_id INT NOT NULL,
  next_offset BIGINT NOT NULL,
  updated_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (consumer_group, topic, partition_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
