#pragma once
// The stream's metrics (names documented in the README, section `stream`). Every metric is a
// member so that the workers and the poll loop update them without lookups; the registry renders
// them for /metrics. One StreamMetrics per stream run.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "metrics/bounded_labels.hpp"
#include "metrics/registry.hpp"
#include "mysql/batch_writer.hpp"
#include "mysql/write_batch.hpp"

namespace etl::pipeline {

// Reason classes of dead letters (label `reason` of walmart_etl_stream_dead_letters_total).
inline constexpr const char* kDeadLetterMapping = "bad_record";  // the mapping rejected the message
inline constexpr const char* kDeadLetterRowError =
    "mysql_row_error";  // MySQL refused one of its rows

// The `account` label of the per-account series: the account names of the configuration
// (walmart_token.accounts, stream.default_account) and the first kMaxUnseenAccounts other names
// the `account` headers bring get their own series; any further name is counted under
// kOtherAccount, a record without an account (a dead letter) under kNoAccount.
inline constexpr size_t kMaxUnseenAccounts = 100;
inline constexpr const char* kOtherAccount = "(other)";
inline constexpr const char* kNoAccount = "(none)";

// The account names of the configuration: walmart_token.accounts and stream.default_account.
std::vector<std::string> configured_accounts(const config::Config& cfg);

// What the data set-specific series are called (stream_data_set.cpp): the orders stream's names
// are the defaults; `stream --data returns` counts returns and return lines.
struct StreamMetricNames {
  std::string records = "orders";  // walmart_etl_stream_<records>_total, _account_<records>_total
  std::string records_help = "Orders written (walmart_order_raw upserts)";
  std::string rows_help = "walmart_order rows written";
  std::string charges_help = "walmart_order_charge rows written";
  std::string dead_letter_table = "walmart_order_dead_letter";
};

struct StreamMetrics {
  explicit StreamMetrics(const StreamMetricNames& names = {});
  StreamMetrics(const StreamMetrics&) = delete;
  StreamMetrics& operator=(const StreamMetrics&) = delete;

  const StreamMetricNames names;
  metrics::Registry registry;

  metrics::Counter& messages;                       // messages consumed (written or dead-lettered)
  metrics::Counter& orders;                         // orders written (walmart_order_raw upserts)
  metrics::Counter& rows;                           // walmart_order rows written
  metrics::Counter& charges;                        // walmart_order_charge rows written
  metrics::Family<metrics::Counter>& dead_letters;  // {reason}
  metrics::Counter& conversion_warnings;
  metrics::Counter& batches;                  // MySQL transactions committed
  metrics::Histogram& batch_rows;             // rows per committed batch
  metrics::Histogram& batch_seconds;          // write latency of a committed batch (all attempts)
  metrics::Histogram& visible_delay_seconds;  // Kafka message timestamp -> committed in MySQL
  metrics::Counter& mysql_retries;            // failed attempts that were retried
  metrics::Counter& fenced;  // partitions found written by another consumer (offset fence)
  metrics::Family<metrics::Gauge>& lag;  // {topic, partition}: high watermark - next offset written
  metrics::Family<metrics::Counter>&
      lost_to_retention;  // {topic, partition}: messages deleted before being read
  metrics::Gauge& assigned_partitions;
  metrics::Gauge& paused_partitions;
  metrics::Gauge& pending_messages;  // consumed, not yet written (all workers)
  metrics::Gauge& healthy;           // 1 healthy, 0 not (see /healthz for the reason)
  metrics::Family<metrics::Counter>& account_orders;        // {account}: orders written
  metrics::Family<metrics::Counter>& account_rows;          // {account}: walmart_order rows
  metrics::Family<metrics::Counter>& account_dead_letters;  // {account}: dead letters
  metrics::BoundedLabels account_labels{kMaxUnseenAccounts, kOtherAccount};

  // The accounts of the configuration: their series exist from the start (at 0).
  void add_known_accounts(const std::vector<std::string>& accounts);
  // The per-account series of a committed batch (`r` is what the writer did with `batch`): the
  // last version of each order not refused is written, its lines are the rows.
  void count_accounts(const mysql::WriteBatch& batch, const mysql::WriteResult& r);
  // The per-account series of a committed batch of any data set: per record written, its account
  // and its rows; per dead letter, its account (nullopt: none could be told).
  void count_account_records(
      const std::vector<std::pair<std::optional<std::string>, size_t>>& records,
      const std::vector<std::optional<std::string>>& dead_letters);

  [[nodiscard]] uint64_t dead_letters_total() const;
  [[nodiscard]] uint64_t lost_total() const;
};

}  // namespace etl::pipeline
