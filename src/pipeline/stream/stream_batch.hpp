#pragma once
// One stream worker's pending batch of ONE data set together with that data set's MySQL writer:
// the only part of `stream` that knows which data set it consumes. The worker (worker.hpp) decides
// when to add, flush, retry, hand over and stop; the batch turns messages into that data set's
// rows and writes them with the partitions' next offsets in one transaction.
//
// Contract (every method runs on the worker's thread; nothing here is thread-safe):
//  - add(message): parses one consumed message of a partition the worker owns and keeps what it
//    must write (rows, dead letters). Messages of one partition arrive in offset order. A message
//    the data set cannot use becomes a dead letter; add() never throws for bad input.
//  - entries(): one PendingMessage per message added and not yet committed nor dropped (metrics,
//    backpressure); messages() is its size; weight() is the flush threshold's measure
//    (stream.batch_size); first_added() is when the oldest of them was added (batch_interval).
//  - empty(): nothing to write. The worker flushes only a non-empty batch.
//  - next_offsets(): per partition, the offset the next write() stores: the first offset NOT yet
//    covered by what is written. It is the batch's to compute: a data set that must see several
//    messages before it can write any of them (chunks of one report) may keep it below the last
//    added offset + 1, and may keep a partition out of it entirely. covers(p): the batch holds
//    something of partition p (a hand-over then tries to write it first).
//  - write(stored): ONE transaction: the batch's rows, dead letters and next_offsets(), each offset
//    fenced on `stored` (the next offset MySQL holds per partition as far as the worker knows;
//    absent or nullopt: no row yet; mysql/offset_fence.hpp). Returns what was written, or the
//    fenced partitions (then NOTHING was written; the worker drop_partitions() them and calls
//    write() again for the rest). Throws EtlError: retriable (rolled back; the worker retries the
//    same batch) or fatal.
//  - clear(): after a committed write: forgets what was written (entries, rows, and the offsets
//    now stored). A batch may keep state that spans batches (e.g. an incomplete assembly whose
//    messages lie at or after the partition's committed next offset): clear() keeps it.
//  - drop_partitions(ps): the partitions are taken away (revoked, lost, fenced): forget EVERYTHING
//    of them, state across batches included; they are then never written by this batch. Returns
//    how many entries were dropped.
//  - connection(): the writer's connection, opened if needed (the worker reads the erasure list on
//    it between transactions); disconnect() closes it (after an error, and when the worker ends).
//  - last_commit_in_doubt(): the last failed write lost its connection waiting for the COMMIT
//    reply (whether it was written is unknown; the retry's offset fence tells).
//  - count_accounts(metrics): after a committed write and before clear(): the per-account series
//    of what that write did.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "kafka/message.hpp"
#include "mysql/connection.hpp"
#include "mysql/offset_fence.hpp"

namespace etl::privacy {
class Redactor;
}

namespace etl::pipeline {

struct StreamMetrics;

// The literal source_file of every row the stream writes (column 9 of the data contract,
// docs/data-model.md).
inline constexpr const char* kStreamSourceFile = "kafka_stream";

// "topic/partition/offset": the dead-letter source of a Kafka record.
std::string record_source(std::string_view topic, int32_t partition, int64_t offset);

// One message of the batch, for accounting (metrics, backpressure) and for dropping partitions.
struct PendingMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // Kafka timestamp, for the produce-to-visible delay histogram
  size_t weight = 0;
  bool dead_letter = false;  // rejected by the mapping
  size_t conversion_warnings = 0;
};

// What one committed write() did, in the terms every data set shares (the stream's metrics).
struct StreamWriteResult {
  size_t records = 0;       // records written (orders, returns, ...)
  size_t rows = 0;          // rows of the data set's main table written (order lines, return lines)
  size_t charges = 0;       // charge rows written
  size_t dead_letters = 0;  // dead-letter rows written, all causes
  size_t row_errors = 0;    // records the server refused (now dead letters)
  // Non-empty: partitions whose stored offset was not the expected one; NOTHING was written.
  std::vector<mysql::FencedPartition> fenced;
  unsigned retries = 0;
};

// What a worker gives its data set's batch (the writer's settings; the message defaults).
struct StreamBatchSettings {
  config::MysqlConfig mysql;
  std::string consumer_group;
  std::string topic;
  std::string default_account;  // stream.default_account: for messages without an account header
  config::RawArchive raw_archive = config::RawArchive::compressed;
  // The field policies every message is redacted with; the worker's, outlives the batch.
  privacy::Redactor* redactor = nullptr;
};

class StreamBatch {
 public:
  StreamBatch() = default;
  virtual ~StreamBatch() = default;
  StreamBatch(const StreamBatch&) = delete;
  StreamBatch& operator=(const StreamBatch&) = delete;
  StreamBatch(StreamBatch&&) = delete;
  StreamBatch& operator=(StreamBatch&&) = delete;

  virtual void add(const kafka::Message& message) = 0;
  virtual size_t drop_partitions(const std::vector<int32_t>& partitions) = 0;

  [[nodiscard]] virtual bool empty() const = 0;
  [[nodiscard]] size_t messages() const { return entries().size(); }
  [[nodiscard]] virtual size_t weight() const = 0;
  [[nodiscard]] virtual bool covers(int32_t partition) const = 0;
  [[nodiscard]] virtual std::chrono::steady_clock::time_point first_added() const = 0;
  [[nodiscard]] virtual const std::map<int32_t, int64_t>& next_offsets() const = 0;
  [[nodiscard]] virtual const std::vector<PendingMessage>& entries() const = 0;

  virtual StreamWriteResult write(const std::map<int32_t, std::optional<int64_t>>& stored) = 0;
  virtual void clear() = 0;

  virtual mysql::Connection& connection() = 0;
  virtual void disconnect() noexcept = 0;
  [[nodiscard]] virtual bool last_commit_in_doubt() const = 0;
  virtual void count_accounts(StreamMetrics& metrics) const = 0;
};

}  // namespace etl::pipeline
