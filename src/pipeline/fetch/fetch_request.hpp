#pragma once
// What one `walmart-etl fetch` is asked to do: the data sets (--data), the range (--start/--end,
// --last-hours, --since-last), the ship-node types, the account and the dry-run / progress
// switches. Plain data
// and its validation: no threads, no I/O, nothing of the job that carries it out.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/data_set.hpp"

namespace etl::pipeline {

enum class FetchMode { date_range, last_hours, since_last };

struct FetchRequest {
  std::vector<config::DataSet> data_sets;  // --data; empty: fetch.data
  std::vector<std::string> report_dates;   // --report-date (recon): days asked for again
  FetchMode mode = FetchMode::date_range;
  std::optional<int64_t> start_day_ms;       // --start: 00:00:00 UTC of that day
  std::optional<int64_t> end_day_ms;         // --end: 00:00:00 UTC of the last day (inclusive)
  int last_hours = 0;                        // --last-hours
  std::string account;                       // --account; empty: the default account
  std::vector<std::string> ship_node_types;  // --ship-node-type; empty: fetch.ship_node_types
  bool dry_run = false;                      // fetch and count, produce nothing, move no watermark
  bool progress = false;                     // a live progress line on stderr
};

// Checks the combination of options; throws ConfigError (exit 2) naming the problem.
void validate_fetch_request(const FetchRequest& request);

// The ship-node types a run fetches: the request's, else the configured ones; each once, in the
// order first named.
[[nodiscard]] std::vector<std::string> ship_node_types_to_fetch(
    const FetchRequest& request, const std::vector<std::string>& configured);

// The data sets a run fetches: the request's, else the configured ones (names as fetch.data holds
// them); each once, in the order first named. Throws ConfigError for a name that is no data set.
[[nodiscard]] std::vector<config::DataSet> data_sets_to_fetch(
    const FetchRequest& request, const std::vector<std::string>& configured);

}  // namespace etl::pipeline
