#pragma once
// What a fetch run counts and how it is shown. One counters type, FetchCounters, for everything a
// run counts (the cost of one request, one step of a window, a ship-node type, a run, several
// accounts) with one sum (+=); ShipNodeSummary is a ship-node type's counters with its range,
// errors and watermark; the final table (log and stdout) and the terminal progress line. Plain
// data: the live, thread-safe counting is TypeTally's (type_tally.hpp).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/data_set.hpp"
#include "walmart/request_counters.hpp"

namespace etl::pipeline {

// The requests' part (requests, retries, throttled, slowdowns, token_refreshes) is counted by
// walmart::OrdersClient::get_page straight into a FetchCounters.
struct FetchCounters : walmart::RequestCounters {
  uint64_t windows_total = 0;    // including the parts of split windows
  uint64_t windows_done = 0;     // fetched completely
  uint64_t windows_failed = 0;   // given up (errors say why)
  uint64_t windows_skipped = 0;  // never fetched because the run or this type was aborted
  uint64_t windows_split = 0;
  uint64_t windows_short = 0;  // lastModified windows kept with fewer orders than totalCount
  uint64_t pages = 0;
  uint64_t orders_received = 0;  // as the API returned them, duplicates included
  uint64_t orders = 0;           // unique orders (produced, or counted with --dry-run)
  uint64_t duplicates = 0;       // removed by purchaseOrderId
  uint64_t dead_lettered = 0;    // orders Kafka cannot take (too large), kept in the dead letter
  uint64_t acknowledged = 0;     // by Kafka

  // Every field, once: the sum below adds exactly these (a unit test checks none is missing).
  static const std::array<uint64_t FetchCounters::*, 17> kFields;

  FetchCounters& operator+=(const FetchCounters& other) noexcept;

  // The windows planned: the parts of a split window replace it.
  [[nodiscard]] uint64_t windows_planned() const noexcept { return windows_total - windows_split; }
  // The windows that will not be asked again: done, failed or skipped.
  [[nodiscard]] uint64_t windows_finished() const noexcept {
    return windows_done + windows_failed + windows_skipped;
  }
  // Orders produced that Kafka neither acknowledged nor handed to the dead letter.
  [[nodiscard]] uint64_t not_acknowledged() const noexcept {
    const uint64_t kept = acknowledged + dead_lettered;
    return orders > kept ? orders - kept : 0;
  }
};

// The sum of any list of counters (ship-node types, runs).
template <typename Range>
[[nodiscard]] FetchCounters sum_counters(const Range& items) noexcept {
  FetchCounters total;
  for (const auto& item : items) total += item;
  return total;
}

// The final numbers of one lane of a run: a ship-node type of the orders, or another data set
// (its counters count its records - return orders for returns - where they say "orders").
struct ShipNodeSummary : FetchCounters {
  config::DataSet data_set = config::DataSet::orders;
  std::string ship_node_type;  // orders; empty for the other data sets
  int64_t range_start_ms = 0;
  int64_t range_end_ms = 0;
  std::optional<int64_t> short_from_ms;     // the earliest start of the short windows
  std::vector<std::string> errors;          // the first few, with context
  std::optional<int64_t> watermark_stored;  // --since-last: the new watermark

  // The lane's name in the summary and logs: the ship-node type, or the data set.
  [[nodiscard]] std::string label() const {
    return data_set == config::DataSet::orders ? ship_node_type
                                               : std::string(config::to_string(data_set));
  }

  // Every window fetched and (unless dry run) every order acknowledged.
  [[nodiscard]] bool complete(bool dry_run) const noexcept {
    return windows_failed == 0 && windows_skipped == 0 && windows_done == windows_planned() &&
           (dry_run || not_acknowledged() == 0);
  }
};

// "SellerFulfilled  windows 72/72 ..." table plus totals, one line per type.
std::string format_summary_table(const std::vector<ShipNodeSummary>& types, bool dry_run);

// "windows 12/72 | orders 3,400 | 2,100 orders/s | retries 3 | 429s 0 | ETA 0:12"
std::string format_progress(const FetchCounters& totals, double elapsed_s);

}  // namespace etl::pipeline
