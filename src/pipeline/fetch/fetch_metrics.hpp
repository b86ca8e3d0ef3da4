#pragma once
// The metrics of `fetch --follow` (names documented in the README, section `fetch`), one series
// per account. The accounts are those of the command line or configuration, so their number is
// bounded by the configuration; each account's series exist from the start (at 0), so a rate or
// an alert sees an account that never succeeds. Updated when an account's cycle ends, from its
// result.

#include <string>
#include <vector>

#include "metrics/registry.hpp"
#include "pipeline/fetch/account_summary.hpp"

namespace etl::pipeline {

struct FetchMetrics {
  explicit FetchMetrics(const std::vector<std::string>& names);  // the accounts
  FetchMetrics(const FetchMetrics&) = delete;
  FetchMetrics& operator=(const FetchMetrics&) = delete;

  metrics::Registry registry;

  metrics::Family<metrics::Gauge>& last_success;    // {account}: epoch s of the last complete cycle
  metrics::Family<metrics::Counter>& cycles;        // {account}: cycles ended, complete or not
  metrics::Family<metrics::Counter>& failures;      // {account}: cycles that did not complete
  metrics::Family<metrics::Counter>& orders;        // {account}: orders produced to Kafka
  metrics::Family<metrics::Counter>& requests;      // {account}: orders API requests
  metrics::Family<metrics::Counter>& throttled;     // {account}: 429 answers
  metrics::Family<metrics::Counter>& dead_letters;  // {account}: orders too large for Kafka
  metrics::Family<metrics::Counter>& records;       // {account, data_set}: produced to Kafka
  metrics::Gauge& accounts;                         // accounts this process fetches
  metrics::Gauge& healthy;                          // 1 when /healthz answers 200

  // One account's cycle ended (`now_epoch_s`: when).
  void record(const AccountOutcome& outcome, double now_epoch_s);
};

}  // namespace etl::pipeline
