#pragma once
// `fetch --data recon` for one account: its settlement (reconciliation) reports -> Kafka
// (kafka.recon_topic), in the message format of recon/report_message.hpp.
//
// One run:
//  1. lists the account's report dates (availableReconFiles) and reads the dates it has fetched
//     (etl_recon_fetch); plan_recon_dates (recon_plan.hpp) picks every listed date without a row
//     and every day asked for again (--report-date);
//  2. downloads each (walmart::ReconClient: the shared request loop on the recon family's own
//     rate limiter). A date downloaded less than two hours ago is not asked for: it is reported
//     `deferred`, with the time it is allowed again; that is no failure;
//  3. cuts the zip into chunks that fit one Kafka message (recon_chunk_bytes) and produces every
//     chunk, key "account|YYYY-MM-DD", with the chunk headers;
//  4. waits for every chunk's delivery report, and only when Kafka acknowledged all of them
//     records the date (and the download's time) in etl_recon_fetch. A chunk not delivered leaves
//     the date unrecorded, so the next run downloads and sends it again — whatever the two-hour
//     rule says, since nothing recorded the download; a report sent twice is harmless (the stream
//     replaces a report date's rows).
// Dates are handled one at a time, oldest first; a failed date does not stop the others.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/fetch/stats.hpp"
#include "walmart/request_counters.hpp"

namespace etl::walmart {
class TokenProvider;
class ServerClock;
}  // namespace etl::walmart

namespace etl::pipeline {

struct ReconFetchRequest {
  std::string account;                    // a configured account (resolved by the caller)
  std::vector<std::string> report_dates;  // days "YYYY-MM-DD" asked for again
  std::string run_id;                     // names the run in logs
  // List and plan only: nothing is downloaded (a download would spend the date's two hours
  // without sending the report), produced or recorded.
  bool dry_run = false;
};

struct ReconFetchCounters {
  uint64_t listed = 0;           // report dates the API listed
  uint64_t already_fetched = 0;  // listed and recorded before, not asked for again
  uint64_t to_fetch = 0;         // dates planned (new, and asked for again)
  uint64_t downloaded = 0;
  uint64_t deferred = 0;     // under two hours since the last download: not asked for
  uint64_t not_found = 0;    // the API has no report for the date
  uint64_t missing = 0;      // of not_found: dates asked for by name (an error)
  uint64_t failed = 0;       // download failed, or a chunk was not delivered, or not recorded
  uint64_t undelivered = 0;  // of failed: reports with a chunk Kafka did not acknowledge
  uint64_t sent = 0;         // reports Kafka acknowledged entirely, and recorded
  uint64_t chunks = 0;       // chunks acknowledged
  uint64_t bytes = 0;        // of the reports sent
  walmart::RequestCounters requests;
};

struct ReconDateOutcome {
  enum class Kind { sent, deferred, not_found, failed };
  std::string day;  // "YYYY-MM-DD"
  Kind kind = Kind::failed;
  uint32_t chunks = 0;
  uint64_t bytes = 0;
  int64_t deferred_until_ms = 0;  // kind deferred
  std::string problem;            // kind failed / not_found
};

struct ReconFetchResult {
  std::string account;
  ReconFetchCounters counters;
  std::vector<ReconDateOutcome> dates;  // every date tried, in order
  std::vector<std::string> errors;      // what makes the run incomplete
  [[nodiscard]] bool complete() const noexcept { return errors.empty(); }
  // "recon brand-us: 5 listed, 3 fetched before; 2 sent (3 chunks, 41 KB), 1 deferred until ..."
  [[nodiscard]] std::string summary() const;
};

// The run as one lane of fetch's summary (stats.hpp): a report date planned counts as a window, a
// report downloaded as a page, a report produced as an order (acknowledged: every chunk was).
ShipNodeSummary recon_lane(const ReconFetchResult& r, bool dry_run);

// Runs one account's recon fetch with `cfg` (its fetch.requests_per_minute already the account's:
// config_for_account). `tokens` and `clock`: the account's, shared with its other data sets in
// one run; when null, the run makes its own. Throws EtlError for what stops it before any date:
// credentials refused, etl_recon_fetch missing, the recon topic unavailable. A listing that fails
// is an error of the result (nothing was downloaded).
ReconFetchResult run_recon_fetch(const config::Config& cfg, const ReconFetchRequest& request,
                                 walmart::TokenProvider* tokens = nullptr,
                                 walmart::ServerClock* clock = nullptr);

}  // namespace etl::pipeline
