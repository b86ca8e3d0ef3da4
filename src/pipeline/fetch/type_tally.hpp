#pragma once
// The live counters of one ship-node type during a fetch run: workers and Kafka's delivery
// reports add to them from any thread, the progress line reads them, the run copies them into
// its ShipNodeSummary at the end. One mutex: every update is a few additions.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "pipeline/fetch/stats.hpp"
#include "pipeline/fetch/window_reader.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

class TypeTally {
 public:
  static constexpr size_t kMaxErrors = 5;  // kept with their text; the rest are counted

  explicit TypeTally(std::string ship_node_type);
  TypeTally(const TypeTally&) = delete;
  TypeTally& operator=(const TypeTally&) = delete;

  [[nodiscard]] const std::string& type() const noexcept { return summary_.ship_node_type; }

  void add(const FetchCounters& delta);
  // One more of `field` (`n` more).
  void count(uint64_t FetchCounters::*field, uint64_t n = 1);
  // Keeps the first kMaxErrors errors (and counts the rest).
  void add_error(std::string message);
  // A lastModified window kept short: the watermark must not pass `window_start_ms`.
  void add_short_window(int64_t window_start_ms);
  // A window given up: counted, "window W: reason" among the errors.
  void window_failed(const walmart::OrderWindow& w, std::string_view reason);
  // What one step of a WindowReader counts: the page just answered when it is produced (with
  // its `page_orders` orders), a read again as a retry, a window done (and kept short: the
  // watermark stays at its start), split (its parts join the windows) or failed (its reason).
  void record(const walmart::OrderWindow& w, const ReadStep& step, uint64_t page_orders);

  [[nodiscard]] FetchCounters counters() const;
  [[nodiscard]] ShipNodeSummary summary() const;

  // A fatal answer for this type: its other windows are skipped.
  std::atomic<bool> failed{false};

 private:
  mutable std::mutex mutex_;
  ShipNodeSummary summary_;  // counters, short windows, errors: guarded by mutex_
  uint64_t more_errors_ = 0;
};

}  // namespace etl::pipeline
