#pragma once
// Reading the stream's stored Kafka offsets: table etl_kafka_offset (sql/etl_kafka_offset.sql),
// one row per (consumer_group, topic, partition_id) holding the next offset to read. The rows are
// written by the batch writer in the same transaction as the data (exactly once into MySQL);
// this class reads them on partition assignment, and moves one past messages that no longer
// exist (retention deleted them). One OffsetStore (one connection) per thread; it reconnects by
// itself after a connection error.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mysql/connection.hpp"

namespace etl::mysql {

class OffsetStore {
 public:
  // Connects lazily on first use. Never throws here.
  explicit OffsetStore(config::MysqlConfig cfg) : cfg_(std::move(cfg)) {}

  // Stored next offsets of these partitions (absent: none stored). Values are bound, never
  // formatted into SQL. Throws EtlError (class from the server's error: retriable for a lost
  // connection, after which the next call reconnects).
  std::map<int32_t, int64_t> load(const std::string& consumer_group, const std::string& topic,
                                  const std::vector<int32_t>& partitions);

  // Moves one partition's stored offset from `expected` (absent: no row) to `next` in its own
  // transaction, fenced like a batch (mysql/offset_fence.hpp). Used to record where a partition
  // resumes after retention deleted unread messages, so the loss is reported once. Returns false,
  // changing nothing, when MySQL holds another value. Throws EtlError.
  bool advance(const std::string& consumer_group, const std::string& topic, int32_t partition,
               std::optional<int64_t> expected, int64_t next);

 private:
  config::MysqlConfig cfg_;
  std::optional<Connection> conn_;
};

}  // namespace etl::mysql
