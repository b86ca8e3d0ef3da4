#pragma once
// The /metrics and /healthz of `fetch --follow` (one account or several): FetchMetrics and
// FetchHealth, served on fetch.metrics_bind:fetch.metrics_port (0: not served) by the same
// endpoint as the stream's (metrics/server.hpp). The runners call record() when an account's
// cycle ends, from any thread.

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "metrics/server.hpp"
#include "pipeline/fetch/account_summary.hpp"
#include "pipeline/fetch/fetch_health.hpp"
#include "pipeline/fetch/fetch_metrics.hpp"

namespace etl::pipeline {

class FetchMonitor {
 public:
  // Throws EtlError(fatal) when the endpoint's address cannot be bound.
  FetchMonitor(const config::Config& cfg, const std::vector<std::string>& accounts);
  FetchMonitor(const FetchMonitor&) = delete;
  FetchMonitor& operator=(const FetchMonitor&) = delete;

  void record(const AccountOutcome& outcome);
  [[nodiscard]] FetchHealthReport health() const;
  [[nodiscard]] std::string render() const;

 private:
  FetchMetrics metrics_;
  FetchHealth health_;
  std::unique_ptr<metrics::MetricsServer> server_;  // last: stopped before what it serves
};

}  // namespace etl::pipeline
