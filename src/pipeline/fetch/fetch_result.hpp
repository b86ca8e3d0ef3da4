#pragma once
// What one fetch run of one account ends with: the numbers of every ship-node type, what Kafka
// acknowledged, the dead letters, why it stopped early; whether it is complete (the exit code) and
// the summary it prints. Plain data: the run (fetch_job.cpp) fills it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/stats.hpp"

namespace etl::pipeline {

struct FetchResult {
  std::string run_id;
  std::string account;
  std::vector<std::string> data_sets;  // "orders", "returns", ... in the order fetched
  std::string filter;                  // the orders': "created" or "lastModified"
  bool dry_run = false;
  std::vector<ShipNodeSummary> types;
  std::string kafka;  // the producers' flush summaries ("topic T: all 1200 messages acknowledged")
  uint64_t undelivered = 0;   // orders Kafka did not acknowledge (all types)
  uint64_t dead_letters = 0;  // orders too large for Kafka, kept in walmart_order_dead_letter
  std::vector<std::string> dead_letter_ids;  // the first few of them
  std::optional<std::string> aborted;        // why the run stopped early
  // What the run tells besides the table, one line each (a recon report deferred by the two-hour
  // rule, and when it is allowed).
  std::vector<std::string> notes;
  double elapsed_s = 0;

  // Appends one producer's flush summary to `kafka`.
  void add_kafka(const std::string& summary);

  [[nodiscard]] bool complete() const noexcept;
  // The orders fetched (the orders' lanes only).
  [[nodiscard]] uint64_t orders() const noexcept;
  // The counters of every lane, summed.
  [[nodiscard]] FetchCounters totals() const noexcept;
  // The counters of the lanes of one data set, summed.
  [[nodiscard]] FetchCounters totals(config::DataSet d) const noexcept;
  // The summary printed on stdout and logged: the header, the table, Kafka and the verdict.
  [[nodiscard]] std::string describe() const;
};

// The watermark a finished ship-node type stores: only with --since-last, not in a dry run, and
// only when the type is complete (every window fetched, every order acknowledged); the end of its
// range, or the start of its earliest short window (the next run reads that again).
[[nodiscard]] std::optional<int64_t> watermark_to_store(const FetchRequest& request,
                                                        const ShipNodeSummary& type) noexcept;

}  // namespace etl::pipeline
