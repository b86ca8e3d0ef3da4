#pragma once
// The MySQL sink of the returns data set: writes a ReturnBatch (returns, dead letters, Kafka
// offsets) in ONE transaction. One ReturnWriter (one connection) per thread.
//
// What write() guarantees:
//  - A newer version of a return replaces the older in every table: walmart_return,
//    walmart_return_line, walmart_return_charge and walmart_return_tracking rows of the return are
//    replaced as a set, walmart_return_raw is replaced. "Newer" is decided by the version
//    (last_event_at: the newest instant anywhere in the return; then request_time: when fetch read
//    it); a version older than the stored one is not written (WriteResult::stale) — so a replayed
//    old file or message never undoes a later status. An equal version is written again (a replay
//    changes nothing but load_time). Within a batch the newest version of each id is written, the
//    later one on a tie; the others are superseded.
//  - The return's walmart_return_raw row is its claim: it is locked first (inserted bare when the
//    id is new), then read. A return stored under another account is not written: it goes to the
//    dead letter naming both accounts (as orders do: ids are marketplace-wide).
//  - Offsets are fenced per (consumer_group, topic, partition) (offset_fence.hpp) as the first
//    statements; if any partition holds an unexpected value, nothing is written and `fenced`
//    names the partitions.
//  - Dead letters are idempotent on (source, record_index, SHA-256 of the payload).
//  - Nothing is half-written: one transaction, rolled back on any error. A value the server
//    refuses (a row-level data error) sends that return alone to the dead letter (savepoints);
//    the rest is written. Retriable errors: rollback, backoff, reconnect, retry up to
//    max_retries, then EtlError(retriable). Fatal errors: EtlError(fatal), nothing written.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mysql/connection.hpp"
#include "mysql/offset_fence.hpp"
#include "mysql/return_batch.hpp"

namespace etl::mysql {

struct ReturnWriterOptions {
  int max_retries = 3;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  // walmart_return_raw: compressed (payload_zlib), plain (payload) or off (the row keeps only
  // the claim: account and version).
  config::RawArchive raw_archive = config::RawArchive::compressed;
  // Test hook, called before each attempt's COMMIT with the attempt number (0-based).
  std::function<void(int attempt)> before_commit;
};

struct ReturnWriteResult {
  size_t returns = 0;       // returns written
  size_t lines = 0;         // walmart_return_line rows written
  size_t charges = 0;       // walmart_return_charge rows written
  size_t events = 0;        // walmart_return_tracking rows written
  size_t superseded = 0;    // older versions of a return in the same batch, not written
  size_t stale = 0;         // versions older than the stored one, not written
  size_t conflicts = 0;     // returns stored under another account (now dead letters)
  size_t refused = 0;       // returns the server refused (now dead letters)
  size_t dead_letters = 0;  // dead-letter rows written, all causes
  size_t offsets = 0;
  std::vector<FencedPartition> fenced;  // non-empty: NOTHING of the batch was written
  unsigned retries = 0;
};

class ReturnWriter {
 public:
  // Connects (throws EtlError: access denied is fatal, connection refused retriable).
  ReturnWriter(config::MysqlConfig cfg, ReturnWriterOptions options);
  ~ReturnWriter();
  ReturnWriter(const ReturnWriter&) = delete;
  ReturnWriter& operator=(const ReturnWriter&) = delete;

  ReturnWriteResult write(const ReturnBatch& batch);

  // The writer's connection (reconnected after failures). Throws EtlError if it cannot connect.
  Connection& connection();

 private:
  struct Tables;
  void connect();
  ReturnWriteResult attempt(const ReturnBatch& batch, const std::vector<size_t>& sorted,
                            int attempt_no);

  config::MysqlConfig cfg_;
  ReturnWriterOptions options_;
  std::optional<Connection> conn_;
  std::unique_ptr<Tables> tables_;  // statements of conn_ (they close before it)
};

}  // namespace etl::mysql
