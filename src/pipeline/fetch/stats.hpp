#pragma once
// What a fetch run counts, per ship-node type, and how it is shown: the live counters (atomics,
// updated by workers and by Kafka delivery callbacks on any thread), the plain summary copied
// from them at the end, the final table (log and stdout) and the terminal progress line.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace etl::pipeline {

// The final numbers of one ship-node type.
struct ShipNodeSummary {
  std::string ship_node_type;
  int64_t range_start_ms = 0;
  int64_t range_end_ms = 0;
  uint64_t windows_total = 0;    // including the halves of split windows
  uint64_t windows_done = 0;     // fetched completely
  uint64_t windows_failed = 0;   // given up (errors say why)
  uint64_t windows_skipped = 0;  // never fetched because the run or this type was aborted
  uint64_t windows_split = 0;
  uint64_t windows_short = 0;  // lastModified windows kept with fewer orders than totalCount
  std::optional<int64_t> short_from_ms;  // the earliest start of those: the watermark stays there
  uint64_t pages = 0;
  uint64_t requests = 0;
  uint64_t orders_received = 0;  // as the API returned them, duplicates included
  uint64_t orders = 0;           // unique orders (produced, or counted with --dry-run)
  uint64_t duplicates = 0;       // removed by purchaseOrderId
  uint64_t retries = 0;
  uint64_t throttled = 0;  // 429 answers
  uint64_t slowdowns = 0;  // 429s that lowered the shared pace
  uint64_t token_refreshes = 0;
  uint64_t dead_lettered = 0;       // orders Kafka cannot take (too large), kept in the dead letter
  uint64_t acknowledged = 0;        // by Kafka
  uint64_t not_acknowledged = 0;    // failed or without a report at the end
  std::vector<std::string> errors;  // the first few, with context
  std::optional<int64_t> watermark_stored;  // --since-last: the new watermark

  // Every window fetched and (unless dry run) every order acknowledged.
  [[nodiscard]] bool complete(bool dry_run) const noexcept {
    return windows_failed == 0 && windows_skipped == 0 &&
           windows_done == windows_total - windows_split && (dry_run || not_acknowledged == 0);
  }
};

// The live counters of one ship-node type during a run.
class ShipNodeCounters {
 public:
  explicit ShipNodeCounters(std::string type) : type_(std::move(type)) {}
  ShipNodeCounters(const ShipNodeCounters&) = delete;
  ShipNodeCounters& operator=(const ShipNodeCounters&) = delete;

  [[nodiscard]] const std::string& type() const noexcept { return type_; }

  std::atomic<uint64_t> windows_total{0};
  std::atomic<uint64_t> windows_done{0};
  std::atomic<uint64_t> windows_failed{0};
  std::atomic<uint64_t> windows_skipped{0};
  std::atomic<uint64_t> windows_split{0};
  std::atomic<uint64_t> windows_short{0};
  std::atomic<uint64_t> pages{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> orders_received{0};
  std::atomic<uint64_t> orders{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> throttled{0};
  std::atomic<uint64_t> slowdowns{0};
  std::atomic<uint64_t> token_refreshes{0};
  std::atomic<uint64_t> dead_lettered{0};
  std::atomic<uint64_t> acknowledged{0};
  std::atomic<uint64_t> delivery_failed{0};
  std::atomic<bool> type_failed{
      false};  // a fatal answer for this type: its other windows are skipped

  // Keeps the first 5 errors (and counts the rest).
  void add_error(std::string message);
  // A lastModified window kept short: the watermark must not pass `window_start_ms`.
  void add_short_window(int64_t window_start_ms);

  [[nodiscard]] ShipNodeSummary summary() const;

 private:
  std::string type_;
  mutable std::mutex errors_mutex_;
  std::vector<std::string> errors_;
  uint64_t more_errors_ = 0;
  std::optional<int64_t> short_from_ms_;  // guarded by errors_mutex_
};

// "SellerFulfilled  windows 72/72 ..." table plus totals, one line per type.
std::string format_summary_table(const std::vector<ShipNodeSummary>& types, bool dry_run);

// "windows 12/72 | orders 3,400 | 2,100 orders/s | retries 3 | 429s 0 | ETA 0:12"
std::string format_progress(uint64_t windows_finished, uint64_t windows_total, uint64_t orders,
                            double elapsed_s, uint64_t retries, uint64_t throttled);

}  // namespace etl::pipeline
